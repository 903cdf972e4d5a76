/**
 * SIGTERM drains: no new turns, turns in flight finish, and what this instance holds is given
 * back at once (outbox items claimed but not sent, job leases), on the real local database.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { ControllableClock } from '../../src/clock.js';
import type { Feature } from '../../src/features/feature.js';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/logger.js';
import { packageRoot } from '../../src/package-root.js';
import { HttpConnectorClient } from '../../src/proactive/connector-client.js';
import type { OutboxItem } from '../../src/proactive/outbox.js';
import { OutboxSender } from '../../src/proactive/outbox-sender.js';
import { RateLimiter } from '../../src/proactive/rate-limiter.js';
import { noTokens } from '../../src/proactive/token-provider.js';
import { Claims } from '../../src/storage/claims.js';
import type { Database } from '../../src/storage/mongo.js';
import { E2E, TENANT } from '../e2e/harness.js';
import { FakeConnector } from '../e2e/fake-connector.js';
import { dropAndClose, dropDatabaseNamed, freshDatabase, testMongoUri, uniqueDbName } from '../helpers/db.js';
import { buildSender, seedRecipients } from '../helpers/engines.js';
import { freePort } from '../../tools/local-db/local-db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A gate a test opens by hand. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('graceful stop (SIGTERM drain)', function () {
  this.timeout(60_000);

  describe('outbox sender (real local database, fake Bot Connector)', () => {
    const T = 'tenant-drain';
    let database: Database;
    const connector = new FakeConnector();
    let recipients: string[];

    before(async () => {
      database = await freshDatabase('drain');
      await connector.start();
      recipients = await seedRecipients(database, T, 3, connector.url);
    });
    after(async () => {
      await connector.stop();
      await dropAndClose(database);
    });

    it('gives back items claimed but not sent: pending and due at once, sent by another sender long before the lease', async () => {
      // The first request per conversation waits 400 ms (a rate limit), holding the claim.
      const waited = new Set<string>();
      class FirstWaitLimiter extends RateLimiter {
        override tryAcquire(tenantId: string, conversationId: string): number {
          if (waited.has(conversationId)) return super.tryAcquire(tenantId, conversationId);
          waited.add(conversationId);
          return 400;
        }
      }
      const { outbox } = buildSender(database);
      const a = new OutboxSender(
        {
          claims: new Claims(database.db),
          outbox,
          connector: new HttpConnectorClient(noTokens, 5000),
          limiter: new FirstWaitLimiter(50),
          references: buildSender(database).references,
          people: buildSender(database).people,
          logger: createLogger('silent'),
          botId: () => '28:bot',
        },
        { concurrency: 4, maxAttempts: 8, leaseMs: 30_000, pollMs: 50 },
      );
      await outbox.enqueue(
        T,
        recipients.map((personId) => ({
          dedupeKey: `drain|${personId}`,
          purpose: 'test',
          batchId: 'drain',
          target: { kind: 'person' as const, personId },
          activity: { text: 'drain test' },
        })),
      );
      a.start();
      // All three claimed and waiting on the limiter.
      await until(() => waited.size === 3, 10_000, 'three items claimed');
      const claimed = await outbox.claimsCollection().countDocuments({});
      assert.equal(claimed, 3, 'three claims taken');
      await a.stop();
      assert.equal(connector.delivered().length, 0, 'nothing sent after the stop began');

      const stored = await outbox.collection().find({ batchId: 'drain' }).toArray();
      assert.equal(stored.length, 3);
      const now = Date.now();
      for (const item of stored as OutboxItem[]) {
        assert.equal(item.state, 'pending');
        assert.equal(item.claims, 1, 'the claim taken is recorded, so the next claim number is free');
        assert.ok(item.notBefore.getTime() <= now, 'due at once, not after a wait');
        assert.equal(item.leaseUntil, null);
      }

      // Another sender (same 30 s lease) sends every one of them now, once each.
      const b = buildSender(database, { leaseMs: 30_000 });
      const started = Date.now();
      b.sender.start();
      await connector.waitFor((calls) => calls.filter((c) => c.status < 300).length >= 3, 25_000);
      const took = Date.now() - started;
      await b.sender.drain(5000);
      await b.sender.stop();
      // Before the first sender's lease could have run out: given back, not left to expire.
      assert.ok(took < 30_000, `picked up in ${took} ms (lease 30 000 ms)`);
      const perConversation = new Map<string, number>();
      for (const call of connector.delivered())
        perConversation.set(call.conversationId, (perConversation.get(call.conversationId) ?? 0) + 1);
      assert.deepEqual([...perConversation.values()], [1, 1, 1]);
      assert.equal((await outbox.batchCounts(T, 'drain')).sent, 3);
    });
  });

  describe('scheduler (real local database)', () => {
    let database: Database;
    const clock = new ControllableClock();
    const make = () =>
      new Scheduler(database.db, clock, createLogger('silent'), {
        pollMs: 20,
        leaseMs: 60_000,
        retryDelayMs: 1000,
      });

    before(async () => (database = await freshDatabase('drainjobs')));
    after(() => dropAndClose(database));
    beforeEach(async () => {
      await database.db.collection('jobs').deleteMany({});
      clock.set(new Date('2025-10-20T08:00:00Z'));
    });

    it('a job still running after the grace period: lease released, another instance runs it at once, the late outcome is ignored', async () => {
      const a = make();
      const b = make();
      const held = gate();
      let aStarted = false;
      const ranOnB: string[] = [];
      a.define('slow', async () => {
        aStarted = true;
        await held.opened;
        throw new Error('late failure from the stopped instance');
      });
      b.define('slow', async (job) => void ranOnB.push(job._id));
      await a.schedule({ key: 'slow:1', type: 'slow', runAt: new Date('2025-10-20T07:00:00Z') });
      a.start();
      await until(() => aStarted, 10_000, 'the job to start');
      const leased = await a.get('slow:1');
      assert.equal(leased?.state, 'running');
      assert.ok(leased?.owner);
      assert.ok(leased!.leaseUntil!.getTime() > Date.now() + 50_000, 'a 60 s lease is held');

      await a.stop(100);
      const released = await a.get('slow:1');
      assert.equal(released?.state, 'scheduled');
      assert.equal(released?.owner, null);
      assert.equal(released?.leaseUntil, null);

      // No clock move, no lease expiry: the other instance runs it now.
      assert.equal(await b.runDue(), 1);
      assert.deepEqual(ranOnB, ['slow:1']);
      assert.equal((await b.get('slow:1'))?.state, 'done');

      // The stopped instance's job finishes late (with a failure): nothing is written.
      held.open();
      await sleep(100);
      const final = await b.get('slow:1');
      assert.equal(final?.state, 'done');
      assert.equal(final?.lastError, null);
    });

    it('a job that finishes within the grace period is completed, not released, and nothing more is claimed', async () => {
      const a = make();
      const ran: string[] = [];
      let first = true;
      a.define('quick', async (job) => {
        ran.push(job._id);
        if (first) {
          first = false;
          await sleep(200);
        }
      });
      await a.schedule({ key: 'quick:1', type: 'quick', runAt: new Date('2025-10-20T07:00:00Z') });
      await a.schedule({ key: 'quick:2', type: 'quick', runAt: new Date('2025-10-20T07:00:01Z') });
      a.start();
      await until(() => ran.length === 1, 10_000, 'the first job to start');
      await a.stop(5000);
      assert.deepEqual(ran, ['quick:1']);
      assert.equal((await a.get('quick:1'))?.state, 'done');
      assert.equal((await a.get('quick:2'))?.state, 'scheduled', 'not claimed after the stop began');
    });
  });

  describe('the service (real HTTP)', () => {
    let e2e: E2E | undefined;
    afterEach(async () => {
      await e2e?.stop().catch(() => undefined);
      e2e = undefined;
    });

    it('a turn in flight when stop() starts completes and gets its reply; requests after that are refused', async () => {
      const held = gate();
      let entered = false;
      const slow: Feature = {
        name: 'slow',
        register(routes) {
          routes.message(/^slow$/i, async (turn) => {
            entered = true;
            await held.opened;
            await turn.send('slow turn done');
          });
        },
      };
      e2e = await new E2E().start({}, { features: [slow] });
      const user = await e2e.addStudent({
        id: '29:drain-user',
        name: 'Drain User',
        email: 'drain@example.nhs.uk',
      });
      const turn = e2e.post(e2e.message(user, 'slow'));
      await until(() => entered, 10_000, 'the turn to start');
      const service = e2e.service;
      const stopping = service.stop();
      let stopped = false;
      void stopping.then(() => (stopped = true));
      await sleep(100);
      assert.equal(stopped, false, 'stop waits for the turn in flight');

      // A new request is refused: connection refused (listener closed) or 503.
      for (const url of [`${e2e.baseUrl}/readyz`, `${e2e.baseUrl}/api/messages`]) {
        const outcome = await fetch(url, {
          method: url.endsWith('readyz') ? 'GET' : 'POST',
          body: url.endsWith('readyz') ? undefined : '{}',
          headers: { 'content-type': 'application/json' },
        }).then(
          (r) => r.status,
          (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
        );
        assert.ok(outcome === 503 || outcome === 'ECONNREFUSED', `${url}: ${outcome}`);
      }

      held.open();
      const answer = await turn;
      assert.equal(answer.status, 200);
      await stopping;
      const replies = e2e.connector.delivered().map((c) => c.activity?.text);
      assert.ok(replies.includes('slow turn done'), `reply delivered: ${JSON.stringify(replies)}`);
      // Already stopped: the harness must not stop it again.
      await e2e.connector.stop();
      await dropDatabaseNamed(e2e.dbName);
      e2e = undefined;
    });
  });

  describe('the whole process (SIGTERM while a turn is in flight)', () => {
    it('finishes the turn (its reply reaches the Bot Connector), refuses new connections, exits 0', async function () {
      const connector = new FakeConnector();
      await connector.start();
      const dbName = uniqueDbName('sigterm');
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'index.ts')], {
        cwd: packageRoot,
        env: {
          PATH: process.env.PATH,
          MONGODB_URI: await testMongoUri(),
          MONGODB_DB: dbName,
          PORT: String(port),
          DEFAULT_TENANT_ID: TENANT,
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
      try {
        const base = `http://127.0.0.1:${port}`;
        await until(
          () =>
            fetch(`${base}/readyz`).then(
              (r) => r.status === 200,
              () => false,
            ),
          30_000,
          `readiness (${output})`,
        );
        // The reply to the turn is not accepted until the test says so: the turn is in flight.
        const accept = gate();
        let replyArrived = false;
        connector.fault = (call) => {
          if (call.method === 'POST' && call.activity?.type === 'message') replyArrived = true;
          return undefined;
        };
        connector.held = accept.opened;
        const harness = new E2E();
        harness.connector.url = connector.url;
        const user = { id: '29:sigterm-user', name: 'Term User', email: 'term@example.nhs.uk' };
        const activity = harness.message(user, 'help');
        const turn = fetch(`${base}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity),
        });
        await until(() => replyArrived, 15_000, 'the reply to be on its way');
        child.kill('SIGTERM');
        // Logged just before the stop begins (src/index.ts), in the same tick.
        await until(() => output.includes('"msg":"stopping'), 15_000, `the stop to begin (${output})`);
        const fresh = await fetch(`${base}/healthz`).then(
          (r) => r.status,
          (err: Error & { cause?: { code?: string } }) => err.cause?.code ?? err.message,
        );
        assert.ok(fresh === 503 || fresh === 'ECONNREFUSED', `a new request after SIGTERM: ${fresh}`);
        accept.open();
        const answer = await turn;
        assert.equal(answer.status, 200, 'the turn in flight completed');
        const [code] = await exited;
        assert.equal(code, 0, output);
        assert.ok(connector.delivered().length >= 1, 'its reply was accepted by the Bot Connector');
        assert.match(output, /"msg":"stopped"/);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        await connector.stop();
        await dropDatabaseNamed(dbName);
      }
    });
  });
});
