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
      // At most the limit; at least 90% of it (the limiter counts a second as 1,030 ms).
      assert.ok(inSecond <= 50 && inSecond >= 45, `${inSecond} in the second from ${t} ms`);
    }
    assert.ok(times.length >= 0.95 * 50 * 10, `${times.length} in 10 s`);
    for (const start of times) {
      const inWindow = times.filter((x) => x >= start && x < start + 100).length;
      assert.ok(inWindow <= 5, `${inWindow} within 100 ms of ${start} ms`);
    }
  });

  it("keeps one conversation within each of Teams' per-thread windows: 7/1 s, 8/2 s, 60/30 s, 1,800/hour", () => {
    let now = 0;
    const limiter = new RateLimiter(50, undefined, () => now);
    const times: number[] = [];
    while (now < 2 * 3_600_000) {
      const wait = limiter.tryAcquire('tenant', 'one-chat');
      if (wait === 0) times.push(now);
      else now += wait;
    }
    const mostIn = (ms: number) => {
      let most = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= ms) j++;
        most = Math.max(most, i - j + 1);
      }
      return most;
    };
    assert.ok(mostIn(1000) <= 7, `${mostIn(1000)} in 1 s`);
    assert.ok(mostIn(2000) <= 8, `${mostIn(2000)} in 2 s`);
    assert.ok(mostIn(30_000) <= 60, `${mostIn(30_000)} in 30 s`);
    assert.equal(mostIn(3_600_000), 1800);
    // Not starved either: the hour's budget is used.
    assert.ok(times.length >= 3000, `${times.length} in two hours`);
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

  /** Sends per whole second of fake time, every conversation new, from `from` to `to`. */
  function perSecond(limiter: RateLimiter, clock: { now: number }, tenant: string, to: number): number[] {
    const counts: number[] = [];
    let n = 0;
    while (clock.now < to) {
      const wait = limiter.tryAcquire(tenant, `${tenant}-conversation-${n}`);
      if (wait === 0) {
        const second = Math.floor(clock.now / 1000);
        counts[second] = (counts[second] ?? 0) + 1;
        n++;
      } else clock.now += wait;
    }
    return Array.from(counts, (c) => c ?? 0);
  }

  it('a 429 pauses the whole tenant for its Retry-After, then halves its rate and climbs back (other tenants untouched)', () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter(50, undefined, () => clock.now);
    limiter.slowTenant('t', 1000);
    assert.ok(limiter.tryAcquire('t', 'any-conversation') > 0, 'paused: every conversation of the tenant');
    assert.ok(limiter.tenantWait('t') > 0);
    assert.equal(limiter.tryAcquire('other-tenant', 'c'), 0, 'another tenant is not slowed');
    const counts = perSecond(limiter, clock, 't', 10_000);
    assert.equal(counts[0], 0, 'nothing during the Retry-After');
    assert.equal(counts[1], 25, 'half the rate after it');
    // +10/s each second: 25, 35, 45, then the configured 50 again (a little under each, as
    // the limiter counts a second as 1,030 ms).
    assert.deepEqual(counts.slice(1, 3), [25, 35]);
    assert.ok(counts[3]! >= 41 && counts[3]! <= 45, `third second: ${counts[3]}`);
    for (let i = 2; i < counts.length; i++) assert.ok(counts[i]! >= counts[i - 1]! - 5 && counts[i]! <= 50);
    assert.ok(
      counts.slice(4, 10).every((n) => n >= 45),
      `back to the full rate: ${counts.join(',')}`,
    );
    assert.equal(limiter.tenantRate('t', clock.now), 50);
    assert.equal(limiter.stats.tenantSlowdowns, 1);
  });

  it('429s that arrive during the pause (requests already on the wire) extend it without halving again; a later one halves again', () => {
    const clock = { now: 0 };
    const limiter = new RateLimiter(40, undefined, () => clock.now);
    limiter.slowTenant('t', 1000);
    clock.now = 500;
    limiter.slowTenant('t', 1000); // pause now until 1500
    assert.ok(limiter.tenantWait('t') >= 1000);
    clock.now = 1500;
    assert.equal(limiter.tenantRate('t'), 20, 'halved once');
    clock.now = 2500;
    assert.equal(limiter.tenantRate('t'), 28);
    limiter.slowTenant('t', 1000);
    clock.now = 3500;
    assert.equal(limiter.tenantRate('t'), 14, 'a new 429 after the pause halves the current rate');
    assert.equal(limiter.stats.tenantSlowdowns, 2);
  });
});
