/**
 * Check-in benchmark, one run on the real local database (FerretDB 1.x on SQLite):
 *  1. time to plan and enqueue the weekly prompts for 10,000 students (planner + prompt job →
 *     one outbox item per student);
 *  2. latency of a check-in submit (Action.Execute invoke through POST /api/messages, the whole
 *     turn pipeline): one at a time, then at 200 activities/s open-loop for 10 s, each beside a
 *     bare restify handler measured the same way in the same run, with the ratio to it, and
 *     where the turns spent their time (per phase, from src/http/turn-timings.ts). Phase timing
 *     costs CPU, so the service runs as deployed (untimed) for the capacity run and the first
 *     200/s run, and timed for the one-at-a-time run and a second 200/s run.
 * Requests are sent from a worker thread (bench/lib/http-client.ts), not the service's event
 * loop. First every person submits once (their first turn links their identity, as installing
 * the app does in Teams): that path is reported on its own; the measured submits are then edits.
 * An answer counts as a submit only when it is the saved check-in card; time-limit answers and
 * error messages are counted apart. The Bot Connector (serviceUrl) is an unreachable loopback
 * port, so a turn that talks to it shows up. Loopback only; bounded (~2–3 min).
 * Run: npx tsx bench/checkins.ts [sequential=100] [rate=200]
 */
