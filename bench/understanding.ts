/**
 * Intent understanding, measured: held-out accuracy per intent (phrasings training never
 * sees, test/understanding/held-out.ts), the phone-typed sets (test/understanding/phone-typed.ts:
 * how many are read right, how many distress messages the phrase list answers), the time to classify one message (p50/p99), training
 * time and the memory the trained classifier adds. Not part of the test run.
 *   npx tsx bench/understanding.ts
 */
import { featureUtterances } from '../src/features/utterances.js';
import { Understanding } from '../src/understanding/understanding.js';
import { needsSupportAnswer } from '../src/domain/support-phrases.js';
import { DISTRESS, HELD_OUT, HELD_OUT_ASKS } from '../test/understanding/held-out.js';
import {
  PHONE_DISTRESS,
  PHONE_DISTRESS_FRESH,
  PHONE_TYPED,
  PHONE_TYPED_FRESH,
  type Typed,
} from '../test/understanding/phone-typed.js';
import { ROLE_COMMANDS } from './role-commands.js';

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heapBefore = process.memoryUsage();
const understanding = await Understanding.train(featureUtterances);
gc?.();
const heapAfter = process.memoryUsage();

// Time to read one message (phrase list + classifier + decision). First reads: each phrasing
// once, as a new message arrives (NLP.js keeps the tokens of a text it has read, for an hour);
// then every phrasing again, many rounds. Wall time counts everything, including the time the
// operating system gives to other processes; CPU time is this thread's own work.
const texts = [...HELD_OUT.map((h) => h.text), ...DISTRESS];
interface Read {
  wall: number;
  cpu: number;
}
async function timedRead(t: string): Promise<Read> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await understanding.read(t, ROLE_COMMANDS.student);
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}
const firstReads: Read[] = [];
for (const t of texts) firstReads.push(await timedRead(t));

const perIntent = new Map<string, { right: number; total: number }>();
for (const h of HELD_OUT) {
  const reading = await understanding.read(h.text, ROLE_COMMANDS[h.role]);
  const got = reading.kind === 'command' ? reading.command : reading.kind;
  const row = perIntent.get(h.intent) ?? { right: 0, total: 0 };
  row.total += 1;
  if (got === h.intent) row.right += 1;
  perIntent.set(h.intent, row);
}
const right = [...perIntent.values()].reduce((n, r) => n + r.right, 0);

async function readRight(set: Typed[]): Promise<string> {
  let n = 0;
  for (const t of set) {
    const reading = await understanding.read(t.text, ROLE_COMMANDS[t.role]);
    if (t.right.includes(reading.kind === 'command' ? reading.command : reading.kind)) n += 1;
  }
  return `${n}/${set.length}`;
}
const byPhrase = (set: string[]) => `${set.filter(needsSupportAnswer).length}/${set.length}`;
let asksRight = 0;
for (const h of HELD_OUT_ASKS) {
  const reading = await understanding.read(h.text, ROLE_COMMANDS[h.role]);
  if ((reading.kind === 'command' ? reading.command : reading.kind) === h.intent) asksRight += 1;
}
const phone = {
  typed: await readRight(PHONE_TYPED),
  fresh: await readRight(PHONE_TYPED_FRESH),
  distress: byPhrase(PHONE_DISTRESS),
  distressFresh: byPhrase(PHONE_DISTRESS_FRESH),
};

const times: Read[] = [];
for (let round = 0; round < 20; round += 1) for (const t of texts) times.push(await timedRead(t));
const pctOf = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const line = (reads: Read[]) => {
  const wall = reads.map((r) => r.wall);
  const cpu = reads.map((r) => r.cpu);
  const f = (n: number) => n.toFixed(3);
  return `wall p50 ${f(pctOf(wall, 50))} ms, p99 ${f(pctOf(wall, 99))} ms, max ${pctOf(wall, 100).toFixed(2)} ms; CPU p50 ${f(pctOf(cpu, 50))} ms, p99 ${f(pctOf(cpu, 99))} ms`;
};
const trainings: number[] = [];
for (let i = 0; i < 5; i += 1)
  trainings.push((await (await Understanding.train(featureUtterances)).classifier()).trainingMs);
trainings.sort((a, b) => a - b);

console.log('held-out accuracy per intent:');
for (const [intent, r] of [...perIntent].sort((a, b) => a[1].right / a[1].total - b[1].right / b[1].total))
  console.log(`  ${intent.padEnd(32)} ${r.right}/${r.total}  ${((100 * r.right) / r.total).toFixed(0)}%`);
console.log(
  `held-out accuracy: ${right}/${HELD_OUT.length} = ${((100 * right) / HELD_OUT.length).toFixed(1)}%`,
);
console.log(
  `placement and announce asks written after (HELD_OUT_ASKS): ${asksRight}/${HELD_OUT_ASKS.length}`,
);
console.log(
  `phone-typed read right: ${phone.typed} (the set fixed for), ${phone.fresh} (written after); distress answered by the phrase list: ${phone.distress}, ${phone.distressFresh}`,
);
console.log(`classify one message, first read of each (${firstReads.length} reads): ${line(firstReads)}`);
console.log(`classify one message, read again (${times.length} reads): ${line(times)}`);
console.log(
  `training at start-up: first ${(await understanding.classifier()).trainingMs.toFixed(0)} ms; median of 5 more ${trainings[2]!.toFixed(0)} ms`,
);
console.log(
  `memory the trained classifier adds: heap ${((heapAfter.heapUsed - heapBefore.heapUsed) / 1e6).toFixed(1)} MB, rss ${((heapAfter.rss - heapBefore.rss) / 1e6).toFixed(1)} MB${gc ? '' : ' (run with --expose-gc for a steadier figure)'}`,
);
