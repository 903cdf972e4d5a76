/**
 * The placement calendar: which week of the placement an instant falls in, what kind of
 * day a date is (clinical, leadership, bank holiday, study day, paused...), and the
 * instants a scheduler needs (weekly prompt, supervision, check-in due time).
 *
 * Pure: no clock reads, no I/O. Dates are ISO local dates (`YYYY-MM-DD`) in the cohort's
 * calendar; instants are `Date`s (UTC). Wall-clock times are read in an IANA time zone,
 * Europe/London by default, and are correct across BST <-> GMT changes.
 *
 * Bank holidays are England & Wales public holidays (date-holidays `GB`/`ENG`).
 */
import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { LRUCache } from 'lru-cache';
import {
  assertIsoDate,
  assertTimeZone,
  datePartsOf,
  END_OF_DAY_TIME,
  parseTime,
  utcMidnight,
  WEEKDAYS,
  type CohortCalendar,
  type DayKind,
  type Pause,
  type PlacementDay,
  type Weekday,
  type WeekPosition,
} from './calendar-input.js';

export {
  WEEKDAYS,
  DEFAULT_TIME_ZONE,
  END_OF_DAY_TIME,
  isIsoDate,
  assertIsoDate,
  isValidTimeZone,
  assertTimeZone,
  parseTime,
  parseWeekday,
  parseWeekdays,
  parseSupervision,
  createCohortCalendar,
  assertPause,
  type Weekday,
  type Supervision,
  type CohortCalendar,
  type Pause,
  type DayKind,
  type PlacementDay,
  type WeekPosition,
  type CohortCalendarInput,
} from './calendar-input.js';

// ---------------------------------------------------------------------------
// Bank holidays (England & Wales)
// ---------------------------------------------------------------------------

const englandAndWales = new Holidays('GB', 'ENG');
const holidaysByYear = new Map<number, Map<string, string>>();

function publicHolidaysOf(year: number): Map<string, string> {
  let byDate = holidaysByYear.get(year);
  if (!byDate) {
    byDate = new Map();
    for (const h of englandAndWales.getHolidays(year)) {
      if (h.type === 'public') byDate.set(h.date.slice(0, 10), h.name);
    }
    holidaysByYear.set(year, byDate);
  }
  return byDate;
}

/** Name of the England & Wales bank holiday on that date, or null. */
export function bankHolidayName(isoDate: string): string | null {
  assertIsoDate(isoDate);
  return publicHolidaysOf(Number(isoDate.slice(0, 4))).get(isoDate) ?? null;
}

export function isBankHoliday(isoDate: string): boolean {
  return bankHolidayName(isoDate) !== null;
}

// ---------------------------------------------------------------------------
// Dates, weeks and day kinds
// ---------------------------------------------------------------------------

// Calendar dates are whole days with no zone, so their arithmetic is plain UTC day counting
// (no luxon: it dominated a check-in submit's CPU time).
const DAY_MS = 86_400_000;

// Every calendar question comes down to this (a check-in submit asks it many times, for the
// same few dates): a checked date's day number is remembered. A refused date is not.
const dayNumbers = new LRUCache<string, number>({ max: 50_000 });

function dayNumberOf(iso: string): number {
  const known = dayNumbers.get(iso);
  if (known !== undefined) return known;
  assertIsoDate(iso);
  const dayNumber = utcMidnight(...datePartsOf(iso)) / DAY_MS;
  dayNumbers.set(iso, dayNumber);
  return dayNumber;
}

function isoOfDayNumber(dayNumber: number): string {
  return new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);
}

function isoOf(d: DateTime): string {
  return d.toISODate()!;
}

export function addDays(isoDate: string, days: number): string {
  return isoOfDayNumber(dayNumberOf(isoDate) + days);
}

export function weekdayOf(isoDate: string): Weekday {
  // Day 0 (1970-01-01) was a Thursday, index 3 in Mon..Sun.
  return WEEKDAYS[(((dayNumberOf(isoDate) + 3) % 7) + 7) % 7]!;
}

/** Last calendar date of the placement (start + 7 x weeks - 1). */
export function endDate(cal: Pick<CohortCalendar, 'startDate' | 'weeks'>): string {
  return addDays(cal.startDate, cal.weeks * 7 - 1);
}

/**
 * The placement's last day as every card shows it: its last clinical or leadership weekday
 * (the calendar end, start + 7 x weeks - 1, is often a Sunday). The one answer for "when does
 * the placement end" (events, milestones, presentations).
 */
