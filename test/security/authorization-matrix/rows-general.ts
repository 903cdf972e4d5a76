/** Authorisation-matrix rows: help, cohort linking, data rights, the roster and the dashboards. */
import assert from 'node:assert/strict';
import { UNKNOWN_PERSON_MESSAGE } from '../../../src/bot/application.js';
import { collections } from '../../../src/storage/collections.js';
import { cardTexts, firstCard, TENANT } from '../../e2e/harness.js';
import { type Row, CHANNEL, everyoneKnown, lastPersonalReply, dashboard } from './kit.js';

export const generalRows: Row[] = [
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
];
