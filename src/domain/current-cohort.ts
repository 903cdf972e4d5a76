/**
 * "The lead's current cohort": the one rule every lead-facing picker opens on (announce,
 * run survey, new event, conversations report, the Cohort tab).
 *   1. a cohort running today (its own local date): the one that started last;
 *   2. else the next to start;
 *   3. else the one that ended last.
 * Pure: the caller passes the instant; each cohort's "today" is in its own time zone.
 */
import { addDays, DEFAULT_TIME_ZONE, localDateOf, type CohortCalendar } from './placement-calendar.js';

export type DatedCohort = Pick<CohortCalendar, 'startDate' | 'weeks'> & { timeZone?: string | null };

/** Last calendar date of the placement. */
const lastDay = (c: DatedCohort) => addDays(c.startDate, c.weeks * 7 - 1);

export type CohortPhase = 'upcoming' | 'running' | 'ended';

export function cohortPhase(cohort: DatedCohort, now: Date): CohortPhase {
  const today = localDateOf(now, cohort.timeZone || DEFAULT_TIME_ZONE);
  if (today < cohort.startDate) return 'upcoming';
  return today > lastDay(cohort) ? 'ended' : 'running';
}

export function currentCohort<T extends DatedCohort>(cohorts: readonly T[], now: Date): T | null {
  const last = (cohorts: T[], key: (c: T) => string) =>
    cohorts.reduce<T | null>((best, c) => (best === null || key(c) > key(best) ? c : best), null);
  const running = cohorts.filter((c) => cohortPhase(c, now) === 'running');
  if (running.length) return last(running, (c) => c.startDate);
  const upcoming = cohorts.filter((c) => cohortPhase(c, now) === 'upcoming');
  if (upcoming.length)
    return upcoming.reduce((best, c) => (c.startDate < best.startDate ? c : best), upcoming[0]!);
  return last([...cohorts], lastDay);
}

/** The same cohorts with the current one first (the rest keep their order): for pickers and reports. */
export function currentCohortFirst<T extends DatedCohort>(cohorts: readonly T[], now: Date): T[] {
  const current = currentCohort(cohorts, now);
  return current ? [current, ...cohorts.filter((c) => c !== current)] : [...cohorts];
}
