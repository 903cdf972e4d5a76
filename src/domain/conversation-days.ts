/**
 * Which 20-minute conversation slots a student is offered by default: those on their
 * leadership days within the placement. Clinical-base days, cohort non-placement dates
 * (study days), bank holidays, days off and anything before or after the placement are
 * hidden until the student asks to see all times.
 *
 * A slot's day is the local date of its start in the student's time zone (the same reading
 * the check-in schedule uses). Pure: no clock reads, no I/O.
 */
import { dayKind, localDateOf, type CohortCalendar, type DayKind } from './placement-calendar.js';

export interface SlotDayContext {
  /** The student's cohort calendar; null when the student has no cohort (nothing is hidden). */
  calendar: CohortCalendar | null;
  /** The student's IANA time zone. */
  zone: string;
}

/** What kind of placement day a slot falls on for the student, or null without a calendar. */
export function slotDayKind(startsAt: Date, context: SlotDayContext): DayKind | null {
  if (!context.calendar) return null;
  return dayKind(context.calendar, localDateOf(startsAt, context.zone));
}

/** True when the slot is offered by default (a leadership day, or the student has no calendar). */
export function isOfferedByDefault(startsAt: Date, context: SlotDayContext): boolean {
  const kind = slotDayKind(startsAt, context);
  return kind === null || kind === 'leadership';
}

/** Splits slots into the ones offered by default, in their order, and how many were hidden. */
export function filterToLeadershipDays<S>(
  slots: readonly S[],
  startsAtOf: (slot: S) => Date,
  context: SlotDayContext,
): { shown: S[]; hidden: number } {
  const shown = slots.filter((s) => isOfferedByDefault(startsAtOf(s), context));
  return { shown, hidden: slots.length - shown.length };
}

const DAY_LABELS: Partial<Record<DayKind, string>> = {
  clinical: 'clinical day',
  'bank-holiday': 'bank holiday',
  'non-placement': 'no placement',
  'weekend-or-off': 'not a placement day',
  outside: 'outside placement',
};

/** A short label for a slot shown only under "Show all times" ('clinical day'), or '' for a default one. */
export function slotDayLabel(startsAt: Date, context: SlotDayContext): string {
  const kind = slotDayKind(startsAt, context);
  return kind === null ? '' : (DAY_LABELS[kind] ?? '');
}

/** 'Wed, Thu and Fri' for a list of weekdays. */
export function listDays(days: readonly string[]): string {
  if (days.length <= 1) return days.join('');
  return `${days.slice(0, -1).join(', ')} and ${days.at(-1)}`;
}
