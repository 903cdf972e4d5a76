/**
 * Data protection: `export my data` / `delete my data` in chat and their admin CLI
 * equivalents cover every collection that holds personal data. The coverage check is made
 * against both the registry and what a broad journey through every registered feature
 * actually left in the database, so a new collection that is not registered (or registered
 * without personFields) fails here.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Document } from 'mongodb';
import { ERASED_MESSAGE, ERASING_MESSAGE } from '../../src/features/data-protection/index.js';
import { personalCollections } from '../../src/features/data-protection/personal-data.js';
import { collections } from '../../src/storage/collections.js';
import type { PersonDoc } from '../../src/storage/people-repository.js';
import { testMongoUri } from '../helpers/db.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from '../e2e/harness.js';
import { importFixtures, journeyPeople, runJourney } from './journey.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const registered = new Map(Object.values(collections).map((c) => [c.name, c]));

async function dump(e2e: E2E): Promise<Map<string, Document[]>> {
  const db = e2e.services.database.db;
  const names = (await db.listCollections().toArray())
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.'));
  const all = new Map<string, Document[]>();
  for (const name of names) all.set(name, await db.collection(name).find({}).toArray());
  return all;
}

/** Where any of `needles` occurs in any stored document (ids embedded in natural keys too). */
function occurrences(all: Map<string, Document[]>, needles: string[]): string[] {
  const hits: string[] = [];
  for (const [name, docs] of all) {
    for (const doc of docs) {
      const text = JSON.stringify(doc);
      for (const needle of needles)
        if (text.includes(needle))
          hits.push(`${name} ${String(doc._id)} holds "${needle}" at ${pathsOf(doc, needle).join(', ')}`);
    }
  }
  return hits;
}

function pathsOf(node: unknown, needle: string, at = ''): string[] {
  if (typeof node === 'string') return node.includes(needle) ? [at || '(value)'] : [];
  if (node === null || typeof node !== 'object' || node instanceof Date) return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    pathsOf(v, needle, at ? `${at}.${k}` : k),
  );
}

async function needlesOf(e2e: E2E, person: PersonDoc): Promise<string[]> {
  const ids = await e2e.services.dataProtection.personalData.identifiers(TENANT, person);
  return [...ids, person.email];
}

