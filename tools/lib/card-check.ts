/**
 * Checks Adaptive Card templates in cards/ against the house rules. Shared by test/cards/ and
 * tools/cards-gallery.ts.
 *
 * For every `cards/<name>.json` (not `*.sample.json`) there must be `cards/<name>.sample.json`.
 * The template is expanded with the sample through adaptivecards-templating and the result must:
 *   - declare `"version": "1.5"` (template and expanded card);
 *   - bind every `${...}` expression (none left in the output);
 *   - be at most 80 KB as UTF-8 JSON (a Teams message is capped near 100 KB including the envelope);
 *   - give every Input.* a non-empty `label` (accessibility; Teams renders it above the input);
 *   - use Universal Actions only: no Action.Submit, and every Action.Execute has a `verb`;
 *   - keep labels plain text (Teams shows them as typed): no markdown such as **bold** or [a](b);
 *   - give a drop-down (compact single-choice Input.ChoiceSet) with nothing chosen a
 *     `placeholder`, so it does not open as an empty box;
 *   - write dates for people in UK style ("Tue 11 Feb 2025", src/domain/placement-calendar.ts),
 *     never ISO ("2025-02-11") in any shown text: texts, titles, labels, placeholders, facts
 *     (input values and action data may be ISO: clients and the server read them);
 *   - give every Input.Number a number (or no) `value`, `min` and `max`: clients parse the
 *     value as a number and show an empty box for a string such as "5";
 *   - parse and validate with the `adaptivecards` library with no events at all (unknown
 *     elements or actions, invalid values, duplicate ids, too many actions, …).
 * Only the parse/validate paths of `adaptivecards` are used, so no DOM is needed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as AC from 'adaptivecards';
import * as ACData from 'adaptivecards-templating';

export const CARD_VERSION = '1.5';
export const MAX_CARD_BYTES = 80 * 1024;

export interface CardCheckResult {
  /** File name without `.json`, e.g. "welcome". */
  name: string;
  templatePath: string;
  samplePath: string;
  /** Human-readable problems; empty means the card passes. */
  errors: string[];
  /** The template expanded with its sample data (absent if loading or expansion failed). */
  card?: Record<string, unknown>;
  /** Size of the expanded card as UTF-8 JSON. */
  bytes?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Markdown that a label (plain text) would show literally: **bold**, _italic_, [text](link). */
const MARKDOWN = /\*\*|(^|\s)_[^_\s][^_]*_(\s|$|[,.)])|\[[^\]]*\]\([^)]*\)/;

/** An ISO date (or date-time) such as 2025-02-11 or 2025-02-11T09:00:00Z. */
export const ISO_DATE = /\b\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?\b/;
const SHOWN_KEYS = ['text', 'title', 'label', 'placeholder', 'errorMessage', 'altText', 'fallbackText'];

/** Calls `visit` for every object in the tree with a JSON-pointer-ish path. */
function walk(node: Json, at: string, visit: (obj: { [key: string]: Json }, at: string) => void): void {
  if (Array.isArray(node)) node.forEach((child, i) => walk(child, `${at}/${i}`, visit));
  else if (node && typeof node === 'object') {
    visit(node, at);
    for (const [k, v] of Object.entries(node)) walk(v, `${at}/${k}`, visit);
  }
}

function describe(obj: { [key: string]: Json }, at: string): string {
  const id = typeof obj['id'] === 'string' ? ` "${obj['id']}"` : '';
  const type = typeof obj['type'] === 'string' ? obj['type'] : 'item';
  return `${type}${id} at ${at || '/'}`;
}

