/**
 * Several senders (instances) on one outbox with per-tenant send leases, on the real local
 * database and a fake Bot Connector: the tenant's rate is the tenant's (one holder sends), a
 * dead holder's tenant and the items it held are taken over (none missing, none doubled, its
 * late outcomes ignored), and a 429 pauses the whole tenant. Counts, not timings.
 */
import assert from 'node:assert/strict';
import { DeliveryError, type ConnectorClient } from '../../src/proactive/connector-client.js';
import { HttpConnectorClient } from '../../src/proactive/connector-client.js';
import { OutboxSender } from '../../src/proactive/outbox-sender.js';
import { Outbox } from '../../src/proactive/outbox.js';
import { RateLimiter } from '../../src/proactive/rate-limiter.js';
import { TenantSendLeases } from '../../src/proactive/tenant-send-lease.js';
import { noTokens } from '../../src/proactive/token-provider.js';
import { createLogger } from '../../src/logger.js';
import { Claims } from '../../src/storage/claims.js';
import type { Database } from '../../src/storage/mongo.js';
import { FakeConnector } from '../e2e/fake-connector.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';
import { buildSender, seedRecipients } from '../helpers/engines.js';

const TENANT = 'tenant-scale';

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A lease set that can "die" like a killed process: it renews and takes nothing more. */
class DyingLeases extends TenantSendLeases {
  dead = false;
  override acquire(tenantId: string): Promise<boolean> {
    return this.dead ? Promise.resolve(false) : super.acquire(tenantId);
  }
  override renewAll(): Promise<void> {
    return this.dead ? Promise.resolve() : super.renewAll();
  }
}

