/**
 * The authorisation matrix: every action × every role, with the expected allow/deny.
 * Each row is checked twice: against the pure policy (src/domain/authorization.ts), and,
 * where the action is reachable, through the real service over HTTP as that person (a
 * probe that reports what actually happened: a stored document, a card that only an
 * allowed person gets). Adding an action to the policy without a row here fails the first
 * test. Set-up writes go straight to the repositories; the action under test always goes
 * over HTTP (a message or an Action.Execute invoke, as Teams sends them).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UNKNOWN_PERSON_MESSAGE } from '../../src/bot/application.js';
import { ACTIONS, can, type Action, type Target } from '../../src/domain/authorization.js';
import { CURRENT_HCPC_CATALOGUE } from '../../src/domain/hcpc-standards.js';
import { eventId as eventDocId } from '../../src/features/events/events-repository.js';
import { FILE_DOWNLOAD_INFO } from '../../src/features/lead-workspace/teams-file.js';
import { draftId, reflectionId } from '../../src/features/reflections/reflections-repository.js';
import { ESCALATION_REFUSED } from '../../src/features/supervision/escalation-actions.js';
import { escalationId } from '../../src/features/supervision/supervision-repository.js';
import { journeyShareId } from '../../src/features/reflections/reflections-repository.js';
import { concernId as concernDocId } from '../../src/features/concerns/concerns-repository.js';
import { CONCERN_REFUSED } from '../../src/features/concerns/respond-to-concern.js';
import { collections } from '../../src/storage/collections.js';
import { tenantDocId } from '../../src/storage/documents.js';
import type { PersonDoc, Role } from '../../src/storage/people-repository.js';
import {
  asCard,
  cardTexts,
  E2E,
  firstCard,
  TENANT,
  type InvokeReply,
  type TestUser,
} from '../e2e/harness.js';
import { bookingDoc } from '../helpers/world.js';

const ROLES = [
  'student',
  'supervisorOfStudent',
  'otherSupervisor',
  'ahpHost',
  'leadOfCohort',
  'leadOfOtherCohort',
  'admin',
  'unknown',
] as const;
type RoleName = (typeof ROLES)[number];

interface World {
  e2e: E2E;
  users: Record<RoleName, TestUser>;
  principals: Record<RoleName, PersonDoc | null>;
  cohortA: string;
  cohortB: string;
  studentId: string;
  supervisorIds: string[];
  /** The AHP host's directory entry (ahp_hosts._id) and free slots students can book. */
  hostDocId: string;
  freeSlots: { _id: string; startsAt: Date }[];
  /** The student's reflections: one private, one shared with their supervisor. */
  privateReflectionId: string;
  sharedReflectionId: string;
  /** An open survey run for cohort A. */
  surveyRunId: string;
  /** A sent announcement to cohort A (acknowledgement required) and who it was sent to. */
  announcementId: string;
  audienceIds: string[];
  /** A booking that took place, for the student's note. */
  pastBookingId: string;
  /** A project in cohort A: the student and their supervisor, presentation held an hour ago. */
  projectId: string;
  /** Invited to the presentation: the supervisor, the AHP host and the student. */
  presentationAudience: string[];
  /** A student of cohort A on no project (for project.create probes). */
  spareStudentId: string;
  /** An action the student agreed in a session their supervisor recorded. */
  actionId: string;
  /** An escalation episode about the student (missed check-ins), sent to cohort A's lead. */
  escalationId: string;
  /** The student's teammate on the matrix project, and their reflection shared with the project team. */
  teammateId: string;
  peerReflectionId: string;
  /** A reflective-workshop prompt posted to cohort A. */
  workshopId: string;
  /** A placement event for cohort A (the student invited), and one that has started. */
  eventId: string;
  startedEventId: string;
  /** An anonymous concern the student raised, sent to cohort A's lead and the trust's FTSU guardian. */
  concernId: string;
}

interface Row {
  action: Action;
  target: (w: World, role: RoleName) => Target;
  allow: RoleName[];
  /** What actually happens over HTTP: true if the action went through. */
  probe?: (w: World, role: RoleName) => Promise<boolean>;
}

const CHANNEL = '19:matrix-a@thread.tacv2';
const everyoneKnown: RoleName[] = ROLES.filter((r) => r !== 'unknown');
const leads: RoleName[] = ['leadOfCohort', 'admin'];
const supervisorOrLeads: RoleName[] = ['supervisorOfStudent', 'leadOfCohort', 'admin'];
const MINUTE = 60_000;

/** The person's id, or one nobody has (the unknown caller). */
const pid = (w: World, role: RoleName) => w.principals[role]?._id ?? 'nobody';
/** What the student's action is about: them, their supervisors, their cohort. */
const studentTarget = (w: World): Target => ({
  studentId: w.studentId,
  supervisorIds: w.supervisorIds,
  cohortId: w.cohortA,
});
const cohortA = (w: World): Target => ({ cohortId: w.cohortA });
/** The matrix project: the student, their supervisor as its supervisor, cohort A. */
const projectTarget = (w: World): Target => ({
  cohortId: w.cohortA,
  projectStudentIds: [w.studentId],
  projectSupervisorIds: w.supervisorIds,
});

/** An Action.Execute invoke as that person; the invoke response's value (a card or a message). */
async function exec(
  w: World,
  role: RoleName,
  verb: string,
  data: Record<string, unknown>,
): Promise<InvokeReply['value']> {
  const res = await w.e2e.post(w.e2e.execute(w.users[role], verb, data));
  assert.equal(res.status, 200, `${verb} as ${role}: ${JSON.stringify(res.body)}`);
  return res.body?.value;
}

/** The matrix concern's receivers (people ids), as stored. */
const concernReceivers = (w: World) => matrixConcernReceivers.get(w.concernId) ?? [];
const matrixConcernReceivers = new Map<string, string[]>();

const isCard = (value: unknown) => !!value && typeof value === 'object';
const texts = (value: unknown) => (isCard(value) ? cardTexts(value) : [String(value)]);

function openUrls(card: InvokeReply['value'] | undefined): string[] {
  const actions = card && typeof card === 'object' ? (card.actions ?? []) : [];
  return (actions as { type: string; url: string }[])
    .filter((a) => a.type === 'Action.OpenUrl')
    .map((a) => a.url);
}

/** Opens a link from a card on the test server (cards carry PUBLIC_BASE_URL). */
async function open(w: World, url: string): Promise<number> {
  const res = await fetch(`${w.e2e.baseUrl}${new URL(url).pathname}${new URL(url).search}`);
  await res.text();
  return res.status;
}

const checkinAnswers = (week: number) => ({
  week,
  wellbeing: '4',
  progress: 'Audit baseline collected.',
  leadership: '',
  wentWell: 'Good huddle.',
  hard: '',
  topics: '',
  conf_leadership: '3',
  'conf_time-management': '3',
  'conf_interprofessional-collaboration': '3',
  'conf_professional-behaviours': '3',
  conf_communication: '3',
});

const announcementInput = (w: World, when: 'now' | 'later') => ({
  cohortId: w.cohortA,
  title: 'Room change for Thursday',
  body: 'Group supervision moves to room 4.',
  linkUrl: '',
  imageUrl: '',
  importance: 'normal',
  ackRequired: 'true',
  target: 'members',
  when,
  sendDate: when === 'later' ? '2025-02-12' : '',
  sendTime: when === 'later' ? '09:00' : '',
});

/** A new announcement by the cohort's lead: a draft to send later, or already sent. */
async function announcement(w: World, mode: 'draft' | 'sent'): Promise<string> {
  const service = w.e2e.services.announcements;
  const lead = w.principals.leadOfCohort!;
  const preview = await service.preview(
    TENANT,
    lead,
    announcementInput(w, mode === 'draft' ? 'later' : 'now'),
    {
      channelId: null,
    },
  );
  const id = asCard(preview).actions[0].data.announcementId as string;
  if (mode === 'sent') await service.send(TENANT, lead, { announcementId: id });
  return id;
}

/** A booking of the student with the AHP host, starting `fromNow` ms from the test clock's now. */
async function booking(w: World, fromNow: number): Promise<string> {
  const now = w.e2e.clock.now();
  const doc = bookingDoc(
    TENANT,
    {
      hostId: w.hostDocId,
      hostPersonId: w.principals.ahpHost!._id,
      studentId: w.studentId,
      cohortId: w.cohortA,
      startsAt: new Date(now.getTime() + fromNow),
      profession: 'dietetics',
      roleType: 'research',
      weekKey: '2025-W07',
    },
    now,
  );
  await w.e2e.services.conversations.repo.insertBooking(TENANT, doc);
  return doc._id;
}

