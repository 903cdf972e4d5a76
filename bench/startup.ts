/**
 * Start-up bench: time to ready and idle resident memory of the service, the development way
 * (`npm start`: npm → sh → tsx → node running src/ through the tsx loader) against the
 * production build (`node dist/src/index.js`, the Docker CMD; `npm run start:prod` execs the
 * same). One local database (FerretDB 1.x) is started first and stays up, so every start
 * connects to a running database (MONGODB_URI set); the variants alternate, `rounds` each, after
 * one uncounted warm-up start of each (it creates the indexes and warms the file cache).
 *  - time to ready: spawn → first 200 on GET /readyz (polled every 20 ms);
 *  - CPU to ready: user + system CPU time of the process tree at that moment (utime + stime,
 *    plus cutime + cstime of children already gone, from /proc/<pid>/stat): what start-up costs
 *    without the waiting, so a loaded machine inflates it far less than the wall-clock time;
 *  - idle RSS: after `idle` seconds without requests, the sum of VmRSS (/proc/<pid>/status)
 *    over the started process and all its descendants (npm, sh, the tsx wrapper and the service
 *    for `npm start`), and the service process alone (the deepest node process).
 * Prints medians per variant and the ratios production / development. Needs `npm run build`
 * first. Linux only (/proc). Bounded: about (rounds × 2 + 2) × (idle + start-up) seconds.
 * Extra production variants to compare in the same run: label=path/to/dist/src/index.js (another
 * build, e.g. before a change) or label=--node-flag,--other-flag (this build with node flags).
 *
 *   npx tsx bench/startup.ts [rounds=5] [idle=10] [label=entry.js | label=--flags ...]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { freePort, startLocalDb } from '../tools/local-db/local-db.js';

const ROUNDS = Number(process.argv[2] ?? 5);
const IDLE_S = Number(process.argv[3] ?? 10);
const ENTRY = path.join(packageRoot, 'dist', 'src', 'index.js');
const extra = process.argv.slice(4).map((a) => {
  const at = a.indexOf('=');
  const label = a.slice(0, at);
  const value = a.slice(at + 1);
  if (at <= 0 || !value) throw new Error(`extra variant ${a}: label=path/to/index.js or label=--flag,--flag`);
  if (value.startsWith('--')) return { label, args: [...value.split(','), ENTRY] };
  if (!existsSync(value)) throw new Error(`extra variant ${a}: ${value} not found`);
  return { label, args: [path.resolve(value)] };
});
if (!existsSync(ENTRY) || !existsSync(path.join(packageRoot, 'dist', 'web', 'index.html')))
  throw new Error('bench/startup: run `npm run build` first (dist/src/index.js, dist/web)');

/** What the service needs in production (nothing here is a real credential). */
const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  MicrosoftAppId: '00000000-0000-4000-8000-000000000001',
  MicrosoftAppPassword: 'bench-not-a-real-secret',
  MicrosoftAppTenantId: '11111111-1111-4111-8111-111111111111',
  PUBLIC_BASE_URL: 'https://placement.bench.example',
  EXPORT_LINK_SECRET: 'bench-export-link-secret-0123456789abcdef',
  SURVEY_HMAC_SECRET: 'bench-survey-0123456789',
};

