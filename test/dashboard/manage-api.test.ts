/**
 * The dashboard's Manage page API (/api/dashboard/manage/...): the lead's workspace over HTTP,
 * the same service as the chat cards. Edit a cohort (a change re-plans check-ins), add and
 * remove a non-placement day, add a student, change their supervisors, move and remove them;
 * each refused input answers 422 with the field, its label and a summary, and writes nothing;
 * a lead of another cohort gets 403; every change is audited.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- JSON answers of the API under test */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import type { Role } from '../../src/storage/people-repository.js';
import { E2E, TENANT } from '../e2e/harness.js';

describe('dashboard: Manage page API (lead workspace over HTTP)', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  let cohortA = '';
  let cohortB = '';
  const tokens: Record<string, string> = {};

  const call = async (who: string, method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${e2e.baseUrl}/api/dashboard/manage/${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const spec of Object.values(collections))
      if (spec.name !== collections.turnState.name)
        out[spec.name] = await e2e.services.database.db.collection(spec.name).countDocuments({});
    return out;
  };
  const calendar = {
    weeks: 6,
    clinicalDays: ['Mon', 'Tue'] as const,
    leadershipDays: ['Wed', 'Thu'] as const,
    nonPlacementDates: [],
    supervision: { weekday: 'Thu', time: '14:00' } as const,
    timeZone: 'Europe/London',
    teamsChannelId: null,
  };

  before(async () => {
    e2e.clock.set(new Date('2025-10-13T10:00:00Z'));
    await e2e.start({ DASHBOARD_DEV_LOGIN: 'true' });
    await e2e.services.scheduler.stop(); // background jobs would change counts under the test
    const { cohorts, people } = e2e.services;
    const now = new Date();
    ({ id: cohortA } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Manage A',
        startDate: '2025-10-20',
        ...calendar,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu'],
      },
      now,
    ));
    ({ id: cohortB } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Manage B',
        startDate: '2026-01-12',
        ...calendar,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu'],
      },
      now,
    ));
    const add = async (key: string, roles: Role[], cohortId: string | null) => {
      const email = `manage.${key}@example.nhs.uk`;
      await people.upsertByEmail(
        TENANT,
        { email, displayName: `Manage ${key}`, roles, profession: 'physiotherapy', cohortId, timeZone: null },
        now,
      );
      const t = await fetch(`${e2e.baseUrl}/api/dashboard/dev-token?as=${encodeURIComponent(email)}`);
      tokens[key] = ((await t.json()) as { token: string }).token;
    };
    await add('leadA', ['lead'], cohortA);
    await add('leadB', ['lead'], cohortB);
    await add('admin', ['admin'], null);
    await add('sam', ['supervisor'], cohortA);
    await add('ruth', ['supervisor'], cohortA);
  });
  after(() => e2e.stop());

  it('lists only the cohorts a lead manages; /me says who may manage', async () => {
    assert.deepEqual(
      (await call('leadA', 'GET', 'cohorts')).body.cohorts.map((c: any) => c.name),
      ['Manage A'],
    );
    assert.deepEqual(
      (await call('admin', 'GET', 'cohorts')).body.cohorts.map((c: any) => c.name),
      ['Manage A', 'Manage B'],
    );
    assert.equal((await call('sam', 'GET', 'cohorts')).status, 403);
    const me = await fetch(`${e2e.baseUrl}/api/dashboard/me`, {
      headers: { authorization: `Bearer ${tokens.leadA}` },
    });
    assert.equal(((await me.json()) as any).canManage, true);
    assert.equal((await call('leadB', 'GET', `cohort?cohortId=${encodeURIComponent(cohortA)}`)).status, 403);
  });

  it('edits a cohort: a bad field answers 422 with its label and writes nothing; a good edit is saved and audited', async () => {
    const view = (await call('leadA', 'GET', `cohort?cohortId=${encodeURIComponent(cohortA)}`)).body.cohort;
    const before = await counts();
    const bad = await call('leadA', 'POST', 'cohort', { ...view.form, weeks: '0', timeZone: 'Mars/Olympus' });
    assert.equal(bad.status, 422);
    assert.deepEqual(Object.keys(bad.body.fields).sort(), ['timeZone', 'weeks']);
    assert.deepEqual(bad.body.labels, { weeks: 'Number of weeks', timeZone: 'Time zone' });
    assert.equal(bad.body.message, 'Nothing was saved. Please check: Number of weeks, Time zone.');
    assert.deepEqual(await counts(), before);

    const other = await call('leadB', 'POST', 'cohort', { ...view.form, supervisionDay: 'Wed' });
    assert.equal(other.status, 403);

    const ok = await call('leadA', 'POST', 'cohort', {
      ...view.form,
      supervisionDay: 'Wed',
      supervisionTime: '10:30',
      promptTime: '08:15',
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.cohort.supervisionText, 'Wed 10:30');
    const stored = (await e2e.services.cohorts.byId(TENANT, cohortA))!;
    assert.deepEqual(stored.supervision, { weekday: 'Wed', time: '10:30' });
    assert.equal(stored.checkins?.promptTime, '08:15');
    const audit = await e2e.services.audit.list(TENANT, { action: 'workspace.cohort.edit' });
    assert.deepEqual(audit.map((a) => [a.outcome, a.details.fields ?? null]).sort(), [
      ['ok', 'supervision,checkins'],
      ['refused', null],
    ]);
    // Saving the same values again changes nothing and audits nothing.
    await call('leadA', 'POST', 'cohort', {
      ...view.form,
      supervisionDay: 'Wed',
      supervisionTime: '10:30',
      promptTime: '08:15',
    });
    assert.equal((await e2e.services.audit.list(TENANT, { action: 'workspace.cohort.edit' })).length, 2);
  });

  it('adds and removes a non-placement day', async () => {
    const added = await call('leadA', 'POST', 'non-placement-days', {
      cohortId: cohortA,
      date: '2025-11-04',
    });
    assert.deepEqual(added.body.cohort.nonPlacement, [{ date: '2025-11-04', text: 'Tue 4 Nov 2025' }]);
    const outside = await call('leadA', 'POST', 'non-placement-days', {
      cohortId: cohortA,
      date: '2025-10-19',
    });
    assert.equal(outside.status, 422);
    assert.deepEqual(outside.body.lines, [
      'Non-placement day: Choose a day within the placement, Mon 20 Oct 2025 to Thu 27 Nov 2025',
    ]);
    const removed = await call('leadA', 'POST', 'non-placement-days/remove', {
      cohortId: cohortA,
      date: '2025-11-04',
    });
    assert.deepEqual(removed.body.cohort.nonPlacement, []);
    assert.deepEqual((await e2e.services.cohorts.byId(TENANT, cohortA))!.nonPlacementDates, []);
  });

  it('adds a student, changes their supervisors, moves them (admin) and removes them; each step audited', async () => {
    const { people, supervisions } = e2e.services;
    const add = await call('leadA', 'POST', 'students', {
      cohortId: cohortA,
      email: 'New.Student@Example.nhs.uk',
      displayName: 'Nia Student',
      profession: 'Occupational therapy',
      supervisorEmails: 'manage.sam@example.nhs.uk',
      personTimeZone: 'Europe/Dublin',
    });
    assert.equal(add.status, 200, JSON.stringify(add.body));
    const student = (await people.byEmail(TENANT, 'new.student@example.nhs.uk'))!;
    assert.deepEqual(
      [student.cohortId, student.roles, student.profession, student.timeZone],
      [cohortA, ['student'], 'occupational therapy', 'Europe/Dublin'],
    );
    assert.deepEqual(
      add.body.cohort.students.map((s: any) => [s.name, s.supervisorsText]),
      [['Nia Student', 'Manage sam']],
    );
    // Adding the same student again (a retried submit) changes nothing.
    const before = await counts();
    await call('leadA', 'POST', 'students', {
      cohortId: cohortA,
      email: 'new.student@example.nhs.uk',
      displayName: 'Nia Student',
      profession: 'occupational therapy',
      supervisorEmails: 'manage.sam@example.nhs.uk',
      personTimeZone: 'Europe/Dublin',
    });
    const after = await counts();
    assert.equal(after.people, before.people);
    assert.equal(after.supervision_links, before.supervision_links);

    const sup = await call('leadA', 'POST', 'students/supervisors', {
      cohortId: cohortA,
      studentId: student._id,
      supervisorEmails: 'manage.ruth@example.nhs.uk, manage.sam@example.nhs.uk',
    });
    assert.equal(sup.status, 200);
    assert.equal((await supervisions.supervisorIdsOf(TENANT, student._id)).length, 2);
    const notASup = await call('leadA', 'POST', 'students/supervisors', {
      cohortId: cohortA,
      studentId: student._id,
      supervisorEmails: 'manage.leadb@example.nhs.uk',
    });
    assert.equal(notASup.status, 422);
    assert.match(notASup.body.fields.supervisorEmails, /is not a supervisor/);
    assert.equal((await supervisions.supervisorIdsOf(TENANT, student._id)).length, 2);

    // Lead A leads only A: moving to B is refused; lead B cannot touch A's student.
    const refused = await call('leadA', 'POST', 'students/move', {
      cohortId: cohortA,
      studentId: student._id,
      toCohortId: cohortB,
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body.fields.toCohortId, 'Choose one of the cohorts you lead');
    assert.equal(
      (await call('leadB', 'POST', 'students/remove', { cohortId: cohortA, studentId: student._id })).status,
      403,
    );
    const moved = await call('admin', 'POST', 'students/move', {
      cohortId: cohortA,
      studentId: student._id,
      toCohortId: cohortB,
    });
    assert.equal(moved.status, 200);
    assert.equal((await people.byId(TENANT, student._id))!.cohortId, cohortB);

    const removed = await call('leadB', 'POST', 'students/remove', {
      cohortId: cohortB,
      studentId: student._id,
    });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal((await people.byId(TENANT, student._id))!.cohortId, null);
    assert.deepEqual(await supervisions.supervisorIdsOf(TENANT, student._id), []);

    const actions = (await e2e.services.audit.list(TENANT))
      .filter((a) => a.targetId === student._id && a.outcome === 'ok')
      .map((a) => a.action)
      .sort();
    assert.deepEqual(actions, [
      'workspace.student.add',
      'workspace.student.move',
      'workspace.student.remove',
      'workspace.student.supervisors',
    ]);
  });

  it('adds a supervisor and an AHP host', async () => {
    const sup = await call('leadA', 'POST', 'supervisors', {
      cohortId: cohortA,
      email: 'manage.newsup@example.nhs.uk',
      displayName: 'Nadia Supervisor',
      profession: 'physiotherapy',
    });
    assert.equal(sup.status, 200);
    const p = (await e2e.services.people.byEmail(TENANT, 'manage.newsup@example.nhs.uk'))!;
    assert.deepEqual([p.roles, p.cohortId], [['supervisor'], cohortA]);
    const badHost = await call('leadA', 'POST', 'hosts', {
      email: 'not-an-email',
      displayName: '',
      profession: 'dietetics',
      roleType: '',
      location: 'online',
      weeklyCap: '99',
    });
    assert.equal(badHost.status, 422);
    assert.deepEqual(Object.keys(badHost.body.fields).sort(), [
      'displayName',
      'email',
      'roleType',
      'weeklyCap',
    ]);
    const host = await call('leadA', 'POST', 'hosts', {
      email: 'manage.host@example.nhs.uk',
      displayName: 'Hana Host',
      profession: 'dietetics',
      roleType: 'EDI lead',
      bio: 'Equality, diversity and inclusion lead.',
      location: 'online',
      weeklyCap: '4',
    });
    assert.equal(host.status, 200);
    const h = (await e2e.services.workspace.hosts.byEmail(TENANT, 'manage.host@example.nhs.uk'))!;
    assert.deepEqual([h.roleType, h.weeklyCap, h.active], ['EDI lead', 4, true]);
    assert.deepEqual((await e2e.services.people.byEmail(TENANT, 'manage.host@example.nhs.uk'))!.roles, [
      'ahp-host',
    ]);
  });
});
