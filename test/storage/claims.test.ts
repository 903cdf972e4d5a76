import assert from 'node:assert/strict';
import { Claims } from '../../src/storage/claims.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

describe('claims (insert-if-absent, real local database)', () => {
  let database: Database;
  before(async () => (database = await freshDatabase('claims')));
  after(() => dropAndClose(database));

  it('gives each key to exactly one of many concurrent takers', async () => {
    const claims = new Claims(database.db);
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(Array.from({ length: 8 }, () => claims.take('race', `key-${round}`)));
      assert.equal(results.filter(Boolean).length, 1, `round ${round}`);
    }
  });

  it('keeps scopes apart, stores hashed ids only, and purges old claims', async () => {
    const claims = new Claims(database.db);
    assert.equal(await claims.take('a', 'person@example.nhs.uk'), true);
    assert.equal(await claims.take('b', 'person@example.nhs.uk'), true);
    const raw = JSON.stringify(await database.db.collection('claims').find({}).toArray());
    assert.ok(!raw.includes('example.nhs.uk'));
    const purged = await claims.purgeOlderThan(new Date(Date.now() + 1000));
    assert.ok(purged >= 2);
    assert.equal(await claims.take('a', 'person@example.nhs.uk'), true);
  });
});
