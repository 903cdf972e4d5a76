/**
 * Announcement fan-out through the real outbox + sender, on the real local database
 * (FerretDB 1.x / SQLite), to a fake Bot Connector on loopback.
 *
 * Two tenants fan out RECIPIENTS personal copies each, at the same time, through one sender
 * (Teams' 50 requests/s limit is per app per tenant, so each tenant has its own budget):
 *   clean  — every request succeeds;
 *   faults — 5% of requests get a 429 (Retry-After: 1) or a 503.
 * Prints, per tenant: requests/s and deliveries/s ÷ the permitted SENDER_TENANT_RPS, the
 * duplicates (people with more than one copy) and anyone missing. Runs both at once so the
 * whole bench stays near the 2-minute bound (5,000 at 50/s is 100 s).
 *
 * The sender is running before the announcements are queued (as in the service), so sending
 * starts while later chunks are still being stored.
 *
 *   npx tsx bench/announcements-fanout.ts [recipients=5000]
 *   BENCH_PROFILE=1 …  also prints database time per command kind every 10 s
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Cards } from '../src/cards/cards.js';
import { createLogger } from '../src/logger.js';
import { HttpConnectorClient } from '../src/proactive/connector-client.js';
import { Outbox } from '../src/proactive/outbox.js';
import { OutboxSender } from '../src/proactive/outbox-sender.js';
import { RateLimiter } from '../src/proactive/rate-limiter.js';
import { noTokens } from '../src/proactive/token-provider.js';
import { Claims } from '../src/storage/claims.js';
import { collections, ensureIndexes } from '../src/storage/collections.js';
import {
  ConversationReferencesRepository,
  personalKey,
} from '../src/storage/conversation-references-repository.js';
import { tenantDocId } from '../src/storage/documents.js';
import { connectDatabase } from '../src/storage/mongo.js';
import { PeopleRepository } from '../src/storage/people-repository.js';
import { startLocalDb } from '../tools/local-db/local-db.js';
import { FakeConnector } from '../test/e2e/fake-connector.js';

const RECIPIENTS = Number(process.argv[2] ?? 5000);
const RPS = 50;
const CONCURRENCY = Number(process.env.SENDER_CONCURRENCY ?? 16); // the configured default
const LATENCY_MS = 20;
const FAULT_RATE = 0.05;
const DEADLINE_MS = 170_000;
/** BENCH_PROFILE=1: print database time per command kind every 10 s (what slows the sender). */
const PROFILE = process.env.BENCH_PROFILE === '1';
const TENANTS = { clean: 'bench-clean', faults: 'bench-faults' } as const;

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-bench-fanout-'));
  const localDb = await startLocalDb({ dataDir, quiet: true });
  const database = await connectDatabase(localDb.uri, 'bench_fanout', { monitorCommands: PROFILE });
  const profile = new Map<string, { n: number; ms: number; max: number }>();
  const commandKeys = new Map<number, string>();
  if (PROFILE) {
    database.client.on('commandStarted', (e) =>
      commandKeys.set(e.requestId, `${e.commandName}:${String(e.command[e.commandName])}`),
    );
    database.client.on('commandSucceeded', (e) => {
      const key = commandKeys.get(e.requestId) ?? e.commandName;
      commandKeys.delete(e.requestId);
      const row = profile.get(key) ?? { n: 0, ms: 0, max: 0 };
      row.n++;
      row.ms += e.duration;
      row.max = Math.max(row.max, e.duration);
      profile.set(key, row);
    });
  }
  await ensureIndexes(database.db);
  const connector = new FakeConnector();
  await connector.start();
  connector.latencyMs = LATENCY_MS;
  let injected429 = 0;
  let injected503 = 0;
  connector.fault = ({ conversationId }) => {
    if (!conversationId.startsWith('faults:') || Math.random() >= FAULT_RATE) return undefined;
    if (Math.random() < 0.5) {
      injected429++;
      return { status: 429, headers: { 'retry-after': '1' } };
    }
    injected503++;
    return { status: 503 };
  };

  const now = new Date();
  for (const [name, tenantId] of Object.entries(TENANTS)) {
    const people = [];
    const refs = [];
    for (let i = 0; i < RECIPIENTS; i++) {
      const personId = tenantDocId(tenantId, randomUUID());
      const stamp = { tenantId, schemaVersion: 1, createdAt: now, updatedAt: now };
      people.push({
        _id: personId,
        email: `p${i}@${name}.example.ac.uk`,
        displayName: `Person ${i}`,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: 'c',
        timeZone: null,
        ...stamp,
      });
      refs.push({
        _id: tenantDocId(tenantId, personalKey(personId)),
        key: personalKey(personId),
        kind: 'personal',
        personId,
        reference: {
          serviceUrl: connector.url,
          conversation: { id: `${name}:conv-${i}`, conversationType: 'personal', isGroup: false, name: '' },
        },
        ...stamp,
      });
    }
    await database.db.collection(collections.people.name).insertMany(people as never[]);
    await database.db.collection(collections.conversationReferences.name).insertMany(refs as never[]);
  }

  const outbox = new Outbox(database.db);
  const sender = new OutboxSender(
    {
      claims: new Claims(database.db),
      outbox,
      connector: new HttpConnectorClient(noTokens, 5000),
      limiter: new RateLimiter(RPS),
      references: new ConversationReferencesRepository(database.db),
      people: new PeopleRepository(database.db),
      logger: createLogger('silent'),
      botId: () => '28:bench',
    },
    { concurrency: CONCURRENCY, maxAttempts: 8, leaseMs: 60_000, pollMs: 200 },
  );
  // The real announcement card, the same for every recipient (as the feature sends it).
  const activity = new Cards().activity(
    'announcement',
    {
      announcementId: 'bench|ann|1',
      refreshUserIds: ['29:lead-1', '29:lead-2'],
      reminder: false,
      urgent: false,
      title: 'Room change for Thursday group supervision',
      byline: 'From Wendy Marsh to Leadership 2025 cohort 2 · Tue 11 Feb, 09:00',
      imageUrl: '',
      body: 'Group supervision on **Thursday** moves to the **Education Centre, room 4**.\n\n- Bring your reflective log\n- Arrive by 13:50',
      ackText: '',
      linkUrl: 'https://intranet.example.nhs.uk/placements',
      showAck: true,
    },
    'Room change',
  );
  // The sender runs before the leads press Send, as in the service: the first chunks are on
  // their way while later ones are still being queued.
  const started = Date.now();
  sender.start();
  const enqueueStart = Date.now();
  const ids: Record<string, string[]> = {};
  for (const tenantId of Object.values(TENANTS))
    ids[tenantId] = (
      await database.db
        .collection(collections.people.name)
        .find({ tenantId }, { projection: { _id: 1 } })
        .toArray()
    ).map((p) => String(p._id));
  // Both announcements are queued at the same time (alternating chunks), as two leads would.
  for (let i = 0; i < RECIPIENTS; i += 500)
    for (const tenantId of Object.values(TENANTS))
      await outbox.enqueue(
        tenantId,
        ids[tenantId]!.slice(i, i + 500).map((personId) => ({
          dedupeKey: `bench:${personId}`,
          purpose: 'announcement',
          batchId: 'bench',
          target: { kind: 'person' as const, personId },
          activity,
        })),
      );
  const enqueueMs = Date.now() - enqueueStart;
  const docBytes = JSON.stringify(await outbox.collection().findOne({})).length;

  // Watch progress in memory (the connector's record): polling the database would compete with
  // the sender for it (every non-_id query scans on the local database).
  const reached = (name: string) =>
    new Set(
      connector.calls
        .filter((c) => c.status < 300 && c.conversationId.startsWith(`${name}:`))
        .map((c) => c.conversationId),
    ).size;
  let finished = false;
  let lastReport = Date.now();
  while (Date.now() - started < DEADLINE_MS) {
    await new Promise((r) => setTimeout(r, 500));
    if (PROFILE && Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      const rows = [...profile.entries()].map(
        ([k, v]) => `${k} n=${v.n} avg=${(v.ms / v.n).toFixed(1)} max=${v.max.toFixed(0)}`,
      );
      console.log(
        `  [${((Date.now() - started) / 1000).toFixed(0)} s] reached clean ${reached('clean')} faults ${reached('faults')}; ${rows.join('; ')}`,
      );
      profile.clear();
    }
    if (reached('clean') === RECIPIENTS && reached('faults') === RECIPIENTS) {
      finished = true;
      break;
    }
  }
  await sender.stop();

  console.log(
    `announcement fan-out: ${RECIPIENTS} recipients per tenant, 2 tenants at once, permitted ${RPS} requests/s per tenant, ` +
      `${CONCURRENCY} workers, connector latency ${LATENCY_MS} ms; outbox item ${docBytes} bytes; enqueue of ${2 * RECIPIENTS} took ${enqueueMs} ms` +
      (finished ? '' : ` — NOT FINISHED within ${DEADLINE_MS / 1000} s (partial numbers)`),
  );
  for (const [name, tenantId] of Object.entries(TENANTS)) {
    const calls = connector.calls.filter((c) => c.conversationId.startsWith(`${name}:`));
    const ok = calls.filter((c) => c.status < 300);
    const first = Math.min(...calls.map((c) => c.at));
    const last = Math.max(...calls.map((c) => c.at));
    const seconds = Math.max(0.001, (last - first) / 1000);
    const per = new Map<string, number>();
    for (const c of ok) per.set(c.conversationId, (per.get(c.conversationId) ?? 0) + 1);
    const duplicates = [...per.values()].reduce((s, n) => s + n - 1, 0);
    const counts = await outbox.batchCounts(tenantId, 'bench');
    const faults = calls.length - ok.length;
    console.log(
      `  ${name.padEnd(6)} requests ${calls.length} (${faults} answered 429/503) in ${seconds.toFixed(1)} s: ` +
        `requests/s ÷ permitted = ${(calls.length / seconds / RPS).toFixed(3)}, deliveries/s ÷ permitted = ${(ok.length / seconds / RPS).toFixed(3)}; ` +
        `delivered to ${per.size} people, missing ${RECIPIENTS - per.size}, duplicates ${duplicates}; outbox sent ${counts.sent} failed ${counts.failed}`,
    );
  }
  console.log(
    `  injected: ${injected429} × 429, ${injected503} × 503; sender stats ${JSON.stringify(sender.stats)}`,
  );

  await connector.stop();
  await database.close();
  await localDb.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
