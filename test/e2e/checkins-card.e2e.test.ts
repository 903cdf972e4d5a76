/**
 * The check-in card over HTTP: invalid submits (nothing stored, errors and typed values
 * re-shown), duplicate submits, editing until supervision, refresh, the commands; and two
 * service instances on one database delivering each prompt once.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { asText, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

const valid = (week = 1) => ({
  week,
  cohortId: 'ignored',
  wellbeing: '4',
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

async function seed(e2e: E2E, students: TestUser[]) {
  const now = new Date('2025-10-01T00:00:00Z');
  const { id } = await e2e.services.cohorts.upsertByName(
    TENANT,
    {
      name: 'Autumn 2025',
      ...DEFAULT_COHORT,
      startDate: '2025-10-20',
    },
    now,
  );
  for (const s of students) {
    await e2e.services.people.upsertByEmail(
      TENANT,
      {
        email: s.email!,
        displayName: s.name,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: id,
        timeZone: null,
      },
      now,
    );
    e2e.teamsUser(s);
  }
  return id;
}

describe('e2e: the check-in card', function () {
  this.timeout(60_000);
  const e2e = new E2E();
  const priya = user('priya', 'Priya Shah');
  const count = () => e2e.services.database.db.collection(collections.checkins.name).countDocuments();

  before(async () => {
    await e2e.start();
    await seed(e2e, [priya]);
    e2e.clock.set(new Date('2025-10-21T10:00:00Z')); // Tue of week 1, before Thu 14:00 BST supervision
  });
  after(() => e2e.stop());

  it('`check in` shows week 1 of 6 with the due time in London', async () => {
    const card = firstCard(await e2e.lastReply(priya, 'check in'));
    const texts = cardTexts(card).join(' | ');
    assert.match(texts, /Week 1 of 6: supervision check-in/);
    assert.match(texts, /Due Thu 23 Oct, 14:00/);
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['a rating of 9', { ...valid(), wellbeing: '9' }, /Choose a value from 1 to 5/],
    ['a 20,000-character text', { ...valid(), hard: 'x'.repeat(20_000) }, /Must be 2000 characters or fewer/],
    ['a missing required field', (({ progress: _p, ...rest }) => rest)(valid()), /Required/],
    ['a confidence of 0', { ...valid(), conf_communication: '0' }, /Choose a value from 1 to 5/],
  ];
  for (const [what, data, error] of invalid) {
    it(`rejects ${what}: error card, typed values kept, nothing stored`, async () => {
      const res = await e2e.post(e2e.execute(priya, 'checkin.submit', data));
      assert.equal(res.body.type, 'application/vnd.microsoft.card.adaptive');
      const card = res.body.value;
      assert.match(JSON.stringify(card), error);
      assert.match(cardTexts(card).join(' | '), /nothing was saved yet/);
      const wentWell =
        JSON.stringify(card).includes('"id":"wentWell"') &&
        /"id":"wentWell"[^}]*"value":"Good huddle\."/.test(JSON.stringify(card));
      assert.ok(wentWell, 'typed value kept');
      assert.equal(await count(), 0);
    });
  }

  it('rejects {"$gt": ""} as a value: the card itself answers with its message and keeps the answers; nothing stored', async () => {
    const data = { ...valid(), progress: { $gt: '' } };
    // The handler gets the data without the operator key (feature-kit withoutUnsafeKeys) and
    // the form answers, not a bare 400 that Teams would show as a generic error (issue 26).
    const res = await e2e.post(e2e.execute(priya, 'checkin.submit', data));
    assert.equal(res.status, 200);
    assert.match(JSON.stringify(res.body.value), /values that are not allowed/);
    assert.match(JSON.stringify(res.body.value), /"id":"wentWell"[^}]*"value":"Good huddle\."/);
    // Behind the gate the check-in service does its own check (defence in depth).
    const person = (await e2e.services.people.byEmail(TENANT, priya.email!))!;
    const card = await e2e.services.checkins.submit(TENANT, person, data);
    assert.match(JSON.stringify(card), /values that are not allowed/);
    assert.match(JSON.stringify(card), /"id":"wentWell"[^}]*"value":"Good huddle\."/);
    const card2 = await e2e.services.checkins.submit(TENANT, person, { ...valid(), topics: { $ne: null } });
    assert.match(JSON.stringify(card2), /values that are not allowed/);
    assert.equal(await count(), 0);
  });

  it('stores duplicate submits once and answers with the submitted state', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() => e2e.post(e2e.execute(priya, 'checkin.submit', valid()))),
    );
    for (const r of results)
      assert.match(cardTexts(r.body.value).join(' | '), /Week 1 of 6: check-in received/);
    assert.equal(await count(), 1);
  });

  it('refresh shows the submitted state; edits are allowed until supervision, then refused', async () => {
    const refreshed = await e2e.post(e2e.execute(priya, 'checkin.refresh', { week: 1 }));
    assert.match(cardTexts(refreshed.body.value).join(' | '), /check-in received/);
    assert.ok(JSON.stringify(refreshed.body.value).includes('checkin.edit'));
    const edit = await e2e.post(e2e.execute(priya, 'checkin.edit', { week: 1 }));
    assert.match(JSON.stringify(edit.body.value), /"value":"Audit baseline collected\."/);
    await e2e.post(
      e2e.execute(priya, 'checkin.submit', { ...valid(), progress: 'Edited before supervision.' }),
    );
    assert.equal(
      (
        await e2e.services.checkins.repo.ofStudent(
          TENANT,
          (await e2e.services.people.byEmail(TENANT, priya.email!))!._id,
        )
      )[0]!.answers.progress,
      'Edited before supervision.',
    );

    e2e.clock.set(new Date('2025-10-23T13:00:00Z')); // 14:00 BST: supervision has started
    const late = await e2e.post(
      e2e.execute(priya, 'checkin.submit', { ...valid(), progress: 'Too late to change.' }),
    );
    assert.match(cardTexts(late.body.value).join(' | '), /can no longer be changed/);
    assert.ok(!JSON.stringify(late.body.value).includes('checkin.edit'));
    const [doc] = await e2e.services.checkins.repo.ofStudent(
      TENANT,
      (await e2e.services.people.byEmail(TENANT, priya.email!))!._id,
    );
    assert.equal(doc!.answers.progress, 'Edited before supervision.');
  });

  it('refuses a future week and lists `my check-ins`', async () => {
    const future = await e2e.post(e2e.execute(priya, 'checkin.submit', valid(3)));
    assert.match(asText(future.body.value), /no check-in yet/);
    const card = firstCard(await e2e.lastReply(priya, 'my check-ins'))!;
    assert.deepEqual(card.body.find((b: { type: string }) => b.type === 'FactSet').facts, [
      { title: 'Week 1', value: 'submitted · wellbeing 4 of 5' },
    ]);
  });
});

describe('e2e: two service instances on one database', function () {
  this.timeout(120_000);
  const one = new E2E();
  const two = new E2E();
  const students = Array.from({ length: 12 }, (_, i) =>
    user(`s${i}`, `Student ${String(i).padStart(2, '0')}`),
  );

  before(async () => {
    two.dbName = one.dbName;
    await one.start();
    await two.start();
    await seed(one, students);
    for (const s of students) {
      two.teamsUser(s);
      await one.post(one.install(s));
    }
    await one.services.sender.drain();
    one.connector.reset();
  });
  after(async () => {
    await two.stop(false);
    await one.stop();
  });

  it('delivers each prompt once while both schedulers and senders run', async () => {
    for (const e of [one, two]) e.clock.set(new Date('2025-10-19T12:00:00Z'));
    await Promise.all([one, two].map((e) => fetch(`${e.baseUrl}/test/jobs/run-due`, { method: 'POST' })));
    for (const e of [one, two]) e.clock.set(new Date('2025-10-20T08:00:00Z'));
    // Both instances' pollers and explicit runs race for the same jobs.
    await Promise.all(
      [one, two, one, two].map((e) => fetch(`${e.baseUrl}/test/jobs/run-due`, { method: 'POST' })),
    );
    await one.connector.waitFor(
      (calls) =>
        calls.filter((c) => c.status < 300 && String(c.activity?.summary ?? '').startsWith('Your week 1'))
          .length >= students.length,
      30_000,
    );
    await Promise.all([one.services.sender.drain(), two.services.sender.drain()]);
    await new Promise((r) => setTimeout(r, 500));
    const prompts = [...one.connector.delivered(), ...two.connector.delivered()].filter((c) =>
      String(c.activity?.summary ?? '').startsWith('Your week 1'),
    );
    const perConversation = new Map<string, number>();
    for (const c of prompts)
      perConversation.set(c.conversationId, (perConversation.get(c.conversationId) ?? 0) + 1);
    assert.equal(perConversation.size, students.length);
    assert.deepEqual([...new Set(perConversation.values())], [1]);
  });
});
