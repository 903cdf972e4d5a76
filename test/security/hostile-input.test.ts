/**
 * Hostile input, property-based (fast-check), through the real HTTP endpoint of the
 * in-process service: arbitrary JSON, activity-shaped bodies with wrong types, huge strings,
 * deep objects, MongoDB operators as values and keys, prototype-pollution keys, and card
 * submits with junk data for every verb the cards use. Properties: never a 5xx (malformed
 * bodies get the defined 400), the service keeps answering, no prototype is polluted, and
 * invalid input writes nothing (every collection's count is unchanged).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { cardsDir } from '../../src/cards/cards.js';
import { collections } from '../../src/storage/collections.js';
import { E2E, type TestUser } from '../e2e/harness.js';
import { seedWorld } from '../helpers/world.js';

const verbs = [
  ...new Set(
    readdirSync(cardsDir)
      .filter((f) => f.endsWith('.json') && !f.endsWith('.sample.json'))
      .flatMap((f) =>
        [...readFileSync(path.join(cardsDir, f), 'utf8').matchAll(/"verb":\s*"([a-z][\w.]*)"/g)].map(
          (m) => m[1]!,
        ),
      ),
  ),
].filter((v) => v !== 'data.erase.confirm');

const mongoish = fc.constantFrom<unknown>(
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000) || true' },
  { $regex: '.*' },
  { $in: [] },
  { $expr: { $eq: [1, 1] } },
  '$where',
  { 'a.b': 1 },
);
const pollution = fc.constantFrom<string>(
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"a":{"__proto__":{"polluted":"yes"}}}',
);
const hugeString = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom(
    '\u0000',
    '\u202e',
    '<script>alert(1)</script>',
    '${7*7}',
    '{{7*7}}',
    '../../etc/passwd',
    '%00',
    'null',
    'undefined',
  ),
);
const deep = fc.integer({ min: 20, max: 200 }).map((depth) => {
  let node: unknown = 'bottom';
  for (let i = 0; i < depth; i++) node = i % 2 ? [node] : { d: node };
  return node;
});
const junk = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 4 }),
  mongoish,
  hugeString,
  deep,
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}),
);

describe('security: hostile input through the HTTP endpoint (property-based)', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const lead: TestUser = {
    id: '29:fuzz-lead',
    aadObjectId: 'aad-fuzz-lead',
    name: 'Fuzz Lead',
    email: 'fuzz.lead@example.nhs.uk',
  };
  const student: TestUser = {
    id: '29:fuzz-student',
    aadObjectId: 'aad-fuzz-student',
    name: 'Fuzz Student',
    email: 'fuzz.student@example.nhs.uk',
  };
  let counts: () => Promise<Record<string, number>>;
  let baseline: Record<string, number>;
  let cases = 0;

  async function postRaw(body: string, contentType = 'application/json') {
    cases++;
    const res = await fetch(`${e2e.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    const text = await res.text();
    assert.ok(res.status < 500, `${res.status} for ${body.slice(0, 300)}: ${text.slice(0, 300)}`);
    assert.ok(!/\bat .+\.(ts|js):\d+|Error:/i.test(text), `internals leaked: ${text.slice(0, 300)}`);
    return res.status;
  }

  before(async () => {
    await e2e.start({ MAX_INFLIGHT_TURNS: '10000' });
    await seedWorld(e2e, {
      cohort: { name: 'Fuzz cohort', leadershipDays: ['Wed', 'Thu', 'Fri'] },
      people: [
        [lead, ['lead', 'admin']],
        [student, ['student']],
      ],
    });
    // Warm up: identities linked, references saved, so valid turns do not add documents.
    for (const u of [lead, student]) {
      await e2e.post(e2e.install(u));
      await e2e.post(e2e.message(u, 'help'));
    }
    await e2e.services.sender.drain(10_000);
    // Background jobs write on their own schedule (rollups, planners): stop them, so any
    // change in a collection count below comes from the hostile requests.
    await e2e.services.scheduler.stop();
    const names = Object.values(collections).map((c) => c.name);
    counts = async () =>
      Object.fromEntries(
        await Promise.all(
          names.map(async (n) => [n, await e2e.services.database.db.collection(n).countDocuments()] as const),
        ),
      );
    baseline = await counts();
  });
  after(async () => {
    console.log(`      ${cases} hostile requests`);
    await e2e.stop();
  });

  afterEach(async () => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
    assert.equal((await fetch(`${e2e.baseUrl}/healthz`)).status, 200, 'the service still answers');
  });

  it('arbitrary JSON and non-JSON bodies: 400/415/413, never 5xx, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          pollution,
          fc.string({ maxLength: 300 }),
        ),
        async (body) => {
          const status = await postRaw(body);
          assert.ok([400, 401, 200].includes(status), `status ${status}`);
        },
      ),
      { numRuns: 1000, endOnFailure: true },
    );
    for (const [body, type] of [
      ['{"type":"message"', 'application/json'],
      ['type=message', 'application/x-www-form-urlencoded'],
      ['<a/>', 'text/xml'],
      ['', 'application/json'],
    ] as const)
      assert.ok([400, 415].includes(await postRaw(body, type)), `${type} ${body}`);
    assert.equal(await postRaw(JSON.stringify({ type: 'message', text: 'x'.repeat(300_000) })), 413);
    // Nesting far deeper than any activity: refused before anything walks it.
    assert.equal(await postRaw(`${'['.repeat(100_000)}${']'.repeat(100_000)}`), 400);
    assert.equal(
      await postRaw(`{"type":"message","value":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`),
      400,
    );
    assert.deepEqual(await counts(), baseline);
  });

  it('activity-shaped bodies with junk in every field, from unknown and known people: never 5xx; unknown people write nothing', async () => {
    const fields = [
      'type',
      'id',
      'name',
      'channelId',
      'serviceUrl',
      'from',
      'recipient',
      'conversation',
      'text',
      'value',
      'channelData',
      'membersAdded',
      'entities',
      'attachments',
      'locale',
      'replyToId',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('message', 'invoke', 'conversationUpdate', 'messageReaction', 'event'),
        fc.dictionary(fc.constantFrom(...fields), junk, { maxKeys: 4 }),
        fc.boolean(),
        async (type, overrides, unknownCaller) => {
          const caller = unknownCaller ? { id: `29:stranger-${cases}`, name: 'Stranger' } : student;
          const activity = { ...e2e.message(caller, 'help'), type, ...overrides };
          await postRaw(JSON.stringify(activity));
        },
      ),
      { numRuns: 500, endOnFailure: true },
    );
    const after = await counts();
    // Known callers' valid turns may refresh what they already have; nothing new appears.
    for (const name of Object.keys(baseline))
      if (!['audit', 'claims', 'turn_state', 'outbox'].includes(name))
        assert.equal(after[name], baseline[name], `${name} grew`);
    baseline = after;
  });

  it('card submits with hostile data for every verb, by a student and by a lead: never 5xx, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...verbs),
        fc.dictionary(fc.string({ maxLength: 20 }), junk, { maxKeys: 5 }),
        fc.constantFrom(student, lead),
        async (verb, data, who) => {
          const status = await postRaw(JSON.stringify(e2e.execute(who, verb, data)));
          assert.ok([200, 400, 413].includes(status), `status ${status} for ${verb}`);
        },
      ),
      { numRuns: 500, endOnFailure: true },
    );
    // Mongo operators in an Action.Execute's data never reach a handler or the database: the
    // handler gets the data without them, and the card answers with its own message (issue 26).
    for (const value of [{ $gt: '' }, { $where: '1' }, { nested: [{ $ne: null }] }]) {
      assert.equal(await postRaw(JSON.stringify(e2e.execute(lead, 'cohort.link', { cohortId: value }))), 200);
      const res = await e2e.post(e2e.execute(student, 'checkin.submit', { week: 1, wellbeing: value }));
      assert.equal(res.status, 200, 'answered by the card (test/e2e/card-operator-keys.e2e.test.ts)');
      assert.ok(res.body.value, 'an answer the card can show');
    }
    // Anywhere else in the activity's value, the gate still answers 400.
    const execute = e2e.execute(lead, 'cohort.link', {});
    for (const value of [
      { ...execute.value, $where: '1' },
      { ...execute.value, action: { ...execute.value.action, verb: { $gt: '' } } },
    ])
      assert.equal(await postRaw(JSON.stringify({ ...execute, value })), 400);
    assert.equal(
      await postRaw(JSON.stringify({ ...e2e.message(student, 'help'), value: { data: { $gt: '' } } })),
      400,
    );
    assert.equal(
      await postRaw(
        JSON.stringify({ ...e2e.message(student, 'help'), channelData: JSON.parse('{"__proto__":{"x":1}}') }),
      ),
      400,
    );
    const after = await counts();
    // Refused attempts are audited (ids and outcome only); nothing else may appear, except
    // actions whose verb takes no input at all (an export link for one's own journey).
    const INPUT_FREE = ['journey.export'];
    const audits = await e2e.services.database.db.collection(collections.audit.name).find({}).toArray();
    const notRefused = audits.filter((a) => a.outcome !== 'refused' && !INPUT_FREE.includes(a.action));
    assert.deepEqual(
      notRefused.map((a) => `${a.action} ${a.outcome}`),
      [],
      'only refusals are recorded',
    );
    const grew = Object.keys(baseline).filter(
      (n) => after[n] !== baseline[n] && !['claims', 'turn_state', 'audit'].includes(n),
    );
    assert.deepEqual(
      grew.map((n) => `${n}: ${baseline[n]} -> ${after[n]}`),
      [],
    );
  });
});
