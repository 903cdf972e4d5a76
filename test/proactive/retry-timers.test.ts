import assert from 'node:assert/strict';
import { RetryTimers } from '../../src/proactive/retry-timers.js';

describe('RetryTimers (the sender keeps a released item until its retry)', () => {
  it('knows which items have a retry waiting, until it fires', async () => {
    const timers = new RetryTimers();
    let fired = 0;
    assert.ok(timers.schedule('item-1', 5, () => fired++));
    assert.equal(timers.isWaiting('item-1'), true, 'a scan must leave item-1 to its retry');
    assert.equal(timers.isWaiting('item-2'), false);
    assert.equal(timers.firingWithin(1000), 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(fired, 1);
    assert.equal(timers.isWaiting('item-1'), false);
    assert.equal(timers.firingWithin(1000), 0);
  });

  it('an item released twice stays waiting until its last retry; clear forgets every one', async () => {
    const timers = new RetryTimers();
    timers.schedule('item-1', 5, () => undefined);
    timers.schedule('item-1', 60, () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(timers.isWaiting('item-1'), true);
    timers.clear();
    assert.equal(timers.isWaiting('item-1'), false);
  });

  it('leaves a wait longer than it holds to the scans', () => {
    const timers = new RetryTimers(1000);
    assert.equal(
      timers.schedule('item-1', 5000, () => undefined),
      false,
    );
    assert.equal(timers.isWaiting('item-1'), false);
  });
});
