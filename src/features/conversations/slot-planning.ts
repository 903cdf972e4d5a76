/**
 * Pure rules for 20-minute conversations: which slots a publish request makes (one-off or
 * weekly for N weeks, back-to-back with a buffer), the host-week a slot counts against for
 * the weekly cap and reminder instants (the .ics text is src/domain/icalendar.ts). No clock reads, no I/O.
 */
import { DateTime } from 'luxon';
import { addDays, localDateOf, localInstant, offsetInstant } from '../../domain/placement-calendar.js';

export const SLOT_MINUTES = 20;
export const MAX_SLOTS_PER_DAY = 12;
export const MAX_REPEAT_WEEKS = 12;
export const BUFFER_CHOICES = [0, 5, 10, 15, 20, 30] as const;

export interface PublishRequest {
  /** Local date of the first day, YYYY-MM-DD, in `zone`. */
  date: string;
  /** Local start time of the first slot, HH:mm. */
  time: string;
  /** Back-to-back slots on each day. */
  count: number;
  /** Minutes between one slot's end and the next slot's start. */
  bufferMinutes: number;
  /** 1 = one-off day; N = the same weekday for N weeks. */
  weeks: number;
  zone: string;
}

export interface PlannedSlot {
  startsAt: Date;
  endsAt: Date;
  /** Local date of the slot in the host's zone. */
  localDate: string;
}

/**
 * The slots a request publishes. Each slot's wall-clock time is kept in `zone` across clock
 * changes (a weekly 10:00 slot stays at 10:00 local time in October and November).
 */
export function planSlots(request: PublishRequest): PlannedSlot[] {
  const slots: PlannedSlot[] = [];
  const stepMinutes = SLOT_MINUTES + request.bufferMinutes;
  for (let w = 0; w < request.weeks; w++) {
    const date = addDays(request.date, 7 * w);
    const first = localInstant(date, request.time, request.zone);
    for (let i = 0; i < request.count; i++) {
      const startsAt = new Date(first.getTime() + i * stepMinutes * 60_000);
      slots.push({
        startsAt,
        endsAt: new Date(startsAt.getTime() + SLOT_MINUTES * 60_000),
        localDate: localDateOf(startsAt, request.zone),
      });
    }
  }
  return slots;
}

/** True when [aStart, aEnd) and [bStart, bEnd) overlap. */
export function overlaps(aStart: Date, aEnd: Date, bStart: Date, bEnd: Date): boolean {
  return aStart.getTime() < bEnd.getTime() && bStart.getTime() < aEnd.getTime();
}

/** The ISO week ('2025-W44') of a slot's local date in the host's zone: the cap's unit. */
export function isoWeekKey(instant: Date, zone: string): string {
  const local = DateTime.fromJSDate(instant, { zone });
  return `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`;
}

/**
 * When to remind someone: the same local wall-clock time the day before (in their zone, so
 * a Monday 10:00 conversation after the October clock change is reminded on Sunday at
 * 10:00 GMT), and 15 minutes before.
 */
export function reminderInstants(startsAt: Date, zone: string): { dayBefore: Date; soon: Date } {
  return {
    dayBefore: offsetInstant(startsAt, { days: -1 }, zone),
    soon: new Date(startsAt.getTime() - 15 * 60_000),
  };
}
