/** Conversation references on the real local database: concurrent first saves of one key. */
import assert from 'node:assert/strict';
import { ConversationReferencesRepository } from '../../src/storage/conversation-references-repository.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

describe('ConversationReferencesRepository', () => {
  let database: Database;
  let refs: ConversationReferencesRepository;
  before(async () => {
    database = await freshDatabase('refs');
    refs = new ConversationReferencesRepository(database.db);
  });
  after(() => dropAndClose(database));

  it('survives simultaneous first saves of the same key (install activities arrive together) and keeps one document', async () => {
    for (let round = 0; round < 5; round++) {
      const key = `personal:person-${round}`;
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          refs.save(
            't1',
            key,
            'personal',
            `person-${round}`,
            { serviceUrl: `http://localhost/_connector/${i}`, conversation: { id: `a:${round}` } as never },
            new Date(),
          ),
        ),
      );
      const failed = results
        .filter((r) => r.status === 'rejected')
        .map((r) => String((r as PromiseRejectedResult).reason));
      assert.deepEqual(failed, []);
      const stored = await database.db.collection('conversation_references').find({ key }).toArray();
      assert.equal(stored.length, 1);
      assert.match(
        (await refs.get('t1', key))!.reference.serviceUrl!,
        /^http:\/\/localhost\/_connector\/\d$/,
      );
    }
  });
});
