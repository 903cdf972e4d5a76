/**
 * A cohort's calendar as typed in (roster CSV, cards, the Manage page): its types, and the
 * parsing and validation that turn text into a checked calendar with a clear message on bad
 * input. The calendar's arithmetic is in placement-calendar.ts, which re-exports all of this.
 */
import { IANAZone } from 'luxon';
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DEFAULT_TIME_ZONE = 'Europe/London';
/** End of a placement day, used as the check-in due time when there is no supervision slot. */
export const END_OF_DAY_TIME = '17:00';

export interface Supervision {
  weekday: Weekday;
  /** 'HH:mm', 24-hour */
  time: string;
}

export interface CohortCalendar {
  /** ISO local date of the first placement day; week 1 starts here. */
  startDate: string;
  weeks: number;
  clinicalDays: Weekday[];
  leadershipDays: Weekday[];
  /** Study days etc.: ISO local dates with no placement. */
  nonPlacementDates: string[];
  supervision: Supervision | null;
  /** IANA zone, default Europe/London. */
  timeZone: string;
}

/** A period when one person is not on placement (sickness, leave). Inclusive ISO dates. */
export interface Pause {
  from: string;
  to: string;
  reason?: string;
}

export type DayKind =
  'clinical' | 'leadership' | 'bank-holiday' | 'non-placement' | 'paused' | 'weekend-or-off' | 'outside';

export interface PlacementDay {
  date: string;
  kind: 'clinical' | 'leadership';
}

export interface WeekPosition {
  week: number;
  of: number;
}

// ---------------------------------------------------------------------------
// Parsing and validation
// ---------------------------------------------------------------------------

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export function isIsoDate(value: string): boolean {
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return false;
  const [y, m, d] = datePartsOf(value);
  if (m < 1 || m > 12 || d < 1) return false;
  // Dates roll 2025-02-30 over to March: a real date round-trips to the same day.
  return new Date(utcMidnight(y, m, d)).getUTCDate() === d;
}

/** Year, month (1–12) and day of a YYYY-MM-DD string (not checked: see isIsoDate). */
export function datePartsOf(iso: string): [year: number, month: number, day: number] {
  return [Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10))];
}

/** Milliseconds at 00:00 UTC on a calendar date (setUTCFullYear, unlike Date.UTC, keeps years < 100). */
export function utcMidnight(year: number, month: number, day: number): number {
  return new Date(0).setUTCFullYear(year, month - 1, day);
}

export function assertIsoDate(value: string, what = 'date'): string {
  if (!isIsoDate(value)) throw new Error(`Invalid ${what} "${value}": expected YYYY-MM-DD`);
  return value;
}

/**
 * An IANA zone name in Area/Location form (or 'UTC'). Abbreviations are refused even
 * where the runtime accepts them: 'BST' resolves to Asia/Dhaka, not British Summer Time.
 */
export function isValidTimeZone(zone: string): boolean {
  if (typeof zone !== 'string') return false;
  if (validZones.has(zone)) return true;
  // Checking builds an Intl.DateTimeFormat, the costliest step of a check-in submit: remember
  // the zones that passed (there are only a few hundred names, so the set stays small).
  const valid = (zone === 'UTC' || zone.includes('/')) && IANAZone.isValidZone(zone);
  if (valid) validZones.add(zone);
  return valid;
}
const validZones = new Set<string>();

export function assertTimeZone(zone: string): string {
  if (!isValidTimeZone(zone))
    throw new Error(`Unknown time zone "${zone}": expected an IANA name such as Europe/London`);
  return zone;
}

/** Normalises 'H:mm' / 'HH:mm' to 'HH:mm'; throws on anything else. */
export function parseTime(text: string): string {
  const m = TIME.exec(text.trim());
  if (!m) throw new Error(`Invalid time "${text}": expected HH:mm (24-hour), e.g. 14:00`);
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
}

export function parseWeekday(text: string): Weekday {
  const t = text.trim().toLowerCase();
  const found = WEEKDAYS.find((d) => d.toLowerCase() === t);
  if (!found) throw new Error(`Invalid weekday "${text}": expected one of ${WEEKDAYS.join(', ')}`);
  return found;
}

/** 'Mon;Tue' -> ['Mon','Tue']. Case-insensitive, blank -> [], duplicates removed, Mon..Sun order. */
export function parseWeekdays(text: string): Weekday[] {
  const parts = text
    .split(';')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map(parseWeekday);
  return WEEKDAYS.filter((d) => parts.includes(d));
}

/** 'Thu 14:00' -> { weekday: 'Thu', time: '14:00' }. Blank -> null (no supervision slot). */
export function parseSupervision(text: string): Supervision | null {
  const t = text.trim();
  if (t === '') return null;
  const parts = t.split(/\s+/);
  if (parts.length !== 2) {
    throw new Error(`Invalid supervision slot "${text}": expected "<weekday> HH:mm", e.g. "Thu 14:00"`);
  }
  return { weekday: parseWeekday(parts[0]!), time: parseTime(parts[1]!) };
}

export interface CohortCalendarInput {
  startDate: string;
  weeks: number;
  clinicalDays?: Weekday[];
  leadershipDays?: Weekday[];
  nonPlacementDates?: string[];
  supervision?: Supervision | null;
  timeZone?: string;
}

/**
 * Builds a validated calendar (fills defaults, throws a clear Error on bad input):
 * valid start date, 1..52 whole weeks, at least one placement weekday, clinical and
 * leadership days disjoint, valid non-placement dates, valid supervision and zone.
 */
export function createCohortCalendar(input: CohortCalendarInput): CohortCalendar {
  const startDate = assertIsoDate(input.startDate, 'start date');
  if (!Number.isInteger(input.weeks) || input.weeks < 1 || input.weeks > 52) {
    throw new Error(`Invalid number of weeks ${input.weeks}: expected a whole number from 1 to 52`);
  }
  const clinicalDays = [...(input.clinicalDays ?? [])];
  const leadershipDays = [...(input.leadershipDays ?? [])];
  for (const d of [...clinicalDays, ...leadershipDays]) parseWeekday(d);
  const both = clinicalDays.filter((d) => leadershipDays.includes(d));
  if (both.length > 0) throw new Error(`Days cannot be both clinical and leadership: ${both.join(', ')}`);
  if (clinicalDays.length + leadershipDays.length === 0) {
    throw new Error('A cohort needs at least one clinical or leadership weekday');
  }
  const nonPlacementDates = (input.nonPlacementDates ?? []).map((d) =>
    assertIsoDate(d, 'non-placement date'),
  );
  const supervision = input.supervision
    ? { weekday: parseWeekday(input.supervision.weekday), time: parseTime(input.supervision.time) }
    : null;
  const timeZone = assertTimeZone(input.timeZone ?? DEFAULT_TIME_ZONE);
  return {
    startDate,
    weeks: input.weeks,
    clinicalDays,
    leadershipDays,
    nonPlacementDates,
    supervision,
    timeZone,
  };
}

export function assertPause(pause: Pause): Pause {
  assertIsoDate(pause.from, 'pause start');
  assertIsoDate(pause.to, 'pause end');
  if (pause.to < pause.from) throw new Error(`Pause ends (${pause.to}) before it starts (${pause.from})`);
  return pause;
}
