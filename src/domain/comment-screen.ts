/**
 * Survey free text that should not go into results other people may see: a comment that names
 * someone on the roster, or that uses the words of a safety concern (the safeguarding phrase
 * list). Such a comment is held back from the shared results and shown to the lead privately.
 * Pure: no I/O.
 *
 * "Names someone" is a whole-word match of a roster person's full name (any case), or of one
 * part of it of three letters or more written with its capital ("Okoro", "Sam"; not "sam" or
 * "will"). It errs towards holding back: a held-back comment still reaches the lead.
 */
import { distressPhrasesIn } from './safeguarding.js';

export type HoldReason = 'names-person' | 'safety';

export interface NameIndex {
  full: RegExp[];
  parts: RegExp[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Letters and digits of any script count as "inside a word". */
const word = (body: string, flags: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, flags);

/** Builds the matchers for these display names (duplicates and blanks ignored). */
export function nameIndex(displayNames: readonly string[]): NameIndex {
  const full = new Set<string>();
  const parts = new Set<string>();
  for (const name of displayNames) {
    const tokens = name
      .split(/[\s,()]+/)
      .map((t) => t.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, ''))
      .filter((t) => t.length > 0);
    if (tokens.length === 0) continue;
    if (tokens.length > 1) full.add(tokens.join(' '));
    for (const t of tokens) if ([...t].length >= 3 && /^\p{Lu}/u.test(t)) parts.add(t);
  }
  return {
    full: [...full].map((n) => word(escape(n).replace(/ /g, '\\s+'), 'iu')),
    parts: [...parts].map((p) => word(escape(p), 'u')),
  };
}

/** Why a comment is held back from shared results; empty when it may be shown. */
export function holdReasons(text: string, names: NameIndex): HoldReason[] {
  const reasons: HoldReason[] = [];
  if (names.full.some((re) => re.test(text)) || names.parts.some((re) => re.test(text)))
    reasons.push('names-person');
  if (distressPhrasesIn(text).length > 0) reasons.push('safety');
  return reasons;
}
