/**
 * Scale-out: K real service instances (`node dist/src/index.js`, the production build) on one
 * local database (FerretDB 1.x / SQLite), and a fake Bot Connector on loopback that enforces
 * Teams' limit of 50 requests/s per tenant (sliding 1 s window over accepted requests; 429 with
 * Retry-After: 1 beyond it) with 20 ms latency. One announcement-like card is queued to
 * RECIPIENTS people of one tenant (straight into the outbox, as the announcement feature
 * does; the instances find it by their scans) and the bench watches it go out.
 *
 * Scenarios (each on a fresh database name, instances started afresh):
 *   k1        1 instance
 *   k3        3 instances
 *   kill      3 instances; the instance holding the tenant's send lease is SIGKILLed once
 *             KILL_AT people have been reached
 *   db-down   3 instances; the database process is SIGKILLed once KILL_AT people have been
 *             reached and started again (same port and data) 8 s later; meanwhile every
 *             instance's /readyz is probed every 250 ms (status and answer time)
 *   faults    3 instances; the connector also answers 2% of requests 429 and 3% 503
 *
 * Prints per scenario: requests, 429s, peak requests in any 1 s window, delivered/s, people
 * reached, duplicates, missing, time (first delivery to last delivery; delivered/s = people
 * reached ÷ that time), CPU seconds per instance and of the local database
 * (robust on a shared host, where the rates are not); for kill: the gap
 * before delivery resumed and the rate after it. Bounded: at most SCENARIO_DEADLINE_MS per
 * scenario, everything on 127.0.0.1, every process it starts is stopped.
 *
 *   npm run build:service && npx tsx bench/scale-out.ts [scenario ...] [--recipients=1000]
 *   BENCH_SERVICE_ROOT=/path/to/other/checkout …   runs that checkout's build (a before/after)
 *
 * Against Atlas or Cosmos DB: BENCH_MONGODB_URI=mongodb+srv://… runs the same scenarios on that
 * database (db-down is skipped: a managed database cannot be killed from here; use Atlas's
 * "Test Resilience" primary failover while the k3 scenario runs instead). Use a throwaway
 * database user: the bench creates and drops databases named scale_bench_*.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Cards } from '../src/cards/cards.js';
import { Outbox } from '../src/proactive/outbox.js';
import { collections, ensureIndexes } from '../src/storage/collections.js';
import { personalKey } from '../src/storage/conversation-references-repository.js';
import { tenantDocId } from '../src/storage/documents.js';
import { connectDatabase, type Database } from '../src/storage/mongo.js';
import { freePort, startLocalDb, type LocalDb } from '../tools/local-db/local-db.js';

const args = process.argv.slice(2);
const RECIPIENTS = Number(args.find((a) => a.startsWith('--recipients='))?.split('=')[1] ?? 1000);
const ALL = ['k1', 'k3', 'kill', 'db-down', 'faults'] as const;
type Scenario = (typeof ALL)[number];
const chosen = args.filter((a) => !a.startsWith('--')) as Scenario[];
const SCENARIOS: Scenario[] = chosen.length ? chosen : [...ALL];
const TENANT = 'bench-scale-tenant';
const LIMIT_PER_SECOND = 50;
const LATENCY_MS = 20;
const KILL_AT = 300;
const DB_DOWN_MS = 8000;
const SCENARIO_DEADLINE_MS = 120_000;
/** After the last person is reached: time for late duplicates to show. */
const SETTLE_MS = 4000;
const EXTERNAL_URI = process.env.BENCH_MONGODB_URI;
const root = path.resolve(import.meta.dirname, '..');
/** The service build the instances run (BENCH_SERVICE_ROOT: another checkout, e.g. the old code). */
const serviceRoot = path.resolve(process.env.BENCH_SERVICE_ROOT ?? root);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) a process has used so far (Linux /proc), or NaN. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The Bot Connector as the bench sees it: Teams' per-tenant limit, latency, and a record. */
class LimitedConnector {
  readonly arrivals: number[] = [];
  readonly accepted: number[] = [];
  /** at: when answered; arrivedAt: when the request came in. */
  readonly results: { at: number; arrivedAt: number; conversationId: string; status: number }[] = [];
  faultRate429 = 0;
  faultRate503 = 0;
  private server: http.Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  reset(): void {
    this.arrivals.length = 0;
    this.accepted.length = 0;
    this.results.length = 0;
    this.faultRate429 = 0;
    this.faultRate503 = 0;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    for await (const _ of req) void _;
    const parts = new URL(req.url ?? '/', 'http://x').pathname.split('/').filter(Boolean);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || parts[0] !== 'v3' || parts[3] !== 'activities') return send(404, {});
    const conversationId = decodeURIComponent(parts[2] ?? '');
    const now = Date.now();
    this.arrivals.push(now);
    // Teams: 50 requests per second per app per tenant (one tenant here), sliding window.
    while (this.accepted.length > 0 && this.accepted[0]! <= now - 1000) this.accepted.shift();
    let status = 201;
    if (this.accepted.length >= LIMIT_PER_SECOND || Math.random() < this.faultRate429) status = 429;
    else if (Math.random() < this.faultRate503) status = 503;
    if (status === 201) this.accepted.push(now);
    await sleep(LATENCY_MS);
    this.results.push({ at: Date.now(), arrivedAt: now, conversationId, status });
    if (status === 429) return send(429, { error: { code: 'Throttled' } }, { 'retry-after': '1' });
    if (status === 503) return send(503, { error: { code: 'ServiceUnavailable' } });
    return send(201, { id: `act-${randomUUID()}` });
  }

  /** People reached (at least one successful delivery). */
  reached(): number {
    return new Set(this.results.filter((r) => r.status < 300).map((r) => r.conversationId)).size;
  }
}

