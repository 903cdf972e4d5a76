/**
 * Per-tenant send leases on the real local database (FerretDB, where `update where …` is
 * read-then-write), driven by a fake clock: at most one instance holds a tenant at any moment,
 * takeover only after expiry, renewals keep it, a takeover is noticed, a release is taken at once.
 */
import assert from 'node:assert/strict';
import { TenantSendLeases } from '../../src/proactive/tenant-send-lease.js';
import { collections } from '../../src/storage/collections.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

describe('TenantSendLeases (real local database, fake clock)', function () {
  this.timeout(60_000);
  let database: Database;
  let now = 0;
  const instance = (name: string, clock: () => number = () => now, leaseMs = 10_000) =>
    new TenantSendLeases(database.db, { leaseMs, now: clock, owner: name });

  before(async () => {
    database = await freshDatabase('leases');
  });
  after(() => dropAndClose(database));
  beforeEach(() => {
    now = 1_000_000;
  });

  it('instances racing for a free tenant: exactly one wins, every round', async () => {
    for (let round = 0; round < 15; round++) {
      const instances = Array.from({ length: 5 }, (_, i) => instance(`i${i}`));
      const won = await Promise.all(instances.map((l) => l.acquire(`race-${round}`)));
      assert.equal(won.filter(Boolean).length, 1, `round ${round}: ${won.join(',')}`);
      assert.equal(instances.filter((l) => l.holds(`race-${round}`)).length, 1);
    }
  });

  it('racing to take over an expired lease: exactly one wins, every round', async () => {
    for (let round = 0; round < 10; round++) {
      const tenant = `takeover-${round}`;
      const first = instance('first');
      assert.ok(await first.acquire(tenant));
      now += 10_001; // the first stopped renewing (a crash)
      const others = Array.from({ length: 4 }, (_, i) => instance(`o${i}`));
      const won = await Promise.all(others.map((l) => l.acquire(tenant)));
      assert.equal(won.filter(Boolean).length, 1, `round ${round}: ${won.join(',')}`);
      assert.equal(first.holds(tenant), false);
    }
  });

  it('never two holders: the holder stops before its lease can be taken over, which happens only after expiry', async () => {
    const a = instance('a');
    const b = instance('b');
    assert.ok(await a.acquire('t-expiry'));
    const start = now;
    // a never renews; b asks every 500 ms of fake time.
    let bTookAt: number | null = null;
    for (let t = 0; t <= 12_000; t += 500) {
      now = start + t;
      const aHolds = a.holds('t-expiry');
      const bHolds = await b.acquire('t-expiry');
      assert.ok(!(aHolds && bHolds), `both hold at +${t} ms`);
      if (bHolds && bTookAt === null) bTookAt = t;
      if (t < 8000) assert.ok(aHolds, `a holds at +${t} ms`);
    }
    assert.equal(a.holds('t-expiry'), false, 'a lost it at its deadline (lease − margin)');
    assert.ok(bTookAt !== null && bTookAt > 10_000, `b took over only after expiry (+${bTookAt} ms)`);
    assert.equal(a.stats.lost, 1);
  });

  it('renewals keep a tenant with its holder for as long as it lives', async () => {
    const a = instance('a');
    const b = instance('b');
    assert.ok(await a.acquire('t-renew'));
    for (let t = 0; t < 60_000; t += 1000) {
      now += 1000;
      if (t % 3000 === 0) await a.renewAll();
      assert.equal(await b.acquire('t-renew'), false, `b took it at +${t} ms`);
      assert.ok(a.holds('t-renew'));
    }
    assert.ok(a.stats.renewed >= 19);
  });

  it('the background renewal keeps a lease taken after it started (first ticks with nothing held)', async () => {
    const a = new TenantSendLeases(database.db, { leaseMs: 10_000, renewMs: 20, now: () => now, owner: 'a' });
    a.start();
    await new Promise((r) => setTimeout(r, 100)); // a few ticks with nothing held
    assert.ok(await a.acquire('t-background'));
    const deadline = Date.now() + 20_000;
    while (a.stats.renewed < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await a.stop();
    assert.ok(a.stats.renewed >= 3, `renewed ${a.stats.renewed} times`);
  });

  it('a holder whose clock is behind notices the takeover at its next renewal', async () => {
    // b's clock runs 3 s ahead of a's, more than the margin (2 s): b sees a's lease expire
    // while a still thinks it holds it. a's next renewal finds the newer epoch and lets go.
    const a = instance('a');
    const b = instance('b', () => now + 3000);
    assert.ok(await a.acquire('t-skew'));
    now += 7500; // a: 7.5 s into a 10 s lease (still before its 8 s deadline); b: 10.5 s
    assert.ok(await b.acquire('t-skew'));
    assert.ok(a.holds('t-skew'), 'a has not noticed yet');
    await a.renewAll();
    assert.equal(a.holds('t-skew'), false);
    assert.ok(b.holds('t-skew'));
  });

  it('a graceful stop gives the tenant back: another instance takes it without waiting for expiry', async () => {
    const a = instance('a');
    const b = instance('b');
    assert.ok(await a.acquire('t-release'));
    assert.equal(await b.acquire('t-release'), false);
    await a.stop();
    const taken: string[] = [];
    b.onAcquired((tenant) => taken.push(tenant));
    now += b.renewMs; // b's next renewal tick reads the lease again (it remembered the refusal)
    await b.takeOverLapsed();
    assert.deepEqual(taken, ['t-release']);
    assert.ok(b.holds('t-release'));
    assert.ok(now - 1_000_000 < 10_000, 'well before the lease would have expired');
  });

  it('while its holder renews, another instance leaves the tenant alone between its lease ticks too', async () => {
    // The sender's scans skip heldElsewhere() tenants; a tenant forgotten between two ticks
    // has its whole backlog read by every idle instance and dropped again.
    const a = instance('a');
    const b = instance('b');
    assert.ok(await a.acquire('t-between'));
    assert.equal(await b.acquire('t-between'), false);
    // a renews every renewMs; b's tick comes a little later than renewMs after the previous
    // one (a tick waits renewMs after the previous tick has finished).
    for (let t = 250; t <= 40_000; t += 250) {
      now += 250;
      if (t % a.renewMs < 250) await a.renewAll();
      if (t % (b.renewMs + 500) < 250) await b.takeOverLapsed();
      assert.ok(a.holds('t-between'));
      assert.deepEqual(b.heldElsewhere(), ['t-between'], `b forgot the holder at +${t} ms`);
    }
  });

  it('a holder that cannot renew (database away) loses the tenant at its deadline', async () => {
    const a = instance('a');
    assert.ok(await a.acquire('t-away'));
    const lost: string[] = [];
    a.onLost((tenant) => lost.push(tenant));
    now += 7999;
    assert.ok(a.holds('t-away'));
    now += 1;
    assert.equal(a.holds('t-away'), false);
    assert.deepEqual(lost, ['t-away']);
  });

  it('a holder whose renewal came too late takes the tenant again at once, under a new epoch; others still wait', async () => {
    const a = instance('a');
    const b = instance('b');
    assert.ok(await a.acquire('t-late'));
    const first = a.acquiredAt('t-late');
    now += 8500; // past a's deadline (8 s), before its lease expires (10 s)
    assert.equal(a.holds('t-late'), false);
    assert.equal(await b.acquire('t-late'), false, 'b waits for the lease to expire');
    assert.ok(await a.acquire('t-late'), 'a takes it again without waiting for expiry');
    assert.notEqual(
      a.acquiredAt('t-late'),
      first,
      'a new lease: items claimed under the old one are given up',
    );
    const docs = await database.db
      .collection(collections.senderLeases.name)
      .find({ tenantId: 't-late' })
      .toArray();
    assert.deepEqual(
      docs.map((d) => [d.epoch, d.owner]),
      [
        [1, 'a'],
        [2, 'a'],
      ],
    );
  });

  it("the renewal tick takes over a tenant whose holder died, without waiting for the tenant's items", async () => {
    const a = instance('a');
    const b = instance('b');
    assert.ok(await b.acquire('t-watch'));
    assert.equal(await a.acquire('t-watch'), false); // a now watches the tenant
    const taken: string[] = [];
    a.onAcquired((tenant) => taken.push(tenant));
    now += 5000;
    await b.renewAll(); // b alive: nothing to take
    await a.takeOverLapsed();
    assert.deepEqual(taken, []);
    now += 10_001; // b died after that renewal
    await a.takeOverLapsed();
    assert.deepEqual(taken, ['t-watch']);
    assert.ok(a.holds('t-watch'));
  });

  it('tenants spread: an instance can hold several, and others hold the rest', async () => {
    const a = instance('a');
    const b = instance('b');
    assert.ok(await a.acquire('spread-1'));
    assert.ok(await b.acquire('spread-2'));
    assert.equal(await a.acquire('spread-2'), false);
    assert.deepEqual(a.heldElsewhere(), ['spread-2']);
    assert.ok(a.holdsAny());
    assert.equal(instance('c').holdsAny(), false);
  });
});
