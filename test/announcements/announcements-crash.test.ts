/**
 * Crash and restart mid-fan-out, with the real service as a child process (`npx tsx
 * src/index.ts`) on the run's database and a fake Bot Connector in this process.
 *
 * The sender's documented semantics (src/proactive/outbox-sender.ts): a graceful stop
 * (SIGTERM) finishes the sends in hand, so everyone gets exactly one copy; after a hard kill
 * (SIGKILL) the items that were in flight are sent again once their lease expires, so nobody
 * is missing and at most SENDER_CONCURRENCY people can get a second copy. Both are measured
 * here on a 1,000-recipient announcement, and the duplicate count is printed.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { DateTime } from 'luxon';
import { connectDatabase, type Database } from '../../src/storage/mongo.js';
import { ensureIndexes, collections } from '../../src/storage/collections.js';
import { tenantDocId } from '../../src/storage/documents.js';
import { personalKey } from '../../src/storage/conversation-references-repository.js';
import { CohortsRepository } from '../../src/storage/cohorts-repository.js';
import { Outbox } from '../../src/proactive/outbox.js';
import { batchOf } from '../../src/features/announcements/announcement-keys.js';
import { FakeConnector } from '../e2e/fake-connector.js';
import type { InvokeReply } from '../e2e/harness.js';
import { testMongoUri, uniqueDbName } from '../helpers/db.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const TENANT = 'tenant-crash';
const RECIPIENTS = 1000;
const CONCURRENCY = 16;
const LEASE_MS = 3000;
const lead = { id: '29:crash-lead', aadObjectId: 'aad-crash-lead', name: 'Wendy Marsh' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ServiceProcess {
  child: ChildProcess | null = null;
  stderr = '';
  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    this.child = spawn('npx', ['tsx', 'src/index.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      detached: true, // its own process group, so a signal reaches npx, tsx and node alike
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr!.on('data', (d) => (this.stderr += String(d)));
    const deadline = Date.now() + 90_000;
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/readyz`);
        if (res.status === 200) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`service did not start: ${this.stderr}`);
      await sleep(200);
    }
  }

  /** The service's own node process (npx and tsx are wrappers around it). */
  private servicePid(): number | null {
    const out = execFileSync('ps', ['-o', 'pid=,pgid=,args=', '-e'], { encoding: 'utf8' });
    for (const line of out.split('\n')) {
      const [pid, pgid, ...args] = line.trim().split(/\s+/);
      if (
        Number(pgid) === this.child!.pid &&
        args.join(' ').includes('preflight') &&
        args.join(' ').includes('src/index.ts')
      )
        return Number(pid);
    }
    return null;
  }

  /**
   * SIGKILL: the whole process group dies at once. SIGTERM: sent to the service process only
   * (wrappers relay signals in their own ways), as a process manager would. Either way, waits
   * until every process in the group has gone.
   */
  async signal(sig: NodeJS.Signals): Promise<void> {
    const pgid = this.child!.pid!;
    try {
      if (sig === 'SIGKILL') process.kill(-pgid, sig);
      else process.kill(this.servicePid() ?? -pgid, sig);
    } catch {
      return;
    }
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        process.kill(-pgid, 0);
      } catch {
        return;
      }
      await sleep(50);
    }
    process.kill(-pgid, 'SIGKILL');
  }
}