interface Instance {
  child: ChildProcess;
  port: number;
  exited: Promise<void>;
}

/** Every instance started and not yet exited: stopped however the bench ends. */
const liveInstances = new Set<ChildProcess>();

async function startInstance(mongoUri: string, dbName: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(serviceRoot, 'dist/src/index.js')], {
    cwd: serviceRoot,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      MONGODB_URI: mongoUri,
      MONGODB_DB: dbName,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
      DEFAULT_TENANT_ID: TENANT,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  liveInstances.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      liveInstances.delete(child);
      resolve();
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`instance on ${port} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`instance on ${port} not ready in 60 s`);
    await sleep(200);
  }
  return { child, port, exited };
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill('SIGTERM');
  const timer = setTimeout(() => instance.child.kill('SIGKILL'), 30_000);
  await instance.exited;
  clearTimeout(timer);
}

async function seed(database: Database, serviceUrl: string): Promise<string[]> {
  await ensureIndexes(database.db);
  const now = new Date();
  const people = [];
  const refs = [];
  for (let i = 0; i < RECIPIENTS; i++) {
    const personId = tenantDocId(TENANT, randomUUID());
    const stamp = { tenantId: TENANT, schemaVersion: 1, createdAt: now, updatedAt: now };
    people.push({
      _id: personId,
      email: `p${i}@bench.example.ac.uk`,
      displayName: `Person ${i}`,
      roles: ['student'],
      profession: 'physiotherapy',
      cohortId: 'c',
      timeZone: null,
      ...stamp,
    });
    refs.push({
      _id: tenantDocId(TENANT, personalKey(personId)),
      key: personalKey(personId),
      kind: 'personal',
      personId,
      reference: {
        serviceUrl,
        conversation: { id: `conv-${i}`, conversationType: 'personal', isGroup: false, name: '' },
      },
      ...stamp,
    });
  }
  await database.db.collection(collections.people.name).insertMany(people as never[]);
  await database.db.collection(collections.conversationReferences.name).insertMany(refs as never[]);
  return people.map((p) => p._id);
}

function announcement() {
  return new Cards().activity(
    'announcement',
    {
      announcementId: 'bench|ann|scale',
      refreshUserIds: ['29:lead-1'],
      reminder: false,
      urgent: false,
      title: 'Room change for Thursday group supervision',
      byline: 'From Wendy Marsh to Leadership 2025 cohort 2 · Tue 11 Feb, 09:00',
      imageUrl: '',
      body: 'Group supervision on **Thursday** moves to the **Education Centre, room 4**.',
      ackText: '',
      linkUrl: 'https://intranet.example.nhs.uk/placements',
      showAck: true,
    },
    'Room change',
  );
}

function peakInAnySecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

interface Probe {
  status: number | 'timeout';
  ms: number;
}

/** GET /readyz on every instance every 250 ms (each with a 3 s time-out) until `done()`. */
async function probeReadiness(instances: Instance[], done: () => boolean): Promise<Probe[]> {
  const probes: Probe[] = [];
  while (!done()) {
    await Promise.all(
      instances.map(async (instance) => {
        const start = performance.now();
        try {
          const res = await fetch(`http://127.0.0.1:${instance.port}/readyz`, {
            signal: AbortSignal.timeout(3000),
          });
          await res.arrayBuffer();
          probes.push({ status: res.status, ms: performance.now() - start });
        } catch {
          probes.push({ status: 'timeout', ms: performance.now() - start });
        }
      }),
    );
    await sleep(250);
  }
  return probes;
}

