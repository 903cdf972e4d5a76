/**
 * `my placement`: a student's own placement at a glance: cohort, week, what today and
 * tomorrow are (and why there is no placement), the dates, their supervisor and placement
 * lead (with a button to chat to each in Teams) and their next 20-minute conversation.
 * Read-only; always the caller's own (`placement.view.self`). Staff get a pointer to theirs.
 */
import type { AdaptiveCard, Cards } from '../../cards/cards.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../clock.js';
import { can } from '../../domain/authorization.js';
import {
  addDays,
  formatDate,
  formatLocal,
  isValidTimeZone,
  lastPlacementDate,
  localDateOf,
  placementWeekOfDate,
  type Pause,
} from '../../domain/placement-calendar.js';
import type { CohortDoc, CohortsRepository } from '../../storage/cohorts-repository.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../storage/supervision-links-repository.js';
import { placementCard, type Contact } from './placement-card.js';
import { askedDate, askedDayFact } from './asked-day.js';
import { dayText, phaseOn } from './placement-days.js';
import type { NonPlacementEvents, StudentPauses, UpcomingConversations } from './ports.js';

export interface MyPlacementDeps {
  clock: Clock;
  cards: Cards;
  config: Pick<Config, 'DEFAULT_TIME_ZONE'>;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  supervisions: SupervisionLinksRepository;
  /** Lazy: the features that answer these are built alongside this one. */
  pauses: () => StudentPauses;
  conversations: () => UpcomingConversations;
  events: () => NonPlacementEvents;
}

export const NO_COHORT =
  "You're not on a placement cohort yet, so I can't show your placement. Your placement lead or university placement team adds you to one: please ask them, and type **my placement** again once they have.";

/** What staff get instead: where their own view of placements is. */
export function staffAnswer(person: Pick<PersonDoc, 'roles'>): string {
  const intro = '**my placement** shows a student their own placement.';
  if (person.roles.includes('supervisor'))
    return `${intro} To see how your students are getting on (their week, check-ins and actions), type **my students**.`;
  if (person.roles.includes('lead'))
    return `${intro} For your cohorts' dates and check-ins, type **cohort status** or **manage cohorts**.`;
  if (person.roles.includes('ahp-host'))
    return `${intro} For the students who booked a conversation with you, type **my bookings**; your slots are in **my slots**.`;
  return `${intro} Type **help** to see what you can do.`;
}

/** `asked`: a day the student asked about ("thursday", "next monday", "5 may"), shown as one more line. */
export async function myPlacement(
  deps: MyPlacementDeps,
  tenantId: string,
  person: PersonDoc,
  asked?: string,
): Promise<AdaptiveCard | string> {
  if (!can(person, 'placement.view.self', { studentId: person._id })) return staffAnswer(person);
  const cohort = person.cohortId ? await deps.cohorts.byId(tenantId, person.cohortId) : null;
  if (!cohort) return NO_COHORT;
  const now = deps.clock.now();
  const zone = zoneOf(deps, person, cohort);
  const today = localDateOf(now, zone);
  const [pauses, supervisors, leads, next, titles] = await Promise.all([
    deps.pauses().pausesOf(tenantId, person._id),
    supervisorsOf(deps, tenantId, person),
    deps.people.leadsOf(tenantId, cohort._id),
    deps.conversations().nextConversationOf(tenantId, person._id, now),
    nonPlacementTitles(deps, tenantId, cohort._id),
  ]);
  return placementCard(deps.cards, {
    cohortName: cohort.name,
    todayText: formatDate(today),
    ...where(cohort, today, pauses, titles, asked ? askedDate(asked, today, cohort) : null),
    datesText: `${formatDate(cohort.startDate)} to ${formatDate(lastPlacementDate(cohort))}`,
    supervisors: contacts(supervisors, person),
    leads: contacts(leads, person),
    nextConversation: next
      ? `${formatLocal(next.startsAt, zone)} with ${next.hostName}${next.role ? ` (${next.role})` : ''}`
      : null,
  });
}

/** The headline (week, or before / after) and the days worth naming for it, with the asked day's. */
function where(
  cohort: CohortDoc,
  today: string,
  pauses: Pause[],
  titles: Map<string, string>,
  asked: string | null,
) {
  const day = (date: string) => dayText(cohort, date, pauses, titles);
  const shown = dayFacts(cohort, today, day);
  const named = new Set(shown.dates);
  if (asked && !named.has(asked)) shown.days.push(askedDayFact(cohort, asked, today, day));
  return { phase: shown.phase, headline: shown.headline, days: shown.days };
}

function dayFacts(cohort: CohortDoc, today: string, day: (date: string) => string) {
  const phase = phaseOn(cohort, today);
  if (phase === 'upcoming') {
    const daysToGo = daysBetween(today, cohort.startDate);
    return {
      phase,
      headline: `Your placement starts on ${formatDate(cohort.startDate)} (${daysToGo === 1 ? 'tomorrow' : `in ${daysToGo} days`}).`,
      days: [{ title: 'First day', value: day(cohort.startDate) }],
      dates: [cohort.startDate],
    };
  }
  if (phase === 'ended')
    return {
      phase,
      headline: `Your placement ended on ${formatDate(lastPlacementDate(cohort))}.`,
      days: [] as { title: string; value: string }[],
      dates: [] as string[],
    };
  const week = placementWeekOfDate(cohort, today)!;
  return {
    phase,
    headline: `Week ${week.week} of ${week.of}`,
    days: [
      { title: 'Today', value: day(today) },
      { title: 'Tomorrow', value: day(addDays(today, 1)) },
    ],
    dates: [today, addDays(today, 1)],
  };
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The person's zone, else their cohort's, else the deployment's default (Europe/London). */
function zoneOf(deps: MyPlacementDeps, person: PersonDoc, cohort: CohortDoc): string {
  if (person.timeZone && isValidTimeZone(person.timeZone)) return person.timeZone;
  if (cohort.timeZone && isValidTimeZone(cohort.timeZone)) return cohort.timeZone;
  return deps.config.DEFAULT_TIME_ZONE;
}

async function supervisorsOf(deps: MyPlacementDeps, tenantId: string, person: PersonDoc) {
  const ids = await deps.supervisions.supervisorIdsOf(tenantId, person._id);
  return ids.length ? deps.people.byIds(tenantId, ids) : [];
}

async function nonPlacementTitles(deps: MyPlacementDeps, tenantId: string, cohortId: string) {
  const events = await deps.events().nonPlacementEventsOf(tenantId, cohortId);
  return new Map(events.map((e) => [e.date, e.title]));
}

/** Named people, by name, never the student themselves. */
function contacts(people: PersonDoc[], self: PersonDoc): Contact[] {
  return people
    .filter((p) => p._id !== self._id)
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((p) => ({ name: p.displayName, email: p.email }));
}
