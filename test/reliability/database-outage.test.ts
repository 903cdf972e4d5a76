/**
 * Faults: the database is stopped in the middle of a run and started again (a new process on
 * the same port and data directory), with no service restart. While it is down /readyz says
 * 503 and turns get a short message; afterwards the scheduler and the outbox carry on, and
 * every message is delivered exactly once. Also: Bot Connector 5xx and timeouts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPlacementCompanion, type PlacementCompanion } from '../../src/app.js';
import { DATABASE_DOWN_MESSAGE } from '../../src/bot/turn-error.js';
import { ControllableClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { HttpConnectorClient } from '../../src/proactive/connector-client.js';
import { noTokens } from '../../src/proactive/token-provider.js';
import { freePort, startLocalDb, type LocalDb } from '../../tools/local-db/local-db.js';
import { FakeConnector } from '../e2e/fake-connector.js';
import { E2E, TENANT, type TestUser } from '../e2e/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, predicate: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('reliability: database outage and connector faults, without a service restart', function () {
  this.timeout(120_000);
  const activities = new E2E(); // only to build activities
  const connector = new FakeConnector();
  const clock = new ControllableClock();
  const student: TestUser = {
    id: '29:outage-student',
    aadObjectId: 'aad-outage',
    name: 'Out Student',
    email: 'out.student@example.nhs.uk',
  };
  const conversation = `a:personal-${student.id}`;
  let dataDir: string;
  let port: number;
  let db: LocalDb;
  let service: PlacementCompanion;
  let baseUrl = '';
  let personId = '';
  const jobRuns: string[] = [];

  const post = async (activity: Record<string, unknown>) => {
    const res = await fetch(`${baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...activity, serviceUrl: connector.url }),
    });
    await res.text();
    return res.status;
  };
  const ready = async () => (await fetch(`${baseUrl}/readyz`)).status;
  const texts = () => connector.delivered(conversation).map((c) => String(c.activity?.text ?? ''));
  const count = (text: string) => texts().filter((t) => t === text).length;

  before(async () => {
    clock.set(new Date('2025-02-10T09:00:00Z'));
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-outage-db-'));
    port = await freePort();
    db = await startLocalDb({ port, dataDir, quiet: true });
    await connector.start();
    activities.connector.url = connector.url;
    const config = loadConfig({
      MONGODB_URI: db.uri,
      MONGODB_DB: 'outage',
      DEFAULT_TENANT_ID: TENANT,
      LOG_LEVEL: 'silent',
      JOBS_POLL_MS: '100',
      SENDER_LEASE_MS: '3000',
    });
    service = await createPlacementCompanion({
      config,
      logger: createLogger('silent'),
      mongoUri: db.uri,
      clock,
      // Short connector timeout so a hanging Bot Connector is noticed quickly.
      connector: new HttpConnectorClient(noTokens, 1000),
    });
    const { scheduler, outbox, people } = service.services;
    scheduler.define('test.outage-reminder', async (job) => {
      jobRuns.push(job._id);
      await outbox.enqueue(TENANT, [
        {
          dedupeKey: `reminder:${job._id}`,
          purpose: 'test',
          target: { kind: 'person', personId: String(job.personId) },
          activity: { text: `Reminder ${String(job.payload.n)}` },
        },
      ]);
    });
    baseUrl = `http://127.0.0.1:${await service.listen(0, '127.0.0.1')}`;
    await people.upsertByEmail(
      TENANT,
      {
        email: student.email!,
        displayName: student.name,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: null,
        timeZone: null,
      },
      new Date(),
    );
    personId = (await people.byEmail(TENANT, student.email!))!._id;
    connector.addMember({
      id: student.id,
      name: student.name,
      email: student.email,
      userPrincipalName: student.email,
      aadObjectId: student.aadObjectId,
    });
    assert.equal(await post(activities.install(student)), 200);
  });
  after(async () => {
    await service?.stop().catch(() => undefined);
    await db?.stop();
    await connector.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps going through a database restart: readiness, turn errors, jobs and outbox resume, nothing lost or doubled', async () => {
    const { scheduler, outbox } = service.services;
    // Work scheduled before the outage, some of it due while the database is down.
    for (const n of [1, 2, 3])
      await scheduler.schedule({
        key: `outage-reminder-${n}`,
        type: 'test.outage-reminder',
        runAt: new Date(clock.now().getTime() + n * 60_000),
        tenantId: TENANT,
        personId,
        payload: { n },
      });
    await outbox.enqueue(TENANT, [
      {
        dedupeKey: 'before-outage',
        purpose: 'test',
        target: { kind: 'person', personId },
        activity: { text: 'Sent before the outage' },
      },
    ]);
    await until('the first message', () => count('Sent before the outage') === 1);
    // Slow the connector so some deliveries are in hand when the database goes.
    await outbox.enqueue(
      TENANT,
      Array.from({ length: 5 }, (_, i) => ({
        dedupeKey: `around-${i}`,
        purpose: 'test',
        target: { kind: 'person' as const, personId },
        activity: { text: `Around the outage ${i}` },
      })),
    );
    connector.latencyMs = 300;

    await db.stop();
    await until('/readyz 503', async () => (await ready()) === 503, 10_000);
    clock.advance(2 * 60_000); // reminders 1 and 2 come due while the database is down
    const callsBefore = connector.calls.length;
    const started = Date.now();
    assert.equal(await post(activities.message(student, 'help')), 200);
    assert.ok(Date.now() - started < 15_000, 'the turn failed fast');
    await until(
      'the outage message',
      () => connector.calls.slice(callsBefore).some((c) => c.activity?.text === DATABASE_DOWN_MESSAGE),
      10_000,
    );
    await sleep(1500); // the engines keep polling into a dead database

    db = await startLocalDb({ port, dataDir, quiet: true });
    connector.latencyMs = 0;
    await until('/readyz 200 again', async () => (await ready()) === 200, 30_000);
    clock.advance(2 * 60_000); // reminder 3 due after the outage
    await until(
      'every reminder and message delivered',
      () =>
        [1, 2, 3].every((n) => count(`Reminder ${n}`) >= 1) &&
        [0, 1, 2, 3, 4].every((i) => count(`Around the outage ${i}`) >= 1),
      40_000,
    );
    await sleep(1500); // anything that would be sent twice has had time to be
    for (const n of [1, 2, 3]) assert.equal(count(`Reminder ${n}`), 1, `Reminder ${n}`);
    for (const i of [0, 1, 2, 3, 4])
      assert.equal(count(`Around the outage ${i}`), 1, `Around the outage ${i}`);
    assert.equal(count('Sent before the outage'), 1);
    assert.deepEqual([...new Set(jobRuns)].sort(), [
      'outage-reminder-1',
      'outage-reminder-2',
      'outage-reminder-3',
    ]);
    // Turns work again.
    const before = connector.calls.length;
    assert.equal(await post(activities.message(student, 'help')), 200);
    await until('a normal reply', () =>
      connector.calls.slice(before).some((c) => Array.isArray(c.activity?.attachments)),
    );
  });

  it('rides out Bot Connector 5xx and timeouts: each message delivered once', async () => {
    const { outbox } = service.services;
    let failures = 0;
    connector.fault = (call) => {
      if (call.method !== 'POST' || !String(call.activity?.text ?? '').startsWith('Flaky')) return undefined;
      if (failures >= 6) return undefined;
      failures++;
      return failures % 2 ? { status: 503 } : { status: 504, delayMs: 1500 }; // 1.5 s > the client's 1 s timeout
    };
    await outbox.enqueue(
      TENANT,
      Array.from({ length: 3 }, (_, i) => ({
        dedupeKey: `flaky-${i}`,
        purpose: 'test',
        target: { kind: 'person' as const, personId },
        activity: { text: `Flaky ${i}` },
      })),
    );
    await until('flaky messages delivered', () => [0, 1, 2].every((i) => count(`Flaky ${i}`) === 1), 60_000);
    await sleep(1000);
    for (const i of [0, 1, 2]) assert.equal(count(`Flaky ${i}`), 1);
    assert.ok(failures >= 6, `faults injected: ${failures}`);
    connector.reset();
  });
});
