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

describe('turn timings', () => {
  // A fake clock for performance.now() and timers: every booked figure is exact. What timing
  // costs on a real clock is bench/turn-timings.ts.
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => clock.restore());
  /** `busy(ms)`: synchronous work that takes `ms` on the clock. */
  const busy = (ms: number) => clock.tick(ms);

  it('books each phase its own time; nested phases are not counted twice; the rest is adapter', async () => {
    const timings = new TurnTimings();
    const seen: TurnTiming[] = [];
    timings.subscribe((t) => seen.push(t));
    const turn = timings.measure(
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
    await clock.runAllAsync();
    await turn;
    assert.equal(seen.length, 1);
    const t = seen[0]!;
    assert.equal(t.verb, 'checkin.submit');
    assert.equal(t.timedOut, false);
    // Render counted inside service as well would make service 55 and the sum more than the total.
    assert.deepEqual(
      { ...t.phases },
      { adapter: 20, identity: 30, reference: 0, service: 30, understand: 0, render: 25, response: 5 },
    );
    assert.equal(t.totalMs, 110);
    assert.equal(
      TURN_PHASES.reduce((a, p) => a + t.phases[p], 0),
      t.totalMs,
    );
  });

  it('a turn reported inside a phase (time limit) books the time so far there; later ends change nothing', async () => {
    const timings = new TurnTimings();
    const seen: TurnTiming[] = [];
    timings.subscribe((t) => seen.push(t));
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    let late!: Promise<void>;
    const turn = timings.measure({ type: 'invoke' }, async (finish) => {
      late = timed('service', async () => {
        await timed('identity', () => sleep(10));
        await stuck; // an outbound call that does not come back in time
      });
      await sleep(80);
      finish(200, true);
    });
    await clock.tickAsync(80);
    await turn;
    const t = seen[0]!;
    assert.equal(t.timedOut, true);
    assert.equal(t.phases.service, 70, `the stuck phase holds the time: ${JSON.stringify(t.phases)}`);
    assert.equal(t.phases.identity, 10);
    assert.equal(t.phases.adapter, 0);
    const reported = { ...t.phases };
    await clock.tickAsync(500);
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
    const turn = async (timings: TurnTimings) => {
      const done = timings.measure({ type: 'message' }, async (finish) => {
        await timed('service', () => sleep(1));
        finish(200);
      });
      await clock.tickAsync(1);
      await done;
    };

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
      assert.equal(debug.firstCall.args[0].phases.service, 1);
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
