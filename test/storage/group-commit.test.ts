import assert from 'node:assert/strict';
import { GroupInserter, GroupUpdater } from '../../src/storage/group-commit.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

describe('GroupInserter / GroupUpdater (group commit, real local database)', () => {
  let database: Database;
  before(async () => {
    database = await freshDatabase('group');
  });
  after(() => dropAndClose(database));

  it('tells exactly one caller per _id that it inserted, however many race in one batch', async () => {
    const collection = () => database.db.collection<{ _id: string; n: number }>('group_insert_test');
    const inserter = new GroupInserter(collection, 64);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        inserter.insert({ _id: `id-${i % 40}`, n: i }).then((ok) => [i % 40, ok] as const),
      ),
    );
    const winners = new Map<number, number>();
    for (const [id, ok] of results) if (ok) winners.set(id, (winners.get(id) ?? 0) + 1);
    assert.equal(winners.size, 40);
    assert.ok([...winners.values()].every((n) => n === 1));
    assert.equal(await collection().countDocuments(), 40);
    assert.equal(await inserter.insert({ _id: 'id-3', n: -1 }), false, 'an existing _id later is a loss too');
  });

  it("applies every caller's update by _id, in groups, and settles each caller after its write", async () => {
    const collection = () =>
      database.db.collection<{ _id: string; n: number; state?: string }>('group_update_test');
    await collection().insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: `u-${i}`, n: i })));
    const updater = new GroupUpdater(collection, 16);
    let writes = 0;
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        updater.set(`u-${i}`, { state: 'sent' }).then(async () => {
          writes++;
          assert.equal(
            (await collection().findOne({ _id: `u-${i}` }))?.state,
            'sent',
            'durable when settled',
          );
        }),
      ),
    );
    assert.equal(writes, 100);
    assert.equal(await collection().countDocuments({ state: 'sent' }), 100);
  });
});
