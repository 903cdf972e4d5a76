/**
 * Entities in what people write, carried into the command the text was read as, so the
 * feature opens the right thing: a profession or role pre-filters the booking card ("book a
 * conversation with physiotherapy"), a week opens that week's check-in ("check in last week",
 * "check in week 2"), a day opens the placement card with that day ("is thursday a leadership
 * day" → "my placement on thursday"). Pure; the features' routes accept these forms.
 */
import { hostWishIn, hostWishText } from '../domain/host-wish.js';
import { normaliseText } from './intent-classifier.js';
import { expandShortForms } from './text-speak.js';

const NUMBER_WORDS = [
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];

export type WeekMention = 'last week' | `week ${number}`;

/** "last week's check-in" → 'last week'; "my check in from week 2" → 'week 2'; else null. */
export function weekIn(text: string): WeekMention | null {
  const t = text.toLowerCase();
  if (/\b(last|previous|past) week'?s?\b|\bweek before\b/.test(t)) return 'last week';
  const numbered = /\bweek\s+(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b/.exec(
    t,
  );
  if (!numbered) return null;
  const n = /^\d+$/.test(numbered[1]!) ? Number(numbered[1]) : NUMBER_WORDS.indexOf(numbered[1]!) + 1;
  return n >= 1 ? `week ${n}` : null;
}

const DAY_NAMES = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday';
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY_OF_MONTH = '(\\d{1,2})(?:st|nd|rd|th)?';

/** A day named in a question, as my placement's route reads it: 'thursday', 'next monday', '5 may'. */
export type DayMention = string;

/**
 * "is thursday a leadership day" → 'thursday'; "am i on placement next monday" → 'next monday';
 * "is the 5th of may a bank holiday" → '5 may'; else null (also for today and tomorrow, which
 * the placement card always shows).
 */
export function dayIn(text: string): DayMention | null {
  const t = expandShortForms(normaliseText(text));
  const dayFirst = new RegExp(`\\b${DAY_OF_MONTH}\\s+(?:of\\s+)?${MONTH}\\b`).exec(t);
  const monthFirst = new RegExp(`\\b${MONTH}\\s+(?:the\\s+)?${DAY_OF_MONTH}\\b`).exec(t);
  if (dayFirst) return `${Number(dayFirst[1])} ${dayFirst[2]!.slice(0, 3)}`;
  if (monthFirst) return `${Number(monthFirst[2])} ${monthFirst[1]!.slice(0, 3)}`;
  const weekday = new RegExp(`\\b(next\\s+)?(${DAY_NAMES})s?\\b`).exec(t);
  return weekday ? `${weekday[1] ? 'next ' : ''}${weekday[2]}` : null;
}

/** The command to run for `command` read from `text`, with the entities the text names. */
export function withEntities(command: string, text: string): string {
  if (command === 'book a conversation') {
    const wish = hostWishIn(text);
    return wish ? `book a conversation with ${hostWishText(wish)}` : command;
  }
  if (command === 'check in' || command === 'my check-ins') {
    const week = weekIn(text);
    return week ? `check in ${week}` : command;
  }
  if (command === 'my placement') {
    const day = dayIn(text);
    return day ? `my placement on ${day}` : command;
  }
  return command;
}
