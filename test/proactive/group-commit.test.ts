import assert from 'node:assert/strict';
import { GroupInserter } from '../../src/proactive/group-insert.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

describe('GroupInserter (group commit of insert-if-absent, real local database)', () => {
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
});
