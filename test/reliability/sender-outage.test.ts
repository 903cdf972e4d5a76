/**
 * The database is killed (SIGKILL) in the middle of a fan-out and started again 4 s later on
 * the same port and data, with the sender running throughout (its own local database here,
 * not the run's shared one). From the first write that fails the sender sends nothing more
 * until the database answers, and the messages that were on the wire are recorded once it
 * does: nobody is missing and nobody gets two, although SENDER_LEASE_MS (3 s) is shorter
 * than the outage (so an unrecorded send would be taken again and resent).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TenantSendLeases } from '../../src/proactive/tenant-send-lease.js';
import { ensureIndexes } from '../../src/storage/collections.js';
import { connectDatabase, type Database } from '../../src/storage/mongo.js';
import { freePort, startLocalDb, type LocalDb } from '../../tools/local-db/local-db.js';
import { FakeConnector } from '../e2e/fake-connector.js';
import { buildSender, seedRecipients } from '../helpers/engines.js';

const TENANT = 'tenant-outage';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe('reliability: the sender through a database outage (killed, back after 4 s)', function () {
  this.timeout(120_000);
  const connector = new FakeConnector();
  let dataDir: string;
  let port: number;
  let db: LocalDb;
  let database: Database;

  before(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-sender-outage-'));
    port = await freePort();
    db = await startLocalDb({ port, dataDir, quiet: true });
    database = await connectDatabase(db.uri, 'sender_outage');
    await ensureIndexes(database.db);
    await connector.start();
  });
  after(async () => {
    await database?.close().catch(() => undefined);
    await db?.stop();
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops sending at the first failed write, records what was on the wire once the database is back: none missing, none twice', async () => {
    const recipients = await seedRecipients(database, TENANT, 80, connector.url);
    const concurrency = 4;
    const { outbox, sender } = buildSender(database, {
      concurrency,
      tenantRps: 20,
      leaseMs: 3000, // SENDER_LEASE_MS shorter than the outage
      leases: new TenantSendLeases(database.db, { leaseMs: 3000 }),
    });
    connector.latencyMs = 100; // some sends are on the wire when the database dies
    let arrivedWhileShut = 0;
    connector.fault = () => {
      if (!sender.gate.isOpen) arrivedWhileShut++;
      return undefined;
    };
    await outbox.enqueue(
      TENANT,
      recipients.map((personId) => ({
        dedupeKey: `outage|${personId}`,
        purpose: 'test',
        batchId: 'outage',
        target: { kind: 'person' as const, personId },
        activity: { text: 'through the outage' },
      })),
    );
    sender.start();
    await until('20 delivered', () => connector.delivered().length >= 20);

    db.process.kill('SIGKILL');
    // Requests after the first second of the outage: none (the sender has noticed by then).
    await sleep(1000);
    const afterFirstSecond = connector.calls.length;
    await sleep(3000);
    const whileDown = connector.calls.length - afterFirstSecond;
    db = await startLocalDb({ port, dataDir, quiet: true });

    await until(
      'every recipient reached',
      () => new Set(connector.delivered().map((c) => c.conversationId)).size === 80,
      60_000,
    );
    // Longer than SENDER_LEASE_MS: anything that would be taken again and resent has been.
    await sleep(4000);
    await sender.stop();

    if (process.env.DEBUG_OUTAGE)
      console.log(
        JSON.stringify({ stats: sender.stats, gate: sender.gate.stats, arrivedWhileShut, whileDown }),
      );
    const per = new Map<string, number>();
    for (const c of connector.delivered()) per.set(c.conversationId, (per.get(c.conversationId) ?? 0) + 1);
    const duplicates = [...per.values()].reduce((s, n) => s + n - 1, 0);
    assert.equal(per.size, 80, 'nobody missing');
    assert.equal(duplicates, 0, 'nobody got two');
    // Requests already on the wire when the gate shut may land after it; nothing new starts.
    assert.ok(
      arrivedWhileShut <= concurrency,
      `${arrivedWhileShut} requests arrived while the gate was shut`,
    );
    assert.equal(whileDown, 0, `${whileDown} requests in the last 3 s of the outage`);
    assert.ok(sender.gate.stats.shut >= 1 && sender.gate.stats.reopened >= 1);
    const counts = await outbox.batchCounts(TENANT, 'outage');
    assert.equal(counts.sent, 80, JSON.stringify(counts));
  });
});
