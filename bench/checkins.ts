/**
 * Check-in benchmark, one run on the real local database (FerretDB 1.x on SQLite):
 *  1. time to plan and enqueue the weekly prompts for 10,000 students (planner + prompt job →
 *     one outbox item per student);
 *  2. latency of a check-in submit (Action.Execute invoke through POST /api/messages, the whole
 *     turn pipeline): one at a time, then at 200 activities/s open-loop for 10 s, each beside a
 *     bare restify handler measured the same way in the same run, with the ratio to it, and
 *     where the turns spent their time (per phase, from src/http/turn-timings.ts).
 * An answer counts as a submit only when it is the saved check-in card; time-limit answers and
 * error messages are counted apart. The Bot Connector (serviceUrl) is an unreachable loopback
 * port, so a turn that talks to it shows up. Loopback only; bounded (~2–3 min).
 * Run: npx tsx bench/checkins.ts [sequential=100] [rate=200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
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
import { tenantDocId } from '../src/storage/documents.js';

const STUDENTS = 10_000;
const SUBMIT_PEOPLE = 300;
const RATE = Number(process.argv[3] ?? 200); // activities per second
const SECONDS = 10;
const SEQUENTIAL = Number(process.argv[2] ?? 100);
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

type Answer = { status: number; saved: boolean };

/** Open-loop load: one request every 1000/RATE ms regardless of responses; latencies in ms. */
async function load(
  send: (i: number) => Promise<Answer>,
): Promise<{ ok: number[]; statuses: Record<number, number>; notSaved: number; wallMs: number }> {
  const total = RATE * SECONDS;
  const interval = 1000 / RATE;
  const ok: number[] = [];
  const statuses: Record<number, number> = {};
  let notSaved = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = performance.now();
    pending.push(
      send(i).then(
        ({ status, saved }) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 200 && saved) ok.push(performance.now() - t0);
          else if (status === 200) notSaved++;
        },
        () => {
          // 0 = no answer within 15 s (aborted) or a connection error
          statuses[0] = (statuses[0] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  return { ok: ok.sort((a, b) => a - b), statuses, notSaved, wallMs: performance.now() - start };
}

function report(name: string, r: Awaited<ReturnType<typeof load>>, answer = 'answers') {
  const p50 = percentile(r.ok, 50);
  const p99 = percentile(r.ok, 99);
  console.log(
    `${name.padEnd(34)} sent ${RATE * SECONDS} in ${(r.wallMs / 1000).toFixed(1)} s · statuses ${JSON.stringify(r.statuses)} · ${r.ok.length} ${answer} · p50 ${p50.toFixed(1)} ms · p99 ${p99.toFixed(1)} ms`,
  );
  if (r.notSaved > 0) console.log(`${''.padEnd(34)} ${r.notSaved} answered 200 without the saved card`);
  return { p50, p99 };
}

/** One run of sequential requests: sorted latencies in ms. */
async function sequentially(n: number, send: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await send(i);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
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
    const now = new Date('2025-10-01T00:00:00Z');
    const { id: cohortId } = await s.cohorts.upsertByName(
      TENANT,
      {
        name: 'Bench cohort',
        startDate: '2025-10-20',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu'],
        nonPlacementDates: [],
        supervision: { weekday: 'Thu', time: '14:00' },
        timeZone: 'Europe/London',
        teamsChannelId: null,
      },
      now,
    );
    const people = Array.from({ length: STUDENTS }, (_, i) => ({
      _id: tenantDocId(TENANT, `student-${i}`),
      tenantId: TENANT,
      email: `student${i}@example.nhs.uk`,
      displayName: `Student ${i}`,
      roles: ['student'],
      profession: 'physiotherapy',
      cohortId,
      timeZone: null,
      teamsUserId: `29:student-${i}`,
      aadObjectId: `aad-student-${i}`,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    }));
    for (let i = 0; i < people.length; i += 1000)
      await s.db.collection(collections.people.name).insertMany(people.slice(i, i + 1000) as never[]);
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
    const { id: submitCohort } = await s.cohorts.upsertByName(
      TENANT,
      {
        name: 'Bench cohort',
        startDate: '2025-10-20',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu'],
        nonPlacementDates: [],
        supervision: { weekday: 'Thu', time: '14:00' },
        timeZone: 'Europe/London',
        teamsChannelId: null,
      },
      now,
    );
    await s.db
      .collection(collections.people.name)
      .insertMany(people.slice(0, SUBMIT_PEOPLE).map((p) => ({ ...p, cohortId: submitCohort })) as never[]);
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
    let bareUrl = '';
    const post = async (target: string, payload: string): Promise<Answer> => {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(15_000),
      });
      const text = await res.text();
      // The saved check-in card (its notice), not a time-limit or error message.
      const saved = target === bareUrl || /your check-in is saved|Your changes are saved/.test(text);
      return { status: res.status, saved };
    };
    const timings: TurnTiming[] = [];
    let timedOut = 0;
    service.turnTimings.subscribe((t) => {
      if (t.verb !== 'checkin.submit') return;
      timings.push(t);
      if (t.timedOut) timedOut++;
    });
    let notSavedInTurn = 0;
    const counted = async (send: () => Promise<Answer>) => {
      const answer = await send();
      if (!answer.saved) notSavedInTurn++;
    };
    // Warm-up (JIT, connections, template cache).
    const warmUp = await sequentially(20, (i) =>
      post(url, body(SUBMIT_PEOPLE - 1 - i)).catch(() => undefined),
    );
    console.log(`one submit at a time (warm-up, 20): median ${percentile(warmUp, 50).toFixed(1)} ms`);
    console.log(`  of which answered at the invoke time limit (${config.INVOKE_TIMEOUT_MS} ms): ${timedOut}`);
    timings.length = 0;
    timedOut = 0;

    const bare = restify.createServer({ name: 'bare' });
    bare.use(restify.plugins.bodyParser({ mapParams: false }));
    bare.post('/api/messages', async (_req, res) => {
      res.send(200, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'ok' });
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/messages`;
    for (let i = 0; i < 20; i++) await post(bareUrl, body(i));

    console.log(`\none at a time: ${SEQUENTIAL} requests each, after the warm-up`);
    const bareSeq = await sequentially(SEQUENTIAL, (i) => post(bareUrl, body(i)));
    const realSeq = await sequentially(SEQUENTIAL, (i) => counted(() => post(url, body(i))));
    const seqLine = (name: string, t: number[]) =>
      console.log(
        `${name.padEnd(34)} p50 ${percentile(t, 50).toFixed(1)} ms · p99 ${percentile(t, 99).toFixed(1)} ms`,
      );
    seqLine('bare restify handler', bareSeq);
    seqLine('check-in submit (full turn + DB)', realSeq);
    console.log(
      `${''.padEnd(34)} ${SEQUENTIAL - notSavedInTurn} of ${SEQUENTIAL} answered with the saved card; ${timedOut} at the invoke time limit`,
    );
    console.log(
      `ratio submit/bare, one at a time: p50 ×${(percentile(realSeq, 50) / percentile(bareSeq, 50)).toFixed(1)}, p99 ×${(percentile(realSeq, 99) / percentile(bareSeq, 99)).toFixed(1)}`,
    );
    phaseTable('phases, one at a time', timings);
    timings.length = 0;

    console.log(`\nload: ${RATE} activities/s for ${SECONDS} s, open loop, loopback`);
    const bareR = report('bare restify handler', await load((i) => post(bareUrl, body(i))));
    const realR = report(
      'check-in submit (full turn + DB)',
      await load((i) => post(url, body(i))),
      'saved-card answers',
    );
    const stored = await s.db.collection(collections.checkins.name).countDocuments();
    console.log(
      `check-ins stored: ${stored} (one per student: ${SUBMIT_PEOPLE} students, later submits are edits)`,
    );
    console.log(
      `ratio submit/bare under load: p50 ×${(realR.p50 / bareR.p50).toFixed(1)}, p99 ×${(realR.p99 / bareR.p99).toFixed(1)}`,
    );
    phaseTable('phases under load', timings);
    console.log(
      `submits answered at the invoke time limit (${config.INVOKE_TIMEOUT_MS} ms) after the warm-up: ${timedOut}`,
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
