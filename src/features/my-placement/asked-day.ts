/**
 * The day a student asked about ("my placement on thursday", "... on next monday",
 * "... on 5 may", the forms src/understanding/entities.ts writes) as a date, and the one fact
 * line the card gives it. Pure.
 */
import {
  addDays,
  formatDate,
  isIsoDate,
  lastPlacementDate,
  weekdayOf,
  WEEKDAYS,
  type CohortCalendar,
} from '../../domain/placement-calendar.js';

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * The date `asked` names, seen from `today`: a weekday is the next one from today ("next" skips
 * today); a day of a month is this year's, or next year's when this year's has passed and next
 * year's falls within the placement. Null when it names no date.
 */
export function askedDate(asked: string, today: string, cal: CohortCalendar): string | null {
  const t = asked.trim().toLowerCase();
  const weekday = /^(next\s+)?([a-z]+)$/.exec(t);
  if (weekday) {
    const index = WEEKDAY_NAMES.indexOf(weekday[2]!);
    if (index < 0) return null;
    let date = weekday[1] ? addDays(today, 1) : today;
    while (weekdayOf(date) !== WEEKDAYS[index]) date = addDays(date, 1);
    return date;
  }
  const dated = /^(\d{1,2})\s+([a-z]{3})[a-z]*$/.exec(t);
  const month = dated ? MONTHS.indexOf(dated[2]!) + 1 : 0;
  if (!dated || month < 1) return null;
  const on = (year: number) => `${year}-${String(month).padStart(2, '0')}-${dated[1]!.padStart(2, '0')}`;
  const year = Number(today.slice(0, 4));
  if (!isIsoDate(on(year))) return null;
  if (on(year) >= today) return on(year);
  return isIsoDate(on(year + 1)) && on(year + 1) <= lastPlacementDate(cal) ? on(year + 1) : on(year);
}

/**
 * The card's line for the asked day: what it is (`dayText`), or a plain sentence when it has
 * passed or falls outside the placement.
 */
export function askedDayFact(
  cal: CohortCalendar,
  date: string,
  today: string,
  dayText: (date: string) => string,
): { title: string; value: string } {
  const title = formatDate(date).replace(/ \d{4}$/, '');
  if (date < today) return { title, value: 'That day has passed.' };
  if (date < cal.startDate) return { title, value: "That's before your placement starts." };
  if (date > lastPlacementDate(cal)) return { title, value: "That's after your placement ends." };
  return { title, value: dayText(date) };
}
