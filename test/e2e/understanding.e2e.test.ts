/* eslint-disable @typescript-eslint/no-explicit-any -- activities and cards are untyped JSON here */
/**
 * Typed text over HTTP: exact commands work as before, natural phrasings reach the same
 * command, greetings and nonsense get buttons, and words of distress get the kind answer from
 * a student, a supervisor and a host, naming who can help, storing only a count.
 */
import assert from 'node:assert/strict';
import { NOTHING_MATCHED_MESSAGE, SUPPORT_LINE } from '../../src/bot/free-text.js';
import { AhpHostsRepository } from '../../src/storage/ahp-hosts-repository.js';
import { collections } from '../../src/storage/collections.js';
import { ROLE_COMMANDS } from '../../bench/role-commands.js';
import { featureUtterances } from '../../src/features/utterances.js';
import { DISTRESS } from '../understanding/held-out.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const facts = (card: any): string[] =>
  (card?.body ?? []).flatMap((b: any) =>
    b.type === 'FactSet' ? b.facts.map((f: any) => `${f.title}: ${f.value}`) : [],
  );
const texts = (reply: any) =>
  [
    reply?.text ?? '',
    ...(firstCard(reply) ? [...cardTexts(firstCard(reply)), ...facts(firstCard(reply))] : []),
  ].join(' | ');
const buttons = (reply: any) => (reply?.suggestedActions?.actions ?? []).map((a: any) => a.value);
/** Every Action.OpenUrl's url in the card, wherever it sits (action bar or an ActionSet in the body). */
const urls = (reply: any): string[] => {
  const found: string[] = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      if (node.type === 'Action.OpenUrl') found.push(node.url as string);
      Object.values(node).forEach(walk);
    }
  };
  walk(firstCard(reply));
  return found;
};

