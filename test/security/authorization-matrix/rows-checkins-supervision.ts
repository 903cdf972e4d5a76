/** Authorisation-matrix rows: check-ins and supervision. */
import assert from 'node:assert/strict';
import { ESCALATION_REFUSED } from '../../../src/features/supervision/escalation-actions.js';
import { cardTexts, firstCard, TENANT } from '../../e2e/harness.js';
import {
  ROLES,
  type Row,
  leads,
  supervisorOrLeads,
  pid,
  studentTarget,
  cohortA,
  exec,
  isCard,
  texts,
  checkinAnswers,
  lastPersonalReply,
} from './kit.js';

export const checkinsSupervisionRows: Row[] = [
  // ---------------------------------------------------------------- check-ins
  {
    action: 'checkin.submit.self',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    // Each person submits a week 2 check-in of their own; it is stored only for a student.
    probe: async (w, role) => {
      await exec(w, role, 'checkin.submit', checkinAnswers(2));
      return (await w.e2e.services.checkins.repo.get(TENANT, pid(w, role), 2)) !== null;
    },
  },
  {
    action: 'checkin.view',
    target: studentTarget,
    allow: supervisorOrLeads,
    probe: async (w, role) =>
      isCard(await exec(w, role, 'checkin.view', { studentId: w.studentId, week: 1 })),
  },
  {
    action: 'checkin.comment',
    target: studentTarget,
    allow: supervisorOrLeads,
    probe: async (w, role) => {
      await exec(w, role, 'checkin.comment', {
        studentId: w.studentId,
        week: 1,
        comment: `A comment from ${role}`,
      });
      const checkin = await w.e2e.services.checkins.repo.get(TENANT, w.studentId, 1);
      return checkin!.comments.some((c) => c.authorId === pid(w, role));
    },
  },
  {
    action: 'checkin.countersign',
    target: studentTarget,
    allow: ['supervisorOfStudent'],
    probe: async (w, role) => {
      await exec(w, role, 'checkin.countersign', { studentId: w.studentId, week: 1 });
      const checkin = await w.e2e.services.checkins.repo.get(TENANT, w.studentId, 1);
      return checkin!.countersignedBy === pid(w, role);
    },
  },
  {
    action: 'checkin.nudge',
    target: studentTarget,
    allow: ['supervisorOfStudent'],
    // Week 1 is checked in, so an allowed press answers with the card ("nothing to nudge");
    // anyone else gets the refusal as text and nothing is queued.
    probe: async (w, role) => {
      const answer = await exec(w, role, 'checkin.nudge', { studentId: w.studentId, week: 1 });
      return isCard(answer) && texts(answer).some((t) => t.includes('There is nothing to nudge'));
    },
  },
  {
    action: 'checkin.pause',
    target: studentTarget,
    allow: supervisorOrLeads,
    // A one-day pause after the placement (so it changes no other row), a different day each.
    probe: async (w, role) => {
      const day = `2025-04-${String(10 + ROLES.indexOf(role)).padStart(2, '0')}`;
      await exec(w, role, 'checkin.pause.add', {
        studentId: w.studentId,
        from: day,
        to: day,
        reason: 'sickness',
      });
      const pauses = await w.e2e.services.checkins.repo.pausesOf(TENANT, w.studentId);
      return pauses.some((p) => p.from === day);
    },
  },
  {
    action: 'checkin.cohort.status',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'cohort status');
      return replies.some((a) => cardTexts(firstCard(a)).some((t) => t.includes('Matrix cohort A')));
    },
  },

  // ---------------------------------------------------------------- supervision
  {
    action: 'supervision.session.record',
    target: studentTarget,
    allow: ['supervisorOfStudent'],
    // Each person records a session with the student from the session card; stored only for
    // the student's supervisor.
    probe: async (w, role) => {
      await exec(w, role, 'supervision.session.record', {
        requestId: `matrix-${role}`,
        attendees: w.studentId,
        date: '2025-02-06',
        minutes: '45',
        kind: 'individual',
        notes: `Notes by ${role}`,
      });
      const sessions = await w.e2e.services.supervision.repo.sessionsOf(TENANT, w.studentId);
      return sessions.some((s) => s.recordedBy === pid(w, role) && s.notes === `Notes by ${role}`);
    },
  },
  {
    action: 'supervision.action.update',
    // The action is the student's, agreed in a session their supervisor recorded.
    target: (w) => ({ ...studentTarget(w), personId: w.studentId }),
    allow: ['student', 'supervisorOfStudent'],
    probe: async (w, role) => {
      await exec(w, role, 'supervision.action.update', {
        actionId: w.actionId,
        update: 'not-yet',
        due: '2025-02-13',
        from: 'digest',
      });
      const action = await w.e2e.services.supervision.repo.actionById(TENANT, w.actionId);
      return action!.lastUpdateBy === pid(w, role);
    },
  },
  {
    action: 'supervision.action.comment',
    // A comment on how an agreed action is going is its owner's (their supervisor is told).
    target: (w) => ({ ...studentTarget(w), personId: w.studentId }),
    allow: ['student'],
    probe: async (w, role) => {
      await exec(w, role, 'supervision.action.comment', {
        actionId: w.actionId,
        comment: `A comment from ${role}`,
      });
      const action = await w.e2e.services.supervision.repo.actionById(TENANT, w.actionId);
      return (action!.comments ?? []).some((c) => c.authorId === pid(w, role));
    },
  },
  {
    action: 'supervision.students.view',
    target: (w, role) => ({ personId: w.principals[role]?._id }),
    allow: ['supervisorOfStudent', 'otherSupervisor'],
    // Each supervisor sees their own students only (the other supervisor: Other Student).
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'my students');
      const texts = replies.flatMap((a) => cardTexts(firstCard(a)));
      const own = role === 'otherSupervisor' ? '**Other Student**' : `**${w.users.student.name}**`;
      return texts.includes('My students') && texts.includes(own);
    },
  },
  {
    action: 'supervision.escalation.receive',
    target: cohortA,
    // The card is sent by the escalation job (test/e2e/supervision.e2e.test.ts: to exactly the
    // cohort's lead); its buttons (escalation.view, .pause, .handle) check this action. Everyone
    // presses Pause check-ins (it changes nothing) and the card's refresh.
    allow: leads,
    probe: async (w, role) => {
      const data = { escalationId: w.escalationId };
      const view = await exec(w, role, 'escalation.view', data);
      const pause = await exec(w, role, 'escalation.pause', data);
      const paused = pause === 'The pause form is below, with the student chosen.';
      assert.equal(isCard(view), paused, `${role}: view and pause agree`);
      if (!paused && role !== 'unknown') assert.equal(pause, ESCALATION_REFUSED);
      return isCard(view);
    },
  },
];