/** Applies the house rules and the adaptivecards parser to an already-expanded card. */
export function checkExpandedCard(card: unknown): string[] {
  const errors: string[] = [];
  if (!card || typeof card !== 'object' || Array.isArray(card)) return ['expanded card is not a JSON object'];
  const root = card as { [key: string]: Json };
  if (root['type'] !== 'AdaptiveCard')
    errors.push(`type must be "AdaptiveCard", is ${JSON.stringify(root['type'])}`);
  if (root['version'] !== CARD_VERSION) {
    errors.push(`version must be "${CARD_VERSION}", is ${JSON.stringify(root['version'])}`);
  }

  const text = JSON.stringify(card);
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CARD_BYTES) errors.push(`card is ${bytes} bytes; the limit is ${MAX_CARD_BYTES} (80 KB)`);

  const unbound = text.match(/\$\{[^}]*\}/g);
  if (unbound)
    errors.push(`unbound template expressions after expansion: ${[...new Set(unbound)].join(', ')}`);

  walk(root, '', (obj, at) => {
    const shown = SHOWN_KEYS.filter((k) => typeof obj[k] === 'string');
    if (/\/facts\/\d+$/.test(at) && typeof obj['value'] === 'string') shown.push('value');
    for (const key of shown) {
      const iso = ISO_DATE.exec(obj[key] as string);
      if (iso && !/\/data(\/|$)/.test(at))
        errors.push(
          `${describe(obj, at)}: ${key} shows an ISO date (${iso[0]}); write it as "Tue 11 Feb 2025"`,
        );
    }
    const type = obj['type'];
    if (typeof type !== 'string') return;
    if (type.startsWith('Input.') && (typeof obj['label'] !== 'string' || !obj['label'].trim())) {
      errors.push(`${describe(obj, at)} has no label`);
    }
    if (type.startsWith('Input.') && typeof obj['label'] === 'string' && MARKDOWN.test(obj['label'])) {
      errors.push(
        `${describe(obj, at)}: the label shows markdown syntax as typed: ${JSON.stringify(obj['label'])}`,
      );
    }
    if (
      type === 'Input.ChoiceSet' &&
      obj['isMultiSelect'] !== true &&
      (obj['style'] === undefined || obj['style'] === 'compact') &&
      (obj['value'] === undefined || obj['value'] === null || obj['value'] === '') &&
      (typeof obj['placeholder'] !== 'string' || !obj['placeholder'].trim())
    ) {
      errors.push(
        `${describe(obj, at)}: a drop-down with nothing chosen needs a placeholder (it opens blank)`,
      );
    }
    if (type === 'Input.Number') {
      for (const key of ['value', 'min', 'max']) {
        const v = obj[key];
        if (v !== undefined && v !== null && typeof v !== 'number')
          errors.push(
            `${describe(obj, at)}: ${key} must be a number, is ${JSON.stringify(v)} (a string renders an empty box)`,
          );
      }
    }
    if (type === 'Action.Submit') {
      errors.push(`${describe(obj, at)}: use Action.Execute (Universal Actions), not Action.Submit`);
    }
    if (type === 'Action.Execute' && (typeof obj['verb'] !== 'string' || !obj['verb'].trim())) {
      errors.push(`${describe(obj, at)} has no verb`);
    }
  });

  // The adaptivecards object model: parse events, then property validation.
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    errors.push(`adaptivecards parse: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  for (const e of parsed.validateProperties().validationEvents) {
    errors.push(`adaptivecards validate: ${AC.ValidationEvent[e.event]}: ${e.message}`);
  }
  return errors;
}

/** Expands `template` with `sample` as `$root` and checks the result. */
export function checkCard(
  template: unknown,
  sample: unknown,
): { errors: string[]; card?: Record<string, unknown> } {
  const errors: string[] = [];
  const tpl = template as { version?: unknown } | null;
  if (!tpl || typeof tpl !== 'object') return { errors: ['template is not a JSON object'] };
  if (tpl.version !== CARD_VERSION) {
    errors.push(`template version must be "${CARD_VERSION}", is ${JSON.stringify(tpl.version)}`);
  }
  let card: Record<string, unknown>;
  try {
    card = new ACData.Template(template).expand({ $root: sample }) as Record<string, unknown>;
  } catch (err) {
    return { errors: [...errors, `template expansion failed: ${(err as Error).message}`] };
  }
  // The expanded-card check repeats the version rule; keep one message for one fault.
  const more = checkExpandedCard(card).filter((e) => !(errors.length && e.startsWith('version must be')));
  return { errors: [...errors, ...more], card };
}

function readJson(file: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(readFileSync(file, 'utf8')) };
  } catch (err) {
    return { error: `${path.basename(file)}: ${(err as Error).message}` };
  }
}

/** Every card template name in `dir` (files `*.json` that are not `*.sample.json`), sorted. */
export function listCardTemplates(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.sample.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Loads, expands and checks one card by name from `dir`. */
export function checkCardFile(dir: string, name: string): CardCheckResult {
  const templatePath = path.join(dir, `${name}.json`);
  const samplePath = path.join(dir, `${name}.sample.json`);
  const result: CardCheckResult = { name, templatePath, samplePath, errors: [] };
  const tpl = readJson(templatePath);
  if (tpl.error) result.errors.push(tpl.error);
  if (!existsSync(samplePath)) {
    result.errors.push(
      `missing sample data ${name}.sample.json (every card needs one for tests and the gallery)`,
    );
  }
  const sample = existsSync(samplePath) ? readJson(samplePath) : { value: undefined };
  if (sample.error) result.errors.push(sample.error);
  if (result.errors.length) return result;
  const { errors, card } = checkCard(tpl.value, sample.value);
  result.errors.push(...errors);
  if (card) {
    result.card = card;
    result.bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  }
  return result;
}

/** Checks every card template in `dir`. */
export function checkCardsDir(dir: string): CardCheckResult[] {
  return listCardTemplates(dir).map((name) => checkCardFile(dir, name));
}

/** One block of text per failing card, for test failures and CLI output. */
export function formatFailures(results: CardCheckResult[]): string {
  return results
    .filter((r) => r.errors.length)
    .map((r) => `${r.name}:\n${r.errors.map((e) => `  - ${e}`).join('\n')}`)
    .join('\n');
}