describe('e2e: understanding people as they write', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const student: TestUser = {
    id: '29:nlu-student',
    aadObjectId: 'aad-nlu-student',
    name: 'Priya Shah',
    email: 'priya.shah@example.nhs.uk',
  };
  const supervisor: TestUser = {
    id: '29:nlu-sup',
    aadObjectId: 'aad-nlu-sup',
    name: 'Sam Okoro',
    email: 'sam.supervisor@example.nhs.uk',
  };
  const lead: TestUser = {
    id: '29:nlu-lead',
    aadObjectId: 'aad-nlu-lead',
    name: 'Wendy Marsh',
    email: 'wendy.marsh@example.nhs.uk',
  };
  const host: TestUser = {
    id: '29:nlu-host',
    aadObjectId: 'aad-nlu-host',
    name: 'Amira Fraser',
    email: 'amira.fraser@example.nhs.uk',
  };

  before(async () => {
    await e2e.start({}, { engines: false });
    const now = new Date();
    const { people, cohorts, supervisions } = e2e.services;
    const { id: cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 2',
        ...DEFAULT_COHORT,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
      },
      now,
    );
    const add = (
      u: TestUser,
      roles: ('student' | 'supervisor' | 'lead' | 'ahp-host')[],
      profession: string,
    ) =>
      people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession,
          cohortId: roles.includes('ahp-host') ? null : cohortId,
          timeZone: null,
        },
        now,
      );
    await add(student, ['student'], 'physiotherapy');
    await add(supervisor, ['supervisor'], 'occupational therapy');
    await add(lead, ['lead', 'supervisor'], 'occupational therapy');
    await add(host, ['ahp-host'], 'occupational therapy');
    const byEmail = async (u: TestUser) => (await people.byEmail(TENANT, u.email!))!;
    await supervisions.link(TENANT, (await byEmail(student))._id, (await byEmail(supervisor))._id, now);
    await new AhpHostsRepository(e2e.services.database.db).upsertByEmail(
      TENANT,
      {
        email: host.email!,
        displayName: host.name,
        profession: 'occupational therapy',
        roleType: 'FTSU guardian',
        bio: '',
        location: 'online',
        weeklyCap: 2,
        personId: (await byEmail(host))._id,
      },
      now,
    );
    [student, supervisor, lead, host].forEach((u) => e2e.teamsUser(u));
  });
  after(() => e2e.stop());

  it('every registered command has phrasings, and the measuring table matches the registry', () => {
    const registered = e2e.services.commands.all().map((c) => c.command);
    const missing = registered.filter((c) => !c.includes('<cohort name>') && !featureUtterances[c]);
    assert.deepEqual(missing, []);
    for (const role of Object.keys(ROLE_COMMANDS) as (keyof typeof ROLE_COMMANDS)[]) {
      const live = new Set(
        e2e.services.commands.for([role], role === 'lead' ? 'team' : 'personal').map((c) => c.command),
      );
      for (const c of e2e.services.commands.for([role], 'personal')) live.add(c.command);
      live.delete('manage <cohort name>');
      assert.deepEqual([...live].sort(), [...new Set(ROLE_COMMANDS[role])].sort(), role);
    }
  });

  it('exact command words work exactly as before, and a natural phrasing gets the same answer', async () => {
    const exact = await e2e.lastReply(student, 'my journey');
    const natural = await e2e.lastReply(student, 'where am I with the HCPC standards');
    assert.ok(firstCard(exact), 'my journey answers with a card');
    assert.deepEqual(cardTexts(firstCard(natural)), cardTexts(firstCard(exact)));
    // The same booking card, pre-filtered for the role asked for (test/e2e/understanding-entities).
    const booking = await e2e.lastReply(student, "I'd like to book a chat with the EDI lead");
    const exactBooking = cardTexts(firstCard(await e2e.lastReply(student, 'book a conversation')));
    assert.equal(cardTexts(firstCard(booking))[0], exactBooking[0]);
    assert.ok(cardTexts(firstCard(booking)).some((t) => t.includes('“edi lead”')));
  });

  it('a greeting gets a hello and buttons; text that matches nothing gets buttons, not a dead end', async () => {
    const hello: any = await e2e.lastReply(student, 'hi');
    assert.match(hello.text, /^Hello Priya!/);
    assert.ok(
      buttons(hello).includes('help') && buttons(hello).length >= 2,
      JSON.stringify(hello.suggestedActions),
    );
    const nothing: any = await e2e.lastReply(student, 'banana pyjamas');
    assert.ok(nothing.text.startsWith(NOTHING_MATCHED_MESSAGE), nothing.text);
    assert.ok(!/didn't catch that/.test(nothing.text), nothing.text);
    // Distress the phrase list missed still finds the way to help from a "not sure" reply.
    assert.ok(nothing.text.endsWith(SUPPORT_LINE), nothing.text);
    assert.ok(buttons(nothing).length >= 2);
  });

  it('a phrasing for a command of another role is not run for a student', async () => {
    const reply = await e2e.lastReply(student, 'send an announcement to the whole cohort');
    assert.equal(firstCard(reply), undefined, `no card for a student: ${texts(reply)}`);
    assert.ok(!buttons(reply).includes('announce'), 'announce is never offered to a student');
  });

  it('words of distress get the kind answer from a student, a supervisor and a host, naming who can help', async () => {
    const sample = DISTRESS.filter((_, i) => i % 4 === 0);
    for (const [who, user] of [
      ['student', student],
      ['supervisor', supervisor],
      ['host', host],
    ] as const) {
      for (const text of sample) {
        const reply = await e2e.lastReply(user, text);
        const said = texts(reply);
        assert.match(said, /I'm sorry things are hard right now/, `${who}: "${text}" → ${said}`);
        assert.match(said, /116 123/);
        assert.match(said, /NHS 111/);
        assert.match(said, /Amira Fraser, the trust's Freedom to Speak Up guardian/);
      }
    }
    const forStudent = await e2e.lastReply(student, "I'm struggling this week and need to talk to someone");
    const said = texts(forStudent);
    assert.match(said, /Your supervisor: Sam Okoro/);
    assert.match(said, /Practice education lead: Wendy Marsh/);
    assert.match(said, /student wellbeing service/);
    assert.ok(
      urls(forStudent).some((u: string) => u.includes(encodeURIComponent(supervisor.email!))),
      urls(forStudent).join(),
    );
    // The buttons say what they do: message the supervisor, contact the lead, message the
    // guardian; "Raise a concern" opens the concern form (test/e2e/concerns.e2e.test.ts).
    const titled = (card: any): string[] => {
      const found: string[] = [];
      const walk = (node: any): void => {
        if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === 'object') {
          if (node.type === 'Action.OpenUrl') found.push(`${node.title} → ${node.url}`);
          Object.values(node).forEach(walk);
        }
      };
      walk(card);
      return found;
    };
    const chat = (u: TestUser) =>
      `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(u.email!)}`;
    assert.deepEqual(titled(firstCard(forStudent)), [
      `Message Sam Okoro → ${chat(supervisor)}`,
      `Contact the lead: Wendy Marsh → ${chat(lead)}`,
      `Message Amira Fraser (Freedom to Speak Up) → ${chat(host)}`,
    ]);
  });

  it('stores nothing but a count per tenant: no text, no person', async () => {
    const docs = await e2e.services.database.db
      .collection(collections.supportAnswers.name)
      .find({})
      .toArray();
    assert.equal(docs.length, 1);
    const { _id, tenantId, month, count, schemaVersion, createdAt, updatedAt, ...rest } = docs[0]!;
    assert.deepEqual(rest, {});
    assert.equal(tenantId, TENANT);
    assert.ok(count >= 30, String(count));
    assert.ok(_id && month && schemaVersion && createdAt && updatedAt);
    const rows = await e2e.services.support.shownPerMonth(TENANT);
    assert.equal(rows[0]!.count, count);
  });

  it("a lead sees how often the answer was shown, per month, on 'manage cohorts' (counts only, none under the minimum group size)", async () => {
    const [row] = await e2e.services.support.shownPerMonth(TENANT);
    const [year, month] = row!.month.split('-').map(Number);
    const label = new Date(Date.UTC(year!, month! - 1, 1)).toLocaleDateString('en-GB', {
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    const said = cardTexts(firstCard(await e2e.lastReply(lead, 'manage cohorts'))).join(' | ');
    assert.match(said, /The support answer/, said);
    assert.ok(said.includes(`${label}: shown ${row!.count} times`), said);
    // A month under the minimum group size shows no number.
    await e2e.services.database.db.collection(collections.supportAnswers.name).insertOne({
      _id: `${TENANT}|support-answer|2020-01` as any,
      tenantId: TENANT,
      month: '2020-01',
      count: 3,
      schemaVersion: 1,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const again = cardTexts(firstCard(await e2e.lastReply(lead, 'manage cohorts'))).join(' | ');
    assert.ok(!again.includes('Jan 2020'), 'only the last three months with answers');
    const small = await e2e.services.support.shownPerMonth(TENANT);
    assert.equal(small.find((r) => r.month === '2020-01')!.count, null);
    const student = cardTexts(firstCard(await e2e.lastReply(supervisor, 'manage cohorts'))).join(' | ');
    assert.ok(!student.includes('The support answer'), 'not for people who are not leads');
  });
});