export function lastPlacementDate(
  cal: Pick<CohortCalendar, 'startDate' | 'weeks' | 'clinicalDays' | 'leadershipDays'>,
): string {
  const days = new Set<Weekday>([...cal.clinicalDays, ...cal.leadershipDays]);
  let date = endDate(cal);
  for (let i = 0; i < 7 && !days.has(weekdayOf(date)); i++) date = addDays(date, -1);
  return date;
}

/**
 * "Mon 12 Oct 2026 to Fri 1 Jan 2027 (12 weeks)": the placement's dates as every text states
 * them (lead workspace, cohort lists), ending on lastPlacementDate.
 */
export function placementDatesText(
  cal: Pick<CohortCalendar, 'startDate' | 'weeks' | 'clinicalDays' | 'leadershipDays'>,
): string {
  return `${formatDate(cal.startDate)} to ${formatDate(lastPlacementDate(cal))} (${cal.weeks} week${cal.weeks === 1 ? '' : 's'})`;
}

/** The local date of an instant in a zone. */
export function localDateOf(instant: Date, zone: string): string {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new Error('Invalid instant');
  assertTimeZone(zone);
  // A zone's UTC offset changes only on whole minutes (since the 1900s; earlier local mean
  // times had seconds), so the offset found for one instant holds for its whole minute.
  if (ms < MODERN_OFFSETS_FROM) return isoOf(DateTime.fromJSDate(instant, { zone }));
  const minute = Math.floor(ms / 60_000);
  const key = `${zone}|${minute}`;
  let offsetMinutes = zoneOffsets.get(key);
  if (offsetMinutes === undefined) {
    offsetMinutes = IANAZone.create(zone).offset(minute * 60_000);
    zoneOffsets.set(key, offsetMinutes);
  }
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}
const MODERN_OFFSETS_FROM = Date.UTC(1980, 0, 1);
const zoneOffsets = new LRUCache<string, number>({ max: 10_000 });

/** Week of the placement that an ISO date falls in, or null outside the placement. */
export function placementWeekOfDate(cal: CohortCalendar, isoDate: string): WeekPosition | null {
  const days = dayNumberOf(isoDate) - dayNumberOf(cal.startDate);
  if (days < 0) return null;
  const week = Math.floor(days / 7) + 1;
  return week > cal.weeks ? null : { week, of: cal.weeks };
}

/** Week of the placement at an instant, judged by the local date in `zone` (default the cohort's). */
export function placementWeekOf(
  cal: CohortCalendar,
  instant: Date,
  zone = cal.timeZone,
): WeekPosition | null {
  return placementWeekOfDate(cal, localDateOf(instant, zone));
}

function assertWeek(cal: CohortCalendar, week: number): void {
  if (!Number.isInteger(week) || week < 1 || week > cal.weeks) {
    throw new RangeError(`Week ${week} is outside the placement (1..${cal.weeks})`);
  }
}

// A check-in submit asks for the same week's dates several times (is it open, its due and
// supervision instants, the student's placement days): remembered per start date and week.
const weeksByStart = new LRUCache<string, readonly string[]>({ max: 10_000 });

/** The 7 ISO dates of a placement week (starting on the weekday the placement started). */
export function weekDates(cal: CohortCalendar, week: number): string[] {
  assertWeek(cal, week);
  const key = `${cal.startDate}|${week}`;
  let dates = weeksByStart.get(key);
  if (!dates) {
    const first = dayNumberOf(cal.startDate) + (week - 1) * 7;
    dates = Array.from({ length: 7 }, (_, i) => isoOfDayNumber(first + i));
    weeksByStart.set(key, dates);
  }
  return [...dates];
}

export function isPaused(isoDate: string, pauses: readonly Pause[] = []): boolean {
  return pauses.some((p) => p.from <= isoDate && isoDate <= p.to);
}

/**
 * What kind of day a date is for a person. Precedence: outside the placement, then
 * weekdays that are neither clinical nor leadership, then bank holiday, cohort
 * non-placement date, the person's pause, and finally clinical / leadership.
 */
