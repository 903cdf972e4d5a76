import assert from 'node:assert/strict';
import { CohortsRepository } from '../../src/storage/cohorts-repository.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

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
        startDate: '2025-02-03',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: ['2025-02-05'],
        supervision: null,
        timeZone: 'Europe/London',
        teamsChannelId: null,
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
