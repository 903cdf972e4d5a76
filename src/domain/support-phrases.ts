/**
 * Words that get the kind "who can help now" answer when someone types them to the bot.
 * It reuses the reviewable distress list of the same-day safeguarding alert
 * (./safeguarding.ts: every phrase there gets this answer too) and extends it with phrases
 * that deserve the answer in a chat but should not, on their own, send a check-in to a
 * supervisor (feeling low, being shouted at, needing someone to talk to). Review both lists
 * together. Pure: no I/O, no model: this answer never depends on a classifier.
 *
 * Matching is on whole words (a trailing * matches any ending: "discriminat*"), ignores case
 * and curly apostrophes; negation is not understood ("I'm not struggling" still gets the
 * answer): a kind answer shown once too often costs little, a missed one costs a lot.
 */
import { distressPhrasesIn } from './safeguarding.js';

/** Answer-only phrases, lower case, straight apostrophes. */
export const SUPPORT_PHRASES: readonly string[] = [
  // needing someone
  'need to talk to someone',
  'need someone to talk to',
  'need help urgently',
  'not ok',
  'not okay',
  "i'm not alright",
  // low mood, anxiety, exhaustion
  'feel low',
  'feeling low',
  'really low',
  'so low',
  'depressed',
  'depression',
  'anxious',
  'anxiety',
  'panicking',
  'stressed',
  'crying',
  'cried',
  'in tears',
  'burnt out',
  'burned out',
  'exhausted',
  "can't sleep",
  'cannot sleep',
  'lonely',
  'isolated',
  'hopeless',
  'worthless',
  'mental health',
  'too much',
  'falling apart',
  'giving up',
  'no point',
  "can't do this anymore",
  "can't do this any more",
  "can't go on",
  'want to die',
  'suicide',
  'end it all',
  'hurting myself',
  'self harming',
  'self-harming',
  'harming myself',
  'scared',
  'frightened',
  // how others treat them
  'bully',
  'bullies',
  'bullying me',
  'picked on',
  'picking on me',
  'singling me out',
  'singled out',
  'humiliated',
  'belittled',
  'shouted at',
  'shouting at me',
  'shouts at me',
  'yelled at',
  'harassment',
  'harassing',
  'sexual*',
  'inappropriate comment*',
  'inappropriately',
  'touched me',
  'racist',
  'racism',
  'sexist',
  'homophobic',
  'transphobic',
  'discriminat*',
  'abuse',
  'abused',
  'abusive',
  'assaulted',
  'threatened',
  'intimidated',
  // safety
  'safety concern',
  'not safe',
  'patient safety',
  'raise a concern',
  'whistleblow*',
  // common misspellings of the safeguarding list's words
  'strugling',
  'struggeling',
  'bulied',
  'harrased',
  'harrassed',
  'harased',
  'overwelmed',
];

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ');

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PATTERNS = SUPPORT_PHRASES.map((phrase) => {
  const open = phrase.endsWith('*');
  const body = escape(open ? phrase.slice(0, -1) : phrase).replace(/(\\-| )/g, '[ -]');
  return new RegExp(`(^|[^a-z0-9])${body}${open ? '' : '($|[^a-z0-9])'}`);
});

/** Whether `text` should get the kind answer: a safeguarding distress phrase or a support phrase. */
export function needsSupportAnswer(text: string): boolean {
  if (distressPhrasesIn(text).length > 0) return true;
  const normalised = normalise(text);
  return PATTERNS.some((re) => re.test(normalised));
}
