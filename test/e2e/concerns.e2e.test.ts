/**
 * Issue 28, item 4: raising a concern, over HTTP with the fake Bot Connector. An anonymous
 * concern reaches the configured receivers (the cohort's practice education lead and the
 * trust's Freedom to Speak Up guardian) and not the supervisor; the guardian acknowledges and
 * replies from the card and the reply reaches the student; no document a receiver can read
 * (the concern, the audit log, outbox items and delivery records not addressed to the student)
 * holds the student's id; a named concern shows the name, and reaches the supervisor only when
 * the student asks. The support answer's "Raise a concern" opens the same form.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { TENANT, E2E, firstCard, type TestUser } from './harness.js';
import { seedAhpHost, seedWorld, type World } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

/** Every string in a card or activity (TextBlocks, facts, button titles), joined. */
const allText = (node: unknown): string => JSON.stringify(node ?? null);
/** The Action.Execute buttons of a card: verb and data. */
function executes(card: unknown): { title: string; verb: string; data: Record<string, unknown> }[] {
  const found: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      if (n.type === 'Action.Execute')
        found.push({
          title: n.title as string,
          verb: n.verb as string,
          data: (n.data as Record<string, unknown> | undefined) ?? {},
        });
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describe('e2e: raise a concern (issue 28, item 4)', function () {
  this.timeout(240_000);
  const e2e = new E2E();
  const priya = user('cc-priya', 'Priya Shah');
  const sam = user('cc-sam', 'Sam Okoro'); // Priya's supervisor
  const wendy = user('cc-wendy', 'Wendy Marsh'); // leads the cohort
  const amira = user('cc-amira', 'Amira Fraser'); // FTSU guardian (AHP directory)
  const olga = user('cc-olga', 'Olga Other'); // a lead of another cohort
  let world: World;
  const conv = (u: TestUser) => `a:personal-${u.id}`;
  const exec = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.value;
  };
  const concernCards = (u: TestUser) =>
    e2e
      .sentTo(conv(u))
      .filter((a) =>
        /concern has been raised with you|raised a concern with you/.test(String(a.summary ?? '')),
      );

  before(async () => {
    await e2e.start();
    world = await seedWorld(e2e, {
      cohort: { name: 'Spring 2025' },
      people: [
        [priya, ['student']],
        [sam, ['supervisor']],
        [wendy, ['lead']],
        [amira, ['ahp-host']],
      ],
      links: [[priya, sam]],
    });
    await seedWorld(e2e, { cohort: { name: 'Autumn 2025' }, people: [[olga, ['lead']]] });
    await seedAhpHost(e2e, world.id(amira), {
      profession: 'Speech and language therapy',
      roleType: 'FTSU guardian',
      bio: '',
      location: 'online',
      weeklyCap: 3,
    });
    for (const u of [priya, sam, wendy, amira, olga]) await e2e.post(e2e.install(u));
    await e2e.services.sender.drain();
  });
  after(() => e2e.stop());

  let anonymousId = '';

  it('an anonymous concern reaches the lead and the guardian, not the supervisor', async () => {
    const form = firstCard(await e2e.lastReply(priya, 'raise a concern'));
    assert.ok(form, 'the form is sent');
    assert.match(
      allText(form),
      /It will go to Amira Fraser \(Freedom to Speak Up guardian\) and Wendy Marsh \(practice education lead\)/,
    );
    assert.doesNotMatch(allText(form).replace(/Also tell Sam Okoro/, ''), /Sam Okoro/);
    const submit = executes(form).find((a) => a.verb === 'concern.submit')!;
    const thanks = await exec(priya, 'concern.submit', {
      ...submit.data,
      topic: 'conduct',
      text: 'A senior nurse on the ward shouts at students in front of patients.',
      anonymous: 'true',
      tellSupervisor: 'false',
    });
    assert.match(allText(thanks), /Thank you for raising this/);
    assert.match(allText(thanks), /anonymous: they can't see who you are/);
    assert.match(allText(thanks), /Your supervisor has not been told/);
    // A double submit stores one concern and sends nothing twice.
    await exec(priya, 'concern.submit', {
      ...submit.data,
      topic: 'conduct',
      text: 'A senior nurse on the ward shouts at students in front of patients.',
      anonymous: 'true',
    });
    await e2e.services.sender.drain();
    for (const receiver of [wendy, amira]) {
      const cards = concernCards(receiver);
      assert.equal(cards.length, 1, `${receiver.name} gets one card`);
      const text = allText(firstCard(cards[0]));
      assert.match(text, /An anonymous concern/);
      assert.match(text, /shouts at students/);
      assert.doesNotMatch(text, /Priya/);
    }
    assert.equal(concernCards(sam).length, 0, 'the supervisor is not told');
    assert.equal(concernCards(olga).length, 0, "another cohort's lead is not told");
    const stored = await e2e.services.database.db.collection(collections.concerns.name).find({}).toArray();
    assert.equal(stored.length, 1);
    anonymousId = String(stored[0]!._id);
  });

  it('only a receiver can acknowledge or reply; the reply reaches the student without naming them', async () => {
    for (const other of [sam, olga, priya]) {
      const refused = await exec(other, 'concern.reply', { concernId: anonymousId, reply: 'Who is this?' });
      assert.match(allText(refused), /Only the people this concern was sent to/);
      const ack = await exec(other, 'concern.acknowledge', { concernId: anonymousId });
      assert.match(allText(ack), /Only the people this concern was sent to/);
    }
    const before = e2e.sentTo(conv(priya)).length;
    const acked = await exec(amira, 'concern.acknowledge', { concernId: anonymousId });
    assert.match(allText(acked), /Acknowledged by Amira Fraser/);
    const replied = await exec(amira, 'concern.reply', {
      concernId: anonymousId,
      reply: 'Thank you for telling me. I will speak to the ward manager this week.',
    });
    assert.match(allText(replied), /I will speak to the ward manager/);
    assert.doesNotMatch(allText(replied), /Priya/);
    // The other receiver's card, refreshed, shows who acknowledged it and the reply.
    const wendysView = allText(await exec(wendy, 'concern.view', { concernId: anonymousId }));
    assert.match(wendysView, /Acknowledged by Amira Fraser/);
    assert.match(wendysView, /I will speak to the ward manager/);
    assert.match(allText(await exec(sam, 'concern.view', { concernId: anonymousId })), /Only the people/);
    await e2e.services.sender.drain();
    const toPriya = e2e
      .sentTo(conv(priya))
      .slice(before)
      .map((a) => allText(firstCard(a)));
    assert.equal(toPriya.length, 2, toPriya.join('\n'));
    assert.match(toPriya[0]!, /Amira Fraser has read the concern you raised/);
    assert.match(toPriya[1]!, /A reply to your concern/);
    assert.match(toPriya[1]!, /I will speak to the ward manager this week/);
    assert.match(toPriya[1]!, /still anonymous/);
  });

  it("no document a receiver can read holds the anonymous student's id", async () => {
    const studentId = world.id(priya);
    const db = e2e.services.database.db;
    const holds = (doc: unknown) => JSON.stringify(doc).includes(studentId);
    const concerns = await db.collection(collections.concerns.name).find({}).toArray();
    assert.ok(concerns.length > 0);
    assert.deepEqual(concerns.filter(holds), [], 'concerns');
    const audit = await db
      .collection(collections.audit.name)
      .find({ tenantId: TENANT, action: { $regex: '^concern' } })
      .toArray();
    assert.ok(audit.some((a) => a.action === 'concern.raise' && a.details.anonymous === true));
    assert.ok(audit.some((a) => a.action === 'concern.reply'));
    assert.deepEqual(audit.filter(holds), [], 'audit');
    // Outbox items and delivery records of the concern, except those addressed to the student.
    const outbox = await db
      .collection(collections.outbox.name)
      .find({ purpose: { $regex: '^concern' }, personId: { $ne: studentId } })
      .toArray();
    assert.ok(outbox.length >= 2, 'the receivers’ items');
    assert.deepEqual(outbox.filter(holds), [], 'outbox');
    const deliveries = await db
      .collection(collections.outboxDeliveries.name)
      .find({ purpose: { $regex: '^concern' }, personId: { $ne: studentId } })
      .toArray();
    assert.deepEqual(deliveries.filter(holds), [], 'deliveries');
    // The student's own items carry no concern id in the clear.
    const own = await db
      .collection(collections.outbox.name)
      .find({ purpose: { $regex: '^concern' }, personId: studentId })
      .toArray();
    assert.equal(own.length, 2);
    for (const item of own)
      assert.ok(!JSON.stringify(item).includes(anonymousId), 'no concern id in the student’s items');
  });

  it('a named concern shows the name, and reaches the supervisor only when the student asks', async () => {
    const form = firstCard(await e2e.lastReply(priya, 'raise a concern'));
    const submit = executes(form).find((a) => a.verb === 'concern.submit')!;
    const thanks = await exec(priya, 'concern.submit', {
      ...submit.data,
      topic: 'placement',
      text: 'My clinical days keep being cancelled at short notice.',
      anonymous: 'false',
      tellSupervisor: 'true',
    });
    assert.match(allText(thanks), /They can see your name/);
    assert.match(allText(thanks), /Sam Okoro \(your supervisor\)/);
    await e2e.services.sender.drain();
    for (const receiver of [wendy, amira, sam]) {
      const named = concernCards(receiver).filter((a) =>
        /Priya Shah has raised a concern/.test(String(a.summary)),
      );
      assert.equal(named.length, 1, receiver.name);
      const text = allText(firstCard(named[0]));
      assert.match(text, /A concern from Priya Shah/);
      assert.match(text, /Priya Shah \(Spring 2025\)/);
    }
    // Receivers' names are looked up when a card is drawn, never stored: erasing one leaves none behind.
    const docs = await e2e.services.database.db.collection(collections.concerns.name).find({}).toArray();
    for (const name of ['Wendy Marsh', 'Amira Fraser', 'Sam Okoro'])
      assert.ok(!JSON.stringify(docs).includes(name), `${name} is not stored on a concern`);
    // The student's own journey export lists the named concern only (not the anonymous one), without its words.
    const card = firstCard(await e2e.lastReply(priya, 'export my journey'))!;
    const htmlUrl = (card.actions as { type: string; url: string }[]).find(
      (a) => a.type === 'Action.OpenUrl',
    )!.url;
    const html = await (await fetch(htmlUrl.replace('http://localhost:3978', e2e.baseUrl))).text();
    assert.match(html, /Concerns raised/);
    assert.match(html, /<td>My placement<\/td><td>Sent<\/td>/);
    assert.doesNotMatch(html, /Conduct/);
    assert.doesNotMatch(html, /clinical days keep being cancelled|shouts at students/);
  });

  it("the support answer's Raise a concern button opens the form, and the guardian can still be messaged directly", async () => {
    const reply = await e2e.lastReply(priya, 'I am being bullied on placement');
    const card = firstCard(reply);
    assert.match(allText(card), /I'm sorry things are hard right now/);
    assert.match(allText(card), /Message Amira Fraser \(Freedom to Speak Up\)/);
    const button = executes(card).find((a) => a.verb === 'concern.start');
    assert.ok(button, 'a Raise a concern button');
    const form = await exec(priya, 'concern.start', button.data);
    assert.match(allText(form), /Raise a concern/);
    assert.ok(executes(form).some((a) => a.verb === 'concern.submit'));
    assert.match(allText(form), /Message Amira Fraser directly/);
  });

  it('erasing the student deletes their named concern and the sealed sender of the anonymous one', async () => {
    const db = e2e.services.database.db;
    const studentId = world.id(priya);
    const person = (await e2e.services.people.byId(TENANT, studentId))!;
    await e2e.services.dataProtection.personalData.erase(TENANT, person, new Date(), {
      actorId: null,
      via: 'cli',
    });
    const left = [
      ...(await db.collection(collections.concerns.name).find({}).toArray()),
      ...(await db.collection(collections.concernSenders.name).find({}).toArray()),
    ];
    assert.deepEqual(
      left.filter((d) => JSON.stringify(d).includes(studentId)),
      [],
    );
    assert.equal(await db.collection(collections.concernSenders.name).countDocuments({}), 0);
  });
});