interface Variant {
  label: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

const variants: Variant[] = [
  { label: 'npm start (dev, tsx)', command: 'npm', args: ['start', '--silent'], env: {} },
  { label: 'node dist/src/index.js (prod)', command: process.execPath, args: [ENTRY], env: PRODUCTION_ENV },
  ...extra.map((e) => ({ label: e.label, command: process.execPath, args: e.args, env: PRODUCTION_ENV })),
];

interface Sample {
  readyMs: number;
  cpuMs: number;
  treeRssMb: number;
  serviceRssMb: number;
  processes: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function children(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

const CLOCK_TICK_MS = 10; // USER_HZ = 100 on Linux

/** utime + stime + cutime + cstime of a process, in ms. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14-17.
    return (
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * CLOCK_TICK_MS
    );
  } catch {
    return 0;
  }
}

function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 80);
  } catch {
    return '?';
  }
}

async function stopTree(child: ChildProcess): Promise<void> {
  const pids = tree(child.pid!);
  // npm's shell does not pass SIGTERM on to the tsx it started: signal every process.
  for (const pid of pids.reverse()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 15_000;
  while (
    pids.some((p) => existsSync(`/proc/${p}`) && !readFileSync(`/proc/${p}/stat`, 'utf8').includes(') Z')) &&
    Date.now() < deadline
  )
    await sleep(50);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** The variant running now: stopped (with its tree) if the bench is interrupted. */
let current: ChildProcess | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    if (current?.pid)
      for (const pid of tree(current.pid).reverse())
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    process.exit(130);
  });

async function runOnce(variant: Variant, mongoUri: string): Promise<Sample> {
  const port = await freePort();
  const t0 = performance.now();
  const child = (current = spawn(variant.command, variant.args, {
    cwd: packageRoot,
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? os.homedir(),
      PORT: String(port),
      HOST: '127.0.0.1',
      MONGODB_URI: mongoUri,
      LOG_LEVEL: 'info',
      ...variant.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  }));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  let readyMs = -1;
  while (readyMs < 0) {
    if (child.exitCode !== null) throw new Error(`${variant.label} exited before ready: ${stderr}`);
    if (performance.now() - t0 > 120_000) throw new Error(`${variant.label}: not ready after 120 s`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) readyMs = performance.now() - t0;
    else await sleep(20);
  }
  const cpuToReady = tree(child.pid!).reduce((sum, p) => sum + cpuMs(p), 0);
  await sleep(IDLE_S * 1000);
  const pids = tree(child.pid!);
  const treeRssKb = pids.reduce((sum, p) => sum + rssKb(p), 0);
  // The service: the last node process of the tree (tsx runs it in a child of its own).
  const service =
    [...pids]
      .reverse()
      .find((p) => commandOf(p).startsWith(process.execPath) || commandOf(p).startsWith('node')) ??
    child.pid!;
  const sample = {
    readyMs,
    cpuMs: cpuToReady,
    treeRssMb: treeRssKb / 1024,
    serviceRssMb: rssKb(service) / 1024,
    processes: pids.map((p) => `${commandOf(p)} (${(rssKb(p) / 1024).toFixed(0)} MB)`),
  };
  await stopTree(child);
  current = null;
  return sample;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `startup bench: ${ROUNDS} rounds, ${IDLE_S} s idle; node ${process.version}; ${os.cpus().length} CPUs; load ${load()}`,
);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-startup-'));
const db = await startLocalDb({ dataDir, quiet: true });
const mongoUri = `${db.uri}placement_bench_startup`;
const samples = new Map<string, Sample[]>(variants.map((v) => [v.label, []]));
try {
  for (const v of variants) {
    const warm = await runOnce(v, mongoUri);
    console.log(
      `  warm-up ${v.label}: ready ${warm.readyMs.toFixed(0)} ms, RSS ${warm.treeRssMb.toFixed(0)} MB`,
    );
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so drift in machine load falls on both.
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const s = await runOnce(v, mongoUri);
      samples.get(v.label)!.push(s);
      console.log(
        `  round ${round + 1} ${v.label}: ready ${s.readyMs.toFixed(0)} ms (CPU ${s.cpuMs} ms), RSS tree ${s.treeRssMb.toFixed(0)} MB, service ${s.serviceRssMb.toFixed(0)} MB`,
      );
    }
  }
} finally {
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

console.log(`\nprocesses (last round):`);
for (const v of variants)
  console.log(`  ${v.label}:\n    ${samples.get(v.label)!.at(-1)!.processes.join('\n    ')}`);
const [dev, ...prods] = variants.map((v) => {
  const s = samples.get(v.label)!;
  return {
    label: v.label,
    ready: median(s.map((x) => x.readyMs)),
    cpu: median(s.map((x) => x.cpuMs)),
    tree: median(s.map((x) => x.treeRssMb)),
    service: median(s.map((x) => x.serviceRssMb)),
  };
});
console.log(`\nmedians of ${ROUNDS} (load at end ${load()}):`);
console.log(
  `  ${'variant'.padEnd(34)} ${'ready ms'.padStart(9)} ${'CPU ms'.padStart(7)} ${'RSS tree MB'.padStart(12)} ${'service MB'.padStart(11)}`,
);
for (const r of [dev!, ...prods])
  console.log(
    `  ${r.label.padEnd(34)} ${r.ready.toFixed(0).padStart(9)} ${r.cpu.toFixed(0).padStart(7)} ${r.tree.toFixed(0).padStart(12)} ${r.service.toFixed(0).padStart(11)}`,
  );
for (const p of prods)
  console.log(
    `  ratio ${p.label} / ${dev!.label}: ready ${(p.ready / dev!.ready).toFixed(2)}, CPU ${(p.cpu / dev!.cpu).toFixed(2)}, RSS tree ${(p.tree / dev!.tree).toFixed(2)}, service ${(p.service / dev!.service).toFixed(2)}`,
  );
console.log(`  goals (production): ready ≤ 3000 ms, idle RSS ≤ 150 MB`);
