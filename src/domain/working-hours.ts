/**
 * Quiet hours: reminders and nudges go out in working time only (09:00-17:00 local, Mon-Fri,
 * not on a bank holiday) and, while the placement runs, on placement days. A reminder due
 * outside moves to the start of the next working time. Pure; clock changes follow
 * localInstant (Europe/London by default).
 */
import {
  addDays,
  DEFAULT_TIME_ZONE,
  endDate,
  isBankHoliday,
  isPlacementDay,
  localDateOf,
  localInstant,
  weekdayOf,
  type CohortCalendar,
  type Pause,
} from './placement-calendar.js';

export interface WorkingHours {
  /** 'HH:mm' local */
  start: string;
  /** 'HH:mm' local, exclusive */
  end: string;
}

export const WORKING_HOURS: WorkingHours = { start: '09:00', end: '17:00' };

export interface WorkingTimeOptions {
  zone?: string;
  hours?: WorkingHours;
  /** While the placement runs, only its placement days count. */
  calendar?: CohortCalendar;
  pauses?: readonly Pause[];
}

/** Whether a local date is a working day (and a placement day, inside the placement). */
export function isWorkingDate(isoDate: string, options: WorkingTimeOptions = {}): boolean {
  const weekday = weekdayOf(isoDate);
  if (weekday === 'Sat' || weekday === 'Sun' || isBankHoliday(isoDate)) return false;
  const cal = options.calendar;
  if (cal && isoDate >= cal.startDate && isoDate <= endDate(cal))
    return isPlacementDay(cal, isoDate, options.pauses ?? []);
  return true;
}

/** `instant` if it is in working time, else the start of the next working time. */
export function nextWorkingTime(instant: Date, options: WorkingTimeOptions = {}): Date {
  const zone = options.zone ?? options.calendar?.timeZone ?? DEFAULT_TIME_ZONE;
  const hours = options.hours ?? WORKING_HOURS;
  let date = localDateOf(instant, zone);
  for (let i = 0; i < 400; i++, date = addDays(date, 1)) {
    if (!isWorkingDate(date, options)) continue;
    const opens = localInstant(date, hours.start, zone);
    const closes = localInstant(date, hours.end, zone);
    if (instant < opens) return opens;
    if (instant < closes) return instant;
  }
  return instant; // no working day within a year: leave it as it was
}

/** A reminder `minutes` after `from`, moved into working time (the announcement reminder, nudges). */
export function reminderTime(from: Date, minutes: number, options: WorkingTimeOptions = {}): Date {
  return nextWorkingTime(new Date(from.getTime() + minutes * 60_000), options);
}

/**
 * A reminder ahead of `deadline`, in working time: the start of working time on the last working
 * day before the deadline's day (the survey reminder), else on the deadline's day if that starts
 * before the deadline; null when neither is after `after` (the opening, or now).
 */
export function reminderBefore(deadline: Date, after: Date, options: WorkingTimeOptions = {}): Date | null {
  const zone = options.zone ?? options.calendar?.timeZone ?? DEFAULT_TIME_ZONE;
  const hours = options.hours ?? WORKING_HOURS;
  const day = localDateOf(deadline, zone);
  const first = localDateOf(after, zone);
  let date = addDays(day, -1);
  for (let i = 0; i < 400 && date >= first; i++, date = addDays(date, -1)) {
    if (!isWorkingDate(date, options)) continue;
    const at = localInstant(date, hours.start, zone);
    if (at > after) return at;
    break;
  }
  const sameDay = localInstant(day, hours.start, zone);
  return isWorkingDate(day, options) && sameDay > after && sameDay < deadline ? sameDay : null;
}
