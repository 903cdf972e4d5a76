/**
 * Issue 26 (lead dashboard): a cohort that finished months ago still listed a student
 * "overdue week 5". Finished cohorts have nothing overdue; a running one keeps its list.
 */
import assert from 'node:assert/strict';
import type { E2E } from '../e2e/harness.js';
import { FINISHED_NOTHING_OVERDUE } from '../../src/features/dashboard/finished-cohort.js';
import { startDashboard, TestJwks, type Seeded } from './fixture.js';

describe('dashboard: a finished cohort has no overdue check-ins', function () {
  this.timeout(120_000);
  const jwks = new TestJwks();
  let e2e: E2E;
  let seeded: Seeded;

  before(async () => {
    await jwks.start();
    ({ e2e, seeded } = await startDashboard(jwks));
  });
  after(async () => {
    await e2e?.stop();
    await jwks.stop();
  });

  const overview = async () => {
    const token = await jwks.sign({ oid: seeded.oids.leadA! });
    const res = await fetch(`${e2e.baseUrl}/api/dashboard/lead/overview?cohortId=${seeded.cohortA}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    return (await res.json()) as { overdue: { state: string; data?: { name: string }[]; message?: string } };
  };

  it('while it runs, the overdue student is listed; months after it ended, nobody is', async () => {
    const running = await overview();
    assert.deepEqual(
      running.overdue.data?.map((r) => r.name),
      ['George Ives'],
    );
    e2e.clock.set(new Date('2025-07-01T12:00:00Z')); // cohort A (3 Feb, 6 weeks) ended in March
    const finished = await overview();
    assert.equal(finished.overdue.state, 'empty', JSON.stringify(finished.overdue));
    assert.equal(finished.overdue.message, FINISHED_NOTHING_OVERDUE);
  });
});