import { seedBenchCohort } from './lib/checkin-cohort.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { performance as nodePerformance } from 'node:perf_hooks';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import restify from 'restify';
import type { AddressInfo } from 'node:net';
import { startLocalDb } from '../tools/local-db/local-db.js';
import { createPlacementCompanion } from '../src/app.js';
import { ControllableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { TURN_PHASES, type TurnPhase, type TurnTiming } from '../src/http/turn-timings.js';
import { collections } from '../src/storage/collections.js';
import { HttpClient, type RunResult } from './lib/http-client.js';

const STUDENTS = 10_000;
const SUBMIT_PEOPLE = 300;
const RATE = Number(process.argv[3] ?? 200); // activities per second
const SECONDS = 10;
const SEQUENTIAL = Number(process.argv[2] ?? 100);
const CAPACITY_SUBMITS = 1500;
const TENANT = 'bench-tenant';

/** One sequential submit through the service's HTTP endpoint, in ms (bounded by 60 s). */
async function timeOne(
  service: Awaited<ReturnType<typeof createPlacementCompanion>>,
  _s: unknown,
  clock: ControllableClock,
): Promise<number> {
  clock.set(new Date('2025-10-21T10:00:00Z'));
  const port = await service.listen(0, '127.0.0.1');
  const t0 = performance.now();
  await fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(60_000),
    body: JSON.stringify({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: 'http://127.0.0.1:9/',
      from: { id: '29:student-7', name: 'S', aadObjectId: 'aad-student-7' },
      recipient: { id: '28:bot-bench', name: 'PC' },
      conversation: { id: 'a:personal-29:student-7', conversationType: 'personal', tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      value: {
        trigger: 'manual',
        action: {
          type: 'Action.Execute',
          verb: 'checkin.submit',
          data: {
            week: 1,
            wellbeing: '4',
            progress: 'p',
            conf_leadership: '3',
            'conf_time-management': '3',
            'conf_interprofessional-collaboration': '3',
            'conf_professional-behaviours': '3',
            conf_communication: '3',
          },
        },
      },
    }),
  })
    .then((r) => r.arrayBuffer())
    .catch(() => undefined);
  return performance.now() - t0;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const SAVED_CARD = 'your check-in is saved|Your changes are saved';

/** Sorted latencies of the answers that are the expected one; the rest counted by kind. */
function summarise(run: RunResult) {
  const ok = run.results
    .filter((r) => r.status === 200 && r.matched)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  const statuses: Record<number, number> = {};
  for (const r of run.results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const notSaved = run.results.filter((r) => r.status === 200 && !r.matched).length;
  return { ok, statuses, notSaved, wallMs: run.wallMs, sent: run.results.length };
}

function report(name: string, r: ReturnType<typeof summarise>, answer = 'answers') {
  const p50 = percentile(r.ok, 50);
  const p99 = percentile(r.ok, 99);
  console.log(
    `${name.padEnd(34)} sent ${r.sent} in ${(r.wallMs / 1000).toFixed(1)} s · statuses ${JSON.stringify(r.statuses)} · ${r.ok.length} ${answer} · p50 ${p50.toFixed(1)} ms · p99 ${p99.toFixed(1)} ms`,
  );
  if (r.notSaved > 0) console.log(`${''.padEnd(34)} ${r.notSaved} answered 200 without the saved card`);
  return { p50, p99 };
}

/**
 * CPU use from now until `done()`: the service's event loop (busy share of wall time), the local
 * database process and the whole machine (Linux /proc; left out where it is missing).
 */
function machineUsage(dbPid: number | undefined) {
  const ticks = (file: string, fields: (f: string[]) => number) => {
    try {
      return fields(readFileSync(file, 'utf8').split('\n')[0]!.split(/\s+/));
    } catch {
      return NaN;
    }
  };
  const dbTicks = () =>
    ticks(`/proc/${dbPid}/stat`, (f) => Number(f[f.length - 52 + 13]) + Number(f[f.length - 52 + 14]));
  const machine = () => {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    return { busy: f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!, total: f.reduce((a, b) => a + b, 0) };
  };
  const elu0 = nodePerformance.eventLoopUtilization();
  const db0 = dbTicks();
  const m0 = existsSync('/proc/stat') ? machine() : null;
  const t0 = performance.now();
  return {
    done() {
      const wallS = (performance.now() - t0) / 1000;
      const elu = nodePerformance.eventLoopUtilization(elu0).utilization;
      const dbCores = (dbTicks() - db0) / 100 / wallS; // USER_HZ is 100 on Linux
      const parts = [`service event loop busy ${(elu * 100).toFixed(0)}%`];
      if (Number.isFinite(dbCores)) parts.push(`local database ${(dbCores * 100).toFixed(0)}% of one core`);
      if (m0) {
        const m1 = machine();
        parts.push(
          `machine (${os.cpus().length} cores) busy ${(((m1.busy - m0.busy) / (m1.total - m0.total)) * 100).toFixed(0)}%`,
        );
      }
      return parts.join(' · ');
    },
  };
}

/** Median and p99 of each phase over the turns recorded (own time, ms). */
function phaseTable(label: string, timings: TurnTiming[]) {
  const row = (name: string, values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    return `  ${name.padEnd(11)} p50 ${percentile(sorted, 50).toFixed(2).padStart(8)} ms · p99 ${percentile(sorted, 99).toFixed(2).padStart(8)} ms · mean ${mean.toFixed(2).padStart(8)} ms`;
  };
  console.log(`${label} (${timings.length} turns; own time per phase, server side):`);
  for (const phase of TURN_PHASES)
    console.log(
      row(
        phase,
        timings.map((t) => t.phases[phase as TurnPhase]),
      ),
    );
  console.log(
    row(
      'total',
      timings.map((t) => t.totalMs),
    ),
  );
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-bench-checkins-'));
  const db = await startLocalDb({ dataDir, quiet: true });
  const clock = new ControllableClock();
  const config = loadConfig({
    MONGODB_URI: db.uri,
    MONGODB_DB: 'bench_checkins',
    DEFAULT_TENANT_ID: TENANT,
    LOG_LEVEL: 'silent',
    MAX_INFLIGHT_TURNS: '1000',
  });
  let service = await createPlacementCompanion({
    config,
    logger: createLogger('silent'),
    mongoUri: db.uri,
    clock,
    engines: false,
  });
  try {
    let s = service.services;
    const cohortId = await seedBenchCohort(s, TENANT, STUDENTS);
    console.log(`seeded ${STUDENTS} students in one cohort`);

    // 1. Plan, then run the prompt job at Mon 20 Oct 09:00 BST.
    clock.set(new Date('2025-10-19T12:00:00Z'));
    let t = performance.now();
    const planned = await s.checkins.planAll(clock.now());
    const planMs = performance.now() - t;
    clock.set(new Date('2025-10-20T08:00:00Z'));
    // The prompt job itself (runDue would also run every other feature's planners).
    t = performance.now();
    await s.checkins.runStudentJob(
      'prompt',
      TENANT,
      { cohortId, week: 1, at: '2025-10-20T08:00:00.000Z' },
      clock.now(),
    );
    const enqueueMs = performance.now() - t;
    const items = await s.outbox.collection().countDocuments({ purpose: 'checkin.prompt' });
    console.log(
      `plan week jobs for ${STUDENTS} students: ${planMs.toFixed(0)} ms (${planned} jobs: one per cohort, week, kind and instant)`,
    );
    console.log(
      `run the prompt job → ${items} outbox items enqueued: ${enqueueMs.toFixed(0)} ms (${((items / enqueueMs) * 1000).toFixed(0)} prompts/s)`,
    );

    // 2. Submit latency at RATE/s through the real endpoint. On the 10,000-person database one
    // turn takes seconds (the identity lookup by AAD object id scans the people collection on
    // FerretDB 1.x), so the load runs against a second database with SUBMIT_PEOPLE people.
    console.log(
      `one submit on the ${STUDENTS}-person database: ${(await timeOne(service, s, clock)).toFixed(0)} ms`,
    );
    await service.stop();
    service = await createPlacementCompanion({
      config: { ...config, MONGODB_DB: 'bench_checkins_submit' },
      logger: createLogger('silent'),
      mongoUri: db.uri,
      clock,
      engines: false,
    });
    s = service.services;
    await seedBenchCohort(s, TENANT, SUBMIT_PEOPLE);
    console.log(`submit load database: ${SUBMIT_PEOPLE} people`);
    clock.set(new Date('2025-10-21T10:00:00Z'));
    const port = await service.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/api/messages`;
    const body = (i: number) => {
      const n = i % SUBMIT_PEOPLE;
      return JSON.stringify({
        type: 'invoke',
        name: 'adaptiveCard/action',
        id: randomUUID(),
        channelId: 'msteams',
        serviceUrl: 'http://127.0.0.1:9/',
        timestamp: new Date().toISOString(),
        from: { id: `29:student-${n}`, name: `Student ${n}`, aadObjectId: `aad-student-${n}` },
        recipient: { id: '28:bot-bench', name: 'Placement Companion' },
        conversation: { id: `a:personal-29:student-${n}`, conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
        replyToId: 'card-1',
        value: {
          trigger: 'manual',
          action: {
            type: 'Action.Execute',
            verb: 'checkin.submit',
            data: {
              week: 1,
              wellbeing: '4',
              progress: 'Audit baseline collected.',
              leadership: '',
              wentWell: 'Huddle.',
              hard: '',
              topics: '',
              conf_leadership: '3',
              'conf_time-management': '3',
              'conf_interprofessional-collaboration': '3',
              'conf_professional-behaviours': '3',
              conf_communication: '3',
            },
          },
        },
      });
    };
    // Phases are timed only while the bench listens (turn timing costs CPU: AsyncLocalStorage
    // runs Node's promise hooks on every promise), so the capacity run and the first load run
    // measure the service as deployed, and a second load run gives the phases under load.
    const timings: TurnTiming[] = [];
    let timedOut = 0;
    const timePhases = () =>
      service.turnTimings.subscribe((t) => {
        if (t.verb !== 'checkin.submit') return;
        timings.push(t);
        if (t.timedOut) timedOut++;
      });
    let stopTiming = timePhases();
    const bodies = (n: number, from = 0) => Array.from({ length: n }, (_, i) => body(from + i));
    // Requests come from another thread (their own event loop), as Teams' come from elsewhere.
    const client = await HttpClient.start();
    // Warm-up: every person's first submit. In Teams a student's first turn is the app being
    // installed in their chat, which links their Teams identity; here it is this submit, which
    // also creates their week-1 check-in. The later submits are edits, as in a real week.
    const warmUp = summarise(
      await client.run({ url, mode: 'sequential', bodies: bodies(SUBMIT_PEOPLE), expect: SAVED_CARD }),
    );
    console.log(
      `first submit of each of the ${SUBMIT_PEOPLE} people, one at a time (links their identity): p50 ${percentile(warmUp.ok, 50).toFixed(1)} ms · p99 ${percentile(warmUp.ok, 99).toFixed(1)} ms; ${warmUp.ok.length} saved`,
    );
    console.log(`  of which answered at the invoke time limit (${config.INVOKE_TIMEOUT_MS} ms): ${timedOut}`);
    timings.length = 0;
    timedOut = 0;

    const bare = restify.createServer({ name: 'bare' });
    bare.use(restify.plugins.bodyParser({ mapParams: false }));
    bare.post('/api/messages', async (_req, res) => {
      res.send(200, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'ok' });
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/messages`;
    await client.run({ url: bareUrl, mode: 'sequential', bodies: bodies(20) });

    console.log(`\none at a time: ${SEQUENTIAL} requests each, after the warm-up`);
    const bareSeq = summarise(
      await client.run({ url: bareUrl, mode: 'sequential', bodies: bodies(SEQUENTIAL) }),
    ).ok;
    const realRun = summarise(
      await client.run({ url, mode: 'sequential', bodies: bodies(SEQUENTIAL), expect: SAVED_CARD }),
    );
    const realSeq = realRun.ok;
    const seqLine = (name: string, t: number[]) =>
      console.log(
        `${name.padEnd(34)} p50 ${percentile(t, 50).toFixed(1)} ms · p99 ${percentile(t, 99).toFixed(1)} ms`,
      );
    seqLine('bare restify handler', bareSeq);
    seqLine('check-in submit (full turn + DB)', realSeq);
    console.log(
      `${''.padEnd(34)} ${realSeq.length} of ${SEQUENTIAL} answered with the saved card; ${timedOut} at the invoke time limit`,
    );
    console.log(
      `ratio submit/bare, one at a time: p50 ×${(percentile(realSeq, 50) / percentile(bareSeq, 50)).toFixed(1)}, p99 ×${(percentile(realSeq, 99) / percentile(bareSeq, 99)).toFixed(1)}`,
    );
    phaseTable('phases, one at a time', timings);
    timings.length = 0;
    stopTiming();

    // Capacity: as many submits as the machine answers with 16 in flight, and where the two
    // cores went meanwhile (the service's event loop, the local database, the machine).
    const usage = machineUsage(db.process.pid);
    const capacity = summarise(
      await client.run({
        url,
        mode: 'closed',
        concurrency: 16,
        bodies: bodies(CAPACITY_SUBMITS),
        expect: SAVED_CARD,
      }),
    );
    const used = usage.done();
    console.log(
      `\ncapacity, 16 in flight, as deployed (no phase timing): ${((capacity.ok.length / capacity.wallMs) * 1000).toFixed(0)} saved submits/s (${capacity.ok.length} of ${capacity.sent}) · p50 ${percentile(capacity.ok, 50).toFixed(1)} ms · p99 ${percentile(capacity.ok, 99).toFixed(1)} ms`,
    );
    console.log(`  meanwhile: ${used}`);
    timings.length = 0;

    console.log(
      `\nload: ${RATE} activities/s for ${SECONDS} s, open loop, loopback; the service as deployed (no phase timing)`,
    );
    const loadBodies = bodies(RATE * SECONDS);
    const bareR = report(
      'bare restify handler',
      summarise(await client.run({ url: bareUrl, mode: 'open', rate: RATE, bodies: loadBodies })),
    );
    const loadUsage = machineUsage(db.process.pid);
    const realR = report(
      'check-in submit (full turn + DB)',
      summarise(await client.run({ url, mode: 'open', rate: RATE, bodies: loadBodies, expect: SAVED_CARD })),
      'saved-card answers',
    );
    console.log(`${''.padEnd(34)} meanwhile: ${loadUsage.done()}`);
    console.log(
      `ratio submit/bare under load: p50 ×${(realR.p50 / bareR.p50).toFixed(1)}, p99 ×${(realR.p99 / bareR.p99).toFixed(1)}`,
    );

    console.log(`\nload again, the same ${RATE}/s for ${SECONDS} s, with every turn's phases timed`);
    stopTiming = timePhases();
    const timedUsage = machineUsage(db.process.pid);
    report(
      'check-in submit, phases timed',
      summarise(await client.run({ url, mode: 'open', rate: RATE, bodies: loadBodies, expect: SAVED_CARD })),
      'saved-card answers',
    );
    console.log(`${''.padEnd(34)} meanwhile: ${timedUsage.done()}`);
    stopTiming();
    await client.stop();
    const stored = await s.database.db.collection(collections.checkins.name).countDocuments();
    console.log(
      `check-ins stored: ${stored} (one per student: ${SUBMIT_PEOPLE} students, later submits are edits)`,
    );
    phaseTable('phases under load', timings);
    console.log(
      `submits answered at the invoke time limit (${config.INVOKE_TIMEOUT_MS} ms) in the timed runs after the warm-up: ${timedOut} (in the others they are among the answers without the saved card)`,
    );
    bare.close();
  } finally {
    await service.stop();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
