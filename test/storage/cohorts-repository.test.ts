import assert from 'node:assert/strict';
import type { Weekday } from '../../src/domain/placement-calendar.js';
import { COHORT_READ_CACHE_MS, CohortsRepository } from '../../src/storage/cohorts-repository.js';
import { collections } from '../../src/storage/collections.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase, watchedConnection } from '../helpers/db.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

describe('cohorts repository: non-placement dates (real local database)', () => {
  let database: Database;
  before(async () => (database = await freshDatabase('cohorts')));
  after(() => dropAndClose(database));

  it('adds dates once and removes exactly the dates asked for', async () => {
    const cohorts = new CohortsRepository(database.db);
    const now = new Date('2025-02-03T09:00:00Z');
    const { id } = await cohorts.upsertByName(
      't1',
      {
        name: 'Cohort',
        ...DEFAULT_COHORT,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: ['2025-02-05'],
        supervision: null,
      },
      now,
    );
    await cohorts.addNonPlacementDates('t1', id, ['2025-02-10', '2025-02-19'], now);
    await cohorts.addNonPlacementDates('t1', id, ['2025-02-10'], now);
    assert.deepEqual((await cohorts.byId('t1', id))!.nonPlacementDates, [
      '2025-02-05',
      '2025-02-10',
      '2025-02-19',
    ]);
    const after = await cohorts.removeNonPlacementDates('t1', id, ['2025-02-19', '2025-03-01'], now);
    assert.deepEqual(after!.nonPlacementDates, ['2025-02-05', '2025-02-10']);
    assert.deepEqual((await cohorts.byId('t1', id))!.nonPlacementDates, ['2025-02-05', '2025-02-10']);
  });
});

describe('cohorts repository: cohorts read by _id are remembered briefly (real local database)', () => {
  let database: Database;
  let watched: Database;
  const finds: string[] = [];
  before(async () => {
    database = await freshDatabase('cohorts_cache');
    watched = await watchedConnection(database, (e) => {
      if (e.commandName === 'find' && e.command.find === collections.cohorts.name)
        finds.push(JSON.stringify(e.command.filter));
    });
  });
  after(async () => {
    await watched.close();
    await dropAndClose(database);
  });

  const now = new Date('2025-02-03T09:00:00Z');
  const cohort = (name: string) => ({
    name,
    ...DEFAULT_COHORT,
    clinicalDays: ['Mon', 'Tue'] as Weekday[],
    leadershipDays: ['Wed', 'Thu'] as Weekday[],
    supervision: null,
  });

  it('answers a second read from memory, as a copy the caller may change', async () => {
    const cohorts = new CohortsRepository(watched.db);
    const { id } = await cohorts.upsertByName('t1', cohort('Remembered'), now);
    finds.length = 0;
    const first = (await cohorts.byId('t1', id))!;
    first.weeks = 99;
    first.clinicalDays.push('Fri');
    const second = (await cohorts.byId('t1', id))!;
    assert.equal(second.weeks, 6);
    assert.deepEqual(second.clinicalDays, ['Mon', 'Tue']);
    assert.ok(second.createdAt instanceof Date);
    assert.equal(finds.length, 1, `one read for two byId calls: ${finds.join(' ')}`);
    assert.equal(await cohorts.byId('t1', 'no-such-cohort'), null);
    assert.equal(await cohorts.byId('t1', 'no-such-cohort'), null);
    assert.equal(finds.length, 3, 'a missing cohort is not remembered');
  });

  it('every write through the repository is seen by its next read', async () => {
    // One repository per process (createRepositories): the writer is the reader.
    const writer = new CohortsRepository(watched.db);
    const reader = writer;
    const { id } = await writer.upsertByName('t1', cohort('Written'), now);
    assert.equal((await reader.byId('t1', id))!.weeks, 6);
    await writer.upsertByName('t1', { ...cohort('Written'), weeks: 7 }, now);
    assert.equal((await reader.byId('t1', id))!.weeks, 7, 'upsertByName');
    await writer.updateSettings(
      't1',
      id,
      { ...cohort('Written'), weeks: 8, checkins: { promptTime: '08:00' } },
      now,
    );
    assert.equal((await reader.byId('t1', id))!.weeks, 8, 'updateSettings');
    await writer.addNonPlacementDates('t1', id, ['2025-02-12'], now);
    assert.deepEqual(
      (await reader.byId('t1', id))!.nonPlacementDates,
      ['2025-02-12'],
      'addNonPlacementDates',
    );
    await writer.removeNonPlacementDates('t1', id, ['2025-02-12'], now);
    assert.deepEqual((await reader.byId('t1', id))!.nonPlacementDates, [], 'removeNonPlacementDates');
    await writer.linkChannel(
      't1',
      id,
      { teamsChannelId: '19:c', teamsTeamId: null, serviceUrl: 'https://s/' },
      now,
    );
    assert.equal((await reader.byId('t1', id))!.teamsChannelId, '19:c', 'linkChannel');
  });

  it('a change made by another process is seen once the remembered copy expires', async () => {
    const cohorts = new CohortsRepository(watched.db);
    const { id } = await cohorts.upsertByName('t1', cohort('Elsewhere'), now);
    assert.equal((await cohorts.byId('t1', id))!.weeks, 6);
    await database.db
      .collection(collections.cohorts.name)
      .updateOne({ _id: id } as never, { $set: { weeks: 9 } });
    assert.equal((await cohorts.byId('t1', id))!.weeks, 6, 'still the remembered copy');
    await new Promise((r) => setTimeout(r, COHORT_READ_CACHE_MS + 100));
    assert.equal((await cohorts.byId('t1', id))!.weeks, 9);
  });
});
