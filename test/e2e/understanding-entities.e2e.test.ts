/* eslint-disable @typescript-eslint/no-explicit-any -- activities and cards are untyped JSON here */
/**
 * Entities in what people write (issue 25, item 1): a profession or role pre-filters the
 * booking card ("book me a chat with someone from physio", "the EDI lead"), and a week opens
 * that week's check-in ("last week's check-in").
 */
import assert from 'node:assert/strict';
import { slotId } from '../../src/features/conversations/conversations-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { seedAhpHost, seedPerson, seedWorld } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:ent-${key}`,
  aadObjectId: `aad-ent-${key}`,
  name,
  email: `${key}.ent@example.nhs.uk`,
});

describe('e2e: entities in free text (booking filter, check-in week)', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const student = user('student', 'Sara Lang');
  const phil = user('phil', 'Phil Physio');
  const edna = user('edna', 'Edna Equity');
  const dan = user('dan', 'Dan Diet');
  // Mon 17 Feb 2025, 09:00 London: week 3 of the default cohort (from Mon 3 Feb).
  const now = new Date('2025-02-17T09:00:00Z');

  const hostNames = (card: any): string[] =>
    [phil, edna, dan].map((u) => u.name).filter((n) => cardTexts(card).some((t) => t.includes(n)));

  before(async () => {
    e2e.clock.set(now);
    await e2e.start({}, { engines: false });
    const { cohortId } = await seedWorld(e2e, { cohort: { name: 'Entities cohort' }, people: [], now });
    await seedPerson(e2e, student, ['student'], {
      cohortId,
      now,
      extra: { profession: 'speech and language therapy' },
    });
    const hosts: [TestUser, string, string][] = [
      [phil, 'physiotherapy', 'Clinical specialist'],
      [edna, 'occupational therapy', 'EDI lead'],
      [dan, 'dietetics', 'Team lead'],
    ];
    for (const [u, profession, roleType] of hosts) {
      const personId = await seedPerson(e2e, u, ['ahp-host'], { cohortId: null, now, extra: { profession } });
      await seedAhpHost(
        e2e,
        personId,
        { profession, roleType, bio: '', location: 'Main hospital', weeklyCap: 3 },
        now,
      );
    }
    // One free slot each, on Wed 19 Feb (a leadership day).
    const active = await e2e.services.conversations.hosts.active(TENANT);
    const startsAt = new Date('2025-02-19T10:00:00Z');
    await e2e.services.conversations.repo.insertSlots(
      TENANT,
      active.map((h) => ({
        _id: slotId(TENANT, h._id, startsAt),
        hostId: h._id,
        hostPersonId: h.personId!,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 1_200_000),
        state: 'open' as const,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      })),
    );
  });
  after(() => e2e.stop());

  it('"book a conversation" offers every host', async () => {
    const card = firstCard(await e2e.lastReply(student, 'book a conversation'));
    assert.deepEqual(hostNames(card), [phil.name, edna.name, dan.name], cardTexts(card).join(' | '));
  });

  it('a profession in the text pre-filters the booking card: "book me a chat with someone from physio"', async () => {
    const card = firstCard(await e2e.lastReply(student, 'book me a chat with someone from physio'));
    assert.ok(card, 'a booking card');
    assert.deepEqual(hostNames(card), [phil.name], cardTexts(card).join(' | '));
  });

  it('a role in the text pre-filters the booking card: "I\'d like to book a chat with the EDI lead"', async () => {
    const card = firstCard(await e2e.lastReply(student, "I'd like to book a chat with the EDI lead"));
    assert.deepEqual(hostNames(card), [edna.name], cardTexts(card).join(' | '));
  });

  it('a week in the text opens that week: "last week\'s check-in" is week 2', async () => {
    const reply = firstCard(await e2e.lastReply(student, "last week's check-in"));
    const res = await e2e.post(e2e.execute(student, 'checkin.open', { week: 2 }));
    assert.deepEqual(cardTexts(reply), cardTexts(res.body.value));
    assert.ok(
      cardTexts(reply).some((t) => /week 2/i.test(t)),
      cardTexts(reply).join(' | '),
    );
  });
});
