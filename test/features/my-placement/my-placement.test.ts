/**
 * `my placement` against the real local database: the student's week, what today and tomorrow
 * are (bank holiday, study day, pause, leadership, weekend), before the start and after the end,
 * in the person's time zone; their supervisor, placement lead and next conversation; and the
 * answers for a student on no cohort and for staff.
 *
 * Cohort "Physio spring": Mon 28 Apr 2025, 6 weeks, Mon/Tue clinical, Wed/Thu leadership
 * (last placement day Thu 5 Jun 2025). Mon 5 May 2025 is the Early May bank holiday.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AdaptiveCard } from '../../../src/cards/cards.js';
import { ControllableClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { NO_COHORT } from '../../../src/features/my-placement/my-placement.js';
import { HttpConnectorClient } from '../../../src/proactive/connector-client.js';
import { noTokens } from '../../../src/proactive/token-provider.js';
import { createServices, type Services } from '../../../src/services.js';
import { tenantDocId } from '../../../src/storage/documents.js';
import type { Database } from '../../../src/storage/mongo.js';
import type { PersonDoc, Role } from '../../../src/storage/people-repository.js';
import { dropAndClose, freshDatabase } from '../../helpers/db.js';
import { bookingDoc } from '../../helpers/world.js';

const T = 'tenant-my-placement';

/** The card's facts by title, its headline texts, and its buttons' urls by title. */
function read(answer: AdaptiveCard | string) {
  if (typeof answer === 'string') assert.fail(`a card, not "${answer}"`);
  const facts = new Map<string, string>();
  const texts: string[] = [];
  const buttons = new Map<string, string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const r = node as Record<string, unknown>;
    if (r.type === 'FactSet')
      for (const f of r.facts as { title: string; value: string }[]) facts.set(f.title, f.value);
    if (r.type === 'TextBlock') texts.push(String(r.text));
    if (r.type === 'Action.OpenUrl') buttons.set(String(r.title), String(r.url));
    Object.values(r).forEach(walk);
  };
  walk(answer);
  return { facts, texts, buttons };
}

