/**
 * A check-in submit over real HTTP is answered as soon as its own work is done: the invoke
 * response never waits on the Bot Connector (slow, or unreachable), no time limit fires, the
 * turn's database work is lookups by `_id` plus the writes the submit needs, and each turn's
 * time per phase is reported (src/http/turn-timings.ts, what bench/checkins.ts prints).
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { CommandStartedEvent } from 'mongodb';
import { TURN_PHASES, type TurnTiming } from '../../src/http/turn-timings.js';
import { createLogger } from '../../src/logger.js';
import { collections } from '../../src/storage/collections.js';
import { tenantDocId } from '../../src/storage/documents.js';
import { E2E, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

/**
 * Below the Bot Connector's 6 s: an answer that waited on it would trip this time limit (logged,
 * `timedOut`). How fast a submit is answered is bench/checkins.ts's figure, not a test's.
 */
const INVOKE_LIMIT_MS = 4000;

const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

const answers = (wellbeing = '4') => ({
  week: 1,
  wellbeing,
  progress: 'Audit baseline collected.',
  leadership: '',
  wentWell: 'Good huddle.',
  hard: '',
  topics: '',
  conf_leadership: '3',
  'conf_time-management': '3',
  'conf_interprofessional-collaboration': '3',
  'conf_professional-behaviours': '3',
  conf_communication: '3',
});

interface Command {
  name: string;
  collection: string;
  filters: unknown[];
}

function commandOf(e: CommandStartedEvent): Command {
  const c = e.command as Record<string, unknown>;
  const updates = (c.updates as { q: unknown }[] | undefined)?.map((u) => u.q);
  const deletes = (c.deletes as { q: unknown }[] | undefined)?.map((d) => d.q);
  return {
    name: e.commandName,
    collection: String(c[e.commandName]),
    filters:
      updates ?? deletes ?? (c.filter !== undefined ? [c.filter] : c.query !== undefined ? [c.query] : []),
  };
}

const isByIdOnly = (filter: unknown) =>
  typeof filter === 'object' &&
  filter !== null &&
  Object.keys(filter).length === 1 &&
  typeof (filter as { _id?: unknown })._id === 'string';

