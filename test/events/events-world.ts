/**
 * The placement-events e2e world: one cohort of 5 students, two leads of it and a lead of
 * another cohort, all installed over real HTTP with the controllable clock (Mon 3 Feb 2025),
 * and the helpers the events story uses. Call it inside the describe: it adds the hooks.
 */
import assert from 'node:assert/strict';
import { eventId as makeEventId, type EventDoc } from '../../src/features/events/events-repository.js';
import { collections } from '../../src/storage/collections.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from '../e2e/harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

export const at = (iso: string) => new Date(iso);

export function eventsWorld() {
  const e2e = new E2E();
  let cohortId: string;
  const students: TestUser[] = [];
  const lead: TestUser = {
    id: '29:ev-lead',
    aadObjectId: 'aad-ev-lead',
    name: 'Alex Morgan',
    email: 'alex.morgan@example.nhs.uk',
  };
  const otherLead: TestUser = {
    id: '29:ev-lead-b',
    aadObjectId: 'aad-ev-lead-b',
    name: 'Sam Patel',
    email: 'sam.patel@example.nhs.uk',
  };
  const coLead: TestUser = {
    id: '29:ev-colead',
    aadObjectId: 'aad-ev-colead',
    name: 'Jo Lee',
    email: 'jo.lee@example.nhs.uk',
  };
  const REQUEST = '7f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b';
  const eventId = makeEventId(TENANT, REQUEST);

  const db = () => e2e.services.database.db;
  const counts = async () => ({
    events: await db().collection(collections.events.name).countDocuments(),
    invitations: await db().collection(collections.eventInvitations.name).countDocuments(),
    outbox: await db()
      .collection(collections.outbox.name)
      .countDocuments({ purpose: /^event\./ }),
    cohort: JSON.stringify((await e2e.services.cohorts.byId(TENANT, cohortId))!.nonPlacementDates),
  });
  const invoke = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.value;
  };
  const texts = (value: unknown) => (typeof value === 'string' ? [value] : cardTexts(value));
  const runDue = async () => {
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await fetch(`${e2e.baseUrl}/test/outbox/drain`, { method: 'POST' });
  };
  /** Each card sent to the person: its texts, then its JSON (facts such as the date and time). */
  const cardsIn = (u: TestUser) =>
    e2e
      .sentTo(`a:personal-${u.id}`)
      .map((a) => `${cardTexts(firstCard(a)).join(' | ')} ${JSON.stringify(firstCard(a) ?? {})}`);
  const outbox = (purpose: string) => db().collection(collections.outbox.name).find({ purpose }).toArray();
  const say = async (u: TestUser, text: string) => {
    const message = e2e.message(u, text);
    await e2e.post(message);
    return e2e.sentTo(`a:personal-${u.id}`).filter((a) => a.replyToId === message.id);
  };
  const event = async () =>
    (await db().collection<EventDoc>(collections.events.name).findOne({ _id: eventId }))!;

  const valid = (extra: Record<string, unknown> = {}) => ({
    requestId: REQUEST,
    fixedCohortId: cohortId,
    title: 'Preceptorship study day',
    kind: 'preceptorship-study-day',
    date: '2025-02-10',
    startTime: '09:30',
    endTime: '16:30',
    location: 'Education Centre, room 4',
    onlineLink: 'https://teams.microsoft.com/l/meetup-join/abc',
    description: 'Meet this year’s preceptors and plan your first months in post.',
    nonPlacement: 'true',
    ...extra,
  });

  before(async () => {
    await e2e.start();
    e2e.clock.set(at('2025-02-03T10:00:00Z')); // Mon 3 Feb 2025, week 1 day 1
    const now = e2e.clock.now();
    const { people, cohorts } = e2e.services;
    const calendar = {
      ...DEFAULT_COHORT,
      clinicalDays: ['Mon', 'Tue'] as ('Mon' | 'Tue')[],
      leadershipDays: ['Wed', 'Thu', 'Fri'] as ('Wed' | 'Thu' | 'Fri')[],
      supervision: { weekday: 'Thu' as const, time: '14:00' },
    };
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      { name: 'Leadership 2025 cohort 2', ...calendar },
      now,
    ));
    const { id: otherCohort } = await cohorts.upsertByName(
      TENANT,
      { name: 'Leadership 2025 cohort 3', ...calendar },
      now,
    );
    const add = async (u: TestUser, roles: ('student' | 'lead')[], cohort: string) => {
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession: 'physiotherapy',
          cohortId: cohort,
          timeZone: null,
        },
        now,
      );
      const p = (await people.byEmail(TENANT, u.email!))!;
      await people.linkTeamsIdentity(TENANT, p._id, { teamsUserId: u.id, aadObjectId: u.aadObjectId }, now);
      e2e.teamsUser(u);
      await e2e.post(e2e.install(u));
    };
    const names = ['Amira Ahmed', 'George Clarke', 'Hannah Jones', 'Priya Shah', 'Tom Evans'];
    for (const [i, name] of names.entries()) {
      const u = {
        id: `29:ev-s${i}`,
        aadObjectId: `aad-ev-s${i}`,
        name,
        email: `ev.student${i}@example.ac.uk`,
      };
      await add(u, ['student'], cohortId);
      students.push(u);
    }
    await add(lead, ['lead'], cohortId);
    await add(coLead, ['lead'], cohortId);
    await add(otherLead, ['lead'], otherCohort);
    // The hourly planner's slot for 10:00 may have run while the students were still being
    // added (a busy host), planning no prompts; plan again now that the cohort is complete.
    await e2e.services.checkins.planAll(e2e.clock.now());
  });
  after(() => e2e.stop());
  return {
    e2e,
    students,
    lead,
    otherLead,
    coLead,
    eventId,
    get cohortId() {
      return cohortId;
    },
    counts,
    invoke,
    texts,
    runDue,
    cardsIn,
    outbox,
    say,
    event,
    valid,
  };
}
