/**
 * What a day of the placement is for one student, in words: clinical, leadership, or no
 * placement and why (bank holiday, a study day, a pause, the weekend). The calendar decides
 * (src/domain/placement-calendar.ts); this only says it.
 */
import {
  bankHolidayName,
  dayKind,
  isPaused,
  lastPlacementDate,
  type CohortCalendar,
  type Pause,
  weekdayOf,
} from '../../domain/placement-calendar.js';

export type PlacementPhase = 'upcoming' | 'running' | 'ended';

/** Before the first day, from it to the last placement day (not the calendar's last Sunday), or after. */
export function phaseOn(cal: CohortCalendar, today: string): PlacementPhase {
  if (today < cal.startDate) return 'upcoming';
  return today > lastPlacementDate(cal) ? 'ended' : 'running';
}

const PAUSE_WORDS: Record<string, string> = { sickness: 'sickness', 'study-leave': 'study leave' };

/**
 * "Clinical day", "Leadership day", or "No placement: <why>". `titles`: the cohort's
 * non-placement events by date (a study day's title), when known.
 */
export function dayText(
  cal: CohortCalendar,
  date: string,
  pauses: readonly Pause[],
  titles: ReadonlyMap<string, string> = new Map(),
): string {
  if (date > lastPlacementDate(cal)) return 'No placement: your placement has ended';
  const kind = dayKind(cal, date, pauses);
  switch (kind) {
    case 'clinical':
      return 'Clinical day';
    case 'leadership':
      return 'Leadership day';
    case 'bank-holiday': {
      const name = bankHolidayName(date)!;
      return `No placement: ${/bank holiday/i.test(name) ? name : `${name} (bank holiday)`}`;
    }
    case 'non-placement':
      return `No placement: ${titles.get(date) ?? 'study day or other non-placement day'}`;
    case 'paused': {
      const reason = pauses.find((p) => isPaused(date, [p]))?.reason;
      const why = reason ? PAUSE_WORDS[reason] : undefined;
      return `No placement: your placement is paused${why ? ` (${why})` : ''}`;
    }
    case 'weekend-or-off': {
      const weekday = weekdayOf(date);
      return weekday === 'Sat' || weekday === 'Sun'
        ? 'No placement: weekend'
        : 'No placement: not one of your placement days';
    }
    case 'outside':
      return 'No placement: your placement has not started';
  }
}