describe('announcements: kill the service mid-fan-out of 1,000 recipients and restart', function () {
  this.timeout(600_000);
  const connector = new FakeConnector();
  const dbName = uniqueDbName('crash');
  let database: Database;
  let outbox: Outbox;
  let service: ServiceProcess;
  let port: number;
  const conversationIds: string[] = [];

  before(async () => {
    await connector.start();
    connector.latencyMs = 20; // a realistic round trip keeps several sends in flight at once
    database = await connectDatabase(await testMongoUri(), dbName);
    await ensureIndexes(database.db);
    outbox = new Outbox(database.db);
    const now = new Date();
    const { id: cohortId } = await new CohortsRepository(database.db).upsertByName(
      TENANT,
      {
        name: 'Crash cohort',
        // Finished, so no other feature has anything to send these people.
        ...DEFAULT_COHORT,
        startDate: DateTime.now().minus({ weeks: 12 }).toISODate()!,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        supervision: null,
      },
      now,
    );
    const stamp = { schemaVersion: 1, createdAt: now, updatedAt: now };
    const people = [];
    const refs = [];
    for (let i = -1; i < RECIPIENTS; i++) {
      const personId = tenantDocId(TENANT, randomUUID());
      const isLead = i === -1;
      const teamsUserId = isLead ? lead.id : `29:crash-member-${i}`;
      people.push({
        _id: personId,
        tenantId: TENANT,
        email: isLead ? 'wendy.crash@example.nhs.uk' : `crash${i}@student.example.ac.uk`,
        displayName: isLead ? lead.name : `Member ${i}`,
        roles: [isLead ? 'lead' : 'student'],
        profession: 'physiotherapy',
        cohortId,
        timeZone: null,
        teamsUserId,
        aadObjectId: isLead ? lead.aadObjectId : `aad-crash-${i}`,
        ...stamp,
      });
      const conversationId = `a:personal-${teamsUserId}`;
      if (!isLead) conversationIds.push(conversationId);
      refs.push({
        _id: tenantDocId(TENANT, personalKey(personId)),
        tenantId: TENANT,
        key: personalKey(personId),
        kind: 'personal',
        personId,
        reference: {
          serviceUrl: connector.url,
          conversation: { id: conversationId, conversationType: 'personal', isGroup: false, name: '' },
        },
        ...stamp,
      });
    }
    await database.db.collection(collections.people.name).insertMany(people as never[]);
    await database.db.collection(collections.conversationReferences.name).insertMany(refs as never[]);
    port = await freePort();
    service = new ServiceProcess(
      {
        MONGODB_URI: await testMongoUri(),
        MONGODB_DB: dbName,
        LOG_LEVEL: 'silent',
        DEFAULT_TENANT_ID: TENANT,
        SENDER_TENANT_RPS: '1000',
        SENDER_CONCURRENCY: String(CONCURRENCY),
        SENDER_LEASE_MS: String(LEASE_MS),
        RETENTION_MONTHS: '0',
        NODE_ENV: 'test',
      },
      port,
    );
  });

  after(async () => {
    await service?.signal('SIGKILL');
    await connector.stop();
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
  });

  const invoke = async (verb: string, data: Record<string, unknown>) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        type: 'invoke',
        name: 'adaptiveCard/action',
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: lead.id, name: lead.name, aadObjectId: lead.aadObjectId },
        recipient: { id: '28:bot-crash', name: 'Placement Companion' },
        conversation: { id: `a:personal-${lead.id}`, conversationType: 'personal', tenantId: TENANT },
        channelData: { tenant: { id: TENANT } },
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    });
    assert.equal(res.status, 200);
    return (await res.json()) as InvokeReply;
  };

  /** Starts a 1,000-recipient announcement through the running service; returns its id. */
  const announce = async (title: string) => {
    const preview = await invoke('announcement.preview', {
      title,
      body: 'Please read before Thursday.',
      linkUrl: '',
      imageUrl: '',
      importance: 'normal',
      ackRequired: 'false',
      target: 'members',
      when: 'now',
    });
    assert.ok(typeof preview.value !== 'string', 'the preview is a card, not a message');
    const id = preview.value.actions[0].data.announcementId as string;
    assert.ok(id, JSON.stringify(preview.value).slice(0, 500));
    await invoke('announcement.send', { announcementId: id });
    return id;
  };

  const deliveriesOf = (id: string) =>
    connector.delivered().filter((c) => JSON.stringify(c.activity).includes(id));

  const waitForDeliveries = async (id: string, n: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (deliveriesOf(id).length < n) {
      if (Date.now() > deadline) throw new Error(`only ${deliveriesOf(id).length} of ${n} delivered`);
      await sleep(10);
    }
  };

  const waitUntilDone = async (id: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Watch the connector (in memory); ask the database only when everyone looks reached
      // (its queries compete with the service under test for the local database).
      await sleep(500);
      const reached = new Set(deliveriesOf(id).map((c) => c.conversationId)).size;
      const c = reached >= RECIPIENTS ? await outbox.batchCounts(TENANT, batchOf(id)) : null;
      if (c && c.pending + c.sending === 0 && c.sent + c.failed + c.unreachable === RECIPIENTS) return c;
      if (Date.now() > deadline) {
        const c = await outbox.batchCounts(TENANT, batchOf(id));
        const stuck = await outbox
          .collection()
          .find(
            { batchId: batchOf(id), state: { $in: ['pending', 'sending'] } },
            { projection: { activity: 0 } },
          )
          .limit(3)
          .toArray();
        throw new Error(
          `not finished: ${JSON.stringify(c)}; service exit ${service.child?.exitCode}; ${service.stderr.slice(-2000)}; ${JSON.stringify(stuck)}; now ${new Date().toISOString()}`,
        );
      }
    }
  };

  const tally = (id: string) => {
    const per = new Map<string, number>();
    for (const call of deliveriesOf(id))
      per.set(call.conversationId, (per.get(call.conversationId) ?? 0) + 1);
    const missing = conversationIds.filter((c) => !per.has(c)).length;
    const duplicates = [...per.values()].reduce((sum, n) => sum + (n - 1), 0);
    return { missing, duplicates, people: per.size };
  };

  it('SIGKILL mid-fan-out, restart: nobody is missing, duplicates ≤ SENDER_CONCURRENCY (measured)', async () => {
    await service.start();
    const id = await announce('Hard kill test');
    await waitForDeliveries(id, 300, 120_000);
    await service.signal('SIGKILL');
    const atKill = deliveriesOf(id).length;
    await service.start();
    const counts = await waitUntilDone(id, 180_000);
    await service.signal('SIGTERM');
    const { missing, duplicates, people } = tally(id);
    console.log(
      `      SIGKILL after ${atKill} deliveries: ${people} of ${RECIPIENTS} people reached, missing ${missing}, duplicates ${duplicates} (bound: SENDER_CONCURRENCY = ${CONCURRENCY}; connector latency ${connector.latencyMs} ms)`,
    );
    assert.equal(counts.sent, RECIPIENTS);
    assert.equal(missing, 0);
    assert.ok(duplicates <= CONCURRENCY, `duplicates ${duplicates} > ${CONCURRENCY}`);
  });

  it('SIGTERM mid-fan-out (graceful), restart: exactly one copy each', async () => {
    await service.start();
    const id = await announce('Graceful stop test');
    await waitForDeliveries(id, 300, 120_000);
    await service.signal('SIGTERM');
    const atStop = deliveriesOf(id).length;
    const afterStop = await outbox.batchCounts(TENANT, batchOf(id));
    assert.ok(afterStop.sent < RECIPIENTS, 'stopped before the fan-out finished');
    assert.equal(afterStop.sent, atStop, 'every send in flight at the stop was finished and recorded');
    await service.start();
    const counts = await waitUntilDone(id, 180_000);
    await service.signal('SIGTERM');
    const { missing, duplicates } = tally(id);
    console.log(`      SIGTERM after ${atStop} deliveries: missing ${missing}, duplicates ${duplicates}`);
    assert.equal(counts.sent, RECIPIENTS);
    assert.equal(missing, 0);
    assert.equal(duplicates, 0);
  });
});
