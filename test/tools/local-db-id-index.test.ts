/**
 * tools/local-db adds an index that FerretDB's own `{_id}` queries can use (its built-in _id
 * index is on a different SQLite expression, so every lookup by _id scanned the table).
 * FerretDB's explain shows the SQLite plan, so this checks the real query path.
 */
import assert from 'node:assert/strict';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

describe('local database: _id lookups use an index', function () {
  this.timeout(20_000);
  let database: Database;
  before(async () => {
    database = await freshDatabase('idindex');
  });
  after(() => dropAndClose(database));

  it('looks documents up by _id through the lookup index, which listIndexes does not show', async () => {
    const items = database.db.collection<{ _id: string; n: number }>('id_index_probe');
    await items.insertOne({ _id: 'first', n: 0 });
    const plan = async () =>
      JSON.stringify((await items.find({ _id: 'first' }).explain()).queryPlanner ?? {});
    let seen = '';
    // The watcher adds the index within ~200 ms; a connection sees it after its next write.
    for (let i = 0; i < 40 && !seen.includes('USING INDEX pc_id_lookup_'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      await items.updateOne({ _id: 'first' }, { $inc: { n: 1 } });
      seen = await plan();
    }
    assert.match(seen, /SEARCH \S+ USING INDEX pc_id_lookup_/, `plan: ${seen}`);
    assert.match(
      JSON.stringify((await items.find({ n: 3 }).explain()).queryPlanner),
      /SCAN/,
      'other filters still scan (the index is for _id only)',
    );
    const names = (await items.listIndexes().toArray()).map((i) => i.name);
    assert.deepEqual(names, ['_id_'], 'FerretDB does not know about the lookup index');
    assert.equal((await items.findOne({ _id: 'first' }))?._id, 'first');
  });
});
