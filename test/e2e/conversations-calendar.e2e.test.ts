/**
 * 20-minute conversations follow the placement calendar: a student is offered, by default,
 * only slots on their leadership days within the placement, can see all times and go back,
 * and can tell the host at booking what they would like to ask (validated, stored, shown to
 * the host, exported and erased with the student). Driven over real HTTP.
 */
import assert from 'node:assert/strict';
import { QUESTION_MAX } from '../../src/features/conversations/input.js';
import { slotId, type BookingDoc } from '../../src/features/conversations/conversations-repository.js';
import { collections } from '../../src/storage/collections.js';
import { ERASED_MESSAGE } from '../../src/features/data-protection/index.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const at = (iso: string) => new Date(iso);
type Body = { type: string; value: unknown };

describe('e2e: conversation slots follow the placement calendar, and the student can say what they want to ask', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const hosts: Record<string, { user: TestUser; hostId: string }> = {};
  const student: TestUser = {
    id: '29:cal-student',
    aadObjectId: 'aad-cal-student',
    name: 'Priya Shah',
    email: 'priya.shah@example.ac.uk',
  };
  const rival: TestUser = {
    id: '29:cal-rival',
    aadObjectId: 'aad-cal-rival',
    name: 'Sam Patel',
    email: 'sam.patel@example.ac.uk',
  };
  const QUESTION = 'What does a typical week look like in your role, and how did you get there?';

  const bookings = () =>
    e2e.services.database.db.collection<BookingDoc>(collections.conversationBookings.name);
  const invoke = async (u: TestUser, verb: string, data: Record<string, unknown>): Promise<Body> => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as Body;
  };
  const texts = (body: Body) => (typeof body.value === 'string' ? [body.value] : cardTexts(body.value));
  /** The slot buttons on a booking card, as "<host id> <start ISO>". */
  const offered = (card: unknown): string[] => {
    const found: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const r = node as { verb?: string; data?: { startsAt?: string; hostId?: string } };
      if (r.verb === 'conv.book' && r.data?.startsAt) found.push(`${r.data.hostId} ${r.data.startsAt}`);
      Object.values(node).forEach(walk);
    };
    walk(card);
    return found.sort();
  };
  const titles = (card: unknown): string[] => {
    const found: string[] = [];
    const walk = (node: unknown) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const r = node as { type?: string; title?: string };
      if (r.type === 'Action.Execute' && r.title) found.push(r.title);
      Object.values(node).forEach(walk);
    };
    walk(card);
    return found;
  };
  const slot = (host: string, iso: string) => `${hosts[host]!.hostId} ${at(iso).toISOString()}`;
  const bookData = (host: string, iso: string, extra: Record<string, unknown> = {}) => ({
    slotId: slotId(TENANT, hosts[host]!.hostId, at(iso)),
    hostId: hosts[host]!.hostId,
    startsAt: at(iso).toISOString(),
    ...extra,
  });
  const cardsIn = (u: TestUser) =>
    e2e.sentTo(`a:personal-${u.id}`).map((a) => cardTexts(firstCard(a)).join(' | '));
  const waitForCard = (u: TestUser, prefix: string) =>
    e2e.connector.waitFor(() => cardsIn(u).some((c) => c.startsWith(prefix)), 20_000);
  const lastCard = (u: TestUser) => firstCard(e2e.sentTo(`a:personal-${u.id}`).at(-1))!;
  /** Every stored document, in every collection, whose JSON contains `needle`. */
  const storedWith = async (needle: string): Promise<string[]> => {
    const hits: string[] = [];
    for (const { name } of await e2e.services.database.db.listCollections().toArray()) {
      for (const doc of await e2e.services.database.db.collection(name).find({}).toArray())
        if (JSON.stringify(doc).includes(needle)) hits.push(`${name} ${String(doc._id)}`);
    }
    return hits;
  };

  async function addHost(key: string, name: string, profession: string, roleType: string) {
    const email = `${key}@example.nhs.uk`;
    const user: TestUser = { id: `29:cal-host-${key}`, aadObjectId: `aad-cal-host-${key}`, name, email };
    const now = e2e.clock.now();
    const { id: personId } = await e2e.services.people.addRoleByEmail(
      TENANT,
      email,
      'ahp-host',
      { displayName: name, profession },
      now,
    );
    await e2e.services.conversations.hosts.upsertByEmail(
      TENANT,
      {
        email,
        displayName: name,
        profession,
        roleType,
        bio: `${roleType} in ${profession}.`,
        location: 'Fulbourn Hospital, room 2.1',
        weeklyCap: 10,
        personId,
      },
      now,
    );
    await e2e.services.people.linkTeamsIdentity(
      TENANT,
      personId,
      { teamsUserId: user.id, aadObjectId: user.aadObjectId },
      now,
    );
    hosts[key] = {
      user: e2e.teamsUser(user),
      hostId: (await e2e.services.conversations.hosts.byEmail(TENANT, email))!._id,
    };
  }

  async function publish(host: string, pubDate: string, pubTime: string) {
    const body = await invoke(hosts[host]!.user, 'conv.slots.publish', {
      pubDate,
      pubTime,
      pubCount: '1',
      pubBuffer: '0',
      pubWeeks: '1',
    });
    assert.match(texts(body).join(' | '), /Published 1 slot\./);
  }

  before(async () => {
    await e2e.start();
    e2e.clock.set(at('2025-10-20T08:00:00Z')); // Mon 20 Oct 2025, 09:00 BST
    const now = e2e.clock.now();
    // 4 weeks from Mon 13 Oct (ends Sun 9 Nov); clinical Mon/Tue; Thu 30 Oct is a study day.
    const { id: cohortId } = await e2e.services.cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 4',
        ...DEFAULT_COHORT,
        startDate: '2025-10-13',
        weeks: 4,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: ['2025-10-30'],
      },
      now,
    );
    for (const u of [student, rival]) {
      await e2e.services.people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles: ['student'],
          profession: 'occupational therapy',
          cohortId,
          timeZone: null,
        },
        now,
      );
      const p = (await e2e.services.people.byEmail(TENANT, u.email!))!;
      await e2e.services.people.linkTeamsIdentity(
        TENANT,
        p._id,
        { teamsUserId: u.id, aadObjectId: u.aadObjectId },
        now,
      );
      e2e.teamsUser(u);
    }
    await addHost('diet', 'Jas Taylor', 'dietetics', 'quality improvement');
    await addHost('slt', 'George Hughes', 'speech and language therapy', 'practice education');
    await publish('diet', '2025-10-27', '10:00'); // Mon: clinical
    await publish('diet', '2025-10-28', '10:00'); // Tue: clinical
    await publish('diet', '2025-10-29', '10:00'); // Wed: leadership
    await publish('slt', '2025-10-30', '14:00'); // Thu: the cohort's study day
    await publish('slt', '2025-10-31', '14:00'); // Fri: leadership
    await publish('slt', '2025-11-12', '14:00'); // Wed after the placement has ended
  });
  after(() => e2e.stop());

  it('offers only leadership-day slots by default, all with "Show all times", and back again', async () => {
    await e2e.post(e2e.message(student, 'book a conversation'));
    const first = lastCard(student);
    assert.deepEqual(
      offered(first),
      [slot('diet', '2025-10-29T10:00:00Z'), slot('slt', '2025-10-31T14:00:00Z')].sort(),
    );
    assert.ok(
      cardTexts(first).includes(
        'Showing times on your leadership days (Wed, Thu and Fri) during your placement. 4 other times are hidden.',
      ),
      cardTexts(first).join(' / '),
    );
    assert.ok(titles(first).includes('Show all times'));

    const all = (await invoke(student, 'conv.browse', { showAll: 'true', includeMet: 'false', question: '' }))
      .value;
    assert.deepEqual(
      offered(all),
      [
        slot('diet', '2025-10-27T10:00:00Z'),
        slot('diet', '2025-10-28T10:00:00Z'),
        slot('diet', '2025-10-29T10:00:00Z'),
        slot('slt', '2025-10-30T14:00:00Z'),
        slot('slt', '2025-10-31T14:00:00Z'),
        slot('slt', '2025-11-12T14:00:00Z'),
      ].sort(),
    );
    // The extra times say why they were hidden; the way back is on the card.
    const buttons = titles(all);
    for (const label of [
      'Mon 27 Oct, 10:00 · clinical day',
      'Tue 28 Oct, 10:00 · clinical day',
      'Wed 29 Oct, 10:00',
      'Thu 30 Oct, 14:00 · no placement',
      'Wed 12 Nov, 14:00 · outside placement',
      'Show leadership days only',
    ])
      assert.ok(buttons.includes(label), `${label} in ${buttons.join(' / ')}`);
    assert.ok(cardTexts(all).some((t) => t.startsWith('Showing all times')));

    const back = (await invoke(student, 'conv.browse', { showAll: 'false', includeMet: 'false' })).value;
    assert.deepEqual(offered(back), offered(first));
  });

  it('refuses a question over the limit with a clear message and writes nothing', async () => {
    const before = {
      bookings: await bookings().countDocuments(),
      holds: await e2e.services.database.db.collection(collections.conversationHolds.name).countDocuments(),
      outbox: await e2e.services.database.db.collection(collections.outbox.name).countDocuments(),
      jobs: await e2e.services.database.db.collection(collections.jobs.name).countDocuments(),
    };
    const long = 'Why '.repeat(80); // 320 characters
    const body = await invoke(
      student,
      'conv.book',
      bookData('diet', '2025-10-29T10:00:00Z', { question: long }),
    );
    const shown = texts(body);
    assert.ok(shown.includes('Your question is too long. Nothing was booked.'), shown.join(' / '));
    assert.ok(
      shown.includes(
        `Please keep your question to ${QUESTION_MAX} characters or fewer (it has ${long.trim().length}).`,
      ),
    );
    // The question stays in the box to shorten, and the times are still offered.
    assert.ok(JSON.stringify(body.value).includes(long.trim()));
    assert.ok(offered(body.value).includes(slot('diet', '2025-10-29T10:00:00Z')));
    assert.deepEqual(
      {
        bookings: await bookings().countDocuments(),
        holds: await e2e.services.database.db.collection(collections.conversationHolds.name).countDocuments(),
        outbox: await e2e.services.database.db.collection(collections.outbox.name).countDocuments(),
        jobs: await e2e.services.database.db.collection(collections.jobs.name).countDocuments(),
      },
      before,
    );
  });

  it("stores the trimmed question with the booking and shows it in the host's booking card, reminder and slots", async () => {
    const body = await invoke(
      student,
      'conv.book',
      bookData('diet', '2025-10-29T10:00:00Z', { question: `  ${QUESTION}  `, showAll: 'false' }),
    );
    assert.ok(texts(body).includes('Booked: 20 minutes with Jas Taylor'), texts(body).join(' / '));
    assert.ok(texts(body).includes('Your question for the host') && texts(body).includes(QUESTION));
    assert.ok(texts(body).includes("You're booked in with Jas Taylor, who can see your question below."));
    const stored = await bookings().findOne({ hostId: hosts['diet']!.hostId, state: 'booked' });
    assert.equal(stored?.question, QUESTION);

    // The host's booking card.
    await waitForCard(hosts['diet']!.user, 'Booked: 20 minutes with Priya Shah');
    const hostCard = cardsIn(hosts['diet']!.user).find((c) =>
      c.startsWith('Booked: 20 minutes with Priya Shah'),
    )!;
    assert.ok(hostCard.includes(`Priya Shah would like to ask | ${QUESTION}`), hostCard);

    // The host's own list of bookings.
    await e2e.post(e2e.message(hosts['diet']!.user, 'my slots'));
    assert.ok(cardTexts(lastCard(hosts['diet']!.user)).includes(`Would like to ask: ${QUESTION}`));

    // Moving it: every free time with the host, the ones off the student's leadership days labelled.
    const move = await invoke(student, 'conv.reschedule.start', { bookingId: stored!._id });
    assert.deepEqual(
      titles(move.value).filter((t) => t !== 'Refresh'),
      ['Mon 27 Oct, 10:00 · clinical day', 'Tue 28 Oct, 10:00 · clinical day'],
    );

    await e2e.post(e2e.message(hosts['diet']!.user, 'my bookings'));
    assert.ok(cardTexts(lastCard(hosts['diet']!.user)).includes(`Would like to ask: ${QUESTION}`));
    await e2e.post(e2e.message(student, 'my bookings'));
    assert.ok(cardTexts(lastCard(student)).includes(`Your question: ${QUESTION}`));

    // The day-before reminder (Tue 28 Oct 10:00 GMT) carries the question to the host.
    e2e.clock.set(at('2025-10-28T10:00:00Z'));
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await waitForCard(hosts['diet']!.user, 'Tomorrow: 20 minutes with Priya Shah');
    const reminder = cardsIn(hosts['diet']!.user).find((c) =>
      c.startsWith('Tomorrow: 20 minutes with Priya Shah'),
    )!;
    assert.ok(reminder.includes(`Priya Shah would like to ask | ${QUESTION}`), reminder);
  });

  it('a student who loses a slot keeps their question and their view of the times', async () => {
    const body = await invoke(
      rival,
      'conv.book',
      bookData('diet', '2025-10-29T10:00:00Z', { question: 'How do you lead change?', showAll: 'true' }),
    );
    assert.ok(texts(body).some((t) => t.startsWith('That slot was just taken.')));
    assert.ok(JSON.stringify(body.value).includes('How do you lead change?'));
    assert.ok(offered(body.value).includes(slot('slt', '2025-10-30T14:00:00Z')), 'still showing all times');
    assert.equal(await bookings().countDocuments({ question: 'How do you lead change?' }), 0);
  });

  it("is in the student's own data export and is erased with them", async () => {
    await e2e.post(e2e.message(student, 'export my data'));
    const url = new URL(lastCard(student).actions[0].url as string);
    const data = (await (await fetch(`${e2e.baseUrl}${url.pathname}`)).json()) as {
      collections: Record<string, { question?: string }[]>;
    };
    assert.deepEqual(
      data.collections[collections.conversationBookings.name]!.map((b) => b.question),
      [QUESTION],
    );
    assert.ok((await storedWith(QUESTION)).length > 0);
    await e2e.post(e2e.message(student, 'delete my data'));
    const res = (await e2e.eraseConfirmed(student, ERASED_MESSAGE)).body;
    assert.ok(texts(res).includes('Deleting your data'));
    assert.deepEqual(await storedWith(QUESTION), [], 'the question is left in stored documents');
  });
});
