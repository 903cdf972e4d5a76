/**
 * The lead overview is served from a per-cohort rollup (src/features/dashboard/rollups.ts):
 * the served numbers equal a direct computation at the same instant for every filter, a new
 * check-in shows after the recurring refresher has run (not before), the announcement
 * acknowledgement panel counts the announcements feature's data, and the minimum group size is
 * applied when the rollup is read.
 */
import assert from 'node:assert/strict';
import { dueInstantForWeek } from '../../src/domain/placement-calendar.js';
import { CheckinsRepository } from '../../src/features/checkins/checkins-repository.js';
import {
  AnnouncementsRepository,
  type AnnouncementDoc,
} from '../../src/features/announcements/announcements-repository.js';
import { overdueId, ROLLUP_EVERY_MS, rollupId, rollupsFor } from '../../src/features/dashboard/rollups.js';
import { leadOverviewDirect, type LeadOverview } from '../../src/features/dashboard/lead-overview.js';
import { collections } from '../../src/storage/collections.js';
import { tenantDocId } from '../../src/storage/documents.js';
import { TENANT, type E2E } from '../e2e/harness.js';
import { NOW, startDashboard, TestJwks, type Seeded } from './fixture.js';

describe('dashboard rollups: the lead overview served from a per-cohort rollup', function () {
  this.timeout(120_000);
  const jwks = new TestJwks();
  let e2e: E2E;
  let seeded: Seeded;

  before(async () => {
    await jwks.start();
    ({ e2e, seeded } = await startDashboard(jwks));
    await seedAnnouncements();
    await rollupsFor(e2e.services).refreshAll(NOW);
  });
  after(async () => {
    await e2e?.stop();
    await jwks.stop();
  });

  const overview = async (query: string, who = 'leadA') => {
    const token = await jwks.sign({ oid: seeded.oids[who]! });
    const res = await fetch(`${e2e.baseUrl}/api/dashboard/lead/overview?cohortId=${seeded.cohortA}${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as LeadOverview & { error?: string } };
  };
  const direct = async (filters: { fromWeek?: number; toWeek?: number; profession?: string }) => {
    const cohort = (await e2e.services.cohorts.byId(TENANT, seeded.cohortA))!;
    return leadOverviewDirect(e2e.services.dashboard.deps, TENANT, cohort, {
      cohortId: seeded.cohortA,
      ...filters,
    });
  };
  /** JSON as the API sends it, without the two timestamps. */
  const comparable = (o: LeadOverview) => {
    const { generatedAt: _g, servedAt: _s, ...rest } = JSON.parse(JSON.stringify(o)) as LeadOverview;
    return rest;
  };
  const rollupDoc = () =>
    e2e.services.database.db
      .collection(collections.dashboardRollups.name)
      .findOne({ _id: rollupId(TENANT, seeded.cohortA) } as never);
  const overdueDoc = (week: number) =>
    e2e.services.database.db
      .collection(collections.dashboardRollups.name)
      .findOne({ _id: overdueId(TENANT, seeded.cohortA, week) } as never);

  /**
   * Two acknowledgement-required announcements through the feature's repository: one to the
   * whole cohort (7 students + 2 supervisors), acknowledged by 4 of the 5 OT students, 1 physio
   * student and 1 supervisor; one to 3 OT students only, acknowledged by 1. A draft and one
   * without acknowledgement are not counted.
   */
  async function seedAnnouncements() {
    const repo = new AnnouncementsRepository(e2e.services.database.db);
    const ids = seeded.ids;
    const base = (key: string, audience: string[], sentAt: Date, extra: Partial<AnnouncementDoc> = {}) => ({
      _id: tenantDocId(TENANT, 'ann', key),
      cohortId: seeded.cohortA,
      authorId: ids.leadA!,
      content: {
        title: `Announcement ${key}`,
        body: 'Body',
        linkUrl: null,
        imageUrl: null,
        importance: 'normal' as const,
        ackRequired: true,
      },
      target: 'members' as const,
      state: 'sent' as const,
      sendAt: null,
      timeZone: 'Europe/London',
      channelKey: null,
      audience,
      revision: 0,
      sentAt,
      editedAt: null,
      recalledAt: null,
      schemaVersion: 1,
      createdAt: sentAt,
      updatedAt: sentAt,
      ...extra,
    });
    const everyone = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 'sup1', 'sup2'].map((k) => ids[k]!);
    await repo.insert(TENANT, base('all', everyone, new Date('2025-02-10T09:00:00Z')));
    await repo.insert(
      TENANT,
      base(
        'ot3',
        ['s1', 's3', 's5'].map((k) => ids[k]!),
        new Date('2025-02-17T09:00:00Z'),
      ),
    );
    await repo.insert(TENANT, base('draft', everyone, new Date('2025-02-18T09:00:00Z'), { state: 'draft' }));
    await repo.insert(TENANT, {
      ...base('noack', everyone, new Date('2025-02-18T09:00:00Z')),
      content: { ...base('x', [], NOW).content, ackRequired: false },
    });
    const ack = (ann: string, key: string) =>
      repo.acknowledge(TENANT, tenantDocId(TENANT, 'ann', ann), ids[key]!, NOW);
    for (const k of ['s1', 's3', 's5', 's6', 's2', 'sup1']) await ack('all', k);
    await ack('ot3', 's3');
    // Someone outside the audience acknowledging does not count.
    await ack('ot3', 's7');
  }

  it('serves the same overview as a direct computation at the same instant, for every filter', async () => {
    for (const q of [
      {},
      { fromWeek: 2, toWeek: 2 },
      { fromWeek: 1, toWeek: 6 },
      { fromWeek: 3, toWeek: 3 },
      { profession: 'occupational therapy' },
      { profession: 'occupational therapy', fromWeek: 2, toWeek: 3 },
    ]) {
      const query = Object.entries(q)
        .map(([k, v]) => `&${k}=${encodeURIComponent(String(v))}`)
        .join('');
      const served = await overview(query);
      assert.equal(served.status, 200, JSON.stringify(served.body));
      assert.deepEqual(comparable(served.body), comparable(await direct(q)), `filters ${query}`);
    }
    // And it came from one stored document, computed once.
    const doc = await rollupDoc();
    assert.ok(doc, 'the rollup was stored');
    assert.equal(new Date(doc.generatedAt).toISOString(), NOW.toISOString());
    const served = await overview('');
    assert.equal(served.body.generatedAt, NOW.toISOString());
    assert.equal(served.body.servedAt, NOW.toISOString());
  });

  it('holds only aggregates, and the overdue ids per week apart: no names, no answers', async () => {
    const doc = (await rollupDoc())!;
    const week2 = (await overdueDoc(2))!;
    const text = JSON.stringify([doc, week2]);
    for (const name of ['George Ives', 'Amira Ahmed', 'Chaired the huddle'])
      assert.ok(!text.includes(name), `${name} is in the rollup`);
    for (const id of Object.values(seeded.ids)) assert.ok(!JSON.stringify(doc).includes(id));
    assert.deepEqual(doc.overdueWeeks, [2]);
    assert.deepEqual(
      week2.overdue.map((e: { studentId: string }) => e.studentId),
      [seeded.ids.s7],
    );
    assert.equal(await overdueDoc(1), null);
    assert.deepEqual(collections.dashboardRollups.personFields, ['overdue.studentId']);
  });

  it('announcement acknowledgements: acks per announcement against its audience, newest first', async () => {
    const o = (await overview('')).body;
    assert.equal(o.announcements.state, 'ok');
    assert.deepEqual(
      o.announcements.data!.map((r) => [r.title, r.recipients, r.acknowledged, Math.round(r.rate * 100)]),
      [
        ['Announcement ot3', 3, 1, 33],
        ['Announcement all', 9, 6, 67],
      ],
    );
    // A profession cut counts that profession's students only and leaves out announcements
    // that reached fewer of them than the minimum group size (3 < 5).
    const ot = (await overview(`&profession=${encodeURIComponent('occupational therapy')}`)).body;
    assert.deepEqual(
      ot.announcements.data!.map((r) => [r.title, r.recipients, r.acknowledged]),
      [['Announcement all', 5, 4]],
    );
    // The CSV is the same numbers.
    const token = await jwks.sign({ oid: seeded.oids.leadA! });
    const csv = await (
      await fetch(
        `${e2e.baseUrl}/api/dashboard/lead/table.csv?cohortId=${seeded.cohortA}&table=announcements`,
        { headers: { authorization: `Bearer ${token}` } },
      )
    ).text();
    assert.equal(
      csv,
      'announcement,sent_at,recipients,acknowledged,rate_percent\n' +
        'Announcement ot3,2025-02-17T09:00:00.000Z,3,1,33\n' +
        'Announcement all,2025-02-10T09:00:00.000Z,9,6,67\n',
    );
  });

  it('applies the minimum group size when the rollup is read (a 2-student cut is refused)', async () => {
    const small = await overview('&profession=physiotherapy');
    assert.equal(small.status, 422);
    assert.equal(small.body.error, 'group_too_small');
    const all = (await overview('')).body;
    assert.deepEqual(
      all.students.data!.byProfession.map((r) => r.key),
      ['occupational therapy'],
    );
  });

  it('a new check-in shows after the recurring refresher has run, not before', async () => {
    const before = (await overview('')).body;
    assert.deepEqual(
      before.overdue.data!.map((r) => r.name),
      ['George Ives'],
    );
    const cohort = (await e2e.services.cohorts.byId(TENANT, seeded.cohortA))!;
    await new CheckinsRepository(e2e.services.database.db).save(
      TENANT,
      {
        studentId: seeded.ids.s7!,
        cohortId: seeded.cohortA,
        week: 2,
        of: 6,
        dueAt: dueInstantForWeek(cohort, 2),
        answers: {
          wellbeing: 1,
          progress: 'Late',
          leadership: '',
          wentWell: '',
          hard: '',
          topics: '',
          confidence: {},
        },
      },
      NOW,
    );
    // Still the snapshot: the page says how old it is.
    const stale = (await overview('')).body;
    assert.deepEqual(comparable(stale), comparable(before));
    assert.equal(stale.generatedAt, NOW.toISOString());

    // The refresher's next slot: the scheduler runs it (claimed, once).
    e2e.clock.set(new Date(NOW.getTime() + ROLLUP_EVERY_MS));
    // Run due jobs now; the service's own poller may take the job first (claimed once either way).
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    const refreshedAt = new Date(NOW.getTime() + ROLLUP_EVERY_MS).toISOString();
    let after = (await overview('')).body;
    for (let i = 0; i < 50 && after.generatedAt !== refreshedAt; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = (await overview('')).body;
    }
    assert.equal(after.generatedAt, refreshedAt);
    assert.deepEqual(after.overdue.data, []);
    assert.deepEqual(
      after.submissionRate.data!.map((r) => [r.week, r.submitted]),
      [
        [1, 7],
        [2, 7],
        [3, 5],
      ],
    );
    assert.deepEqual(
      after.wellbeing.data!.map((r) => r.count),
      [1, 3, 1],
    );
    assert.deepEqual(comparable(after), comparable(await direct({})));
    assert.deepEqual((await rollupDoc())!.overdueWeeks, []);
    assert.equal(await overdueDoc(2), null);
  });

  it('an overdue list that no longer matches its rollup (erased) is recomputed, not served stale', async () => {
    // George overdue in week 2 again: remove his late check-in and refresh.
    await e2e.services.database.db
      .collection(collections.checkins.name)
      .deleteOne({ _id: tenantDocId(TENANT, 'checkin', seeded.ids.s7!, 'w2') } as never);
    const cohort = (await e2e.services.cohorts.byId(TENANT, seeded.cohortA))!;
    await rollupsFor(e2e.services).refresh(TENANT, cohort);
    assert.deepEqual(
      (await overview('')).body.overdue.data!.map((r) => r.name),
      ['George Ives'],
    );
    // An erasure deletes the week's list (its person field): the next read recomputes.
    await e2e.services.database.db
      .collection(collections.dashboardRollups.name)
      .deleteOne({ _id: overdueId(TENANT, seeded.cohortA, 2) } as never);
    e2e.clock.set(new Date(e2e.clock.now().getTime() + 1000));
    const o = (await overview('')).body;
    assert.equal(o.generatedAt, e2e.clock.now().toISOString());
    assert.deepEqual(
      o.overdue.data!.map((r) => r.name),
      ['George Ives'],
    );
    assert.ok(await overdueDoc(2));
  });

  it('a rollup older than the cohort calendar is recomputed on the next read', async () => {
    const cohort = (await e2e.services.cohorts.byId(TENANT, seeded.cohortA))!;
    const r = rollupsFor(e2e.services);
    assert.ok(await r.stored(TENANT, cohort));
    // Changed as another process would, then forgotten here (a write through the repository does both).
    await e2e.services.database.db
      .collection(collections.cohorts.name)
      .updateOne({ _id: cohort._id } as never, {
        $set: { updatedAt: new Date(e2e.clock.now().getTime() + 1000) },
      });
    e2e.services.cohorts.forget(TENANT, cohort._id);
    const changed = (await e2e.services.cohorts.byId(TENANT, seeded.cohortA))!;
    assert.equal(await r.stored(TENANT, changed), null);
    e2e.clock.set(new Date(e2e.clock.now().getTime() + 60_000));
    const o = (await overview('')).body;
    assert.equal(o.generatedAt, e2e.clock.now().toISOString());
    assert.ok(await r.stored(TENANT, changed));
  });
});
