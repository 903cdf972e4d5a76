/**
 * Intent classification in-process with NLP.js (a neural classifier over stemmed words, made
 * for bots): trained at start-up from the phrasing lists kept beside each feature's commands,
 * no network, no model file. Pure of Teams: it maps text to ranked intent names.
 */
import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { Nlp } from '@nlpjs/nlp';
import { expandShortForms } from './text-speak.js';

export interface IntentExamples {
  /** The intent's name: a typed command ("check in") or a chat intent ("hello"). */
  intent: string;
  utterances: readonly string[];
}

export interface RankedIntent {
  intent: string;
  score: number;
}

interface NlpEngine {
  settings: Record<string, unknown>;
  addLanguage(locale: string): void;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, utterance: string): Promise<{ classifications?: RankedIntent[] }>;
}

/** Lower case, straight apostrophes, no Teams mention tags or markup, single spaces. */
export function normaliseText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** NLP.js's own defaults for its classifiers ('nlu-??'), restated because a configuration is replaced whole. */
const NLU_DEFAULTS = {
  keepStopwords: true,
  nonefeatureValue: 1,
  nonedeltaMultiplier: 1.2,
  spellCheck: false,
  spellCheckDistance: 1,
  filterZeros: true,
  log: true,
};
const NLU_SETTINGS = { spellCheck: true, spellCheckDistance: 1, log: false };
const noop = () => undefined;
/** NLP.js warns on the console about utterances made only of stop words ("ta"); they still train. */
const QUIET = { trace: noop, debug: noop, info: noop, log: noop, warn: noop, error: noop };

export class IntentClassifier {
  private constructor(
    private readonly nlp: NlpEngine,
    readonly intents: readonly string[],
    /** How long training took, in milliseconds. */
    readonly trainingMs: number,
  ) {}

  static async train(examples: readonly IntentExamples[]): Promise<IntentClassifier> {
    const started = performance.now();
    const container = await containerBootstrap();
    // Every classifier the NLP.js manager builds reads this: quiet, and a word one letter off
    // a trained word counts as that word ("chek in", "refelction").
    container.registerConfiguration('nlu-??', { ...NLU_DEFAULTS, ...NLU_SETTINGS }, true);
    container.register('logger', QUIET, true);
    container.use(Nlp);
    container.use(LangEn);
    const nlp = container.get('nlp') as NlpEngine;
    nlp.settings.autoSave = false;
    nlp.settings.autoLoad = false;
    nlp.settings.calculateSentiment = false;
    nlp.addLanguage('en');
    const intents: string[] = [];
    for (const { intent, utterances } of examples) {
      if (utterances.length === 0) continue;
      intents.push(intent);
      for (const u of utterances) nlp.addDocument('en', expandShortForms(normaliseText(u)), intent);
    }
    await nlp.train();
    return new IntentClassifier(nlp, intents, performance.now() - started);
  }

  /** Every trained intent with its score (0–1), best first; all zero when nothing is recognised. */
  async classify(text: string): Promise<RankedIntent[]> {
    const normalised = normaliseText(text);
    if (!normalised) return [];
    const result = await this.nlp.process('en', expandShortForms(normalised));
    return (result.classifications ?? [])
      .map((c) => ({ intent: c.intent, score: c.score }))
      .sort((a, b) => b.score - a.score);
  }
}