export function dayKind(cal: CohortCalendar, isoDate: string, pauses: readonly Pause[] = []): DayKind {
  if (placementWeekOfDate(cal, isoDate) === null) return 'outside';
  const weekday = weekdayOf(isoDate);
  const clinical = cal.clinicalDays.includes(weekday);
  if (!clinical && !cal.leadershipDays.includes(weekday)) return 'weekend-or-off';
  if (isBankHoliday(isoDate)) return 'bank-holiday';
  if (cal.nonPlacementDates.includes(isoDate)) return 'non-placement';
  if (isPaused(isoDate, pauses)) return 'paused';
  return clinical ? 'clinical' : 'leadership';
}

export function isPlacementDay(cal: CohortCalendar, isoDate: string, pauses: readonly Pause[] = []): boolean {
  const kind = dayKind(cal, isoDate, pauses);
  return kind === 'clinical' || kind === 'leadership';
}

/** The clinical and leadership days of a week, in date order, after holidays and pauses. */
export function placementDaysInWeek(
  cal: CohortCalendar,
  week: number,
  pauses: readonly Pause[] = [],
): PlacementDay[] {
  const days: PlacementDay[] = [];
  for (const date of weekDates(cal, week)) {
    const kind = dayKind(cal, date, pauses);
    if (kind === 'clinical' || kind === 'leadership') days.push({ date, kind });
  }
  return days;
}

/**
 * True when the week would have placement days but the person's pauses remove all of
 * them. (A week with no placement days for everyone, e.g. all bank holidays, is not
 * "paused": check `placementDaysInWeek(...).length` for that.)
 */
export function isWeekPaused(cal: CohortCalendar, week: number, pauses: readonly Pause[] = []): boolean {
  if (pauses.length === 0) return false;
  return placementDaysInWeek(cal, week).length > 0 && placementDaysInWeek(cal, week, pauses).length === 0;
}

// ---------------------------------------------------------------------------
// Instants
// ---------------------------------------------------------------------------

/**
 * The UTC instant of a local wall-clock time on a local date in `zone`. At clock changes
 * (luxon's rules): a time skipped in spring moves forward by the gap (01:30 -> 02:30 BST);
 * a time that happens twice in autumn resolves to its second occurrence (01:30 GMT).
 */
export function localInstant(isoDate: string, time: string, zone: string): Date {
  const key = `${isoDate}|${time}|${zone}`;
  const known = localInstants.get(key);
  if (known !== undefined) return new Date(known);
  const [hour, minute] = parseTime(time).split(':').map(Number) as [number, number];
  const [year, month, day] = datePartsOf(assertIsoDate(isoDate));
  const local = DateTime.fromObject({ year, month, day, hour, minute }, { zone: assertTimeZone(zone) });
  const ms = local.toMillis();
  // Pure and asked for the same few slots on every submit: remember them (bounded).
  localInstants.set(key, ms);
  return new Date(ms);
}
const localInstants = new LRUCache<string, number>({ max: 50_000 });

/** The week's supervision date, or null if the cohort has none. */
export function supervisionDate(cal: CohortCalendar, week: number): string | null {
  if (!cal.supervision) return null;
  const weekday = cal.supervision.weekday;
  return weekDates(cal, week).find((d) => weekdayOf(d) === weekday) ?? null;
}

/**
 * The instant of the week's supervision slot, read in `zone` (default the cohort's).
 * Null when the cohort has no supervision slot, or when that week's supervision date is
 * a bank holiday or a cohort non-placement date (the slot does not happen that week).
 */
export function supervisionInstant(cal: CohortCalendar, week: number, zone = cal.timeZone): Date | null {
  const date = supervisionDate(cal, week);
  if (date === null || isBankHoliday(date) || cal.nonPlacementDates.includes(date)) return null;
  return localInstant(date, cal.supervision!.time, zone);
}

/**
 * When the week's check-in is due for a person: the week's supervision instant; or, with
 * no supervision that week, 17:00 local on the person's last placement day of the week.
 * Null when the person has no placement day that week (all paused / holidays).
 */
export function dueInstantForWeek(
  cal: CohortCalendar,
  week: number,
  pauses: readonly Pause[] = [],
  zone = cal.timeZone,
): Date | null {
  const days = placementDaysInWeek(cal, week, pauses);
  if (days.length === 0) return null;
  return (
    supervisionInstant(cal, week, zone) ?? localInstant(days[days.length - 1]!.date, END_OF_DAY_TIME, zone)
  );
}

/** The instant `time` local on the week's first calendar date (the placement's start weekday). */
export function weekStartInstant(
  cal: CohortCalendar,
  week: number,
  time = '09:00',
  zone = cal.timeZone,
): Date {
  return localInstant(weekDates(cal, week)[0]!, time, zone);
}