function describeProbes(probes: Probe[]): string {
  const count = (status: Probe['status']) => probes.filter((p) => p.status === status).length;
  const slowest = Math.max(...probes.map((p) => p.ms));
  return (
    `/readyz while the database was down: ${probes.length} probes, 503 ×${count(503)}, 200 ×${count(200)}, ` +
    `no answer in 3 s ×${count('timeout')}, slowest ${slowest.toFixed(0)} ms`
  );
}

interface Env {
  mongoUri: string;
  localDb: LocalDb | null;
  dataDir: string | null;
  dbPort: number | null;
  connector: LimitedConnector;
}

async function run(scenario: Scenario, env: Env): Promise<string> {
  const { connector } = env;
  connector.reset();
  if (scenario === 'faults') {
    connector.faultRate429 = 0.02;
    connector.faultRate503 = 0.03;
  }
  const k = scenario === 'k1' ? 1 : 3;
  const dbCpuAtStart = cpuSeconds(env.localDb?.process.pid);
  const dbName = `scale_bench_${scenario.replace('-', '_')}_${Date.now().toString(36)}`;
  const seeding = await connectDatabase(env.mongoUri, dbName);
  const ids = await seed(seeding, connector.url);
  await seeding.close();
  const instances = await Promise.all(Array.from({ length: k }, () => startInstance(env.mongoUri, dbName)));
  const database = await connectDatabase(env.mongoUri, dbName);
  const activity = announcement();
  const cpuAtEnqueue = instances.map((i) => cpuSeconds(i.child.pid));
  const started = Date.now();
  await new Outbox(database.db).enqueue(
    TENANT,
    ids.map((personId) => ({
      dedupeKey: `bench:${personId}`,
      purpose: 'announcement',
      batchId: 'bench',
      target: { kind: 'person' as const, personId },
      activity,
    })),
  );
  let killedAt: number | null = null;
  let killedPid: number | null = null;
  let dbDownAt: number | null = null;
  let dbBackAt: number | null = null;
  let doneAt: number | null = null;
  let probing: Promise<Probe[]> | null = null;
  while (Date.now() - started < SCENARIO_DEADLINE_MS) {
    await sleep(50);
    const reached = connector.reached();
    if (scenario === 'kill' && killedAt === null && reached >= KILL_AT) {
      // The instance holding the tenant's send lease (owner = host:pid:…).
      const lease = await database.db
        .collection(collections.senderLeases.name)
        .find({ tenantId: TENANT })
        .sort({ epoch: -1 })
        .limit(1)
        .next();
      const pid = Number(String(lease?.owner ?? '').split(':')[1]);
      const victim = instances.find((i) => i.child.pid === pid) ?? instances[0]!;
      victim.child.kill('SIGKILL');
      killedAt = Date.now();
      killedPid = victim.child.pid ?? null;
    }
    if (scenario === 'db-down' && dbDownAt === null && reached >= KILL_AT && env.localDb) {
      env.localDb.process.kill('SIGKILL');
      dbDownAt = Date.now();
      probing = probeReadiness(instances, () => dbBackAt !== null);
    }
    if (dbDownAt !== null && dbBackAt === null && Date.now() - dbDownAt >= DB_DOWN_MS) {
      env.localDb = await startLocalDb({ port: env.dbPort!, dataDir: env.dataDir!, quiet: true });
      dbBackAt = Date.now();
    }
    if (reached >= RECIPIENTS && (scenario !== 'db-down' || dbBackAt !== null)) {
      doneAt = Date.now();
      break;
    }
  }
  await sleep(SETTLE_MS);
  // How often the tenant's send lease was taken (1 = one holder throughout).
  const lastLease = await database.db
    .collection(collections.senderLeases.name)
    .find({ tenantId: TENANT })
    .sort({ epoch: -1 })
    .limit(1)
    .next()
    .catch(() => undefined);
  const leaseTakes = lastLease === undefined ? -1 : ((lastLease?.epoch as number | undefined) ?? 0);
  const holderPid = Number(String(lastLease?.owner ?? '').split(':')[1]);
  // CPU each instance used since the items were queued, the local database's in the scenario.
  const instanceCpu = instances.map((i, n) => ({
    cpu: cpuSeconds(i.child.pid) - cpuAtEnqueue[n]!,
    holder: i.child.pid === holderPid,
  }));
  const dbCpu = dbDownAt === null ? cpuSeconds(env.localDb?.process.pid) - dbCpuAtStart : NaN;
  await Promise.all(instances.map(stopInstance));
  await database.db.dropDatabase().catch(() => undefined);
  await database.close();

  const ok = connector.results.filter((r) => r.status < 300);
  const per = new Map<string, number>();
  for (const r of ok) per.set(r.conversationId, (per.get(r.conversationId) ?? 0) + 1);
  const duplicates = [...per.values()].reduce((s, n) => s + n - 1, 0);
  const first = Math.min(...connector.arrivals);
  const lastDelivery = Math.max(...ok.map((r) => r.at));
  const firstDelivery = Math.min(...ok.map((r) => r.at));
  const seconds = (lastDelivery - firstDelivery) / 1000;
  const throttled = connector.results.filter((r) => r.status === 429).length;
  const requests = connector.arrivals.length;
  let line =
    `${scenario.padEnd(8)} K=${k}: requests ${requests}, 429 ${throttled} (${((100 * throttled) / requests).toFixed(1)}%), ` +
    `peak in 1 s ${peakInAnySecond(connector.arrivals)}, delivered/s ${(per.size / seconds).toFixed(1)} ` +
    `(÷50 = ${(per.size / seconds / LIMIT_PER_SECOND).toFixed(3)}), reached ${per.size}, duplicates ${duplicates}, ` +
    `missing ${RECIPIENTS - per.size}, time ${seconds.toFixed(1)} s` +
    `, lease taken ${leaseTakes}×` +
    (doneAt === null ? ` — NOT FINISHED within ${SCENARIO_DEADLINE_MS / 1000} s` : '');
  line +=
    `\n    CPU s: instances ${instanceCpu.map((c) => (Number.isNaN(c.cpu) ? 'killed' : c.cpu.toFixed(1) + (c.holder ? ' (last lease holder)' : ''))).join(' · ')}` +
    (Number.isNaN(dbCpu) ? '' : `, local database ${dbCpu.toFixed(1)}`);
  if (process.env.BENCH_TIMELINE === '1') {
    const buckets: number[] = [];
    for (const r of ok)
      buckets[Math.floor((r.at - first) / 1000)] = (buckets[Math.floor((r.at - first) / 1000)] ?? 0) + 1;
    line += `\n    delivered per second: ${Array.from(buckets, (b) => b ?? 0).join(' ')}`;
    const throttledAt = connector.results
      .filter((r) => r.status === 429)
      .map((r) => ((r.at - first) / 1000).toFixed(1));
    line += `\n    429s at (s): ${throttledAt.join(' ')}`;
  }
  if (killedAt !== null) {
    // Sent after the kill: requests that arrived before it were the killed instance's.
    const after = ok.filter((r) => r.arrivedAt > killedAt!).map((r) => r.at);
    const resumed = Math.min(...after);
    const resumeGap = (resumed - killedAt) / 1000;
    // The rate once delivery resumed, over the rest of the run (its first second excluded).
    const steady = after.filter((t) => t >= resumed + 1000);
    const rate = steady.length / ((Math.max(...steady) - (resumed + 1000)) / 1000);
    line += `; killed pid ${killedPid} (the lease holder) at ${KILL_AT}: delivery resumed after ${resumeGap.toFixed(1)} s, then ${rate.toFixed(1)}/s`;
  }
  if (dbDownAt !== null)
    line += `; database down ${((dbBackAt! - dbDownAt) / 1000).toFixed(1)} s from ${KILL_AT} reached (${k} instances × SENDER_CONCURRENCY 16 = bound ${k * 16})`;
  if (probing) line += `\n    ${describeProbes(await probing)}`;
  return line;
}

