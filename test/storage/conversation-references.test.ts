/**
 * Conversation references on the real local database: concurrent first saves of one key; a save
 * of the reference already stored writes nothing (and, seen before in this process, reads
 * nothing), a changed one is written.
 */
import assert from 'node:assert/strict';
import { ConversationReferencesRepository } from '../../src/storage/conversation-references-repository.js';
import { connectDatabase, type Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase, testMongoUri } from '../helpers/db.js';

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

  it('writes only when the reference changed (every turn saves it; nearly always the same)', async () => {
    const key = 'personal:person-same';
    const reference = (serviceUrl: string) => ({
      serviceUrl,
      channelId: 'msteams',
      conversation: { id: 'a:same', conversationType: 'personal', tenantId: 't1' } as never,
    });
    const updatedAt = async () => (await refs.get('t1', key))!.updatedAt.toISOString();
    await refs.save(
      't1',
      key,
      'personal',
      'person-same',
      reference('http://one/'),
      new Date('2025-10-01T00:00:00Z'),
    );
    // The same reference, its keys in another order: no write, so updatedAt stays.
    const reordered = {
      conversation: reference('http://one/').conversation,
      channelId: 'msteams',
      serviceUrl: 'http://one/',
    };
    await refs.save('t1', key, 'personal', 'person-same', reordered, new Date('2025-10-02T00:00:00Z'));
    assert.equal(await updatedAt(), '2025-10-01T00:00:00.000Z');
    await refs.save(
      't1',
      key,
      'personal',
      'person-same',
      reference('http://two/'),
      new Date('2025-10-03T00:00:00Z'),
    );
    assert.equal(await updatedAt(), '2025-10-03T00:00:00.000Z');
    assert.equal((await refs.get('t1', key))!.reference.serviceUrl, 'http://two/');
    // Same reference, but now someone else's key/person: written.
    await refs.save(
      't1',
      key,
      'personal',
      'person-other',
      reference('http://two/'),
      new Date('2025-10-04T00:00:00Z'),
    );
    assert.equal((await refs.get('t1', key))!.personId, 'person-other');
  });

  it('a repeat save in the same process makes no database call; another process reads once, then none', async () => {
    const watched = await connectDatabase(await testMongoUri(), database.db.databaseName, {
      monitorCommands: true,
    });
    try {
      const commands: string[] = [];
      watched.client.on('commandStarted', (e) => commands.push(e.commandName));
      const key = 'personal:person-quiet';
      const reference = { serviceUrl: 'http://one/', conversation: { id: 'a:quiet' } as never };
      const first = new ConversationReferencesRepository(watched.db);
      await first.save('t1', key, 'personal', 'person-quiet', reference, new Date());
      assert.deepEqual(commands, ['find', 'update']);
      commands.length = 0;
      await first.save('t1', key, 'personal', 'person-quiet', { ...reference }, new Date());
      assert.deepEqual(commands, []);
      const second = new ConversationReferencesRepository(watched.db);
      await second.save('t1', key, 'personal', 'person-quiet', reference, new Date());
      await second.save('t1', key, 'personal', 'person-quiet', reference, new Date());
      assert.deepEqual(commands, ['find']);
      // A changed reference is still compared with the database and written.
      commands.length = 0;
      await first.save(
        't1',
        key,
        'personal',
        'person-quiet',
        { ...reference, serviceUrl: 'http://two/' },
        new Date(),
      );
      assert.deepEqual(commands, ['find', 'update']);
    } finally {
      await watched.close();
    }
  });
});
