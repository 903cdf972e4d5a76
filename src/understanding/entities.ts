/**
 * Entities in what people write, carried into the command the text was read as, so the
 * feature opens the right thing: a profession or role pre-filters the booking card ("book a
 * conversation with physiotherapy"), a week opens that week's check-in ("check in last week",
 * "check in week 2"). Pure; the features' routes accept these forms.
 */
import { hostWishIn, hostWishText } from '../domain/host-wish.js';

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
  return command;
}
