import assert from 'node:assert/strict';
import { idleScanPauseMs } from '../../src/proactive/scan-pacing.js';

describe('scan pacing (when the outbox sender scans)', () => {
  it('an instance that sends for no tenant while others send scans once per lease period', () => {
    const leases = { othersSend: true, holdsAny: false, renewMs: 3333, leaseMs: 10_000 };
    assert.equal(idleScanPauseMs({ pollMs: 1000, leases }), 10_000);
  });

  it('an instance holding tenants while others hold theirs scans once per lease tick', () => {
    const leases = { othersSend: true, holdsAny: true, renewMs: 3333, leaseMs: 10_000 };
    assert.equal(idleScanPauseMs({ pollMs: 1000, leases }), 3333);
  });

  it('alone (no leases, or nobody else sending): once per poll', () => {
    assert.equal(idleScanPauseMs({ pollMs: 1000, leases: null }), 1000);
    const leases = { othersSend: false, holdsAny: false, renewMs: 3333, leaseMs: 10_000 };
    assert.equal(idleScanPauseMs({ pollMs: 1000, leases }), 1000);
    assert.equal(idleScanPauseMs({ pollMs: 20_000, leases: { ...leases, othersSend: true } }), 20_000);
  });
});
