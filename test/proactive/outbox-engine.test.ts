/**
 * The delivery engine's throughput and housekeeping behaviours, on the real local database:
 * in-process hand-off (no outbox scan for what this process enqueued), per-tenant fairness
 * under the per-tenant rate limit, and purging finished items.
 */
import assert from 'node:assert/strict';
import { FakeConnector } from '../e2e/fake-connector.js';
import { buildSender, seedRecipients } from '../helpers/engines.js';
import { dropAndClose, testMongoUri, uniqueDbName } from '../helpers/db.js';
import { connectDatabase, type Database } from '../../src/storage/mongo.js';
import { ensureIndexes } from '../../src/storage/collections.js';
import { TenantFairQueue } from '../../src/proactive/fair-queue.js';

const A = 'tenant-engine-a';
const B = 'tenant-engine-b';

describe('delivery engine: hand-off, fairness, purge (real local database)', function () {
  this.timeout(60_000);
  let database: Database;
  const connector = new FakeConnector();
  const outboxQueries: { filter: unknown; at: number }[] = [];
  let people: Record<string, string[]>;

  before(async () => {
    database = await connectDatabase(await testMongoUri(), uniqueDbName('engine'), { monitorCommands: true });
    await ensureIndexes(database.db);
    database.client.on('commandStarted', (e) => {
      if (e.commandName === 'find' && e.command.find === 'outbox')
        outboxQueries.push({ filter: e.command.filter, at: Date.now() });
    });
    await connector.start();
    people = {
      [A]: await seedRecipients(database, A, 60, connector.url),
      [B]: await seedRecipients(database, B, 10, connector.url),
    };
  });
  after(async () => {
    await connector.stop();
    await dropAndClose(database);
  });
  afterEach(async () => {
    connector.reset();
    await database.db.collection('outbox').deleteMany({});
    await database.db.collection('outbox_deliveries').deleteMany({});
  });

  const enqueue = (outbox: ReturnType<typeof buildSender>['outbox'], tenantId: string, batch: string) =>
    outbox.enqueue(
      tenantId,
      people[tenantId]!.map((personId) => ({
        dedupeKey: `${batch}|${personId}`,
        purpose: 'test',
        batchId: batch,
        target: { kind: 'person' as const, personId },
        activity: { text: `hello ${batch}` },
      })),
    );

  it('starts delivering what this process enqueued before any scan of the outbox', async () => {
    const { outbox, sender } = buildSender(database, { pollMs: 60_000 });
    sender.start();
    await new Promise((r) => setTimeout(r, 100)); // the first idle scan, before anything is queued
    outboxQueries.length = 0;
    await enqueue(outbox, A, 'handoff');
    const deadline = Date.now() + 20_000;
    while (connector.delivered().length < 60 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await sender.stop();
    assert.equal(new Set(connector.delivered().map((c) => c.conversationId)).size, 60);
    const scans = outboxQueries.filter(
      (q) => !(q.filter && typeof q.filter === 'object' && '_id' in q.filter),
    );
    const firstScan = Math.min(...scans.map((q) => q.at));
    const firstSend = Math.min(...connector.delivered().map((c) => c.at));
    const sentBeforeAnyScan = connector.delivered().filter((c) => c.at < firstScan).length;
    // The sender reads ahead (scans) only when its queue runs low: here after 44 of 60 items.
    assert.ok(firstSend < firstScan, 'the first message went out before any scan');
    assert.ok(sentBeforeAnyScan >= 30, `only ${sentBeforeAnyScan} of 60 went out before the first scan`);
  });

  it('a large fan-out in one tenant does not hold back another tenant (per-tenant limit)', async () => {
    const { outbox, sender } = buildSender(database, { tenantRps: 10, concurrency: 4 });
    await enqueue(outbox, A, 'big'); // 60 at 10/s: 6 s
    await enqueue(outbox, B, 'small'); // 10 at 10/s: 1 s, if not stuck behind A
    sender.start();
    // seedRecipients gives both tenants conversations a:conv-0…; tell them apart by activity.
    const countFor = (batch: string) =>
      connector.delivered().filter((c) => JSON.stringify(c.activity).includes(`hello ${batch}`)).length;
    const deadline = Date.now() + 20_000;
    while (countFor('small') < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const bigAtThatMoment = countFor('big');
    await sender.stop();
    assert.equal(countFor('small'), 10);
    assert.ok(bigAtThatMoment < 40, `tenant B finished only after ${bigAtThatMoment} of tenant A's 60`);
  });

  it('purges finished items and their delivery records after the retention, keeping announcements and unfinished items', async () => {
    const { outbox, sender } = buildSender(database);
    const old = new Date(Date.now() - 100 * 86_400_000);
    const mk = (key: string, purpose: string) => ({
      dedupeKey: key,
      purpose,
      target: { kind: 'person' as const, personId: people[A]![0]! },
      activity: { text: key },
    });
    await outbox.enqueue(A, [mk('old-prompt', 'checkin.prompt'), mk('old-ann', 'announcement')], old);
    await outbox.enqueue(A, [mk('old-pending', 'checkin.prompt')], new Date(Date.now() + 3_600_000));
    sender.start();
    await sender.drain();
    await sender.stop();
    // Make the two delivered ones old.
    await outbox
      .collection()
      .updateMany({ dedupeKey: { $in: ['old-prompt', 'old-ann'] } }, { $set: { updatedAt: old } });
    await outbox.deliveries().updateMany({}, { $set: { sentAt: old } });
    await outbox.collection().updateOne({ dedupeKey: 'old-pending' }, { $set: { updatedAt: old } });
    await outbox.enqueue(A, [mk('new-prompt', 'checkin.prompt')]);

    const removed = await outbox.purgeFinished(new Date(Date.now() - 90 * 86_400_000), ['announcement']);
    const left = (await outbox.collection().find({}).toArray()).map((i) => i.dedupeKey).sort();
    assert.deepEqual(left, ['new-prompt', 'old-ann', 'old-pending']);
    assert.deepEqual(removed, { items: 1, deliveries: 1 });
    assert.equal(await outbox.deliveries().countDocuments({}), 1, "the announcement's record stays");
  });
});

describe('TenantFairQueue', () => {
  it('serves tenants in turn, prefers one with budget, and keeps order within a tenant', () => {
    const q = new TenantFairQueue<{ tenantId: string; n: number }>();
    for (let n = 0; n < 3; n++) q.push({ tenantId: 'a', n });
    for (let n = 0; n < 2; n++) q.push({ tenantId: 'b', n });
    const free = () => 0;
    const order = [];
    for (let i = 0; i < 5; i++) {
      const item = q.shift(free)!;
      order.push(`${item.tenantId}${item.n}`);
    }
    assert.deepEqual(order, ['a0', 'b0', 'a1', 'b1', 'a2']);
    assert.equal(q.shift(free), undefined);
    q.push({ tenantId: 'a', n: 9 });
    q.push({ tenantId: 'b', n: 9 });
    assert.equal(
      q.shift((t) => (t === 'a' ? 500 : 0))!.tenantId,
      'b',
      'a tenant at its limit waits its turn',
    );
    assert.equal(
      q.shift((t) => (t === 'a' ? 500 : 0))!.tenantId,
      'a',
      'but is served when it is the only one',
    );
    assert.equal(q.length, 0);
  });
});
