import assert from 'node:assert/strict';
import { ControllableClock } from '../../src/clock.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/logger.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

describe('scheduler (real local database)', function () {
  this.timeout(30_000);
  let database: Database;
  const clock = new ControllableClock();
  const make = () =>
    new Scheduler(database.db, clock, createLogger('silent'), {
      pollMs: 20,
      leaseMs: 5000,
      retryDelayMs: 1000,
    });

  before(async () => (database = await freshDatabase('jobs')));
  after(() => dropAndClose(database));
  beforeEach(async () => {
    await database.db.collection('jobs').deleteMany({});
    clock.set(new Date('2025-10-20T08:00:00Z'));
  });

  it('runs a job at its due time, once, and not before', async () => {
    const s = make();
    const ran: string[] = [];
    s.define('hello', async (job) => void ran.push(job._id));
    assert.equal(
      await s.schedule({ key: 'hello:1', type: 'hello', runAt: new Date('2025-10-20T09:00:00Z') }),
      true,
    );
    assert.equal(
      await s.schedule({ key: 'hello:1', type: 'hello', runAt: new Date('2025-10-20T09:00:00Z') }),
      false,
    );
    assert.equal(await s.runDue(), 0);
    clock.set(new Date('2025-10-20T09:00:00Z'));
    assert.equal(await s.runDue(), 1);
    assert.equal(await s.runDue(), 0);
    assert.deepEqual(ran, ['hello:1']);
    assert.equal((await s.get('hello:1'))?.state, 'done');
  });

  it('two instances racing run each due job exactly once', async () => {
    const counts = new Map<string, number>();
    const a = make();
    const b = make();
    for (const s of [a, b])
      s.define('count', async (job) => void counts.set(job._id, (counts.get(job._id) ?? 0) + 1));
    for (let i = 0; i < 30; i++)
      await a.schedule({ key: `count:${i}`, type: 'count', runAt: new Date('2025-10-20T07:00:00Z') });
    const [ranA, ranB] = await Promise.all([a.runDue(), b.runDue()]);
    assert.equal(ranA + ranB, 30);
    assert.equal(counts.size, 30);
    assert.ok([...counts.values()].every((n) => n === 1));
  });

  it('runDueSettled returns only once a due job its own poll took first has finished (POST /test/jobs/run-due)', async () => {
    const s = make();
    const order: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let started = false;
    s.define('slow', async () => {
      started = true;
      await gate;
      order.push('job done');
    });
    await s.schedule({ key: 'slow:1', type: 'slow', runAt: new Date('2025-10-20T07:00:00Z') });
    s.start();
    while (!started) await new Promise((r) => setTimeout(r, 5));
    const settled = s.runDueSettled().then(() => order.push('settled'));
    // Long enough for a plain runDue (which finds the job claimed and returns 0) to return.
    await new Promise((r) => setTimeout(r, 200));
    open();
    await settled;
    await s.stop();
    assert.deepEqual(order, ['job done', 'settled']);
  });

  it('catches up a job that came due while the service was down, once', async () => {
    const s = make();
    let runs = 0;
    s.define('missed', async () => void runs++);
    await s.schedule({ key: 'missed:1', type: 'missed', runAt: new Date('2025-10-20T08:30:00Z') });
    clock.set(new Date('2025-10-21T12:00:00Z')); // "down" for a day
    await s.runDue();
    await s.runDue();
    assert.equal(runs, 1);
  });

  it('takes over a job whose worker died (lease expired) and retries a failing job later', async () => {
    const s = make();
    await s.schedule({ key: 'orphan:1', type: 'orphan', runAt: new Date('2025-10-20T07:00:00Z') });
    await database.db
      .collection('jobs')
      .updateOne(
        { _id: 'orphan:1' as never },
        { $set: { state: 'running', leaseUntil: new Date(Date.now() - 1), attempts: 1 } },
      );
    let runs = 0;
    s.define('orphan', async () => void runs++);
    assert.equal(await s.runDue(), 1);
    assert.equal(runs, 1);

    let failures = 0;
    s.define('flaky', async () => {
      if (failures++ === 0) throw new Error('transient');
    });
    await s.schedule({ key: 'flaky:1', type: 'flaky', runAt: new Date('2025-10-20T07:00:00Z') });
    await s.runDue();
    assert.equal((await s.get('flaky:1'))?.state, 'scheduled');
    clock.advance(5000);
    await s.runDue();
    assert.equal((await s.get('flaky:1'))?.state, 'done');
  });

  it('runs a recurring task once per slot across instances', async () => {
    let ticks = 0;
    const a = make();
    const b = make();
    for (const s of [a, b]) s.every('tick', 60_000, async () => void ticks++);
    await Promise.all([a.runDue(), b.runDue()]);
    assert.equal(ticks, 1);
    clock.advance(60_000);
    await Promise.all([a.runDue(), b.runDue()]);
    assert.equal(ticks, 2);
  });
});