describe('my placement: a student sees their own placement (real database)', function () {
  this.timeout(60_000);
  let database: Database;
  let services: Services;
  const clock = new ControllableClock();
  let cohortId: string;
  let student: PersonDoc;

  async function person(
    key: string,
    name: string,
    roles: Role[],
    cohort: string | null,
    timeZone: string | null = null,
  ) {
    const email = `${key}@example.nhs.uk`;
    await services.people.upsertByEmail(
      T,
      { email, displayName: name, roles, profession: 'physiotherapy', cohortId: cohort, timeZone },
      clock.now(),
    );
    return (await services.people.byEmail(T, email))!;
  }

  const at = (iso: string) => clock.set(new Date(iso));
  const card = (who: PersonDoc = student, askedDay?: string) => services.myPlacement.card(T, who, askedDay);

  before(async () => {
    database = await freshDatabase('myplacement');
    services = createServices({
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      clock,
      logger: createLogger('silent'),
      database,
      connector: new HttpConnectorClient(noTokens),
    });
    at('2025-04-01T09:00:00Z');
    ({ id: cohortId } = await services.cohorts.upsertByName(
      T,
      {
        name: 'Physio spring',
        startDate: '2025-04-28',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu'],
        nonPlacementDates: ['2025-05-14'],
        supervision: { weekday: 'Thu', time: '14:00' },
        timeZone: 'Europe/London',
        teamsChannelId: null,
      },
      clock.now(),
    ));
    student = await person('priya', 'Priya Shah', ['student'], cohortId);
    const supervisor = await person('sam', 'Sam Okoro', ['supervisor'], cohortId);
    await person('wendy', 'Wendy Marsh', ['lead'], cohortId);
    await services.supervisions.link(T, student._id, supervisor._id, clock.now());
  });

  after(async () => {
    await dropAndClose(database);
  });

  it('before the start: says when it starts and what the first day is', async () => {
    at('2025-04-25T10:00:00Z');
    const { facts, texts } = read(await card());
    assert.ok(texts.includes('Your placement starts on Mon 28 Apr 2025 (in 3 days).'), texts.join(' | '));
    assert.equal(facts.get('First day'), 'Clinical day');
    assert.equal(facts.get('Dates'), 'Mon 28 Apr 2025 to Thu 5 Jun 2025');
    assert.equal(facts.has('Today'), false);
    at('2025-04-27T10:00:00Z');
    assert.ok(read(await card()).texts.includes('Your placement starts on Mon 28 Apr 2025 (tomorrow).'));
  });

  it('on a bank holiday: week 2 of 6, no placement today and why, clinical tomorrow', async () => {
    at('2025-05-05T08:00:00Z');
    const { facts, texts } = read(await card());
    assert.ok(texts.includes('Week 2 of 6'), texts.join(' | '));
    assert.ok(texts.includes('Physio spring · Mon 5 May 2025'));
    assert.equal(facts.get('Today'), 'No placement: Early May bank holiday');
    assert.equal(facts.get('Tomorrow'), 'Clinical day');
  });

  it('a day asked about gets one more line: what it is, or a plain sentence when past or outside', async () => {
    at('2025-05-06T12:00:00Z'); // Tue 6 May, week 2
    const asked = async (day: string) => {
      const { facts } = read(await card(student, day));
      return [...facts].filter(
        ([title]) =>
          !['First day', 'Today', 'Tomorrow', 'Dates', 'Supervisor', 'Lead', 'Next chat'].includes(title),
      );
    };
    assert.deepEqual(await asked('thursday'), [['Thu 8 May', 'Leadership day']]);
    assert.deepEqual(await asked('next monday'), [['Mon 12 May', 'Clinical day']]);
    assert.deepEqual(await asked('14 may'), [
      ['Wed 14 May', 'No placement: study day or other non-placement day'],
    ]);
    assert.deepEqual(await asked('26 may'), [['Mon 26 May', 'No placement: Spring bank holiday']]);
    assert.deepEqual(await asked('5 may'), [['Mon 5 May', 'That day has passed.']]);
    assert.deepEqual(await asked('20 jun'), [['Fri 20 Jun', "That's after your placement ends."]]);
    assert.deepEqual(await asked('wednesday'), [], 'tomorrow is on the card already');
    at('2025-04-25T10:00:00Z');
    assert.deepEqual(await asked('sunday'), [['Sun 27 Apr', "That's before your placement starts."]]);
  });

  it('names leadership days, and the weekend after them', async () => {
    at('2025-05-06T12:00:00Z');
    let facts = read(await card()).facts;
    assert.equal(facts.get('Today'), 'Clinical day');
    assert.equal(facts.get('Tomorrow'), 'Leadership day');
    at('2025-05-08T12:00:00Z');
    facts = read(await card()).facts;
    assert.equal(facts.get('Today'), 'Leadership day');
    assert.equal(facts.get('Tomorrow'), 'No placement: not one of your placement days');
    at('2025-05-10T12:00:00Z');
    assert.equal(read(await card()).facts.get('Today'), 'No placement: weekend');
  });

  it("reads today in the person's time zone, the cohort's by default", async () => {
    // 23:30 UTC on the bank holiday is 00:30 on Tuesday in London (BST), still Monday in New York.
    at('2025-05-05T23:30:00Z');
    assert.equal(read(await card()).facts.get('Today'), 'Clinical day');
    const abroad = await person('tom', 'Tom Reid', ['student'], cohortId, 'America/New_York');
    const { facts, texts } = read(await card(abroad));
    assert.equal(facts.get('Today'), 'No placement: Early May bank holiday');
    assert.ok(texts.includes('Physio spring · Mon 5 May 2025'));
  });

  it("says why a non-placement day has no placement: the study day's title when an event made it", async () => {
    at('2025-05-13T09:00:00Z');
    assert.equal(
      read(await card()).facts.get('Tomorrow'),
      'No placement: study day or other non-placement day',
    );
    const now = clock.now();
    await services.events.repo.insertEvent(T, {
      _id: tenantDocId(T, 'event', randomUUID()),
      cohortId,
      kind: 'preceptorship-study-day',
      title: 'Preceptorship study day',
      date: '2025-05-14',
      startTime: '09:30',
      endTime: '16:00',
      timeZone: 'Europe/London',
      startsAt: new Date('2025-05-14T08:30:00Z'),
      endsAt: new Date('2025-05-14T15:00:00Z'),
      location: 'Education centre',
      onlineLink: null,
      description: '',
      nonPlacement: true,
      addedNonPlacementDate: false,
      state: 'scheduled',
      revision: 1,
      createdBy: null,
      cancelledAt: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    assert.equal(read(await card()).facts.get('Tomorrow'), 'No placement: Preceptorship study day');
  });

  it("shows the student's own pause (sickness) as no placement", async () => {
    const paused = await person('ana', 'Ana Lopes', ['student'], cohortId);
    await services.checkins.repo.addPause(
      T,
      { studentId: paused._id, cohortId, from: '2025-05-19', to: '2025-05-20', reason: 'sickness' },
      'someone',
      clock.now(),
    );
    at('2025-05-19T09:00:00Z');
    assert.equal(
      read(await card(paused)).facts.get('Today'),
      'No placement: your placement is paused (sickness)',
    );
    assert.equal(read(await card()).facts.get('Today'), 'Clinical day');
  });

  it('names the supervisor and placement lead, with a Teams chat button for each', async () => {
    at('2025-05-06T09:00:00Z');
    const { facts, buttons } = read(await card());
    assert.equal(facts.get('Supervisor'), 'Sam Okoro');
    assert.equal(facts.get('Lead'), 'Wendy Marsh');
    assert.deepEqual(Object.fromEntries(buttons), {
      'Chat to Sam Okoro (supervisor)': 'https://teams.microsoft.com/l/chat/0/0?users=sam%40example.nhs.uk',
      'Chat to Wendy Marsh (placement lead)':
        'https://teams.microsoft.com/l/chat/0/0?users=wendy%40example.nhs.uk',
    });
  });

  it('shows the next booked 20-minute conversation, or how to book one', async () => {
    at('2025-05-06T09:00:00Z');
    assert.equal(read(await card()).facts.get('Next chat'), 'None booked yet: type book a conversation');
    const hostPerson = await person('dev', 'Dev Patel', ['ahp-host'], null);
    await services.conversations.hosts.upsertByEmail(
      T,
      {
        email: hostPerson.email,
        displayName: 'Dev Patel',
        profession: 'Dietetics',
        roleType: 'Clinical specialist',
        bio: '',
        location: 'online',
        weeklyCap: 3,
        personId: hostPerson._id,
      },
      clock.now(),
    );
    const host = (await services.conversations.hosts.byEmail(T, hostPerson.email))!;
    const book = async (startsAt: Date, state: 'booked' | 'cancelled') => {
      const now = clock.now();
      await services.conversations.repo.insertBooking(
        T,
        bookingDoc(
          T,
          {
            hostId: host._id,
            hostPersonId: hostPerson._id,
            studentId: student._id,
            cohortId,
            startsAt,
            profession: 'Dietetics',
            roleType: 'Clinical specialist',
            weekKey: '2025-W19',
            state,
          },
          now,
        ),
      );
    };
    await book(new Date('2025-05-05T09:00:00Z'), 'booked'); // yesterday: over
    await book(new Date('2025-05-07T09:00:00Z'), 'cancelled');
    await book(new Date('2025-05-08T09:00:00Z'), 'booked');
    await book(new Date('2025-05-09T09:00:00Z'), 'booked');
    assert.equal(
      read(await card()).facts.get('Next chat'),
      'Thu 8 May, 10:00 with Dev Patel (Dietetics · Clinical specialist)',
    );
  });

  it('after the last placement day: says it ended, and no days or next chat', async () => {
    at('2025-06-06T09:00:00Z');
    const { facts, texts } = read(await card());
    assert.ok(texts.includes('Your placement ended on Thu 5 Jun 2025.'), texts.join(' | '));
    assert.equal(facts.has('Today'), false);
    assert.equal(facts.has('Next chat'), false);
    assert.equal(facts.get('Supervisor'), 'Sam Okoro');
    at('2025-06-05T09:00:00Z');
    const last = read(await card()).facts;
    assert.equal(last.get('Today'), 'Leadership day');
    assert.equal(last.get('Tomorrow'), 'No placement: your placement has ended');
  });

  it('a student on no cohort gets a kind sentence saying who to ask', async () => {
    const loose = await person('lee', 'Lee Park', ['student'], null);
    assert.equal(await card(loose), NO_COHORT);
    assert.match(NO_COHORT, /placement lead or university placement team/);
  });

  it('staff get a pointer to their own view, not an error', async () => {
    const supervisor = (await services.people.byEmail(T, 'sam@example.nhs.uk'))!;
    const lead = (await services.people.byEmail(T, 'wendy@example.nhs.uk'))!;
    const host = (await services.people.byEmail(T, 'dev@example.nhs.uk'))!;
    assert.match(String(await card(supervisor)), /\*\*my students\*\*/);
    assert.match(String(await card(lead)), /\*\*cohort status\*\*/);
    assert.match(String(await card(host)), /\*\*my bookings\*\*/);
  });
});