async function main() {
  if (!existsSync(path.join(serviceRoot, 'dist/src/index.js')))
    throw new Error('run `npm run build:service` first');
  const connector = new LimitedConnector();
  await connector.start();
  let env: Env;
  if (EXTERNAL_URI) env = { mongoUri: EXTERNAL_URI, localDb: null, dataDir: null, dbPort: null, connector };
  else {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-bench-scale-'));
    const dbPort = await freePort();
    const localDb = await startLocalDb({ port: dbPort, dataDir, quiet: true });
    env = { mongoUri: localDb.uri, localDb, dataDir, dbPort, connector };
  }
  console.log(
    `scale-out bench: ${RECIPIENTS} recipients, one tenant, fake Bot Connector enforcing ${LIMIT_PER_SECOND}/s per tenant ` +
      `(sliding 1 s, 429 + Retry-After: 1), ${LATENCY_MS} ms latency; instances = node dist/src/index.js with default settings; ` +
      `${os.cpus().length} CPUs, load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} at start`,
  );
  try {
    for (const scenario of SCENARIOS) {
      if (scenario === 'db-down' && !env.localDb) {
        console.log('db-down  skipped: not on the local database');
        continue;
      }
      console.log(await run(scenario, env));
    }
  } finally {
    console.log(
      `load average at end ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    // A scenario that failed (e.g. the database did not start again) leaves its instances.
    for (const child of liveInstances) child.kill('SIGKILL');
    await connector.stop();
    await env.localDb?.stop();
    if (env.dataDir) rmSync(env.dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