describe('e2e: a check-in submit answers promptly', function () {
  this.timeout(60_000);
  const e2e = new E2E();
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const timeLimitLogs = () => lines.filter((l) => /time limit/.test(l));
  const commands: Command[] = [];
  const timings: TurnTiming[] = [];
  const students = ['ada', 'bea', 'cai', 'dev', 'eli'].map((k) => user(k, `Student ${k}`));

  async function submit(student: TestUser, overrides: Record<string, unknown> = {}) {
    const response = await fetch(`${e2e.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...e2e.execute(student, 'checkin.submit', answers()), ...overrides }),
      signal: AbortSignal.timeout(INVOKE_LIMIT_MS + 5000),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : null,
    };
  }

  before(async () => {
    await e2e.start(
      { LOG_LEVEL: 'info', INVOKE_TIMEOUT_MS: String(INVOKE_LIMIT_MS) },
      // No scheduler or sender: the database commands seen are the turns' own.
      { logger: createLogger('info', logStream), monitorCommands: true, engines: false },
    );
    e2e.services.database.client.on('commandStarted', (e) => commands.push(commandOf(e)));
    e2e.service.turnTimings.subscribe((t) => timings.push(t));
    const now = new Date('2025-10-01T00:00:00Z');
    const { id: cohortId } = await e2e.services.cohorts.upsertByName(
      TENANT,
      {
        name: 'Autumn 2025',
        ...DEFAULT_COHORT,
        startDate: '2025-10-20',
      },
      now,
    );
    for (const s of students.slice(0, 4)) {
      await e2e.services.people.upsertByEmail(
        TENANT,
        {
          email: s.email!,
          displayName: s.name,
          roles: ['student'],
          profession: 'physiotherapy',
          cohortId,
          timeZone: null,
        },
        now,
      );
      e2e.teamsUser(s);
    }
    // Eli was linked to Teams before identity links existed: ids on the person, no link.
    const eli = students[4]!;
    await e2e.services.database.db.collection(collections.people.name).insertOne({
      _id: tenantDocId(TENANT, 'eli') as never,
      tenantId: TENANT,
      email: eli.email,
      displayName: eli.name,
      roles: ['student'],
      profession: 'physiotherapy',
      cohortId,
      timeZone: null,
      teamsUserId: eli.id,
      aadObjectId: eli.aadObjectId,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    e2e.clock.set(new Date('2025-10-21T10:00:00Z')); // Tue of week 1, before Thu 14:00 supervision
    // Warm-up (templates read, code compiled): the tests time warm turns, as Teams users get.
    const warm = user('warm', 'Warm Up');
    await e2e.services.people.upsertByEmail(
      TENANT,
      {
        email: warm.email!,
        displayName: warm.name,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId,
        timeZone: null,
      },
      now,
    );
    e2e.teamsUser(warm);
    await submit(warm);
  });
  after(() => e2e.stop());
  beforeEach(() => {
    e2e.connector.reset();
    lines.length = 0;
    commands.length = 0;
    timings.length = 0;
  });

  it('answers the saved card well under INVOKE_TIMEOUT_MS while the Bot Connector takes 6 s; no time limit fires', async () => {
    // Every activity call (send, update, delete) takes 6 s; the member lookup stays quick.
    e2e.connector.fault = (call) => (call.conversationId ? { status: 200, delayMs: 6000 } : undefined);
    const answer = await submit(students[0]!);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(JSON.stringify(answer.body.value), /your check-in is saved/);
    assert.deepEqual(timeLimitLogs(), []);
    assert.equal(timings.at(-1)?.timedOut, false);
    assert.deepEqual(e2e.service.turns(), { inflight: 0, lingering: 0 });
  });

  it('answers the saved card when the Bot Connector cannot be reached at all', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await submit(students[1]!); // first contact: links Bea through the Teams member lookup
    const answer = await submit(students[1]!, { serviceUrl: `http://127.0.0.1:${port}/` });
    assert.equal(answer.status, 200);
    assert.match(JSON.stringify(answer.body.value), /Your changes are saved/);
    assert.deepEqual(timeLimitLogs(), []);
  });

  it('answers only the person who pressed: the card keeps its refresh, nothing goes to the Bot Connector', async () => {
    await submit(students[2]!); // first contact: links Cai through the Teams member lookup
    e2e.connector.reset();
    const answer = await submit(students[2]!);
    assert.equal(answer.body.value.refresh?.action?.verb, 'checkin.refresh');
    assert.deepEqual(
      e2e.connector.calls.map((c) => `${c.method} ${c.path}`),
      [],
      'no message replaced for everyone, nothing sent during the invoke',
    );
  });

  it('a repeat submit makes 3 reads, all by _id, and writes the check-in (handing it back) and its audit entry', async () => {
    const dev = students[3]!;
    await submit(dev);
    commands.length = 0;
    const answer = await submit(dev);
    assert.match(JSON.stringify(answer.body.value), /Your changes are saved/);
    const reads = commands.filter((c) => c.name === 'find');
    assert.ok(
      reads.every((c) => c.filters.every(isByIdOnly)),
      JSON.stringify(reads),
    );
    // The person (their identity link is known in-process), the project membership and the
    // open actions; no cohort and no pauses (read by the first submit moments ago and
    // remembered: src/storage/recent-reads.ts), no turn state, no conversation reference (the
    // same as last time), the check-in not read before or after it is written.
    assert.deepEqual(
      reads.map((c) => c.collection).sort(),
      [
        collections.people.name,
        collections.projectMembers.name,
        collections.supervisionOpenActions.name,
      ].sort(),
      JSON.stringify(reads),
    );
    const writes = commands
      .filter((c) => ['insert', 'update', 'delete', 'findAndModify'].includes(c.name))
      .map((c) => `${c.name} ${c.collection}`);
    assert.deepEqual(writes, [
      `findAndModify ${collections.checkins.name}`,
      `insert ${collections.audit.name}`,
    ]);
  });

  it('a person linked before identity links existed is looked up by field once; the link is written then', async () => {
    const eli = students[4]!;
    const peopleByField = () =>
      commands.filter(
        (c) => c.name === 'find' && c.collection === collections.people.name && !c.filters.every(isByIdOnly),
      );
    const first = await submit(eli);
    assert.match(JSON.stringify(first.body.value), /your check-in is saved/);
    assert.equal(peopleByField().length, 1, 'the first turn finds Eli by AAD object id');
    const link = await e2e.services.database.db
      .collection(collections.identityLinks.name)
      .findOne({ _id: tenantDocId(TENANT, 'aad', eli.aadObjectId!) as never });
    assert.equal(link?.personId, tenantDocId(TENANT, 'eli'));
    commands.length = 0;
    await submit(eli);
    assert.deepEqual(peopleByField(), [], 'later turns go through the link');
  });

  it("reports each turn's time per phase (own time; they add up to the total)", async () => {
    await submit(students[0]!);
    const timing = timings.find((t) => t.verb === 'checkin.submit');
    assert.ok(timing, 'a timing for the submit');
    assert.equal(timing.activityType, 'invoke');
    assert.equal(timing.status, 200);
    assert.equal(timing.timedOut, false);
    assert.deepEqual(Object.keys(timing.phases).sort(), [...TURN_PHASES].sort());
    for (const phase of TURN_PHASES) assert.ok(timing.phases[phase] >= 0, `${phase} ${timing.phases[phase]}`);
    for (const phase of ['identity', 'reference', 'service', 'render', 'response'] as const)
      assert.ok(timing.phases[phase] > 0, `${phase} measured`);
    const sum = TURN_PHASES.reduce((a, p) => a + timing.phases[p], 0);
    assert.ok(Math.abs(sum - timing.totalMs) < 0.5, `phases ${sum} vs total ${timing.totalMs}`);
  });
});
