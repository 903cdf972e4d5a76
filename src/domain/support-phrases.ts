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
  "don't feel ok",
  "don't feel okay",
  "don't feel right",
  'not in a good place',
  'not doing great',
  'not doing well',
  'not doing ok',
  'not feeling great',
  'not feeling myself',
  'hard time',
  'rough time',
  'going through a lot',
  "don't know who to talk to",
  'no one to talk to',
  'nobody to talk to',
  'no one to turn to',
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
  'mental health*',
  'too much',
  'drowning',
  'dark thoughts',
  'dark place',
  'hate myself',
  'hate my life',
  'a failure',
  'feel useless',
  'feel stupid',
  'feel like nothing',
  'dreading',
  "can't face",
  "can't eat",
  'not eating',
  'tired of everything',
  'tired of it all',
  'sick of everything',
  "what's the point",
  "don't think i can do this",
  "don't want to go back",
  'never come back',
  'never go back',
  "can't keep going",
  "can't keep up",
  'falling behind',
  'keep going like this',
  "don't see the point",
  "can't see the point",
  'feel rubbish',
  'feeling rubbish',
  'feel awful',
  'feeling awful',
  'feel terrible',
  'feeling terrible',
  'feel like crap',
  'feel like shit',
  'feel shit',
  'sick with nerves',
  'sick with worry',
  'worried sick',
  'cry',
  'think i need help',
  'really need help',
  'need support',
  'need some support',
  'falling apart',
  'giving up',
  'no point',
  "can't do this anymore",
  "can't do this any more",
  "can't go on",
  'want to die',
  "don't want to be here",
  "don't want to be alive",
  "don't want to live",
  "don't want to exist",
  "wish i wasn't here",
  "if i wasn't here",
  'better off without me',
  'no one would notice',
  'nobody would notice',
  'no one would care',
  'nobody would care',
  'no one cares',
  'nobody cares',
  'want it all to stop',
  'want it to stop',
  'make it stop',
  'want to disappear',
  'could disappear',
  'just disappear',
  'suicide',
  'end it all',
  'hurting myself',
  'self harming',
  'self-harming',
  'harming myself',
  'scared',
  'frightened',
  'panic attack*',
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
  'grabbed me',
  'groped',
  'about my body',
  'made me uncomfortable',
  'makes me uncomfortable',
  'inappropriate',
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
  'putting me down',
  'puts me down',
  'put me down',
  'aggressive',
  'attacked',
  'hit me',
  'violent',
  'got hurt',
  'was hurt',
  'hurt me',
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

/**
 * On a phone people skip apostrophes ("im not ok", "i cant cope", "dont feel safe"): put them
 * back, and spell out "wanna", so one phrase matches both ways of writing it.
 */
const CONTRACTIONS: readonly [RegExp, string][] = [
  [/\bim\b/g, "i'm"],
  [/\bive\b/g, "i've"],
  [/\b(can|don|won|isn|wasn|weren|aren|doesn|didn|couldn|wouldn|shouldn|haven|hasn)t\b/g, "$1't"],
  [/\b(what|that|there|it)s\b/g, "$1's"],
  [/\bwanna\b/g, 'want to'],
  [/\bgonna\b/g, 'going to'],
];

const normalise = (text: string) =>
  CONTRACTIONS.reduce(
    (t, [re, to]) => t.replace(re, to),
    text
      .toLowerCase()
      .replace(/[\u2018\u2019\u02bc`]/g, "'")
      .replace(/[\u2010-\u2015]/g, '-')
      .replace(/\s+/g, ' '),
  );

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PATTERNS = SUPPORT_PHRASES.map((phrase) => {
  const open = phrase.endsWith('*');
  const body = escape(open ? phrase.slice(0, -1) : phrase).replace(/(\\-| )/g, '[ -]');
  return new RegExp(`(^|[^a-z0-9])${body}${open ? '' : '($|[^a-z0-9])'}`);
});

/** Whether `text` should get the kind answer: a safeguarding distress phrase or a support phrase. */
export function needsSupportAnswer(text: string): boolean {
  const normalised = normalise(text);
  if (distressPhrasesIn(normalised).length > 0) return true;
  return PATTERNS.some((re) => re.test(normalised));
}