/** The event card's fields for cohort A (a fresh request id creates a new event). */
const eventInput = (w: World, requestId: string) => ({
  requestId,
  cohortId: w.cohortA,
  title: 'Careers expo',
  kind: 'careers-expo',
  date: '2025-02-20',
  startTime: '13:00',
  endTime: '16:00',
  location: 'Education Centre',
  onlineLink: '',
  description: '',
  nonPlacement: 'false',
});

async function lastPersonalReply(w: World, role: RoleName, text: string) {
  const u = w.users[role];
  const before = w.e2e.connector.delivered(`a:personal-${u.id}`).length;
  await w.e2e.post(w.e2e.message(u, text));
  return w.e2e.connector
    .delivered(`a:personal-${u.id}`)
    .slice(before)
    .map((c) => c.activity!);
}

async function dashboard(w: World, role: RoleName, path: string): Promise<number> {
  const email = w.users[role].email!;
  const t = await fetch(`${w.e2e.baseUrl}/api/dashboard/dev-token?as=${encodeURIComponent(email)}`);
  if (t.status !== 200) return t.status;
  const { token } = (await t.json()) as { token: string };
  const res = await fetch(`${w.e2e.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  await res.text();
  return res.status;
}

const rows: Row[] = [
  {
    action: 'help.show',
    target: () => ({}),
    allow: everyoneKnown,
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'help');
      return replies.some((a) => cardTexts(firstCard(a)).some((t) => t.startsWith('Welcome')));
    },
  },
  {
    action: 'cohort.link',
    target: (w) => ({ cohortId: w.cohortA }),
    allow: ['leadOfCohort', 'admin'],
    probe: async (w, role) => {
      const { cohorts } = w.e2e.services;
      await w.e2e.services.database.db
        .collection(collections.cohorts.name)
        .updateOne({ _id: w.cohortA } as never, { $set: { teamsChannelId: null } });
      cohorts.forget(TENANT, w.cohortA);
      const conversation = { id: `${CHANNEL};messageid=1`, conversationType: 'channel', isGroup: true };
      await w.e2e.post(
        w.e2e.execute(w.users[role], 'cohort.link', { cohortId: w.cohortA }, conversation, {
          channel: { id: CHANNEL },
          team: { id: '19:team' },
        }),
      );
      return (await cohorts.byId(TENANT, w.cohortA))?.teamsChannelId === CHANNEL;
    },
  },
  {
    action: 'data.export.self',
    target: (w, role) => ({ personId: w.principals[role]?._id }),
    allow: everyoneKnown,
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'export my data');
      if (replies.some((a) => a.text === UNKNOWN_PERSON_MESSAGE)) return false;
      const card = firstCard(replies.at(-1));
      const url = card?.actions?.[0]?.url as string | undefined;
      if (!url) return false;
      const res = await fetch(`${w.e2e.baseUrl}${new URL(url).pathname}`);
      const body = (await res.json()) as { personId?: string };
      return res.status === 200 && body.personId === w.principals[role]?._id;
    },
  },
  {
    action: 'data.erase.self',
    target: (w, role) => ({ personId: w.principals[role]?._id }),
    allow: everyoneKnown,
    // Offered to everyone known (erasure itself: test/security/data-protection.test.ts).
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'delete my data');
      return replies.some((a) => cardTexts(firstCard(a)).includes('Delete all your data?'));
    },
  },
  // The admin CLI has no chat surface: whoever runs it has database access, i.e. an admin.
  { action: 'data.export.person', target: () => ({}), allow: ['admin'] },
  { action: 'data.erase.person', target: () => ({}), allow: ['admin'] },
  { action: 'roster.admin', target: () => ({}), allow: ['admin'] },
  {
    action: 'cohort.dashboard.view',
    target: (w) => ({ cohortId: w.cohortA }),
    allow: ['leadOfCohort', 'admin'],
    // The overview and who is behind its low-wellbeing flags: one rule for both.
    probe: async (w, role) => {
      const q = `?cohortId=${encodeURIComponent(w.cohortA)}`;
      const overview = (await dashboard(w, role, `/api/dashboard/lead/overview${q}`)) === 200;
      const who = (await dashboard(w, role, `/api/dashboard/lead/wellbeing${q}`)) === 200;
      assert.equal(who, overview, `${role}: /lead/wellbeing and /lead/overview disagree`);
      return overview;
    },
  },
  {
    action: 'student.dashboard.supervise',
    target: (w) => ({ studentId: w.studentId, supervisorIds: w.supervisorIds, cohortId: w.cohortA }),
    allow: ['supervisorOfStudent'],
    probe: async (w, role) =>
      (await dashboard(w, role, `/api/dashboard/supervisor/students/${encodeURIComponent(w.studentId)}`)) ===
      200,
  },
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

  // ---------------------------------------------------------------- reflections
  {
    action: 'reflection.write.self',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    probe: async (w, role) => {
      const flowId = `matrix-flow-${role}`;
      await exec(w, role, 'reflection.start', { flowId, model: 'gibbs', topic: 'other' });
      return (
        (await w.e2e.services.reflections.repo.draft(TENANT, draftId(TENANT, pid(w, role), flowId))) !== null
      );
    },
  },
  {
    action: 'reflection.manage.self',
    target: (w) => ({ studentId: w.studentId }),
    allow: ['student'],
    // Everyone tries to share the student's private reflection.
    probe: async (w, role) => {
      const repo = w.e2e.services.reflections.repo;
      await repo.updateReflection(
        TENANT,
        w.privateReflectionId,
        { shared: false, sharedAt: null },
        new Date(),
      );
      await exec(w, role, 'reflection.share', { reflectionId: w.privateReflectionId, share: 'true' });
      return (await repo.reflection(TENANT, w.privateReflectionId))!.shared;
    },
  },
  {
    action: 'reflection.shared.view',
    target: (w) => ({ ...studentTarget(w), shared: true }),
    allow: ['supervisorOfStudent'],
    // The supervisor's view of a shared reflection (the author's own view has no byline).
    probe: async (w, role) =>
      texts(await exec(w, role, 'reflection.view', { reflectionId: w.sharedReflectionId })).some((t) =>
        t.includes('Shared by Matrix student'),
      ),
  },
  {
    action: 'reflection.feedback',
    target: (w) => ({ ...studentTarget(w), shared: true }),
    allow: ['supervisorOfStudent'],
    probe: async (w, role) => {
      await exec(w, role, 'reflection.feedback', {
        reflectionId: w.sharedReflectionId,
        nonce: `matrix-${role}`,
        feedback: 'Thoughtful: link it to SOP 9 next time.',
      });
      const feedback = await w.e2e.services.reflections.repo.feedbackOn(TENANT, [w.sharedReflectionId]);
      return feedback.some((f) => f.supervisorId === pid(w, role));
    },
  },
  {
    action: 'journey.export.self',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'export my journey');
      const url = openUrls(firstCard(replies.at(-1)))[0];
      return !!url && (await open(w, url)) === 200;
    },
  },
  {
    action: 'journey.export.supervised',
    target: studentTarget,
    allow: ['supervisorOfStudent'],
    // Only the supervisor's export ("…'s shared reflections"); the student's own is journey.export.self.
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, `export journey ${w.users.student.email}`);
      const card = firstCard(replies.at(-1));
      const url = openUrls(card)[0];
      return (
        cardTexts(card).some((t) => t.includes('shared reflections')) && !!url && (await open(w, url)) === 200
      );
    },
  },
  {
    action: 'journey.share',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    probe: async (w, role) => {
      const nonce = `matrix-share-${role}`;
      await exec(w, role, 'journey.share', { nonce, assessorEmail: 'assessor.matrix@uni.example.ac.uk' });
      const share = await w.e2e.services.reflections.repo.journeyShare(
        TENANT,
        journeyShareId(TENANT, pid(w, role), nonce),
      );
      return share !== null;
    },
  },
  {
    action: 'journey.share.revoke',
    // The share is the student's own: only they may stop it.
    target: (w) => ({ studentId: w.studentId }),
    allow: ['student'],
    probe: async (w, role) => {
      const now = w.e2e.clock.now();
      const { share } = await w.e2e.services.reflections.repo.insertJourneyShare(TENANT, {
        _id: journeyShareId(TENANT, w.studentId, `matrix-revoke-${role}`),
        studentId: w.studentId,
        assessorEmail: 'assessor.matrix@uni.example.ac.uk',
        assessorName: null,
        assessorId: null,
        includeCheckins: false,
        expiresAt: new Date(now.getTime() + 14 * 24 * 60 * MINUTE),
        revokedAt: null,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      await exec(w, role, 'journey.share.revoke', { shareId: share._id });
      return (await w.e2e.services.reflections.repo.journeyShare(TENANT, share._id))?.revokedAt != null;
    },
  },
  {
    action: 'reflection.prompts.configure',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const time = `18:${String(ROLES.indexOf(role)).padStart(2, '0')}`;
      await exec(w, role, 'reflection.schedule', { cohortId: w.cohortA, after: 'off', time });
      return (await w.e2e.services.reflections.repo.schedule(TENANT, w.cohortA))?.time === time;
    },
  },

  // ---------------------------------------------------------------- 20-minute conversations
  {
    action: 'conversation.book',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    // Each person tries a different free slot, so a refusal is never "just taken".
    probe: async (w, role) => {
      const slot = w.freeSlots[ROLES.indexOf(role)]!;
      await exec(w, role, 'conv.book', {
        slotId: slot._id,
        hostId: w.hostDocId,
        startsAt: slot.startsAt.toISOString(),
      });
      const bookings = await w.e2e.services.conversations.repo.byStudent(TENANT, pid(w, role));
      return bookings.some((b) => b.slotId === slot._id && b.state === 'booked');
    },
  },
  {
    action: 'conversation.booking.change',
    target: (w) => ({ studentId: w.studentId, hostId: w.principals.ahpHost!._id, cohortId: w.cohortA }),
    allow: ['student', 'ahpHost'],
    // Cancelling (moving is the same check) a fresh booking of tomorrow each time.
    probe: async (w, role) => {
      const id = await booking(w, 24 * 60 * MINUTE);
      await exec(w, role, 'conv.cancel', { bookingId: id });
      return (await w.e2e.services.conversations.repo.bookingById(TENANT, id))!.state === 'cancelled';
    },
  },
  {
    action: 'conversation.outcome.record',
    target: (w) => ({ studentId: w.studentId, hostId: w.principals.ahpHost!._id, cohortId: w.cohortA }),
    allow: ['ahpHost'],
    probe: async (w, role) => {
      const id = await booking(w, -60 * MINUTE);
      await exec(w, role, 'conv.held', { bookingId: id, rating: '5' });
      return (await w.e2e.services.conversations.repo.bookingById(TENANT, id))!.state === 'held';
    },
  },
  {
    action: 'conversation.note',
    target: (w) => ({ studentId: w.studentId, hostId: w.principals.ahpHost!._id, cohortId: w.cohortA }),
    allow: ['student'],
    probe: async (w, role) => {
      const note = `Learnt how the dietetics team audits, noted by ${role}.`;
      await exec(w, role, 'conv.note.save', { bookingId: w.pastBookingId, note });
      return (await w.e2e.services.conversations.repo.bookingById(TENANT, w.pastBookingId))!.note === note;
    },
  },
  {
    action: 'conversation.host.offer',
    target: (w, role) => ({ hostId: w.principals[role]?._id }),
    allow: ['ahpHost'],
    probe: async (w, role) => {
      const pubDate = `2025-03-${String(3 + ROLES.indexOf(role)).padStart(2, '0')}`;
      await exec(w, role, 'conv.slots.publish', {
        pubDate,
        pubTime: '11:00',
        pubCount: '1',
        pubBuffer: '0',
        pubWeeks: '1',
      });
      const slots = w.e2e.services.database.db.collection(collections.conversationSlots.name);
      return (
        (await slots.countDocuments({ tenantId: TENANT, hostPersonId: pid(w, role) })) > 0 &&
        (await slots.countDocuments({
          tenantId: TENANT,
          hostPersonId: pid(w, role),
          startsAt: new Date(`${pubDate}T11:00:00Z`),
        })) === 1
      );
    },
  },
  {
    action: 'conversation.cohort.report',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'conversations report');
      return replies.some((a) => cardTexts(firstCard(a)).includes('Matrix cohort A'));
    },
  },

  // ---------------------------------------------------------------- surveys
  {
    action: 'survey.respond',
    target: cohortA,
    allow: ['student'],
    probe: async (w, role) => {
      await exec(w, role, 'survey.submit', {
        surveyRunId: w.surveyRunId,
        'week-rating': '4',
        workload: 'about-right',
        supported: '5',
      });
      const { surveys } = w.e2e.services;
      return (
        (await surveys.repo.responseById(TENANT, surveys.responseId(TENANT, w.surveyRunId, pid(w, role)))) !==
        null
      );
    },
  },
  {
    action: 'survey.run.manage',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const requestId = `matrix-run-${role}`;
      await exec(w, role, 'survey.schedule', {
        requestId,
        definitionId: 'weekly-pulse',
        cohortId: w.cohortA,
        opensOn: '2025-02-17',
        opensWeek: 'date',
        closesOn: '2025-02-21',
        anonymous: 'true',
        remind: 'false',
      });
      const scheduled =
        (await w.e2e.services.surveys.repo.runById(TENANT, tenantDocId(TENANT, 'srun', requestId))) !== null;
      // Writing a survey of one's own (`survey.template.save`, kept for the whole tenant): anyone
      // who runs surveys for some cohort (a lead of any cohort, an admin).
      const title = `Matrix own survey ${role}`;
      await exec(w, role, 'survey.template.save', { title, questions: 'scale: How was it?' });
      const saved = (await w.e2e.services.surveys.repo.templatesOf(TENANT)).some(
        (t) => t.definition.title === title,
      );
      assert.equal(
        saved,
        ['leadOfCohort', 'leadOfOtherCohort', 'admin'].includes(role),
        `survey.template.save as ${role}`,
      );
      return scheduled;
    },
  },
  {
    action: 'survey.results.view',
    target: cohortA,
    allow: leads,
    // The results card, and the CSV link's own check: they must agree.
    probe: async (w, role) => {
      const card = await exec(w, role, 'survey.results', { surveyRunId: w.surveyRunId });
      const shown = isCard(card) && cardTexts(card).includes('Weekly pulse');
      const token = w.e2e.services.surveys.exportToken(TENANT, pid(w, role), w.surveyRunId, {});
      const res = await fetch(`${w.e2e.baseUrl}/surveys/export?token=${encodeURIComponent(token)}`);
      await res.text();
      // 409: allowed, but fewer responses than the minimum group size.
      assert.equal(res.status !== 403, shown, `CSV export for ${role}: ${res.status}`);
      return shown;
    },
  },
  {
    action: 'survey.run.close',
    target: cohortA,
    allow: leads,
    // Each role tries to cancel a run of cohort A of its own (scheduled for it here).
    probe: async (w, role) => {
      const { surveys } = w.e2e.services;
      const { run } = await surveys.scheduleRun(TENANT, w.principals.admin!, {
        requestId: `matrix-close-${role}`,
        definitionId: 'weekly-pulse',
        cohortId: w.cohortA,
        opensOn: '2025-03-03',
        closesOn: '2025-03-07',
        anonymous: true,
        remind: false,
      });
      await exec(w, role, 'survey.cancel', { surveyRunId: run._id, confirm: 'yes' });
      return surveys.status((await surveys.repo.runById(TENANT, run._id))!) === 'cancelled';
    },
  },
  {
    action: 'survey.comments.review',
    target: cohortA,
    allow: leads,
    // The private card of comments held back from the shared results.
    probe: async (w, role) =>
      texts(await exec(w, role, 'survey.comments', { surveyRunId: w.surveyRunId })).some((t) =>
        t.startsWith('Held-back comments: '),
      ),
  },
  {
    action: 'survey.insight.view',
    target: cohortA,
    allow: leads,
    probe: async (w, role) =>
      texts(await exec(w, role, 'survey.insight', {})).some((t) => t.includes('Matrix cohort A')),
  },

  {
    action: 'survey.insight.compare',
    // Cohort A vs cohort B: only someone who leads both (here: the admin; a lead of both is
    // checked in 'leads of several cohorts' below).
    target: (w) => ({ cohortIds: [w.cohortA, w.cohortB] }),
    allow: ['admin'],
    probe: async (w, role) =>
      texts(await exec(w, role, 'survey.compare', { cohortIds: `${w.cohortA},${w.cohortB}` })).includes(
        'Confidence: Matrix cohort B vs Matrix cohort A',
      ),
  },

  // ---------------------------------------------------------------- announcements
  {
    action: 'announcement.compose',
    target: cohortA,
    allow: leads,
    // The preview stores a draft by its author for the chosen cohort.
    probe: async (w, role) => {
      await exec(w, role, 'announcement.preview', announcementInput(w, 'now'));
      const drafts = w.e2e.services.database.db.collection(collections.announcements.name);
      return (
        (await drafts.countDocuments({
          tenantId: TENANT,
          authorId: pid(w, role),
          cohortId: w.cohortA,
          state: 'draft',
        })) > 0
      );
    },
  },
  {
    action: 'announcement.send',
    target: cohortA,
    allow: leads,
    // A fresh draft (to send tomorrow) each time: "Schedule" as that person.
    probe: async (w, role) => {
      const id = await announcement(w, 'draft');
      await exec(w, role, 'announcement.send', { announcementId: id });
      return (await w.e2e.services.announcements.repo.byId(TENANT, id))!.state === 'scheduled';
    },
  },
  {
    action: 'announcement.edit',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const title = `Room change (${role})`;
      await exec(w, role, 'announcement.update', {
        announcementId: w.announcementId,
        title,
        body: 'Group supervision moves to room 5.',
        linkUrl: '',
        imageUrl: '',
        importance: 'normal',
      });
      return (
        (await w.e2e.services.announcements.repo.byId(TENANT, w.announcementId))!.content.title === title
      );
    },
  },
  {
    action: 'announcement.recall',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const id = await announcement(w, 'sent');
      await exec(w, role, 'announcement.recall', { announcementId: id });
      return (await w.e2e.services.announcements.repo.byId(TENANT, id))!.state === 'recalled';
    },
  },
  {
    action: 'announcement.resend',
    target: cohortA,
    allow: leads,
    // A fresh sent announcement each time: "Resend to those not reached" (round 1) as that person.
    probe: async (w, role) => {
      const id = await announcement(w, 'sent');
      await exec(w, role, 'announcement.resend', { announcementId: id, round: 1 });
      return (await w.e2e.services.announcements.repo.byId(TENANT, id))!.resends === 1;
    },
  },
  {
    action: 'announcement.status.view',
    target: cohortA,
    allow: leads,
    // The live status card (names of who has not acknowledged), by any verb that can show it.
    probe: async (w, role) => {
      const views = await Promise.all(
        ['announcement.status', 'announcement.refresh', 'announcement.change'].map((verb) =>
          exec(w, role, verb, { announcementId: w.announcementId }),
        ),
      );
      const status = views.map((v) => texts(v).includes('Announcement sent'));
      // The per-recipient delivery report is the same decision.
      const delivery = await exec(w, role, 'announcement.delivery', { announcementId: w.announcementId });
      status.push(texts(delivery).includes('Delivery report'));
      assert.ok(
        status.every((s) => s === status[0]),
        `status, refresh and change disagree for ${role}: ${status}`,
      );
      return status[0]!;
    },
  },
  {
    action: 'announcement.acknowledge',
    target: (w) => ({ cohortId: w.cohortA, audienceIds: w.audienceIds }),
    allow: ['student', 'supervisorOfStudent'],
    probe: async (w, role) => {
      await exec(w, role, 'announcement.ack', { announcementId: w.announcementId });
      return (await w.e2e.services.announcements.repo.ackOf(TENANT, w.announcementId, pid(w, role))) !== null;
    },
  },
  // ---------------------------------------------------------------- concerns
  {
    action: 'concern.raise',
    target: (w, role) => ({ personId: w.principals[role]?._id }),
    allow: everyoneKnown,
    // Each person sends the form anonymously; the concern is stored for every known person
    // (it goes to their cohort's lead and the trust's FTSU guardian, or the administrators).
    probe: async (w, role) => {
      const requestId = `matrix-concern-${role}`;
      await exec(w, role, 'concern.submit', {
        requestId,
        topic: 'safety',
        text: 'Matrix concern: a fire door is propped open.',
        anonymous: 'true',
      });
      const stored = await w.e2e.services.database.db
        .collection(collections.concerns.name)
        .findOne({ _id: concernDocId(TENANT, requestId) } as never);
      return stored !== null;
    },
  },
  {
    action: 'concern.view',
    target: (w) => ({ audienceIds: concernReceivers(w) }),
    // The card's refresh: only its receivers get the card back.
    allow: ['leadOfCohort'],
    probe: async (w, role) => {
      const value = await exec(w, role, 'concern.view', { concernId: w.concernId });
      if (!isCard(value) && role !== 'unknown') assert.equal(value, CONCERN_REFUSED);
      return isCard(value) && JSON.stringify(value).includes('Matrix world concern.');
    },
  },
  {
    action: 'concern.acknowledge',
    target: (w) => ({ audienceIds: concernReceivers(w) }),
    // Only its receivers (cohort A's lead; the guardian is not one of the roles here): never the
    // student's supervisor, whom the student did not choose to tell, nor another cohort's lead.
    allow: ['leadOfCohort'],
    probe: async (w, role) => {
      const value = await exec(w, role, 'concern.acknowledge', { concernId: w.concernId });
      if (!isCard(value) && role !== 'unknown') assert.equal(value, CONCERN_REFUSED);
      return isCard(value);
    },
  },
  {
    action: 'concern.reply',
    target: (w) => ({ audienceIds: concernReceivers(w) }),
    allow: ['leadOfCohort'],
    probe: async (w, role) => {
      const reply = `Matrix reply from ${role}`;
      await exec(w, role, 'concern.reply', { concernId: w.concernId, reply });
      const stored = await w.e2e.services.database.db
        .collection(collections.concerns.name)
        .findOne({ _id: w.concernId } as never);
      return (stored?.replies ?? []).some((r: { text: string }) => r.text === reply);
    },
  },
  // ---------------------------------------------------------------- lead workspace
  {
    action: 'cohort.create',
    target: () => ({}),
    allow: ['leadOfCohort', 'leadOfOtherCohort', 'admin'],
    // Each person submits the new-cohort card; the cohort exists only for leads and admins.
    probe: async (w, role) => {
      const name = `Matrix new cohort ${role}`;
      await exec(w, role, 'workspace.cohort.save', {
        requestId: `matrix-create-${role}`,
        name,
        startDate: '2026-09-07',
        weeks: '6',
        clinicalDays: 'Mon,Tue',
        leadershipDays: 'Wed,Thu',
        supervisionDay: 'Thu',
        supervisionTime: '14:00',
        timeZone: 'Europe/London',
      });
      const created = await w.e2e.services.cohorts.byName(TENANT, name);
      // Undo it (the creator leads the new cohort), so later rows see the same world.
      const { people, cohorts } = w.e2e.services;
      const before = w.principals[role];
      if (before)
        await people.scope(TENANT).updateOne(
          { _id: before._id },
          {
            $set: {
              cohortId: before.cohortId,
              cohortIds: before.cohortIds ?? (before.cohortId ? [before.cohortId] : []),
              leadCohortIds:
                before.leadCohortIds ??
                (before.roles.includes('lead') && before.cohortId ? [before.cohortId] : []),
            },
          },
        );
      if (created) {
        await w.e2e.services.database.db
          .collection(collections.cohorts.name)
          .deleteOne({ _id: created._id } as never);
        cohorts.forget(TENANT, created._id);
      }
      return created !== null;
    },
  },
  {
    action: 'cohort.manage',
    target: cohortA,
    allow: leads,
    // A non-placement day on cohort A (one date per role), taken off again afterwards.
    probe: async (w, role) => {
      const date = `2025-03-${String(3 + ROLES.indexOf(role)).padStart(2, '0')}`;
      await exec(w, role, 'workspace.cohort.day.add', { cohortId: w.cohortA, date });
      const cohort = (await w.e2e.services.cohorts.byId(TENANT, w.cohortA))!;
      await w.e2e.services.cohorts.removeNonPlacementDates(TENANT, w.cohortA, [date], new Date());
      return cohort.nonPlacementDates.includes(date);
    },
  },
  {
    action: 'cohort.roster.manage',
    target: cohortA,
    allow: leads,
    // Add a student to cohort A; removed again so later rows see the same cohort.
    probe: async (w, role) => {
      const email = `matrix.added.${role.toLowerCase()}@example.nhs.uk`;
      await exec(w, role, 'workspace.student.add', {
        cohortId: w.cohortA,
        email,
        displayName: `Added by ${role}`,
        profession: 'physiotherapy',
        supervisorEmails: '',
      });
      const added = await w.e2e.services.people.byEmail(TENANT, email);
      if (added) await w.e2e.services.people.scope(TENANT).deleteOne({ _id: added._id });
      return added?.cohortId === w.cohortA;
    },
  },
  {
    action: 'roster.upload',
    target: () => ({}),
    allow: ['leadOfCohort', 'leadOfOtherCohort', 'admin'],
    // Each person sends an AHP directory CSV in the personal chat (a Teams file attachment,
    // downloaded from a local stand-in for SharePoint); its host exists only after a lead's or an admin's.
    probe: async (w, role) => {
      const email = `matrix.upload.${role.toLowerCase()}@example.nhs.uk`;
      const csv = `email,display_name,profession,role_type,bio,location,weekly_cap\n${email},Uploaded Host,dietetics,EDI lead,,online,2\n`;
      const server = createServer((_req, res) => res.end(csv));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ahp-directory.csv`;
        await w.e2e.post({
          ...w.e2e.message(w.users[role], ''),
          attachments: [
            {
              contentType: FILE_DOWNLOAD_INFO,
              name: 'ahp-directory.csv',
              content: { downloadUrl: url, fileType: 'csv' },
            },
          ],
        });
      } finally {
        await new Promise((r) => server.close(r));
      }
      return (await w.e2e.services.workspace.hosts.byEmail(TENANT, email)) !== null;
    },
  },
  {
    action: 'directory.host.add',
    target: () => ({}),
    allow: ['leadOfCohort', 'leadOfOtherCohort', 'admin'],
    probe: async (w, role) => {
      const email = `matrix.host.${role.toLowerCase()}@example.nhs.uk`;
      await exec(w, role, 'workspace.host.add', {
        email,
        displayName: `Host added by ${role}`,
        profession: 'dietetics',
        roleType: 'EDI lead',
        bio: '',
        location: 'online',
        weeklyCap: '3',
      });
      return (await w.e2e.services.workspace.hosts.byEmail(TENANT, email)) !== null;
    },
  },
  // ---------------------------------------------------------------- projects
  {
    action: 'project.create',
    target: cohortA,
    allow: ['supervisorOfStudent', 'leadOfCohort', 'admin'],
    // Each tries to create a project for the spare student; a created one is removed again.
    probe: async (w, role) => {
      const repo = w.e2e.services.projects.repo;
      const requestId = `matrix-create-${role}`;
      await exec(w, role, 'project.create', {
        requestId,
        cohortId: w.cohortA,
        title: `Project by ${role}`,
        clinicalTeam: 'Ward 7',
        studentIds: w.spareStudentId,
        supervisorIds: '',
      });
      const id = tenantDocId(TENANT, 'project', requestId);
      const created = (await repo.project(TENANT, id)) !== null;
      for (const m of await repo.membersOf(TENANT, id)) await repo.removeMember(TENANT, m._id);
      await repo.deleteProject(TENANT, id);
      return created;
    },
  },
  {
    action: 'project.view',
    target: (w) => projectTarget(w),
    allow: ['student', 'supervisorOfStudent', 'leadOfCohort', 'admin'],
    probe: async (w, role) =>
      texts(await exec(w, role, 'project.view', { projectId: w.projectId })).includes('Matrix project'),
  },
  {
    action: 'project.manage',
    target: (w) => projectTarget(w),
    allow: ['supervisorOfStudent', 'leadOfCohort', 'admin'],
    // Each tries to remove a milestone seeded for it (members propose them; managers remove them).
    probe: async (w, role) => {
      const repo = w.e2e.services.projects.repo;
      const id = tenantDocId(TENANT, 'projms', w.projectId, `matrix-rm-${role}`);
      const now = w.e2e.clock.now();
      await repo.insertMilestone(TENANT, {
        _id: id,
        projectId: w.projectId,
        title: `To remove, ${role}`,
        date: '2025-02-20',
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      await exec(w, role, 'project.milestone.remove', { projectId: w.projectId, milestoneId: id });
      const removed = (await repo.milestone(TENANT, id)) === null;
      await repo.deleteMilestone(TENANT, id);
      return removed;
    },
  },
  {
    action: 'project.contribute',
    target: (w) => projectTarget(w),
    allow: ['student', 'supervisorOfStudent', 'leadOfCohort', 'admin'],
    // Each proposes a milestone (an update is the students' own: the e2e test covers it).
    probe: async (w, role) => {
      const requestId = `matrix-ms-${role}`;
      await exec(w, role, 'project.milestone.add', {
        projectId: w.projectId,
        requestId,
        title: `Milestone by ${role}`,
        date: '2025-02-20',
      });
      const id = tenantDocId(TENANT, 'projms', w.projectId, requestId);
      const repo = w.e2e.services.projects.repo;
      const added = (await repo.milestone(TENANT, id)) !== null;
      await repo.deleteMilestone(TENANT, id);
      return added;
    },
  },
  {
    action: 'project.feedback.give',
    target: (w) => ({ ...projectTarget(w), audienceIds: w.presentationAudience }),
    allow: ['supervisorOfStudent', 'ahpHost'],
    probe: async (w, role) => {
      await exec(w, role, 'project.feedback', {
        projectId: w.projectId,
        rating: '4',
        comment: `From ${role}`,
      });
      const feedback = await w.e2e.services.projects.repo.feedbackOf(TENANT, w.projectId);
      return feedback.some((f) => f.raterId === pid(w, role) && f.comment === `From ${role}`);
    },
  },
  {
    action: 'project.feedback.view',
    target: (w) => projectTarget(w),
    allow: ['student', 'supervisorOfStudent', 'leadOfCohort', 'admin'],
    // A rating is on the project (seeded): who sees it on the project card.
    probe: async (w, role) =>
      texts(await exec(w, role, 'project.view', { projectId: w.projectId })).some((t) =>
        t.startsWith('Presentation feedback:'),
      ),
  },
  // ---------------------------------------------------------------- peer reflection
  {
    action: 'reflection.peer.share',
    target: (w) => ({ studentId: w.studentId }),
    allow: ['student'],
    // Everyone tries to share the student's private reflection with their cohort.
    probe: async (w, role) => {
      const repo = w.e2e.services.reflections.repo;
      await repo.updateReflection(
        TENANT,
        w.privateReflectionId,
        { peerShare: null, peerSharedAt: null },
        new Date(),
      );
      await exec(w, role, 'reflection.peer.share', {
        reflectionId: w.privateReflectionId,
        peerShare: 'cohort',
      });
      return (await repo.reflection(TENANT, w.privateReflectionId))!.peerShare === 'cohort';
    },
  },
  {
    action: 'reflection.peer.view',
    target: (w) => ({ studentId: w.teammateId, cohortId: w.cohortA, peerIds: [w.studentId] }),
    allow: ['student'],
    // The teammate's reflection, shared with the project team: who can open it.
    probe: async (w, role) =>
      texts(await exec(w, role, 'reflection.view', { reflectionId: w.peerReflectionId })).includes(
        'Shared with your project team by Matrix teammate',
      ),
  },
  {
    action: 'reflection.peer.reply',
    target: (w) => ({ studentId: w.teammateId, cohortId: w.cohortA, peerIds: [w.studentId] }),
    allow: ['student'],
    probe: async (w, role) => {
      await exec(w, role, 'reflection.peer.reply', {
        reflectionId: w.peerReflectionId,
        nonce: `matrix-reply-${role}`,
        reply: `A reply from ${role}`,
      });
      const replies = await w.e2e.services.reflections.repo.peerRepliesOn(TENANT, w.peerReflectionId);
      return replies.some((r) => r.replierId === pid(w, role));
    },
  },
  {
    action: 'reflection.workshop.post',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      await w.e2e.services.database.db
        .collection(collections.cohorts.name)
        .updateOne({ _id: w.cohortA } as never, { $set: { teamsChannelId: CHANNEL } });
      w.e2e.services.cohorts.forget(TENANT, w.cohortA);
      const requestId = `matrix-workshop-${role}`;
      await exec(w, role, 'reflection.workshop.post', {
        requestId,
        cohortId: w.cohortA,
        prompt: `Prompt by ${role}`,
      });
      return (
        (await w.e2e.services.reflections.repo.workshop(
          TENANT,
          tenantDocId(TENANT, 'rworkshop', requestId),
        )) !== null
      );
    },
  },
  {
    action: 'reflection.workshop.reply',
    target: cohortA,
    allow: ['student'],
    probe: async (w, role) => {
      await exec(w, role, 'reflection.workshop.reply', {
        workshopId: w.workshopId,
        reply: `Reply by ${role}`,
      });
      const mine = await w.e2e.services.reflections.repo.reflectionsOf(TENANT, pid(w, role));
      return mine.some((r) => r.workshopId === w.workshopId);
    },
  },
  {
    action: 'event.manage',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const requestId = randomUUID();
      await exec(w, role, 'event.create', eventInput(w, requestId));
      return (await w.e2e.services.events.repo.eventById(TENANT, eventDocId(TENANT, requestId))) !== null;
    },
  },
  {
    action: 'event.rsvps.view',
    target: cohortA,
    allow: leads,
    // The RSVP card (counts and names of who is going).
    probe: async (w, role) =>
      texts(await exec(w, role, 'event.status', { eventId: w.eventId })).some((t) =>
        /^RSVPs: \d+ invited$/.test(t),
      ),
  },
  {
    action: 'event.attendance.record',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const repo = w.e2e.services.events.repo;
      await repo.invitations(TENANT).updateMany({ eventId: w.startedEventId }, { $set: { attended: null } });
      await exec(w, role, 'event.attendance.save', { eventId: w.startedEventId, attended: w.studentId });
      return (await repo.invitation(TENANT, w.startedEventId, w.studentId))?.attended === true;
    },
  },
  {
    action: 'event.rsvp',
    target: (w) => ({ cohortId: w.cohortA, audienceIds: [w.studentId] }),
    allow: ['student'],
    probe: async (w, role) => {
      const repo = w.e2e.services.events.repo;
      await repo.invitations(TENANT).updateMany({ eventId: w.eventId }, { $set: { rsvp: null } });
      await exec(w, role, 'event.rsvp', { eventId: w.eventId, rsvp: 'yes' });
      return (await repo.invitationsOf(TENANT, w.eventId)).some((i) => i.rsvp === 'yes');
    },
  },
  {
    action: 'event.invitations.view.self',
    target: studentTarget,
    allow: ['student'],
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'events');
      return replies.some((a) => cardTexts(firstCard(a)).includes('Your placement events'));
    },
  },
  {
    action: 'placement.view.self',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'my placement');
      return replies.some((a) => cardTexts(firstCard(a)).includes('Your placement'));
    },
  },
];

