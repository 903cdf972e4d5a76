/**
 * A placement to test against, seeded straight into the running service's repositories: a
 * cohort, its people (students, supervisors, leads, AHP hosts), supervision links, optionally
 * known to Teams; and `waitUntil`, which moves the service's controllable clock instead of
 * sleeping. Defaults are the cohort most tests copied: 6 weeks from Mon 3 Feb 2025, clinical
 * Mon–Tue, leadership Wed–Thu, supervision Thu 14:00, Europe/London.
 */
import { randomUUID } from 'node:crypto';
import type { BookingDoc } from '../../src/features/conversations/conversations-repository.js';
import { tenantDocId } from '../../src/storage/documents.js';
import type { AhpHostImport } from '../../src/storage/ahp-hosts-repository.js';
import type { CohortImport } from '../../src/storage/cohorts-repository.js';
import type { PersonImport, Role } from '../../src/storage/people-repository.js';
import { type E2E, TENANT, type TestUser } from '../e2e/harness.js';

export const DEFAULT_COHORT: Omit<CohortImport, 'name'> = {
  startDate: '2025-02-03',
  weeks: 6,
  clinicalDays: ['Mon', 'Tue'],
  leadershipDays: ['Wed', 'Thu'],
  nonPlacementDates: [],
  supervision: { weekday: 'Thu', time: '14:00' },
  timeZone: 'Europe/London',
  teamsChannelId: null,
};

/** A cohort with the defaults above unless given; returns its id. */
export async function seedCohort(
  e2e: E2E,
  cohort: Partial<CohortImport> & { name: string },
  now = new Date(),
): Promise<string> {
  const { id } = await e2e.services.cohorts.upsertByName(TENANT, { ...DEFAULT_COHORT, ...cohort }, now);
  return id;
}

export interface PersonSeed {
  cohortId: string | null;
  now?: Date;
  /** Known to the fake Teams member lookup (default true), so the person is linked on first contact. */
  teams?: boolean;
  extra?: Partial<PersonImport>;
}

/** A person imported by email, as the roster does (physiotherapy, no own time zone); returns the person id. */
export async function seedPerson(e2e: E2E, user: TestUser, roles: Role[], seed: PersonSeed): Promise<string> {
  const { people } = e2e.services;
  const person: PersonImport = {
    email: user.email!,
    displayName: user.name,
    roles,
    profession: 'physiotherapy',
    cohortId: seed.cohortId,
    timeZone: null,
    ...seed.extra,
  };
  await people.upsertByEmail(TENANT, person, seed.now ?? new Date());
  if (seed.teams ?? true) e2e.teamsUser(user);
  return (await people.byEmail(TENANT, user.email!))!._id;
}

/** A student supervised by a supervisor (person ids). */
export async function seedLink(
  e2e: E2E,
  studentId: string,
  supervisorId: string,
  now = new Date(),
): Promise<void> {
  await e2e.services.supervisions.link(TENANT, studentId, supervisorId, now);
}

/** An AHP host's profile for 20-minute conversations, on a person already seeded. */
export async function seedAhpHost(
  e2e: E2E,
  personId: string,
  profile: Omit<AhpHostImport, 'email' | 'displayName' | 'personId'>,
  now = new Date(),
): Promise<void> {
  const person = (await e2e.services.people.byId(TENANT, personId))!;
  await e2e.services.conversations.hosts.upsertByEmail(
    TENANT,
    { email: person.email, displayName: person.displayName, ...profile, personId },
    now,
  );
}

export interface World {
  cohortId: string;
  /** Person ids by the user's name. */
  ids: Map<string, string>;
  id(user: TestUser): string;
}

/** A cohort, its people and their supervision links, in one call. */
export async function seedWorld(
  e2e: E2E,
  world: {
    cohort: Partial<CohortImport> & { name: string };
    people: [TestUser, Role[]][];
    links?: [student: TestUser, supervisor: TestUser][];
    now?: Date;
    teams?: boolean;
  },
): Promise<World> {
  const now = world.now ?? new Date();
  const cohortId = await seedCohort(e2e, world.cohort, now);
  const ids = new Map<string, string>();
  for (const [user, roles] of world.people)
    ids.set(user.name, await seedPerson(e2e, user, roles, { cohortId, now, teams: world.teams }));
  const id = (user: TestUser) => ids.get(user.name)!;
  for (const [student, supervisor] of world.links ?? [])
    await seedLink(e2e, id(student), id(supervisor), now);
  return { cohortId, ids, id };
}

/**
 * Moves the service's controllable clock forward `stepMs` at a time, running the jobs that fall
 * due and draining the sender after each step, until `condition` holds; fails once the clock has
 * moved `withinMs` without it. Returns the clock's time when it held.
 */
export async function waitUntil(
  e2e: E2E,
  condition: () => boolean | Promise<boolean>,
  options: { stepMs?: number; withinMs?: number; what?: string } = {},
): Promise<Date> {
  const { stepMs = 60_000, withinMs = 7 * 24 * 3_600_000, what = 'the condition' } = options;
  const start = e2e.clock.now().getTime();
  for (;;) {
    await e2e.services.scheduler.runDue();
    await e2e.services.sender.drain();
    if (await condition()) return e2e.clock.now();
    if (e2e.clock.now().getTime() - start >= withinMs)
      throw new Error(`waitUntil: ${what} did not hold within ${withinMs} ms of clock time`);
    e2e.clock.advance(stepMs);
  }
}

/** What a seeded 20-minute conversation booking needs; the rest is filled in as a new booking. */
export type BookingSeed = Pick<
  BookingDoc,
  'hostId' | 'hostPersonId' | 'studentId' | 'cohortId' | 'startsAt' | 'profession' | 'roleType' | 'weekKey'
> &
  Partial<Pick<BookingDoc, 'state'>>;

/** A booking document to insert with `conversations.repo.insertBooking`: 20 minutes, booked. */
export function bookingDoc(tenantId: string, seed: BookingSeed, now: Date): Omit<BookingDoc, 'tenantId'> {
  return {
    _id: tenantDocId(tenantId, 'conv', randomUUID()),
    slotId: tenantDocId(tenantId, 'slot', randomUUID()),
    endsAt: new Date(seed.startsAt.getTime() + 20 * 60_000),
    slotHoldId: tenantDocId(tenantId, 'hold', randomUUID()),
    capHoldId: tenantDocId(tenantId, 'cap', randomUUID()),
    state: 'booked',
    endedBy: null,
    endedAt: null,
    rescheduledFrom: null,
    rescheduledTo: null,
    icsToken: randomUUID(),
    note: null,
    hostRating: null,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
    ...seed,
  };
}
