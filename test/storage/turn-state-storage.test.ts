import assert from 'node:assert/strict';
import { EtagConflictError, MongoTurnStateStorage } from '../../src/storage/turn-state-storage.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';
import type { Database } from '../../src/storage/mongo.js';

describe('MongoTurnStateStorage (real local database)', () => {
  let database: Database;
  let storage: MongoTurnStateStorage;

  before(async () => {
    database = await freshDatabase('turnstate');
    storage = new MongoTurnStateStorage(database.db);
  });
  after(() => dropAndClose(database));

  it('round-trips items and hands back a new eTag on each write', async () => {
    await storage.write({ 'msteams/conversations/a': { step: 1, 'odd.key': { $x: 1 } } });
    const first = await storage.read(['msteams/conversations/a', 'missing']);
    assert.deepEqual(Object.keys(first), ['msteams/conversations/a']);
    assert.equal(first['msteams/conversations/a'].step, 1);
    assert.deepEqual(first['msteams/conversations/a']['odd.key'], { $x: 1 });
    const eTag1 = first['msteams/conversations/a'].eTag;
    await storage.write({ 'msteams/conversations/a': { ...first['msteams/conversations/a'], step: 2 } });
    const second = await storage.read(['msteams/conversations/a']);
    assert.equal(second['msteams/conversations/a'].step, 2);
    assert.notEqual(second['msteams/conversations/a'].eTag, eTag1);
  });

  it('rejects a write carrying a stale eTag and keeps the newer state', async () => {
    await storage.write({ k1: { count: 0 } });
    const readA = (await storage.read(['k1'])).k1;
    const readB = (await storage.read(['k1'])).k1;
    await storage.write({ k1: { ...readA, count: 1 } });
    await assert.rejects(storage.write({ k1: { ...readB, count: 99 } }), EtagConflictError);
    assert.equal((await storage.read(['k1'])).k1.count, 1);
  });

  it('lets exactly one of many concurrent writers with the same eTag win', async () => {
    await storage.write({ k2: { n: 0 } });
    const base = (await storage.read(['k2'])).k2;
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => storage.write({ k2: { ...base, n: i + 1 } })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal(results.filter((r) => r.status === 'rejected').length, 9);
  });

  it("overwrites with eTag '*' and deletes", async () => {
    await storage.write({ k3: { v: 1 } });
    await storage.write({ k3: { v: 2, eTag: '*' } });
    assert.equal((await storage.read(['k3'])).k3.v, 2);
    await storage.delete(['k3']);
    assert.deepEqual(await storage.read(['k3']), {});
  });
});