describe('scale-out: senders on several instances share a tenant through its send lease', function () {
  this.timeout(90_000);
  let database: Database;
  const connector = new FakeConnector();
  let recipients: string[];

  before(async () => {
    database = await freshDatabase('scale');
    await connector.start();
    recipients = await seedRecipients(database, TENANT, 60, connector.url);
  });
  after(async () => {
    await connector.stop();
    await dropAndClose(database);
  });
  afterEach(async () => {
    connector.reset();
    for (const name of ['outbox', 'outbox_deliveries', 'claims', 'sender_leases'])
      await database.db.collection(name).deleteMany({});
  });

  const enqueue = (outbox: ReturnType<typeof buildSender>['outbox'], batch: string, ids: string[]) =>
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
  const perConversation = () => {
    const counts = new Map<string, number>();
    for (const c of connector.delivered())
      counts.set(c.conversationId, (counts.get(c.conversationId) ?? 0) + 1);
    return counts;
  };
  /** The most requests in any 1 s window of arrival times. */
  const peakPerSecond = () => {
    const times = connector.calls.map((c) => c.at).sort((a, b) => a - b);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    return peak;
  };

  it("three instances each allowed the tenant's full rate: together they stay within it (one holder sends)", async () => {
    const instances = [0, 1, 2].map(() =>
      buildSender(database, {
        tenantRps: 10,
        leases: new TenantSendLeases(database.db, { leaseMs: 3000 }),
      }),
    );
    // Enqueued on every instance (as three leads' turns on three instances would).
    await enqueue(instances[0]!.outbox, 'rate-a', recipients.slice(0, 15));
    await enqueue(instances[1]!.outbox, 'rate-b', recipients.slice(15, 30));
    await enqueue(instances[2]!.outbox, 'rate-c', recipients.slice(30, 45));
    for (const i of instances) i.sender.start();
    await until('45 delivered', () => perConversation().size === 45);
    await Promise.all(instances.map((i) => i.sender.stop()));
    assert.ok(
      [...perConversation().values()].every((n) => n === 1),
      'nobody got two',
    );
    const sent = instances.map((i) => i.sender.stats.sent);
    assert.equal(sent.filter((n) => n > 0).length, 1, `one instance sent for the tenant: ${sent.join('/')}`);
    // 10/s permitted; without the lease each instance would send 10/s (30 in a second).
    assert.ok(peakPerSecond() <= 11, `peak in 1 s: ${peakPerSecond()}`);
  });

  it('the holder dies mid fan-out: another instance takes the tenant and the items it held, each sent once, its late outcomes ignored', async () => {
    // A's Bot Connector calls hang (then time out), and its leases die with them: a killed process.
    let hanging = 0;
    let hang = false;
    const real = new HttpConnectorClient(noTokens, 5000);
    const hangingConnector: ConnectorClient = {
      send: (target, activity) => {
        if (!hang) return real.send(target, activity);
        hanging++;
        return new Promise((_, reject) =>
          setTimeout(() => reject(new DeliveryError(0, 'timed out (the process was dead)')), 2500),
        );
      },
      update: (t, id, a) => real.update(t, id, a),
      delete: (t, id) => real.delete(t, id),
      createPersonalConversation: (s, p) => real.createPersonalConversation(s, p),
    };
    const aLeases = new DyingLeases(database.db, { leaseMs: 1500 });
    const helpers = buildSender(database);
    const a = new OutboxSender(
      {
        claims: new Claims(database.db),
        outbox: helpers.outbox,
        connector: hangingConnector,
        limiter: new RateLimiter(20),
        references: helpers.references,
        people: helpers.people,
        logger: createLogger('silent'),
        botId: () => '28:bot',
        leases: aLeases,
      },
      // SENDER_LEASE_MS far longer than the test: items A held are taken over through the tenant lease.
      { concurrency: 4, maxAttempts: 8, leaseMs: 600_000, pollMs: 50 },
    );
    const b = buildSender(database, {
      tenantRps: 20,
      leaseMs: 600_000,
      leases: new TenantSendLeases(database.db, { leaseMs: 1500 }),
    });
    await enqueue(helpers.outbox, 'failover', recipients.slice(0, 40));
    a.start();
    await until('A sent some', () => connector.delivered().length >= 8);
    hang = true;
    await until('A holds four items on the wire', () => hanging >= 4);
    aLeases.dead = true;
    b.sender.start();
    await until('all 40 delivered', () => perConversation().size === 40);
    // A's hung calls come back (timed out) after B took over: A writes nothing for them.
    await new Promise((r) => setTimeout(r, 3000));
    await Promise.all([a.stop(), b.sender.stop()]);
    assert.ok(
      [...perConversation().values()].every((n) => n === 1),
      'nobody got two',
    );
    assert.ok(b.sender.stats.sent >= 28, `B sent the rest, including A's held items: ${b.sender.stats.sent}`);
    assert.equal(a.stats.sent + b.sender.stats.sent, 40);
    const counts = await helpers.outbox.batchCounts(TENANT, 'failover');
    assert.equal(counts.sent, 40, `all recorded as sent: ${JSON.stringify(counts)}`);
    const stored = await helpers.outbox.collection().find({ batchId: 'failover' }).toArray();
    assert.deepEqual(
      stored.filter((i) => i.state !== 'sent').map((i) => [i.state, i.lastError]),
      [],
      "no item put back to pending by A's late failure",
    );
    assert.ok(a.stats.abandoned >= 4, `A gave up the items it held: ${a.stats.abandoned}`);
  });

  it("an instance that finds another's tenant in its first scan reads no more of that tenant's items", async () => {
    // Another instance holds the tenant (its lease; it renews while this test runs).
    const holder = new TenantSendLeases(database.db, { leaseMs: 10_000 });
    assert.ok(await holder.acquire(TENANT));
    const leases = new TenantSendLeases(database.db, { leaseMs: 10_000 });
    const idle = buildSender(database, { concurrency: 4, refillBatch: 20, leases });
    // Enqueued elsewhere: found only by scanning.
    await enqueue(new Outbox(database.db), 'b-idle', recipients.slice(0, 8));
    const scans: string[][] = [];
    const due = idle.outbox.due.bind(idle.outbox);
    idle.outbox.due = (limit, exclude, now, excludeTenants = []) => {
      scans.push(excludeTenants);
      return due(limit, exclude, now, excludeTenants);
    };
    idle.sender.start();
    await until('a scan that skips the tenant', () => scans.some((t) => t.includes(TENANT)), 10_000).catch(
      (e) => {
        throw new Error(`${(e as Error).message}; scans: ${JSON.stringify(scans)}`);
      },
    );
    await idle.sender.stop();
    await holder.stop();
    // The first scan meets the tenant's items; a worker asks for the lease and is refused.
    // Reading ahead meanwhile would fetch the tenant's backlog again.
    const unfiltered = scans.filter((t) => !t.includes(TENANT)).length;
    assert.equal(unfiltered, 1, `scans: ${JSON.stringify(scans)}`);
    assert.equal(idle.sender.stats.sent, 0);
  });

  it('a 429 pauses every conversation of the tenant for its Retry-After (not just the one it came for)', async () => {
    const { outbox, sender } = buildSender(database, { tenantRps: 50, concurrency: 4 });
    let throttledAt: number | null = null;
    connector.fault = () => {
      if (throttledAt !== null) return undefined;
      throttledAt = Date.now();
      return { status: 429, headers: { 'retry-after': '1' } };
    };
    await enqueue(outbox, 'b-429', recipients.slice(0, 40));
    sender.start();
    await until('40 delivered', () => perConversation().size === 40);
    await sender.stop();
    assert.ok(throttledAt !== null);
    // Requests already on the wire when the 429 came back may still arrive in the first 100 ms.
    const inPause = connector.calls.filter(
      (c) => c.at > throttledAt! + 100 && c.at < throttledAt! + 900,
    ).length;
    assert.equal(inPause, 0, `${inPause} requests during the tenant's Retry-After`);
    assert.ok([...perConversation().values()].every((n) => n === 1));
    assert.equal(sender.stats.throttled, 1);
  });
});
