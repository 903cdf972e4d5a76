/**
 * Turn timings: own time per phase (a nested phase is not counted in its parent too), the rest
 * is `adapter`, and a turn reported while still inside a phase (answered at its time limit)
 * books the time so far on that phase; nothing it does afterwards changes the report. Turns are
 * timed only while someone listens or the debug log is on (AsyncLocalStorage costs every promise).
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import sinon from 'sinon';
import { timed, timedSync, TURN_PHASES, type TurnTiming, TurnTimings } from '../../src/http/turn-timings.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('turn timings', () => {
  it('books each phase its own time; nested phases are not counted twice; the rest is adapter', async () => {
    const timings = new TurnTimings();
    const seen: TurnTiming[] = [];
    timings.subscribe((t) => seen.push(t));
    await timings.measure(
      { type: 'invoke', value: { action: { verb: 'checkin.submit' } } },
      async (finish) => {
        await sleep(20); // adapter
        await timed('identity', () => sleep(30));
        await timed('service', async () => {
          await sleep(30);
          timedSync('render', () => busy(25));
        });
        timedSync('response', () => busy(5));
        finish(200);
      },
    );
    assert.equal(seen.length, 1);
    const t = seen[0]!;
    assert.equal(t.verb, 'checkin.submit');
    assert.equal(t.timedOut, false);
    assert.ok(t.phases.identity >= 28 && t.phases.identity < 200, `identity ${t.phases.identity}`);
    assert.ok(t.phases.render >= 24, `render ${t.phases.render}`);
    assert.ok(t.phases.service >= 28, `service ${t.phases.service}`);
    assert.ok(t.phases.adapter >= 18, `adapter ${t.phases.adapter}`);
    // Render counted inside service as well would make the phases add up to more than the total.
    const sum = TURN_PHASES.reduce((a, p) => a + t.phases[p], 0);
    assert.ok(Math.abs(sum - t.totalMs) < 0.5, `sum ${sum} total ${t.totalMs}`);
  });

  it('a turn reported inside a phase (time limit) books the time so far there; later ends change nothing', async () => {
    const timings = new TurnTimings();
    const seen: TurnTiming[] = [];
    timings.subscribe((t) => seen.push(t));
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    let late!: Promise<void>;
    await timings.measure({ type: 'invoke' }, async (finish) => {
      late = timed('service', async () => {
        await timed('identity', () => sleep(10));
        await stuck; // an outbound call that does not come back in time
      });
      await sleep(80);
      finish(200, true);
    });
    const t = seen[0]!;
    assert.equal(t.timedOut, true);
    assert.ok(t.phases.service >= 65, `the stuck phase holds the time: ${JSON.stringify(t.phases)}`);
    assert.ok(t.phases.adapter < 10, `adapter ${t.phases.adapter}`);
    const reported = { ...t.phases };
    release();
    await late;
    assert.deepEqual(seen[0]!.phases, reported);
    assert.equal(seen.length, 1);
  });

  it('outside a turn, timed() just runs the work', async () => {
    assert.equal(await timed('service', async () => 7), 7);
    assert.equal(
      timedSync('render', () => 8),
      8,
    );
  });

  describe('only while someone wants the timings', () => {
    afterEach(() => sinon.restore());
    const turn = (timings: TurnTimings) =>
      timings.measure({ type: 'message' }, async (finish) => {
        await timed('service', () => sleep(1));
        finish(200);
      });

    it('with no listener and the debug log off, a turn runs without AsyncLocalStorage', async () => {
      const run = sinon.spy(AsyncLocalStorage.prototype, 'run');
      const debug = sinon.spy();
      const timings = new TurnTimings(debug, () => false);
      assert.equal(timings.wanted(), false);
      await turn(timings);
      assert.equal(run.callCount, 0, 'no AsyncLocalStorage.run: no promise hooks for this turn');
      assert.equal(debug.callCount, 0);
    });

    it('a listener, or the debug log switched on, gets every turn timed', async () => {
      let debugOn = false;
      const debug = sinon.spy();
      const timings = new TurnTimings(debug, () => debugOn);
      debugOn = true;
      await turn(timings);
      assert.equal(debug.callCount, 1, 'debug log on: timed');
      assert.ok(debug.firstCall.args[0].phases.service > 0);
      debugOn = false;
      const seen: TurnTiming[] = [];
      const unsubscribe = timings.subscribe((t) => seen.push(t));
      await turn(timings);
      assert.equal(seen.length, 1, 'a listener: timed');
      assert.equal(debug.callCount, 1, 'the debug log still off');
      unsubscribe();
      await turn(timings);
      assert.equal(seen.length, 1, 'unsubscribed: not timed');
    });

    it("the last listener leaving switches AsyncLocalStorage (Node's promise hooks) off", async () => {
      const disable = sinon.spy(AsyncLocalStorage.prototype, 'disable');
      const timings = new TurnTimings();
      const first = timings.subscribe(() => {});
      const second = timings.subscribe(() => {});
      await turn(timings);
      first();
      assert.equal(disable.callCount, 0, 'one listener left: still timing');
      first(); // a second call of the same unsubscribe changes nothing
      assert.equal(disable.callCount, 0);
      second();
      assert.equal(disable.callCount, 1, 'nobody left: switched off');
    });
  });
});