/** `time` local on the person's first placement day of the week, or null if they have none. */
export function firstPlacementDayInstant(
  cal: CohortCalendar,
  week: number,
  time = '09:00',
  pauses: readonly Pause[] = [],
  zone = cal.timeZone,
): Date | null {
  const first = placementDaysInWeek(cal, week, pauses)[0];
  return first ? localInstant(first.date, time, zone) : null;
}

/** `time` local on the given weekday of a placement week (e.g. Monday 09:00 of week N). */
export function weekdayInstant(
  cal: CohortCalendar,
  week: number,
  weekday: Weekday,
  time: string,
  zone = cal.timeZone,
): Date {
  const date = weekDates(cal, week).find((d) => weekdayOf(d) === weekday)!;
  return localInstant(date, time, zone);
}

export interface Offset {
  days?: number;
  hours?: number;
  minutes?: number;
}

/**
 * Shifts an instant by an offset in `zone`: days keep the local wall-clock time across a
 * clock change, hours and minutes are elapsed time. Negative values go back (reminders).
 */
export function offsetInstant(instant: Date, offset: Offset, zone: string): Date {
  assertTimeZone(zone);
  // Hours and minutes are elapsed time: no zone rules needed (reminders and digests use these).
  if (!offset.days)
    return new Date(instant.getTime() + ((offset.hours ?? 0) * 60 + (offset.minutes ?? 0)) * 60_000);
  return DateTime.fromJSDate(instant, { zone })
    .plus({ days: offset.days ?? 0 })
    .plus({ hours: offset.hours ?? 0, minutes: offset.minutes ?? 0 })
    .toJSDate();
}

export interface WeekSchedule {
  week: number;
  of: number;
  dates: string[];
  placementDays: PlacementDay[];
  paused: boolean;
  /** When to send the weekly check-in prompt; null when the person has no placement day that week. */
  promptAt: Date | null;
  /** When the check-in is due; null when the person has no placement day that week. */
  dueAt: Date | null;
}

export interface ScheduleOptions {
  /** Local time on the first placement day of the week to prompt; default 09:00. */
  promptTime?: string;
  pauses?: readonly Pause[];
  zone?: string;
}

/** One person's week-by-week rhythm: what a scheduler needs to plan prompts and due times. */
export function placementSchedule(cal: CohortCalendar, options: ScheduleOptions = {}): WeekSchedule[] {
  const { promptTime = '09:00', pauses = [], zone = cal.timeZone } = options;
  return Array.from({ length: cal.weeks }, (_, i) => {
    const week = i + 1;
    return {
      week,
      of: cal.weeks,
      dates: weekDates(cal, week),
      placementDays: placementDaysInWeek(cal, week, pauses),
      paused: isWeekPaused(cal, week, pauses),
      promptAt: firstPlacementDayInstant(cal, week, promptTime, pauses, zone),
      dueAt: dueInstantForWeek(cal, week, pauses, zone),
    };
  });
}

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** 'Thu 30 Oct, 14:00' in the zone (fixed English names, independent of the host's ICU data). */
export function formatLocal(instant: Date, zone: string): string {
  const d = DateTime.fromJSDate(instant, { zone: assertTimeZone(zone) });
  const hhmm = `${String(d.hour).padStart(2, '0')}:${String(d.minute).padStart(2, '0')}`;
  return `${WEEKDAYS[d.weekday - 1]} ${d.day} ${MONTHS[d.month - 1]}, ${hhmm}`;
}

/** 'Thu 30 Oct 2025, 14:00' in the zone: formatLocal with the year (cards that name a day to come). */
export function formatLocalWithYear(instant: Date, zone: string): string {
  const d = DateTime.fromJSDate(instant, { zone: assertTimeZone(zone) });
  const hhmm = `${String(d.hour).padStart(2, '0')}:${String(d.minute).padStart(2, '0')}`;
  return `${WEEKDAYS[d.weekday - 1]} ${d.day} ${MONTHS[d.month - 1]} ${d.year}, ${hhmm}`;
}

/** 'Thu 30 Oct 2025' for an ISO date. */
export function formatDate(isoDate: string): string {
  const [year, month, day] = datePartsOf(assertIsoDate(isoDate));
  return `${weekdayOf(isoDate)} ${day} ${MONTHS[month - 1]} ${year}`;
}
