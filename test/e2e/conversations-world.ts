/**
 * The world of the 20-minute-conversations e2e story: a cohort of students, AHP hosts of several
 * professions and a lead, over real HTTP with the controllable clock, and the helpers the story
 * uses. Call it inside the describe: it adds the before and after hooks.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { slotId, type BookingDoc } from '../../src/features/conversations/conversations-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

export const at = (iso: string) => new Date(iso);

export function conversationsWorld() {
  const e2e = new E2E();
  let cohortId: string;
  const students: TestUser[] = [];
  const hosts: Record<string, { user: TestUser; hostId: string; personId: string }> = {};
  const lead: TestUser = {
    id: '29:lead',
    aadObjectId: 'aad-lead',
    name: 'Alex Morgan',
    email: 'alex.morgan@example.nhs.uk',
  };

  const bookings = () =>
    e2e.services.database.db.collection<BookingDoc>(collections.conversationBookings.name);
  const personOf = async (u: TestUser) => (await e2e.services.people.byEmail(TENANT, u.email!))!;
  const invoke = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { type: string; value: unknown };
  };
  const texts = (body: { type: string; value: unknown }) =>
    typeof body.value === 'string' ? [body.value] : cardTexts(body.value);
  const bookData = (host: string, startsAt: string, extra: Record<string, unknown> = {}) => ({
    slotId: slotId(TENANT, hosts[host]!.hostId, at(startsAt)),
    hostId: hosts[host]!.hostId,
    startsAt: at(startsAt).toISOString(),
    ...extra,
  });
  const outboxItem = (dedupeKey: string) =>
    e2e.services.database.db.collection(collections.outbox.name).findOne({ dedupeKey });
  const waitForCard = (u: TestUser, prefix: string) =>
    e2e.connector.waitFor(() => cardsIn(u).some((c) => c.startsWith(prefix)), 20_000);
  const cardsIn = (u: TestUser) =>
    e2e.sentTo(`a:personal-${u.id}`).map((a) => cardTexts(firstCard(a)).join(' | '));

  async function addHost(key: string, name: string, profession: string, roleType: string, weeklyCap: number) {
    const email = `${key}@example.nhs.uk`;
    const user: TestUser = { id: `29:host-${key}`, aadObjectId: `aad-host-${key}`, name, email };
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
        weeklyCap,
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
    const host = await e2e.services.conversations.hosts.byEmail(TENANT, email);
    hosts[key] = { user: e2e.teamsUser(user), hostId: host!._id, personId };
  }

  async function publish(host: string, data: Record<string, unknown>) {
    const body = await invoke(hosts[host]!.user, 'conv.slots.publish', data);
    return texts(body).join(' | ');
  }

  before(async () => {
    // The races below send 20 and 50 card actions at once to one instance. On a busy 2-core
    // host the last of them wait seconds for their turn (the host's scheduling, not a booking's
    // work), and at the default 4 s limit they would be answered with the time-limit notice
    // instead of the booking outcome these tests are about. That limit is tested in
    // test/security/turn-time-limit.test.ts; a card action's own work, in
    // card-action-speed.e2e.test.ts and bench/.
    await e2e.start({ INVOKE_TIMEOUT_MS: '60000' });
    e2e.clock.set(at('2025-10-20T08:00:00Z')); // Mon 20 Oct 2025, 09:00 BST
    const now = e2e.clock.now();
    const { people, cohorts } = e2e.services;
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 3',
        ...DEFAULT_COHORT,
        startDate: '2025-10-13',
        leadershipDays: ['Wed', 'Thu', 'Fri'],
      },
      now,
    ));
    for (let i = 0; i < 60; i++) {
      const u: TestUser = {
        id: `29:student-${i}`,
        aadObjectId: `aad-student-${i}`,
        name: `Student ${String(i).padStart(2, '0')}`,
        email: `student${i}@example.ac.uk`,
      };
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles: ['student'],
          profession: i % 2 ? 'physiotherapy' : 'occupational therapy',
          cohortId,
          timeZone: null,
        },
        now,
      );
      const p = await personOf(u);
      await people.linkTeamsIdentity(TENANT, p._id, { teamsUserId: u.id, aadObjectId: u.aadObjectId }, now);
      students.push(e2e.teamsUser(u));
    }
    await people.upsertByEmail(
      TENANT,
      {
        email: lead.email!,
        displayName: lead.name,
        roles: ['lead'],
        profession: 'occupational therapy',
        cohortId,
        timeZone: null,
      },
      now,
    );
    e2e.teamsUser(lead);
    await addHost('physio-a', 'Daniel Roberts', 'physiotherapy', 'clinical specialist', 10);
    await addHost('physio-b', 'Rhys Evans', 'physiotherapy', 'research', 10);
    await addHost('diet', 'Jas Taylor', 'dietetics', 'quality improvement', 3);
    await addHost('ot', 'Amira Fraser', 'occupational therapy', 'FTSU guardian', 5);
    await addHost('pod', 'Nia Okoro', 'podiatry', 'EDI lead', 5);
  });
  after(() => e2e.stop());
  return {
    e2e,
    get cohortId() {
      return cohortId;
    },
    students,
    hosts,
    lead,
    bookings,
    personOf,
    invoke,
    texts,
    bookData,
    outboxItem,
    waitForCard,
    cardsIn,
    addHost,
    publish,
  };
}
