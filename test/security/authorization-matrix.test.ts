/**
 * The authorisation matrix: every action × every role, with the expected allow/deny.
 * Each row is checked twice: against the pure policy (src/domain/authorization.ts), and,
 * where the action is reachable, through the real service over HTTP as that person (a
 * probe that reports what actually happened). Adding an action to the policy without a
 * row here fails the first test.
 */
import assert from 'node:assert/strict';
import { UNKNOWN_PERSON_MESSAGE } from '../../src/bot/application.js';
import { ACTIONS, can, type Action, type Principal, type Target } from '../../src/domain/authorization.js';
import type { Role } from '../../src/storage/people-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from '../e2e/harness.js';

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
  principals: Record<RoleName, Principal | null>;
  cohortA: string;
  cohortB: string;
  studentId: string;
  supervisorIds: string[];
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
      await cohorts.scope(TENANT).updateOne({ _id: w.cohortA }, { $set: { teamsChannelId: null } });
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
    probe: async (w, role) =>
      (await dashboard(w, role, `/api/dashboard/lead/overview?cohortId=${encodeURIComponent(w.cohortA)}`)) ===
      200,
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
    const principals = { unknown: null } as Record<RoleName, Principal | null>;
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
    world = {
      e2e,
      users,
      principals,
      cohortA,
      cohortB,
      studentId: principals.student!._id,
      supervisorIds: [principals.supervisorOfStudent!._id],
    };
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
});
