/**
 * Reading what someone wrote when it is not an exact command: distress first (a phrase list,
 * never a model), then the intent classifier, limited to what the caller may do here.
 * Pure of Teams: the bot layer (src/bot/free-text.ts) turns a reading into a reply.
 */
import { needsSupportAnswer } from '../domain/support-phrases.js';
import { COUNTERPARTS } from './counterparts.js';
import { chatUtterances, HELLO, NONE, SUPPORT, THANKS } from './chat-utterances.js';
import { IntentClassifier, type RankedIntent } from './intent-classifier.js';
import type { Utterances } from './utterances.js';

export type Reading =
  /** Words of distress, harassment, bullying or a safety concern: the kind answer. */
  | { kind: 'support'; by: 'phrase' | 'classifier' }
  /** One command, confidently: run it as if typed. */
  | { kind: 'command'; command: string; score: number }
  | { kind: 'hello' }
  | { kind: 'thanks' }
  /** Not sure: offer these (two or three, likeliest first). */
  | { kind: 'suggest'; commands: string[] }
  /** Nothing matched at all. */
  | { kind: 'unknown' };

/** The likeliest allowed intent is acted on when it has this share of the allowed intents' scores ... */
export const CONFIDENT = 0.6;
/** ... is this far ahead of the runner-up's share (else both are offered) ... */
export const CLEAR_MARGIN = 0.2;
/** ... and scores at least this much on its own (0–1) among all intents. */
export const OWN_SCORE = 0.3;
/** An intent scoring at least this much is worth offering as a suggestion. */
export const SUGGEST_FLOOR = 0.05;
/** The classifier's support intent alone (no phrase matched) gives the answer from this score, */
export const SUPPORT_CONFIDENT = 0.7;
/** ... or from this one when no other intent scores higher ... */
export const SUPPORT_LIKELIEST = 0.4;
/** ... and from this score it is never a command: what might be distress is not run as one. */
export const SUPPORT_DOUBT = 0.25;
export const MAX_SUGGESTIONS = 3;

export class Understanding {
  private trained: Promise<IntentClassifier> | null = null;

  private constructor(
    private readonly commandUtterances: Utterances,
    private readonly onTrained?: (classifier: IntentClassifier) => void,
  ) {}

  /**
   * Trains on first use (the first text that is not an exact command), not at start-up:
   * training takes 0.2–1.6 s of CPU that would otherwise delay the service's readiness.
   */
  static lazy(commandUtterances: Utterances, onTrained?: (c: IntentClassifier) => void): Understanding {
    return new Understanding(commandUtterances, onTrained);
  }

  /** Trained now (tests and benches). */
  static async train(commandUtterances: Utterances): Promise<Understanding> {
    const understanding = new Understanding(commandUtterances);
    await understanding.classifier();
    return understanding;
  }

  /** The classifier, trained once on the features' phrasing lists plus the chat intents. */
  classifier(): Promise<IntentClassifier> {
    this.trained ??= IntentClassifier.train(
      Object.entries({ ...this.commandUtterances, ...chatUtterances }).map(([intent, utterances]) => ({
        intent,
        utterances,
      })),
    ).then((classifier) => {
      this.onTrained?.(classifier);
      return classifier;
    });
    return this.trained;
  }

  /** Words of distress: the phrase list only (no model), so the kind answer is predictable. */
  isDistress(text: string): boolean {
    return needsSupportAnswer(text);
  }

  /** `allowed`: the commands the caller may use in this conversation (role and scope). */
  async read(text: string, allowed: readonly string[]): Promise<Reading> {
    if (needsSupportAnswer(text)) return { kind: 'support', by: 'phrase' };
    const ranked = await (await this.classifier()).classify(text);
    return decide(ranked, allowed);
  }
}

/**
 * The decision on ranked intents, kept apart so the thresholds are tested on their own. Scores
 * are compared among what the caller may do here (a student's "which students are overdue"
 * is not a lead's cohort status), but the likeliest of those must also score on its own.
 */
export function decide(ranked: readonly RankedIntent[], allowed: readonly string[]): Reading {
  const support = ranked.find((r) => r.intent === SUPPORT);
  const supportScore = support?.score ?? 0;
  const likeliest = ranked.every((r) => r.score <= supportScore);
  if (supportScore >= SUPPORT_CONFIDENT || (likeliest && supportScore >= SUPPORT_LIKELIEST))
    return { kind: 'support', by: 'classifier' };
  const open = new Set<string>([...allowed, HELLO, THANKS]);
  const usable = withCounterparts(ranked, open).filter((r) => open.has(r.intent) && r.score > 0);
  const total = usable.reduce((sum, r) => sum + r.score, 0);
  const [best, next] = usable;
  // Out of scope as the likeliest reading is not a command, however the allowed ones share the rest.
  const noneScore = ranked.find((r) => r.intent === NONE)?.score ?? 0;
  if (best && best.score >= OWN_SCORE && best.score > noneScore && supportScore < SUPPORT_DOUBT) {
    const share = best.score / total;
    const margin = share - (next ? next.score / total : 0);
    if (share >= CONFIDENT && margin >= CLEAR_MARGIN) {
      if (best.intent === HELLO) return { kind: 'hello' };
      if (best.intent === THANKS) return { kind: 'thanks' };
      return { kind: 'command', command: best.intent, score: share };
    }
  }
  const commands = usable
    .filter((r) => r.score >= SUGGEST_FLOOR && r.intent !== HELLO && r.intent !== THANKS)
    .slice(0, MAX_SUGGESTIONS)
    .map((r) => r.intent);
  return commands.length > 0 ? { kind: 'suggest', commands } : { kind: 'unknown' };
}

/** Scores of commands the caller may not use, moved to their counterpart the caller may (./counterparts.ts). */
function withCounterparts(ranked: readonly RankedIntent[], open: ReadonlySet<string>): RankedIntent[] {
  const scores = new Map(ranked.map((r) => [r.intent, r.score]));
  for (const { intent, score } of ranked) {
    if (open.has(intent) || score <= 0) continue;
    const counterpart = COUNTERPARTS[intent]?.find((c) => open.has(c));
    if (counterpart) scores.set(counterpart, (scores.get(counterpart) ?? 0) + score);
  }
  return [...scores].map(([intent, score]) => ({ intent, score })).sort((a, b) => b.score - a.score);
}
