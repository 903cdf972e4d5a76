/**
 * When a check-in must reach a person the same day, not wait for the supervisor's summary:
 * wellbeing at or below the line (2 of 5 unless the cohort sets another), or words of distress
 * in anything the student wrote. Pure: no I/O, no clock.
 *
 * The phrase list is deliberately small and meant to be reviewed by people (a practice
 * education lead, a Freedom to Speak Up guardian): every phrase here sends the student's words
 * to their supervisor at once, so a false alarm is cheaper than a missed one, but each phrase
 * should still be something a student writes when they are not OK. Matching is on whole words,
 * ignores case and curly apostrophes, and does not try to understand negation ("I am not
 * struggling" still matches): a supervisor reading it is the safeguard, not this list.
 */
export const DEFAULT_ALERT_WELLBEING = 2;

/** Phrases that mean the student may need someone today. Lower case, straight apostrophes. */
export const DISTRESS_PHRASES: readonly string[] = [
  'struggling',
  "can't cope",
  'cannot cope',
  'not coping',
  'thinking of leaving',
  'thinking about leaving',
  'want to quit',
  'self-harm',
  'self harm',
  'hurt myself',
  'harm myself',
  'kill myself',
  'end my life',
  'suicidal',
  'unsafe',
  "don't feel safe",
  'bullied',
  'bullying',
  'harassed',
  'overwhelmed',
  'breaking down',
  'panic attack',
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

/** Lower case, straight apostrophes (put back where they were left out), plain hyphens, single spaces. */
export function normaliseForPhrases(text: string): string {
  return CONTRACTIONS.reduce(
    (t, [re, to]) => t.replace(re, to),
    text
      .toLowerCase()
      .replace(/[\u2018\u2019\u02bc`]/g, "'")
      .replace(/[\u2010-\u2015]/g, '-')
      .replace(/\s+/g, ' '),
  );
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Phrase → a whole-word pattern (spaces and hyphens inside a phrase match either). */
const PATTERNS = DISTRESS_PHRASES.map((phrase) => ({
  phrase,
  re: new RegExp(`(^|[^a-z0-9])${escape(phrase).replace(/(\\-| )/g, '[ -]')}($|[^a-z0-9])`),
}));

/** The distress phrases found in `texts`, in list order, each once. */
export function distressPhrasesIn(...texts: readonly string[]): string[] {
  const all = normaliseForPhrases(texts.join('\n'));
  const found = PATTERNS.filter(({ re }) => re.test(all)).map(({ phrase }) => phrase);
  // "self harm" and "self-harm" are one concern: report the first spelling only.
  return found.filter((p, i) => !found.slice(0, i).some((q) => q.replace('-', ' ') === p.replace('-', ' ')));
}

/** The cohort's line: an integer from 1 to 4 (5 would alert on every check-in); else the default. */
export function alertWellbeingLine(configured: unknown): number {
  return typeof configured === 'number' && Number.isInteger(configured) && configured >= 1 && configured <= 4
    ? configured
    : DEFAULT_ALERT_WELLBEING;
}

export interface SafeguardingConcern {
  lowWellbeing: boolean;
  /** The distress phrases the student used (empty when none). */
  phrases: string[];
}

/** Whether a check-in needs a same-day alert, and why; null when it does not. */
export function safeguardingConcern(
  answers: { wellbeing: number; texts: readonly string[] },
  line: number = DEFAULT_ALERT_WELLBEING,
): SafeguardingConcern | null {
  const lowWellbeing = answers.wellbeing <= line;
  const phrases = distressPhrasesIn(...answers.texts);
  return lowWellbeing || phrases.length > 0 ? { lowWellbeing, phrases } : null;
}

export interface SafeguardingSettings {
  /** Also alert the cohort's lead(s), not only the supervisor(s). */
  alertLead: boolean;
  /** Alert at this wellbeing or below. */
  alertWellbeingAtOrBelow: number;
}

/** A cohort's stored settings with defaults filled (a bad stored value falls back to its default). */
export function safeguardingSettings(cohort: {
  safeguarding?: { alertLead?: unknown; alertWellbeingAtOrBelow?: unknown };
}): SafeguardingSettings {
  return {
    alertLead: cohort.safeguarding?.alertLead === true,
    alertWellbeingAtOrBelow: alertWellbeingLine(cohort.safeguarding?.alertWellbeingAtOrBelow),
  };
}

/** One sentence for a lead's cohort summary. */
export function safeguardingText(s: SafeguardingSettings): string {
  return `A check-in with wellbeing ${s.alertWellbeingAtOrBelow} or less, or words of distress, goes to the student's supervisors at once${s.alertLead ? ' and to the placement lead(s)' : ''}.`;
}
