/**
 * The authorisation matrix: every action × every role, with the expected allow/deny.
 * Each row is checked twice: against the pure policy (src/domain/authorization.ts), and,
 * where the action is reachable, through the real service over HTTP as that person (a
 * probe that reports what actually happened: a stored document, a card that only an
 * allowed person gets). The rows are in authorization-matrix/rows-*.ts, one module per feature
 * area, and the set-up in authorization-matrix/world.ts; adding an action to the policy without
 * a row fails the first test. Set-up writes go straight to the repositories; the action under
 * test always goes over HTTP (a message or an Action.Execute invoke, as Teams sends them).
 */
import assert from 'node:assert/strict';
import { ACTIONS, can, type Target } from '../../src/domain/authorization.js';
import { tenantDocId } from '../../src/storage/documents.js';
import type { PersonDoc } from '../../src/storage/people-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from '../e2e/harness.js';
import { ROLES, type RoleName, type World, type Row } from './authorization-matrix/kit.js';
import { rows } from './authorization-matrix/rows.js';
import { buildWorld } from './authorization-matrix/world.js';

describe('security: authorisation matrix (every action × every role)', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  let world: World;

  before(async () => {
    world = await buildWorld(e2e);
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
