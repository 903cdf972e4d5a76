/**
 * Telemetry overhead on a check-in submit (Action.Execute through POST /api/messages, real local
 * database), one run: the same sequential submits against a service with telemetry off, then a
 * service with telemetry on (every span and metric produced, exported to a discarding
 * exporter), then the first service again (off), so drift shows. Prints the median latency and
 * the process CPU per submit of each pass, and the ratios on / off.
 * Run: npx tsx bench/telemetry.ts [submits=300]
 */
import { seedBenchCohort } from './lib/checkin-cohort.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { startLocalDb } from '../tools/local-db/local-db.js';
import { createPlacementCompanion, type PlacementCompanion } from '../src/app.js';
import { ControllableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startTelemetry } from '../src/telemetry/telemetry.js';

const SUBMITS = Number(process.argv[2] ?? 300);
const STUDENTS = 50;
const TENANT = 'bench-tenant';

class DiscardingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown() {}
}

function submit(i: number) {
  const key = `student-${i % STUDENTS}`;
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: 'http://127.0.0.1:9/',
    from: { id: `29:${key}`, name: 'S', aadObjectId: `aad-${key}` },
    recipient: { id: '28:bot-bench', name: 'PC' },
    conversation: { id: `a:personal-29:${key}`, conversationType: 'personal', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    value: {
      trigger: 'manual',
      action: {
        type: 'Action.Execute',
        verb: 'checkin.submit',
        data: {
          week: 1,
          wellbeing: '4',
          progress: `p${i}`,
          leadership: '',
          wentWell: 'w',
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
  };
}

async function pass(port: number, n: number): Promise<{ medianMs: number; cpuMsPerSubmit: number }> {
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(submit(i)),
    });
    const text = await res.text();
    if (!/check-in is saved|changes are saved/.test(text))
      throw new Error(
        `not saved: ${res.status} ${(text.match(/"text":"[^"]*"/g) ?? []).join(' ').slice(0, 600)}`,
      );
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(n / 2)]!, cpuMsPerSubmit: (cpu.user + cpu.system) / 1000 / n };
}

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-bench-telemetry-'));
  const db = await startLocalDb({ dataDir, quiet: true });
  const clock = new ControllableClock();
  const config = loadConfig({
    MONGODB_URI: db.uri,
    MONGODB_DB: 'bench_telemetry',
    DEFAULT_TENANT_ID: TENANT,
    LOG_LEVEL: 'silent',
  });
  const make = () =>
    createPlacementCompanion({
      config,
      logger: createLogger('silent'),
      mongoUri: db.uri,
      clock,
      engines: false,
    });
  const services: PlacementCompanion[] = [];
  try {
    const off = await make();
    services.push(off);
    const s = off.services;
    await seedBenchCohort(s, TENANT, STUDENTS);
    clock.set(new Date('2025-10-21T10:00:00Z'));
    const offPort = await off.listen(0, '127.0.0.1');
    await pass(offPort, STUDENTS * 2); // warm-up (the first submit of each person inserts)
    const a1 = await pass(offPort, SUBMITS);

    const exporter = new DiscardingExporter();
    const telemetry = await startTelemetry({ spanExporter: exporter });
    const on = await make();
    services.push(on);
    const onPort = await on.listen(0, '127.0.0.1');
    await pass(onPort, STUDENTS);
    const b = await pass(onPort, SUBMITS);
    await services.pop()!.stop();
    await telemetry.shutdown();

    const a2 = await pass(offPort, SUBMITS);
    const offMedian = (a1.medianMs + a2.medianMs) / 2;
    const offCpu = (a1.cpuMsPerSubmit + a2.cpuMsPerSubmit) / 2;
    const fmt = (r: { medianMs: number; cpuMsPerSubmit: number }) =>
      `median ${r.medianMs.toFixed(2)} ms, CPU ${r.cpuMsPerSubmit.toFixed(2)} ms/submit`;
    console.log(
      `check-in submits, ${SUBMITS} sequential per pass (${exporter.spans} spans exported while on)`,
    );
    console.log(`  off (before): ${fmt(a1)}`);
    console.log(`  on:           ${fmt(b)}`);
    console.log(`  off (after):  ${fmt(a2)}`);
    console.log(
      `  on / off: latency ${(b.medianMs / offMedian).toFixed(2)}×, CPU ${(b.cpuMsPerSubmit / offCpu).toFixed(2)}×`,
    );
  } finally {
    for (const s of services) await s.stop();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
