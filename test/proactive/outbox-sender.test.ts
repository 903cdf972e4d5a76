import assert from 'node:assert/strict';
import { FakeConnector } from '../e2e/fake-connector.js';
import { buildSender, seedRecipients } from '../helpers/engines.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';
import type { Database } from '../../src/storage/mongo.js';

const TENANT = 'tenant-sender';

describe('outbox + sender (real local database, fake Bot Connector)', function () {
  this.timeout(60_000);
  let database: Database;
  const connector = new FakeConnector();
  let recipients: string[];

  before(async () => {
    database = await freshDatabase('sender');
    await connector.start();
    recipients = await seedRecipients(database, TENANT, 40, connector.url);
  });
  after(async () => {
    await connector.stop();
    await dropAndClose(database);
  });
  afterEach(async () => {
    connector.reset();
    await database.db.collection('outbox').deleteMany({});
  });

  const enqueueAll = (outbox: ReturnType<typeof buildSender>['outbox'], batch: string, ids = recipients) =>
    outbox.enqueue(
      TENANT,
      ids.map((personId) => ({
        dedupeKey: `${batch}|${personId}`,
        purpose: 'test',
        batchId: batch,
        target: { kind: 'person' as const, personId },
        activity: { text: `hello ${batch}` },
      })),
    );

  it('stores a message once however often it is enqueued', async () => {
    const { outbox } = buildSender(database);
    assert.equal(await enqueueAll(outbox, 'b-dedupe'), 40);
    assert.equal(await enqueueAll(outbox, 'b-dedupe'), 0);
    assert.equal((await outbox.byBatch(TENANT, 'b-dedupe')).length, 40);
  });

  it('delivers exactly one message to each recipient despite 429 with Retry-After and random 503s, never before Retry-After', async () => {
    const { outbox, sender } = buildSender(database);
    const retryAfterUntil = new Map<string, number>();
    let injected429 = 0;
    let injected503 = 0;
    const violations: string[] = [];
    connector.fault = ({ conversationId }) => {
      const until = retryAfterUntil.get(conversationId);
      if (until && Date.now() < until) violations.push(conversationId);
      const roll = Math.random();
      if (roll < 0.15) {
        injected429++;
        retryAfterUntil.set(conversationId, Date.now() + 1000);
        return { status: 429, headers: { 'retry-after': '1' } };
      }
      if (roll < 0.3) {
        injected503++;
        return { status: 503 };
      }
      return undefined;
    };
    await enqueueAll(outbox, 'b-faults');
    sender.start();
    await sender.drain(30_000);
    await sender.stop();
    const delivered = connector.delivered();
    const perConversation = new Map<string, number>();
    for (const call of delivered)
      perConversation.set(call.conversationId, (perConversation.get(call.conversationId) ?? 0) + 1);
    assert.equal(perConversation.size, 40, 'every recipient got the message');
    assert.ok(
      [...perConversation.values()].every((n) => n === 1),
      'nobody got two',
    );
    assert.deepEqual(violations, [], 'no request inside a Retry-After window');
    assert.ok(injected429 + injected503 > 0, 'faults were injected');
    const counts = await outbox.batchCounts(TENANT, 'b-faults');
    assert.equal(counts.sent, 40);
  });

  it('marks a person who blocked the bot (403) unreachable and still delivers to the rest', async () => {
    const { outbox, sender, people } = buildSender(database);
    connector.fault = ({ conversationId }) => (conversationId === 'a:conv-3' ? { status: 403 } : undefined);
    await enqueueAll(outbox, 'b-403', recipients.slice(0, 10));
    sender.start();
    await sender.drain();
    await sender.stop();
    const counts = await outbox.batchCounts(TENANT, 'b-403');
    assert.equal(counts.sent, 9);
    assert.equal(counts.unreachable, 1);
    const blocked = await people.byId(TENANT, recipients[3]);
    assert.ok(blocked?.unreachableSince instanceof Date);
  });

  it('gives up after the maximum attempts on persistent 5xx and records the failure', async () => {
    const { outbox, sender } = buildSender(database, { maxAttempts: 3 });
    connector.fault = () => ({ status: 502 });
    await enqueueAll(outbox, 'b-502', recipients.slice(0, 2));
    sender.start();
    await sender.drain();
    await sender.stop();
    const items = await outbox.byBatch(TENANT, 'b-502');
    assert.deepEqual(
      items.map((i) => [i.state, i.failures, i.lastStatus]),
      [
        ['failed', 3, 502],
        ['failed', 3, 502],
      ],
    );
  });

  it('two senders on one outbox (two instances) deliver each message once', async () => {
    const a = buildSender(database);
    const b = buildSender(database);
    connector.latencyMs = 5;
    await enqueueAll(a.outbox, 'b-two');
    a.sender.start();
    b.sender.start();
    await a.sender.drain();
    await Promise.all([a.sender.stop(), b.sender.stop()]);
    const delivered = connector.delivered();
    assert.equal(delivered.length, 40);
    assert.equal(new Set(delivered.map((c) => c.conversationId)).size, 40);
    assert.ok(
      a.sender.stats.sent > 0 && b.sender.stats.sent > 0,
      `both worked: ${a.sender.stats.sent}/${b.sender.stats.sent}`,
    );
  });

  it('keeps to the per-conversation limit of 7 per second', async () => {
    const { outbox, sender } = buildSender(database);
    await outbox.enqueue(
      TENANT,
      Array.from({ length: 15 }, (_, i) => ({
        dedupeKey: `burst|${i}`,
        purpose: 'test',
        batchId: 'burst',
        target: { kind: 'person' as const, personId: recipients[0] },
        activity: { text: `m${i}` },
      })),
    );
    sender.start();
    await sender.drain();
    await sender.stop();
    const times = connector
      .delivered('a:conv-0')
      .map((c) => c.at)
      .sort((x, y) => x - y);
    assert.equal(times.length, 15);
    for (let i = 7; i < times.length; i++)
      assert.ok(times[i] - times[i - 7] >= 1000, `8 sends within 1 s at ${i}`);
  });

  it('drain returns only after a send already under way has finished', async () => {
    const { outbox, sender } = buildSender(database);
    let asked: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => (asked = resolve));
    connector.fault = () => {
      asked();
      return undefined;
    };
    const sent: string[] = [];
    // The delivery is recorded before the attempt's own work ends (listeners, the mark, its span).
    sender.on({
      sent: async (item) => {
        await new Promise((r) => setTimeout(r, 300));
        sent.push(item._id);
      },
    });
    await enqueueAll(outbox, 'b-inflight', recipients.slice(0, 1));
    sender.start();
    await inFlight;
    await sender.drain();
    assert.equal(sent.length, 1, 'the send under way was waited for');
    await sender.stop();
  });

  it('updates and deletes a delivered message in place', async () => {
    const { outbox, sender } = buildSender(database);
    await enqueueAll(outbox, 'b-edit', recipients.slice(0, 1));
    sender.start();
    await sender.drain();
    const [original] = await outbox.byBatch(TENANT, 'b-edit');
    await outbox.enqueue(TENANT, [
      {
        dedupeKey: 'b-edit|update',
        purpose: 'test',
        op: 'update',
        originalItemId: original._id,
        target: original.target,
        activity: { text: 'edited' },
      },
    ]);
    await outbox.enqueue(TENANT, [
      {
        dedupeKey: 'b-edit|delete',
        purpose: 'test',
        op: 'delete',
        originalItemId: original._id,
        target: original.target,
      },
    ]);
    await sender.drain();
    await sender.stop();
    const ops = connector.calls
      .filter((c) => c.conversationId === 'a:conv-0')
      .map((c) => [c.method, c.activityId]);
    assert.deepEqual(ops, [
      ['POST', null],
      ['PUT', original.sentActivityId],
      ['DELETE', original.sentActivityId],
    ]);
  });
});
