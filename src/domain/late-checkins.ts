/**
 * Late check-ins (issue 26, item 4): a week's check-in can be sent until the placement ends,
 * marked late once its due time has passed; it can be edited only until the week's
 * supervision starts. Pure: instants in, state out.
 */
import { addDays, endDate, localInstant, type CohortCalendar } from './placement-calendar.js';

/** The first instant after the placement (midnight after its last calendar date, in `zone`). */
export function checkinsCloseAt(cal: CohortCalendar, zone: string): Date {
  return localInstant(addDays(endDate(cal), 1), '00:00', zone);
}

/** 'on-time' before the due time, 'late' after it until the placement ends, then 'closed'. */
export type CheckinTiming = 'on-time' | 'late' | 'closed';

export function checkinTiming(now: Date, dueAt: Date | null, closesAt: Date): CheckinTiming {
  if (now.getTime() >= closesAt.getTime()) return 'closed';
  return dueAt && now.getTime() > dueAt.getTime() ? 'late' : 'on-time';
}

/** Whether a stored check-in can still be changed: before the week's supervision (its lock). */
export function editable(now: Date, lockAt: Date | null): boolean {
  return lockAt !== null && now.getTime() < lockAt.getTime();
}
