/**
 * Issue 26 (conversations), over HTTP with the fake Bot Connector and the test clock:
 * - a student cannot book the same host twice the same day (it used the host's whole cap);
 * - an OT student is never offered occupational therapy as "a profession you haven't met yet";
 * - the host's booking card shows the student's profession next to "Student", not the host's own;
 * - the browse card's toggle says what it does ("Show hosts" did not);
 * - publishing slots for a past date is refused under the date field, and nothing is published.
 */
import assert from 'node:assert/strict';
import { SAME_DAY_HOST } from '../../src/features/conversations/same-day-host.js';
import { slotId } from '../../src/features/conversations/conversations-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const at = (iso: string) => new Date(iso);

describe('e2e: 20-minute conversations are fair and say what is true', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const hosts: Record<string, { user: TestUser; hostId: string; personId: string }> = {};
  const student = (key: string, name: string): TestUser => ({
    id: `29:cf-${key}`,
    aadObjectId: `aad-cf-${key}`,
    name,
    email: `${key}@example.ac.uk`,
  });
  const olu = student('olu', 'Olu Adeyemi'); // occupational therapy
  const kim = student('kim', 'Kim Lee'); // physiotherapy

  const invoke = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as { type: string; value: unknown };
  };
  const texts = (body: { type: string; value: unknown }) =>
    typeof body.value === 'string' ? [body.value] : cardTexts(body.value);
  const bookData = (host: string, startsAt: string) => ({
    slotId: slotId(TENANT, hosts[host]!.hostId, at(startsAt)),
    hostId: hosts[host]!.hostId,
    startsAt: at(startsAt).toISOString(),
  });

  async function addHost(key: string, name: string, profession: string, roleType: string, weeklyCap: number) {
    const email = `${key}@example.nhs.uk`;
    const user: TestUser = { id: `29:cf-host-${key}`, aadObjectId: `aad-cf-host-${key}`, name, email };
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
        bio: `${roleType}.`,
        location: 'Room 2.1',
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
  const publish = async (host: string, data: Record<string, unknown>) =>
    invoke(hosts[host]!.user, 'conv.slots.publish', {
      pubCount: '2',
      pubBuffer: '10',
      pubWeeks: '1',
      ...data,
    });

  before(async () => {
    await e2e.start();
    e2e.clock.set(at('2025-10-20T08:00:00Z')); // Mon 20 Oct 2025, 09:00 BST
    const now = e2e.clock.now();
    const { id: cohortId } = await e2e.services.cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 3',
        ...DEFAULT_COHORT,
        startDate: '2025-10-13',
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        supervision: null,
      },
      now,
    );
    for (const [u, profession] of [
      [olu, 'occupational therapy'],
      [kim, 'physiotherapy'],
    ] as const) {
      await e2e.services.people.upsertByEmail(
        TENANT,
        { email: u.email!, displayName: u.name, roles: ['student'], profession, cohortId, timeZone: null },
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
    await addHost('diet', 'Jas Taylor', 'dietetics', 'quality improvement', 2);
    await addHost('ot', 'Amira Fraser', 'occupational therapy', 'FTSU guardian', 5);
  });
  after(() => e2e.stop());

  it('refuses a second booking of the same host the same day; the next student gets the slot', async () => {
    await publish('diet', { pubDate: '2025-10-22', pubTime: '10:00' }); // Wed 22 Oct, 10:00 and 10:30 BST
    const first = await invoke(olu, 'conv.book', bookData('diet', '2025-10-22T09:00:00Z'));
    assert.ok(texts(first).includes('Booked: 20 minutes with Jas Taylor'), texts(first).join(' / '));
    const second = texts(await invoke(olu, 'conv.book', bookData('diet', '2025-10-22T09:30:00Z'))).join(
      ' / ',
    );
    assert.ok(second.includes(SAME_DAY_HOST), second);
    const other = await invoke(kim, 'conv.book', bookData('diet', '2025-10-22T09:30:00Z'));
    assert.ok(texts(other).includes('Booked: 20 minutes with Jas Taylor'), texts(other).join(' / '));
  });

  it("the host's booking card shows the student's profession, not the host's", async () => {
    const hostConv = `a:personal-${hosts['diet']!.user.id}`;
    await e2e.connector.waitFor(
      () =>
        e2e
          .sentTo(hostConv)
          .some((a) => JSON.stringify(firstCard(a)).includes('Booked: 20 minutes with Olu Adeyemi')),
      20_000,
    );
    const card = e2e
      .sentTo(hostConv)
      .map((a) => firstCard(a))
      .find((c) => JSON.stringify(c).includes('Booked: 20 minutes with Olu Adeyemi'));
    const facts = JSON.stringify(card);
    assert.match(
      facts,
      /"title":"Student","value":"Olu Adeyemi"\},\{"title":"Profession","value":"occupational therapy"\}/,
    );
    assert.doesNotMatch(facts, /dietetics/);
  });

  it('never offers an OT student occupational therapy as a profession not met yet', async () => {
    await publish('ot', { pubDate: '2025-10-23', pubTime: '11:00' });
    const shown = cardTexts(
      (await invoke(olu, 'conv.browse', { includeMet: 'false', showAll: 'true' })).value,
    );
    assert.ok(shown.includes('Amira Fraser'), shown.join(' / '));
    assert.ok(!shown.some((t) => /haven't met yet: occupational therapy/.test(t)), shown.join(' / '));
    assert.ok(
      shown.some((t) => /A role you haven't met yet: FTSU guardian \(in your own profession\)/.test(t)),
      shown.join(' / '),
    );
  });

  it("the browse card's toggle says what it does", async () => {
    const card = JSON.stringify(
      (await invoke(kim, 'conv.browse', { includeMet: 'false', showAll: 'true' })).value,
    );
    assert.doesNotMatch(card, /"label":"Show hosts"/);
    assert.match(card, /"label":"Hosts you have already met"/);
    assert.match(card, /Also list them, then choose Refresh/);
  });

  it('refuses to publish slots for a past date, under the date field, and publishes nothing', async () => {
    const before = await e2e.services.conversations.repo.openSlots(
      TENANT,
      at('2025-01-01T00:00:00Z'),
      at('2026-01-01T00:00:00Z'),
      hosts['ot']!.hostId,
    );
    const body = texts(await publish('ot', { pubDate: '2025-10-13', pubTime: '10:00', pubWeeks: '3' })).join(
      ' | ',
    );
    assert.match(
      body,
      /That date has passed: choose today \(Mon 20 Oct 2025\) or a later date\. Nothing was published\./,
    );
    assert.doesNotMatch(body, /Published/);
    const after = await e2e.services.conversations.repo.openSlots(
      TENANT,
      at('2025-01-01T00:00:00Z'),
      at('2026-01-01T00:00:00Z'),
      hosts['ot']!.hostId,
    );
    assert.equal(after.length, before.length);
  });
});
