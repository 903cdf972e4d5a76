/**
 * Turn timings on the real clock (test/http/turn-timings.test.ts checks the booking on a fake
 * one): how close the booked phases are to the time really spent, and what timing costs a turn.
 * Prints, per phase, the median booked ms against what the turn slept or spun there, then the
 * median turn time with nobody listening (no AsyncLocalStorage) and with a listener, and the ratio.
 * Run: npx tsx bench/turn-timings.ts [turns=200]
 */
import { timed, timedSync, TURN_PHASES, type TurnTiming, TurnTimings } from '../src/http/turn-timings.js';

const TURNS = Number(process.argv[2] ?? 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The shape of the unit test's turn: 20 ms adapter, 30 identity, 30 service around 25 render, 5 response. */
const SPENT = { adapter: 20, identity: 30, service: 30, render: 25, response: 5 } as const;
async function turn(timings: TurnTimings) {
  await timings.measure({ type: 'invoke' }, async (finish) => {
    await sleep(SPENT.adapter);
    await timed('identity', () => sleep(SPENT.identity));
    await timed('service', async () => {
      await sleep(SPENT.service);
      timedSync('render', () => busy(SPENT.render));
    });
    timedSync('response', () => busy(SPENT.response));
    finish(200);
  });
}

/** A turn of many small awaits, where AsyncLocalStorage's promise hooks show. */
async function promiseHeavyTurn(timings: TurnTimings) {
  await timings.measure({ type: 'message' }, async (finish) => {
    await timed('service', async () => {
      for (let i = 0; i < 2000; i++) await Promise.resolve(i);
    });
    finish(200);
  });
}

const booked = new TurnTimings();
const seen: TurnTiming[] = [];
booked.subscribe((t) => seen.push(t));
for (let i = 0; i < Math.min(TURNS, 50); i++) await turn(booked);
console.log(`phase booking, ${seen.length} turns (median booked ms vs spent):`);
for (const phase of TURN_PHASES) {
  const spent = (SPENT as Record<string, number>)[phase] ?? 0;
  const got = median(seen.map((t) => t.phases[phase]));
  console.log(`  ${phase.padEnd(11)} ${got.toFixed(1).padStart(7)}  spent ${spent}`);
}

async function timeTurns(timings: TurnTimings): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    const t0 = performance.now();
    await promiseHeavyTurn(timings);
    times.push(performance.now() - t0);
  }
  return median(times);
}
const off = new TurnTimings(
  () => {},
  () => false,
);
const on = new TurnTimings();
const unsubscribe = on.subscribe(() => {});
const offMs = await timeTurns(off);
const onMs = await timeTurns(on);
const offAgainMs = await timeTurns(off);
unsubscribe();
console.log(
  `promise-heavy turn, median of ${TURNS}: not timed ${offMs.toFixed(3)} ms, timed ${onMs.toFixed(3)} ms,`,
);
console.log(
  `  not timed again ${offAgainMs.toFixed(3)} ms; timed / not timed ${(onMs / ((offMs + offAgainMs) / 2)).toFixed(2)}x`,
);
