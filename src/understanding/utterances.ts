/**
 * The shape of the phrasing lists kept beside each feature's commands
 * (src/features/<name>/utterances.ts): for each typed command, how people actually write it.
 * They train the intent classifier at start-up; the held-out set in test/understanding is
 * never trained on.
 */
export type Utterances = Readonly<Record<string, readonly string[]>>;