describe('security: authorisation matrix (every action × every role)', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  let world: World;

  before(async () => {
    e2e.clock.set(new Date('2025-02-10T09:00:00Z'));
    await e2e.start({ DASHBOARD_DEV_LOGIN: 'true' });
    const now = new Date();
    const { cohorts, people, supervisions } = e2e.services;
    const calendar = {
      weeks: 6,
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu', 'Fri'],
      nonPlacementDates: [],
      supervision: { weekday: 'Thu', time: '14:00' },
      timeZone: 'Europe/London',
      teamsChannelId: null,
    };
    const { id: cohortA } = await cohorts.upsertByName(
      TENANT,
      { name: 'Matrix cohort A', startDate: '2025-02-03', ...calendar } as never,
      now,
    );
    const { id: cohortB } = await cohorts.upsertByName(
      TENANT,
      { name: 'Matrix cohort B', startDate: '2025-02-03', ...calendar } as never,
      now,
    );
    const spec: Record<Exclude<RoleName, 'unknown'>, { roles: Role[]; cohortId: string | null }> = {
      student: { roles: ['student'], cohortId: cohortA },
      supervisorOfStudent: { roles: ['supervisor'], cohortId: cohortA },
      otherSupervisor: { roles: ['supervisor'], cohortId: cohortB },
      ahpHost: { roles: ['ahp-host'], cohortId: null },
      leadOfCohort: { roles: ['lead'], cohortId: cohortA },
      leadOfOtherCohort: { roles: ['lead'], cohortId: cohortB },
      admin: { roles: ['admin'], cohortId: null },
    };
    const users = Object.fromEntries(
      ROLES.map((r) => [
        r,
        {
          id: `29:matrix-${r}`,
          aadObjectId: `aad-matrix-${r}`,
          name: `Matrix ${r}`,
          email: `matrix.${r.toLowerCase()}@example.nhs.uk`,
        },
      ]),
    ) as Record<RoleName, TestUser>;
    const principals = { unknown: null } as Record<RoleName, PersonDoc | null>;
    for (const [role, s] of Object.entries(spec) as [
      Exclude<RoleName, 'unknown'>,
      (typeof spec)['student'],
    ][]) {
      await people.upsertByEmail(
        TENANT,
        {
          email: users[role].email!,
          displayName: users[role].name,
          roles: s.roles,
          profession: 'physiotherapy',
          cohortId: s.cohortId,
          timeZone: null,
        },
        now,
      );
      principals[role] = (await people.byEmail(TENANT, users[role].email!))!;
    }
    for (const u of Object.values(users)) e2e.teamsUser(u);
    const otherStudent = 'matrix.other.student@example.nhs.uk';
    await people.upsertByEmail(
      TENANT,
      {
        email: otherStudent,
        displayName: 'Other Student',
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: cohortB,
        timeZone: null,
      },
      now,
    );
    await supervisions.link(TENANT, principals.student!._id, principals.supervisorOfStudent!._id, now);
    await supervisions.link(
      TENANT,
      (await people.byEmail(TENANT, otherStudent))!._id,
      principals.otherSupervisor!._id,
      now,
    );
    for (const u of Object.values(users)) await e2e.post(e2e.install(u));
    const student = principals.student!;
    const host = principals.ahpHost!;

    // The AHP host's directory entry, and ten free slots on Wednesday for students to book.
    const { conversations, checkins, reflections, surveys } = e2e.services;
    await conversations.hosts.upsertByEmail(
      TENANT,
      {
        email: users.ahpHost.email!,
        displayName: users.ahpHost.name,
        profession: 'dietetics',
        roleType: 'research',
        bio: 'Research dietitian.',
        location: 'online',
        weeklyCap: 20,
        personId: host._id,
      },
      now,
    );
    const hostDocId = (await conversations.hosts.byPersonId(TENANT, host._id))!._id;
    await conversations.publishSlots(TENANT, host, {
      pubDate: '2025-02-12',
      pubTime: '10:00',
      pubCount: '10',
      pubBuffer: '0',
      pubWeeks: '1',
    });
    const today = e2e.clock.now();
    const freeSlots = await conversations.repo.openSlots(
      TENANT,
      today,
      new Date(today.getTime() + 7 * 24 * 60 * MINUTE),
      hostDocId,
    );
    assert.equal(freeSlots.length, 10);

    // The student's week 1 check-in (for supervisors and leads to act on).
    assert.ok(isCard(await checkins.submit(TENANT, student, checkinAnswers(1))));

    // Two reflections by the student: one private, one shared with their supervisor.
    const reflection = (flowId: string, shared: boolean) => ({
      _id: reflectionId(TENANT, student._id, flowId),
      personId: student._id,
      cohortId: cohortA,
      flowId,
      model: 'what-so-what' as const,
      answers: { what: 'Led the safety huddle.', soWhat: 'People spoke up.', nowWhat: 'Run it weekly.' },
      linkId: null,
      standards: ['9'],
      pillars: ['leadership'],
      topic: 'other',
      standardsVersion: CURRENT_HCPC_CATALOGUE.version,
      shared,
      sharedAt: shared ? now : null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    await reflections.repo.insertReflection(TENANT, reflection('matrix-private', false));
    await reflections.repo.insertReflection(TENANT, reflection('matrix-shared', true));

    // An open, named survey run for cohort A.
    const { run } = await surveys.scheduleRun(TENANT, principals.admin!, {
      requestId: 'matrix-open-run',
      definitionId: 'weekly-pulse',
      cohortId: cohortA,
      opensOn: '2025-02-07',
      closesOn: '2025-03-14',
      anonymous: false,
      remind: false,
    });
    assert.equal(surveys.status(run), 'open');

    world = {
      e2e,
      users,
      principals,
      cohortA,
      cohortB,
      studentId: student._id,
      supervisorIds: [principals.supervisorOfStudent!._id],
      hostDocId,
      freeSlots,
      privateReflectionId: reflectionId(TENANT, student._id, 'matrix-private'),
      sharedReflectionId: reflectionId(TENANT, student._id, 'matrix-shared'),
      surveyRunId: run._id,
      announcementId: '',
      audienceIds: [],
      pastBookingId: '',
      projectId: '',
      presentationAudience: [],
      spareStudentId: '',
      actionId: '',
      escalationId: '',
      teammateId: '',
      peerReflectionId: '',
      workshopId: '',
      eventId: '',
      startedEventId: '',
      concernId: '',
    };
    // A sent announcement to cohort A (its members: the student and the supervisor attached
    // to the cohort), and a conversation that took place an hour ago.
    world.announcementId = await announcement(world, 'sent');
    world.audienceIds = (await e2e.services.announcements.repo.byId(TENANT, world.announcementId))!.audience;
    assert.deepEqual(
      [...world.audienceIds].sort(),
      [student._id, principals.supervisorOfStudent!._id].sort(),
    );
    world.pastBookingId = await booking(world, -60 * MINUTE);

    // A project of the student's, supervised by their supervisor, whose presentation ended an
    // hour ago; an earlier rating is on it (seeded). A spare student of cohort A for create probes.
    const { projects } = e2e.services;
    const created = await projects.create(TENANT, principals.leadOfCohort!, {
      requestId: 'matrix-project',
      cohortId: cohortA,
      title: 'Matrix project',
      clinicalTeam: 'Ward 7',
      studentIds: student._id,
      supervisorIds: principals.supervisorOfStudent!._id,
    });
    assert.ok(cardTexts(created).includes('Matrix project'), JSON.stringify(created));
    world.projectId = tenantDocId(TENANT, 'project', 'matrix-project');
    const startsAt = new Date(e2e.clock.now().getTime() - 2 * 60 * MINUTE);
    await projects.repo.setPresentation(
      TENANT,
      world.projectId,
      {
        date: '2025-02-10',
        time: '07:00',
        startsAt,
        minutes: 60,
        teamsLink: 'https://teams.microsoft.com/l/x',
        feedbackRequestedAt: null,
      },
      now,
    );
    world.presentationAudience = [principals.supervisorOfStudent!._id, host._id, student._id];
    for (const personId of world.presentationAudience)
      await projects.repo.insertAttendee(TENANT, {
        _id: tenantDocId(TENANT, 'projatt', world.projectId, personId),
        projectId: world.projectId,
        personId,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
    await projects.repo.insertFeedback(TENANT, {
      _id: tenantDocId(TENANT, 'projfb', world.projectId, 'seeded-rater'),
      projectId: world.projectId,
      raterId: 'seeded-rater',
      rating: 5,
      comment: 'Seeded',
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    await people.upsertByEmail(
      TENANT,
      {
        email: 'matrix.spare.student@example.nhs.uk',
        displayName: 'Spare Student',
        roles: ['student'],
        profession: 'occupational therapy',
        cohortId: cohortA,
        timeZone: null,
      },
      now,
    );
    world.spareStudentId = (await people.byEmail(TENANT, 'matrix.spare.student@example.nhs.uk'))!._id;
    // A session the supervisor recorded, with one action for the student.
    const recorded = await e2e.services.supervision.recordSession(TENANT, principals.supervisorOfStudent!, {
      requestId: 'matrix-setup',
      attendees: student._id,
      date: '2025-02-06',
      minutes: '30',
      kind: 'individual',
      notes: '',
      action1Text: 'Draft the stakeholder map',
      action1Owner: student._id,
      action1Due: '2025-02-13',
    });
    assert.ok(cardTexts(recorded).includes('Supervision recorded'), JSON.stringify(recorded));
    const actions = await e2e.services.supervision.repo.ofCohort(TENANT, cohortA);
    assert.equal(actions.length, 1);
    world.actionId = actions[0]!._id;
    // An escalation episode about the student (as the escalation job starts one).
    world.escalationId = escalationId(TENANT, student._id, 'missed', 1);
    assert.ok(
      await e2e.services.supervision.repo.startEpisode(TENANT, {
        _id: world.escalationId,
        studentId: student._id,
        cohortId: cohortA,
        kind: 'missed',
        startWeek: 1,
        weeks: [1, 2],
        notified: 1,
        endedAt: null,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      }),
    );

    // The trust's Freedom to Speak Up guardian (in the directory, not one of the roles above),
    // and an anonymous concern the student raised over HTTP: it goes to cohort A's lead and
    // the guardian, not to the student's supervisor.
    await people.upsertByEmail(
      TENANT,
      {
        email: 'matrix.guardian@example.nhs.uk',
        displayName: 'Matrix guardian',
        roles: ['ahp-host'],
        profession: 'nursing',
        cohortId: null,
        timeZone: null,
      },
      now,
    );
    const guardian = (await people.byEmail(TENANT, 'matrix.guardian@example.nhs.uk'))!;
    await e2e.services.conversations.hosts.upsertByEmail(
      TENANT,
      {
        email: guardian.email,
        displayName: guardian.displayName,
        profession: 'nursing',
        roleType: 'FTSU guardian',
        bio: '',
        location: 'online',
        weeklyCap: 0,
        personId: guardian._id,
      },
      now,
    );
    await exec(world, 'student', 'concern.submit', {
      requestId: 'matrix-world-concern',
      topic: 'conduct',
      text: 'Matrix world concern.',
      anonymous: 'true',
    });
    world.concernId = concernDocId(TENANT, 'matrix-world-concern');
    const worldConcern = await e2e.services.database.db
      .collection(collections.concerns.name)
      .findOne({ _id: world.concernId } as never);
    assert.deepEqual(
      [...(worldConcern?.receiverIds ?? [])].sort(),
      [principals.leadOfCohort!._id, guardian._id].sort(),
    );
    matrixConcernReceivers.set(world.concernId, worldConcern!.receiverIds);

    // The student's teammate on the matrix project shares a reflection with the project team;
    // a workshop prompt is posted to cohort A.
    await people.upsertByEmail(
      TENANT,
      {
        email: 'matrix.teammate@example.nhs.uk',
        displayName: 'Matrix teammate',
        roles: ['student'],
        profession: 'occupational therapy',
        cohortId: cohortA,
        timeZone: null,
      },
      now,
    );
    const teammate = (await people.byEmail(TENANT, 'matrix.teammate@example.nhs.uk'))!;
    world.teammateId = teammate._id;
    await projects.repo.insertMember(TENANT, {
      _id: tenantDocId(TENANT, 'projmember', 'student', cohortA, teammate._id),
      projectId: world.projectId,
      cohortId: cohortA,
      personId: teammate._id,
      role: 'student',
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    world.peerReflectionId = reflectionId(TENANT, teammate._id, 'matrix-peer');
    await reflections.repo.insertReflection(TENANT, {
      ...reflection('matrix-peer', false),
      _id: world.peerReflectionId,
      personId: teammate._id,
      peerShare: 'project',
      peerSharedAt: now,
    });
    world.workshopId = tenantDocId(TENANT, 'rworkshop', 'matrix-workshop');
    await reflections.repo.insertWorkshop(TENANT, {
      _id: world.workshopId,
      cohortId: cohortA,
      prompt: 'What did you learn this week?',
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    // A placement event for cohort A created by its lead (its students are invited), and one that started an hour ago (set up through the
    // repository: a new event must be in the future).
    const lead = principals.leadOfCohort!;
    const requestId = randomUUID();
    await e2e.services.events.create(TENANT, lead, eventInput(world, requestId));
    world.eventId = eventDocId(TENANT, requestId);
    assert.ok(
      (await e2e.services.events.repo.invitationsOf(TENANT, world.eventId)).some(
        (i) => i.personId === student._id,
      ),
    );
    const started = (await e2e.services.events.repo.eventById(TENANT, world.eventId))!;
    world.startedEventId = eventDocId(TENANT, randomUUID());
    const eventStartsAt = new Date(today.getTime() - 60 * MINUTE);
    const { tenantId: _t, ...startedDoc } = {
      ...started,
      _id: world.startedEventId,
      date: '2025-02-10',
      startsAt: eventStartsAt,
      endsAt: new Date(eventStartsAt.getTime() + 3 * 60 * MINUTE),
    };
    await e2e.services.events.repo.insertEvent(TENANT, startedDoc);
    await e2e.services.events.repo.invite(
      TENANT,
      { ...started, ...startedDoc, tenantId: TENANT },
      [student._id],
      now,
    );
  });
  after(() => e2e.stop());

  it('has a row for every action in the policy', () => {
    assert.deepEqual(rows.map((r) => r.action).sort(), [...ACTIONS].sort());
  });

  for (const row of rows) {
    it(`${row.action}: the policy allows exactly ${row.allow.join(', ')}`, () => {
      const got = ROLES.filter((role) => can(world.principals[role], row.action, row.target(world, role)));
      assert.deepEqual(
        got,
        ROLES.filter((r) => row.allow.includes(r)),
      );
    });
    if (row.probe)
      it(`${row.action}: over HTTP, exactly ${row.allow.join(', ')} get through`, async () => {
        const got: RoleName[] = [];
        for (const role of ROLES) if (await row.probe!(world, role)) got.push(role);
        assert.deepEqual(
          got,
          ROLES.filter((r) => row.allow.includes(r)),
        );
      });
  }

  // A lead of several cohorts leads each of them (membership, not one field); a lead of
  // cohort A only is refused cohort B wherever they ask for it.
  describe('leads of several cohorts', () => {
    const both: TestUser = {
      id: '29:matrix-lead-of-both',
      aadObjectId: 'aad-matrix-lead-of-both',
      name: 'Matrix lead of both',
      email: 'matrix.lead.of.both@example.nhs.uk',
    };
    let leadOfBoth: PersonDoc;
    /** The row's target about cohort B instead of A. */
    const inB = (row: Row, role: RoleName): Target => ({
      ...row.target(world, role),
      cohortId: world.cohortB,
    });
    /** The actions a lead may take for their own cohort only (not the lead of the other cohort). */
    const leadRows = () =>
      rows.filter(
        (r) =>
          r.allow.includes('leadOfCohort') &&
          !r.allow.includes('leadOfOtherCohort') &&
          // A concern's receivers are named on it, not found by leading its cohort.
          !r.action.startsWith('concern.'),
      );

    before(async () => {
      const { people } = e2e.services;
      await people.upsertByEmail(
        TENANT,
        {
          email: both.email!,
          displayName: both.name,
          roles: ['lead'],
          profession: 'physiotherapy',
          cohortId: null,
          cohortIds: [world.cohortA, world.cohortB],
          timeZone: null,
        },
        new Date(),
      );
      leadOfBoth = (await people.byEmail(TENANT, both.email!))!;
      e2e.teamsUser(both);
      await e2e.post(e2e.install(both));
    });

    it('the policy: a lead of A and B may do every lead action for both; a lead of A only, for A only', () => {
      assert.ok(leadRows().length >= 10, 'the lead actions');
      for (const row of leadRows()) {
        assert.ok(can(leadOfBoth, row.action, row.target(world, 'leadOfCohort')), `${row.action} on A`);
        assert.ok(can(leadOfBoth, row.action, inB(row, 'leadOfCohort')), `${row.action} on B`);
        const leadOfA = world.principals.leadOfCohort;
        const onB = inB(row, 'leadOfCohort');
        // Supervising the student is another relation; no row allows a lead of A on B by leading.
        if (!row.allow.includes('supervisorOfStudent'))
          assert.equal(can(leadOfA, row.action, onB), false, `${row.action}: lead of A on B`);
        else assert.equal(can(leadOfA, row.action, { cohortId: world.cohortB }), false, row.action);
      }
    });

    type DashboardBody = { cohorts: { name: string }[]; message: string };
    it('compare cohorts: the lead of A and B compares them over HTTP (chat and dashboard); the lead of A only is refused', async () => {
      const target = { cohortIds: [world.cohortA, world.cohortB] };
      assert.ok(can(leadOfBoth, 'survey.insight.compare', target));
      assert.ok(!can(world.principals.leadOfCohort, 'survey.insight.compare', target));
      assert.ok(can(world.principals.leadOfCohort, 'survey.insight.compare', { cohortIds: [world.cohortA] }));
      const card = firstCard(await e2e.lastReply(both, 'compare cohorts'));
      assert.ok(cardTexts(card).includes('Confidence: Matrix cohort B vs Matrix cohort A'));
      const ids = `${world.cohortA},${world.cohortB}`;
      const refused = await e2e.post(
        e2e.execute(world.users.leadOfCohort, 'survey.compare', { cohortIds: ids }),
      );
      assert.match(String(refused.body?.value), /^You can only compare cohorts you lead/);
      const path = `/api/dashboard/lead/compare?cohortIds=${encodeURIComponent(ids)}`;
      assert.equal((await dashboardAs(both, path)).status, 200);
      assert.equal((await dashboardAs(world.users.leadOfCohort, path)).status, 403);
      assert.equal((await dashboardAs(world.users.leadOfOtherCohort, path)).status, 403);
    });

    async function dashboardAs(
      user: TestUser,
      path: string,
    ): Promise<{ status: number; body: DashboardBody }> {
      const t = await fetch(`${e2e.baseUrl}/api/dashboard/dev-token?as=${encodeURIComponent(user.email!)}`);
      const { token } = (await t.json()) as { token: string };
      const res = await fetch(`${e2e.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as DashboardBody };
    }
    const overview = (id: string) => `/api/dashboard/lead/overview?cohortId=${encodeURIComponent(id)}`;

    it('over HTTP, the dashboard: the lead of A and B opens both; the lead of A only gets 403 for B', async () => {
      assert.equal((await dashboardAs(both, overview(world.cohortA))).status, 200);
      assert.equal((await dashboardAs(both, overview(world.cohortB))).status, 200);
      const listed = await dashboardAs(both, '/api/dashboard/cohorts');
      assert.deepEqual(listed.body.cohorts.map((c) => c.name).sort(), ['Matrix cohort A', 'Matrix cohort B']);
      const leadOfA = world.users.leadOfCohort;
      assert.equal((await dashboardAs(leadOfA, overview(world.cohortA))).status, 200);
      const refused = await dashboardAs(leadOfA, overview(world.cohortB));
      assert.equal(refused.status, 403);
      assert.match(refused.body.message, /only see the cohorts you lead/);
      const own = await dashboardAs(leadOfA, '/api/dashboard/cohorts');
      assert.deepEqual(
        own.body.cohorts.map((c) => c.name),
        ['Matrix cohort A'],
      );
    });

    it('over HTTP, chat: the lead of A and B sees both cohorts; the lead of A only cannot act on B', async () => {
      const before = e2e.connector.delivered(`a:personal-${both.id}`).length;
      await e2e.post(e2e.message(both, 'cohort status'));
      const status = e2e.connector
        .delivered(`a:personal-${both.id}`)
        .slice(before)
        .flatMap((c) => cardTexts(firstCard(c.activity!)));
      assert.ok(status.some((t) => t.includes('Matrix cohort A')));
      assert.ok(status.some((t) => t.includes('Matrix cohort B')));

      // Reflection prompts for B: stored for the lead of both, not for the lead of A only.
      const { reflections, surveys } = e2e.services;
      const res = await e2e.post(
        e2e.execute(world.users.leadOfCohort, 'reflection.schedule', {
          cohortId: world.cohortB,
          after: 'off',
          time: '19:41',
        }),
      );
      assert.equal(res.status, 200);
      assert.notEqual((await reflections.repo.schedule(TENANT, world.cohortB))?.time, '19:41');
      await e2e.post(
        e2e.execute(both, 'reflection.schedule', { cohortId: world.cohortB, after: 'off', time: '19:42' }),
      );
      assert.equal((await reflections.repo.schedule(TENANT, world.cohortB))?.time, '19:42');

      // A survey run for B: scheduled by the lead of both, refused to the lead of A only.
      const run = (user: TestUser, requestId: string) =>
        e2e.post(
          e2e.execute(user, 'survey.schedule', {
            requestId,
            definitionId: 'weekly-pulse',
            cohortId: world.cohortB,
            opensOn: '2025-02-17',
            opensWeek: 'date',
            closesOn: '2025-02-21',
            anonymous: 'true',
            remind: 'false',
          }),
        );
      await run(world.users.leadOfCohort, 'multi-lead-a-on-b');
      await run(both, 'multi-lead-both-on-b');
      assert.equal(
        await surveys.repo.runById(TENANT, tenantDocId(TENANT, 'srun', 'multi-lead-a-on-b')),
        null,
      );
      assert.notEqual(
        await surveys.repo.runById(TENANT, tenantDocId(TENANT, 'srun', 'multi-lead-both-on-b')),
        null,
      );
    });
  });
});
