import assert from 'node:assert/strict';
import {
  CheckinsRepository,
  checkinId,
  PAUSE_READ_CACHE_MS,
} from '../../../src/features/checkins/checkins-repository.js';
import { collections } from '../../../src/storage/collections.js';
import type { Database } from '../../../src/storage/mongo.js';
import { dropAndClose, freshDatabase, watchedConnection } from '../../helpers/db.js';

const T = 'tenant-a';
const answers = (n: number) => ({
  wellbeing: n,
  progress: `progress ${n}`,
  leadership: '',
  wentWell: '',
  hard: '',
  topics: '',
  confidence: { leadership: n },
});

describe('CheckinsRepository (real local database)', () => {
  let database: Database;
  let repo: CheckinsRepository;
  before(async () => {
    database = await freshDatabase('checkins');
    repo = new CheckinsRepository(database.db);
  });
  after(() => dropAndClose(database));

  it('stores one check-in per student and week, however many times it is submitted (also concurrently)', async () => {
    const now = new Date('2025-10-21T10:00:00Z');
    const fields = {
      studentId: `${T}|s1`,
      cohortId: `${T}|c1`,
      week: 1,
      of: 6,
      answers: answers(3),
      dueAt: new Date('2025-10-23T13:00:00Z'),
    };
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => repo.save(T, fields, now)));
    assert.ok(outcomes.some((o) => o.outcome === 'inserted'));
    assert.equal(await repo.checkins(T).countDocuments({ studentId: `${T}|s1` }), 1);
    const doc = await repo.get(T, `${T}|s1`, 1);
    // Each save hands back the stored check-in.
    for (const { checkin } of outcomes) assert.deepEqual(checkin, doc);
    assert.equal(doc!._id, checkinId(T, `${T}|s1`, 1));
    assert.deepEqual(doc!.comments, []);
    assert.equal(doc!.late, false);
    assert.equal(doc!.tenantId, T);
  });

  it('keeps the first submission time and lateness on edit, and clears a countersignature', async () => {
    const id = checkinId(T, `${T}|s1`, 1);
    await repo.countersign(T, id, `${T}|sup`, new Date('2025-10-22T10:00:00Z'));
    const later = new Date('2025-10-24T10:00:00Z'); // after due
    const edit = await repo.save(
      T,
      {
        studentId: `${T}|s1`,
        cohortId: `${T}|c1`,
        week: 1,
        of: 6,
        answers: answers(4),
        dueAt: new Date('2025-10-23T13:00:00Z'),
      },
      later,
    );
    assert.equal(edit.outcome, 'updated');
    const doc = (await repo.get(T, `${T}|s1`, 1))!;
    assert.deepEqual(edit.checkin, doc);
    assert.equal(doc.answers.wellbeing, 4);
    assert.equal(doc.late, false);
    assert.equal(doc.submittedAt.toISOString(), '2025-10-21T10:00:00.000Z');
    assert.equal(doc.countersignedBy, null);
  });

  it('marks a first submission after the due time late', async () => {
    await repo.save(
      T,
      {
        studentId: `${T}|s2`,
        cohortId: `${T}|c1`,
        week: 1,
        of: 6,
        answers: answers(2),
        dueAt: new Date('2025-10-23T13:00:00Z'),
      },
      new Date('2025-10-23T13:00:01Z'),
    );
    assert.equal((await repo.get(T, `${T}|s2`, 1))!.late, true);
  });

  it('adds a pause once, and lists pauses by student and by cohort', async () => {
    const now = new Date();
    const p = {
      studentId: `${T}|s1`,
      cohortId: `${T}|c1`,
      from: '2025-11-03',
      to: '2025-11-09',
      reason: 'sickness' as const,
    };
    assert.equal(await repo.addPause(T, p, `${T}|lead`, now), true);
    assert.equal(await repo.addPause(T, p, `${T}|lead`, now), false);
    assert.deepEqual(await repo.pausesOf(T, `${T}|s1`), [
      { from: '2025-11-03', to: '2025-11-09', reason: 'sickness' },
    ]);
    assert.deepEqual([...(await repo.pausesOfCohort(T, `${T}|c1`)).keys()], [`${T}|s1`]);
    assert.deepEqual(await repo.pausesOf('tenant-b', `${T}|s1`), []);
  });
});

describe("CheckinsRepository: a tenant's pauses are remembered briefly (real local database)", () => {
  let database: Database;
  let watched: Database;
  let pauseReads = 0;
  const pause = (student: string, from: string) => ({
    studentId: `${T}|${student}`,
    cohortId: `${T}|c1`,
    from,
    to: from,
    reason: 'study-leave' as const,
  });
  before(async () => {
    database = await freshDatabase('checkin_pauses_cache');
    watched = await watchedConnection(database, (e) => {
      if (e.commandName === 'find' && e.command.find === collections.checkinPauses.name) pauseReads++;
    });
  });
  after(async () => {
    await watched.close();
    await dropAndClose(database);
  });

  it("one read answers every student's pauses; each caller gets copies", async () => {
    const writer = new CheckinsRepository(database.db);
    const now = new Date('2025-10-01T00:00:00Z');
    await writer.addPause(T, pause('s1', '2025-11-03'), `${T}|lead`, now);
    await writer.addPause(T, pause('s1', '2025-11-10'), `${T}|lead`, now);
    await writer.addPause(T, pause('s2', '2025-11-03'), `${T}|lead`, now);
    const reader = new CheckinsRepository(watched.db);
    pauseReads = 0;
    const s1 = await reader.pausesOf(T, `${T}|s1`);
    assert.deepEqual(
      s1.map((p) => p.from),
      ['2025-11-03', '2025-11-10'],
    );
    s1[0]!.from = 'changed by a caller';
    assert.deepEqual(
      (await reader.pausesOf(T, `${T}|s1`)).map((p) => p.from),
      ['2025-11-03', '2025-11-10'],
    );
    assert.equal((await reader.pausesOf(T, `${T}|s2`)).length, 1);
    assert.deepEqual(await reader.pausesOf(T, `${T}|nobody`), []);
    assert.equal(pauseReads, 1, 'one read for four students');
    await reader.pausesOf('tenant-b', `${T}|s1`);
    assert.equal(pauseReads, 2, 'another tenant is read on its own');
  });

  it("a pause added through the process's repository (built once) is seen at once", async () => {
    const reader = new CheckinsRepository(watched.db);
    assert.equal((await reader.pausesOf(T, `${T}|s3`)).length, 0);
    await reader.addPause(T, pause('s3', '2025-11-17'), `${T}|lead`, new Date());
    assert.deepEqual(await reader.pausesOf(T, `${T}|s3`), [
      { from: '2025-11-17', to: '2025-11-17', reason: 'study-leave' },
    ]);
  });

  it('a pause written by another process is seen once the remembered ones expire', async () => {
    const reader = new CheckinsRepository(watched.db);
    assert.equal((await reader.pausesOf(T, `${T}|s4`)).length, 0);
    await database.db.collection(collections.checkinPauses.name).insertOne({
      _id: `${T}|pause|elsewhere` as never,
      tenantId: T,
      ...pause('s4', '2025-11-24'),
      createdBy: `${T}|lead`,
    });
    assert.equal((await reader.pausesOf(T, `${T}|s4`)).length, 0, 'still the remembered ones');
    await new Promise((r) => setTimeout(r, PAUSE_READ_CACHE_MS + 100));
    assert.equal((await reader.pausesOf(T, `${T}|s4`)).length, 1);
  });
});