function admin(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/admin/cli.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('security: data protection (export, erase, retention) over every collection', function () {
  this.timeout(240_000);
  const e2e = new E2E();
  const person = async (u: TestUser) => (await e2e.services.people.byEmail(TENANT, u.email!))!;

  before(async () => {
    // The engines start with the clock: in the placement, not today (when the fixture's 2024 cohort is past retention).
    e2e.clock.set(new Date('2025-02-03T08:00:00Z'));
    await e2e.start({ RETENTION_MONTHS: '24' });
    await importFixtures(e2e);
    await runJourney(e2e, { weeks: 1 });
  });
  after(() => e2e.stop());

  it('every collection in the database after the journey is registered; any holding person ids declares personFields', async () => {
    const all = await dump(e2e);
    const unregistered = [...all.keys()].filter((n) => !registered.has(n));
    assert.deepEqual(unregistered, [], 'collections used but not in src/storage/collections.ts');
    const people = await e2e.services.people.all(TENANT);
    const ids = new Set(
      people.flatMap((p) => [p._id, p.teamsUserId, p.aadObjectId].filter((v): v is string => !!v)),
    );
    const undeclared: string[] = [];
    for (const [name, docs] of all) {
      const holds = docs.some((d) => [...ids].some((id) => JSON.stringify(d).includes(id)));
      if (holds && registered.get(name)!.personFields === null) undeclared.push(name);
    }
    assert.deepEqual(undeclared, [], 'collections holding person ids with personFields: null');
    // The journey reached well beyond the core: report what it touched (a weak journey would make this test moot).
    const touched = [...all.entries()].filter(([, d]) => d.length > 0).map(([n]) => n);
    for (const core of ['people', 'conversation_references', 'outbox', 'jobs', 'audit'])
      assert.ok(touched.includes(core), `the journey left nothing in ${core}: ${touched.join(', ')}`);
    console.log(`      journey touched ${touched.length} collections: ${touched.join(', ')}`);
    assert.ok(personalCollections().length >= 8);
  });

  it('export my data: a card with a one-time link to JSON holding the caller’s documents from every collection', async () => {
    const u = journeyPeople.student;
    const me = await person(u);
    const card = firstCard(await e2e.lastReply(u, 'export my data'))!;
    assert.ok(cardTexts(card).includes('Your data'));
    // Human labels, never collection names (which also wrap mid-word on a phone).
    const facts = cardTexts(card);
    assert.ok(facts.includes('Conversations with the bot'), facts.join(' | '));
    assert.ok(
      !facts.some((t) => /^[a-z]+(_[a-z]+)*$/.test(t) && personalCollections().some((c) => c.name === t)),
      facts.join(' | '),
    );
    const url = new URL(card.actions[0].url as string);
    assert.match(url.pathname, /^\/data-export\/[A-Za-z0-9_-]{32}$/);
    const res = await fetch(`${e2e.baseUrl}${url.pathname}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment/);
    const data = (await res.json()) as { personId: string; collections: Record<string, Document[]> };
    assert.equal(data.personId, me._id);
    assert.deepEqual(
      Object.keys(data.collections).sort(),
      personalCollections()
        .map((c) => c.name)
        .sort(),
    );
    assert.equal(data.collections.people[0].email, u.email);
    assert.ok(data.collections.conversation_references.length >= 1);
    // The lead's `new event` during the journey invited the student (src/features/events).
    assert.ok(data.collections[collections.eventInvitations.name]!.length >= 1);
    // Every document in the database naming this person is in the export.
    const all = await dump(e2e);
    const exported = new Set(
      Object.values(data.collections)
        .flat()
        .map((d) => String(d._id)),
    );
    const needles = (await needlesOf(e2e, me)).filter((n) => n !== u.email);
    // Documents naming the person in a declared person field (messages to others that mention
    // them in card data are those people's messages, not part of this export).
    const missing = occurrences(all, needles).filter((hit) => {
      const [name, id] = hit.split(' ');
      const fields = registered.get(name!)?.personFields ?? [];
      const at = hit
        .split(' at ')[1]!
        .split(', ')
        .map((p) => p.split('.')[0]);
      return (
        fields.some((f) => at.includes(f.split('.')[0]!)) && !exported.has(id!) && name !== 'data_exports'
      );
    });
    assert.deepEqual(missing, [], 'documents about the person missing from the export');
    // Nobody else's data.
    const other = await person(journeyPeople.otherStudent);
    assert.ok(!JSON.stringify(data).includes(other._id), 'another student’s id is in the export');
    // One use only; forged links get nothing.
    assert.equal((await fetch(`${e2e.baseUrl}${url.pathname}`)).status, 404);
    assert.equal((await fetch(`${e2e.baseUrl}/data-export/${'A'.repeat(32)}`)).status, 404);
  });

  it('export and delete are refused outside the personal chat', async () => {
    const reply = await e2e.lastReplyTo(
      e2e.channelMessage(journeyPeople.lead, '19:cohort2channel@thread.tacv2', 'delete my data'),
    );
    assert.match(String(reply?.text), /personal chat/);
  });

  it('delete my data asks first; "keep" deletes nothing', async () => {
    const u = journeyPeople.otherStudent;
    const request = await e2e.lastReply(u, 'delete my data');
    // Counted after the request itself: that turn may save turn state and the conversation
    // reference, which are not what "keep" is about.
    const before = occurrences(await dump(e2e), await needlesOf(e2e, await person(u))).length;
    const card = firstCard(request)!;
    assert.ok(cardTexts(card).includes('Delete all your data?'));
    assert.deepEqual(
      card.actions.map((a: { verb: string }) => a.verb),
      ['data.erase.confirm', 'data.erase.cancel'],
    );
    const res = await e2e.post(e2e.execute(u, 'data.erase.cancel', {}));
    assert.ok(cardTexts(res.body.value).includes('Nothing was deleted.'));
    assert.ok(before > 0);
    assert.equal(occurrences(await dump(e2e), await needlesOf(e2e, await person(u))).length, before);
  });

  it('delete my data: after confirming, no document anywhere holds the person’s ids or email, and the bot no longer knows them', async () => {
    const u = journeyPeople.student;
    const me = await person(u);
    const needles = await needlesOf(e2e, me);
    assert.ok(occurrences(await dump(e2e), needles).length > 3, 'the journey stored data about the student');
    const supervisorBefore = await person(journeyPeople.supervisor);
    // Answered at once (not the time-limit message); the bot says in the chat when it is done.
    const res = await e2e.eraseConfirmed(u, ERASED_MESSAGE);
    assert.equal(res.status, 200);
    assert.deepEqual(cardTexts(res.body.value), ['Deleting your data', ERASING_MESSAGE]);
    const left = occurrences(await dump(e2e), needles);
    assert.deepEqual(left, [], 'personal data left after erasure');
    const names = occurrences(await dump(e2e), [u.name]);
    assert.deepEqual(names, [], 'the person’s name is left in stored documents');
    // Other people's records are intact.
    assert.ok(await e2e.services.people.byId(TENANT, supervisorBefore._id));
    const audit = await e2e.services.audit.list(TENANT, { action: 'data.erase' });
    assert.equal(audit[0].actorId, null);
    assert.equal(audit[0].targetId, null);
    // Talking to the bot again: an unknown person, nothing stored.
    await e2e.post(e2e.message(u, 'help'));
    assert.deepEqual(occurrences(await dump(e2e), needles), []);
  });

  it('admin CLI: export-person writes the JSON; erase-person lists first, erases with --yes', async () => {
    const u = journeyPeople.supervisor;
    const me = await person(u);
    const env = {
      MONGODB_URI: await testMongoUri(),
      MONGODB_DB: e2e.dbName,
      DEFAULT_TENANT_ID: TENANT,
      LOG_LEVEL: 'silent',
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pc-dp-'));
    try {
      const out = path.join(dir, 'sam.json');
      const exported = await admin(['export-person', u.email!, '--out', out], env);
      assert.equal(exported.code, 0, exported.stderr);
      const data = JSON.parse(readFileSync(out, 'utf8'));
      assert.equal(data.personId, me._id);
      assert.equal(data.collections.people[0].email, u.email);
      const dry = await admin(['erase-person', u.email!], env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /Run again with --yes/);
      assert.ok(await e2e.services.people.byId(TENANT, me._id), 'a dry run deletes nothing');
      const needles = await needlesOf(e2e, me);
      const erased = await admin(['erase-person', u.email!, '--yes'], env);
      assert.equal(erased.code, 0, erased.stderr);
      assert.match(erased.stdout, /people\s+1 deleted/);
      assert.deepEqual(occurrences(await dump(e2e), needles), []);
      const unknown = await admin(['erase-person', 'nobody@example.org', '--yes'], env);
      assert.equal(unknown.code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('retention: an ended cohort is purged RETENTION_MONTHS after its last day, by the daily job; a current one is kept', async () => {
    const { audit, cohorts, people, supervisions, outbox } = e2e.services;
    const now = new Date('2025-02-10T12:00:00Z');
    const calendar = {
      clinicalDays: [],
      leadershipDays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
      nonPlacementDates: [],
      supervision: null,
      timeZone: 'Europe/London',
      teamsChannelId: null,
    } as const;
    const { id: oldId } = await cohorts.upsertByName(
      TENANT,
      { name: 'Retention 2023 cohort', startDate: '2023-01-09', weeks: 4, ...calendar } as never,
      now,
    );
    const current = (await cohorts.byName(TENANT, 'Leadership 2025 cohort 2'))!;
    const students: string[] = [];
    for (const n of [1, 2]) {
      await people.upsertByEmail(
        TENANT,
        {
          email: `old.student${n}@student.example.ac.uk`,
          displayName: `Old Student ${n}`,
          roles: ['student'],
          profession: 'physiotherapy',
          cohortId: oldId,
          timeZone: null,
        },
        now,
      );
      students.push((await people.byEmail(TENANT, `old.student${n}@student.example.ac.uk`))!._id);
    }
    await people.upsertByEmail(
      TENANT,
      {
        email: 'old.lead@example.nhs.uk',
        displayName: 'Old Lead',
        roles: ['lead', 'supervisor'],
        profession: 'physiotherapy',
        cohortId: oldId,
        timeZone: null,
      },
      now,
    );
    const lead = (await people.byEmail(TENANT, 'old.lead@example.nhs.uk'))!;
    await people.upsertByEmail(
      TENANT,
      {
        email: 'both.lead@example.nhs.uk',
        displayName: 'Lead of old and current',
        roles: ['lead'],
        profession: 'physiotherapy',
        cohortId: null,
        cohortIds: [oldId, current._id],
        timeZone: null,
      },
      now,
    );
    const bothLead = (await people.byEmail(TENANT, 'both.lead@example.nhs.uk'))!;
    await supervisions.link(TENANT, students[0]!, lead._id, now);
    await outbox.enqueue(
      TENANT,
      [
        {
          dedupeKey: 'old-cohort-msg',
          purpose: 'test',
          target: { kind: 'person', personId: students[0]! },
          activity: { text: 'old' },
        },
      ],
      now,
    );
    // Last placement day 2023-02-05 (4 weeks from 2023-01-09); 24 months later is 2025-02-05.
    assert.deepEqual(
      await e2e.services.dataProtection.purgeEndedCohorts(24, new Date('2025-02-05T12:00:00Z')),
      [],
    );
    assert.ok(await cohorts.byId(TENANT, oldId));
    // The daily job does it (RETENTION_MONTHS=24 in this service).
    e2e.clock.set(new Date('2025-02-12T12:00:00Z')); // a day slot the journey has not used
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    // The engines' own poll may have taken the job: wait for it to finish.
    const deadline = Date.now() + 10_000;
    while (
      (await audit.list(TENANT, { action: 'retention.purge' })).every((a) => a.targetId !== oldId) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 50));
    assert.equal(await cohorts.byId(TENANT, oldId), null, 'the ended cohort is gone');
    for (const id of students) assert.equal(await people.byId(TENANT, id), null);
    assert.equal(
      (await people.byId(TENANT, lead._id))?.cohortId,
      null,
      'staff are kept, detached from the cohort',
    );
    const stillLead = (await people.byId(TENANT, bothLead._id))!;
    assert.deepEqual(
      [stillLead.cohortId, stillLead.cohortIds, stillLead.leadCohortIds],
      [current._id, [current._id], [current._id]],
      'a lead of several cohorts still leads the others',
    );
    const leftovers = occurrences(await dump(e2e), [oldId, ...students, 'old.student']).filter(
      (h) => !h.startsWith('audit ') || !h.includes(' at targetId'),
    );
    assert.deepEqual(
      leftovers.filter((h) => !h.startsWith('audit ')),
      [],
    );
    assert.ok(await cohorts.byId(TENANT, current._id), 'a cohort still within retention is kept');
    assert.equal(
      (await audit.list(TENANT, { action: 'retention.purge' })).filter((a) => a.targetId === oldId).length,
      1,
    );
  });

  it('an erasure cut short (the instance stopped mid-way) is finished by the recurring job', async () => {
    const { people, supervisions, audit } = e2e.services;
    const requestedAt = new Date('2025-02-13T09:00:00Z');
    const email = 'cut.short@student.example.ac.uk';
    await people.upsertByEmail(
      TENANT,
      {
        email,
        displayName: 'Cut Short',
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: null,
        timeZone: null,
      },
      requestedAt,
    );
    const cut = (await people.byEmail(TENANT, email))!;
    const supervisor = await person(journeyPeople.lead);
    await supervisions.link(TENANT, cut._id, supervisor._id, requestedAt);
    // What the button writes before answering; the erasure itself never ran.
    await e2e.services.database.db
      .collection(collections.people.name)
      .updateOne({ _id: cut._id } as Document, { $set: { erasureRequestedAt: requestedAt } });
    const erasures = async () => (await audit.list(TENANT, { action: 'data.erase' })).length;
    const before = await erasures();
    e2e.clock.set(new Date('2025-02-13T09:30:00Z'));
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    assert.equal(await people.byId(TENANT, cut._id), null, 'the person is erased');
    assert.deepEqual(occurrences(await dump(e2e), [cut._id, email]), []);
    assert.equal(await erasures(), before + 1);
  });
});
