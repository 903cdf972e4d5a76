import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/proactive/rate-limiter.js';

describe('RateLimiter (per tenant, per conversation)', () => {
  /** Drives the limiter on a fake clock: every conversation new, take a slot as soon as allowed. */
  function sendTimes(rps: number, ms: number): number[] {
    let now = 0;
    const limiter = new RateLimiter(rps, undefined, () => now);
    const times: number[] = [];
    let n = 0;
    while (now < ms) {
      const wait = limiter.tryAcquire('tenant', `conversation-${n}`);
      if (wait === 0) {
        times.push(now);
        n++;
      } else now += wait;
    }
    return times;
  }

  it('allows the full tenant rate over a second, but spread: at most a tenth of it in any 100 ms', () => {
    const times = sendTimes(50, 10_000);
    for (let t = 0; t < 9_000; t += 250) {
      const inSecond = times.filter((x) => x >= t && x < t + 1000).length;
      assert.ok(inSecond <= 50 && inSecond >= 49, `${inSecond} in the second from ${t} ms`);
    }
    for (const start of times) {
      const inWindow = times.filter((x) => x >= start && x < start + 100).length;
      assert.ok(inWindow <= 5, `${inWindow} within 100 ms of ${start} ms`);
    }
  });

  it('keeps to a 429 Retry-After for that conversation only', () => {
    let now = 0;
    const limiter = new RateLimiter(50, undefined, () => now);
    limiter.block('c1', 1000);
    assert.ok(limiter.tryAcquire('t', 'c1') >= 1000);
    assert.equal(limiter.tryAcquire('t', 'c2'), 0);
    now = 1001;
    assert.equal(limiter.tryAcquire('t', 'c1'), 0);
  });
});
