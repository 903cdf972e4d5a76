/**
 * Survey definitions are data: JSON files in ./definitions, validated with a zod schema when
 * loaded (a bad file stops start-up with the file name and the path of the problem).
 *
 * Question types: rating (1–5), single choice, multiple choice, free text, recommend (0–10).
 * A rating question may carry a `measure` ('confidence:<area>' or 'pillar:<pillar>'): the
 * baseline and end-of-placement templates share measures, which is how pre/post deltas pair up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CONFIDENCE_AREAS, PILLARS } from '../../domain/catalogues.js';
import { safeText } from '../../domain/validation.js';

export const definitionsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'definitions');

export const QUESTION_TYPES = ['rating', 'single', 'multiple', 'text', 'recommend'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export const SURVEY_PURPOSES = [
  'confidence-baseline',
  'confidence-end',
  'pulse',
  'evaluation',
  'conversation-feedback',
  /** A lead's own survey (own-questions.ts). */
  'custom',
] as const;
export type SurveyPurpose = (typeof SURVEY_PURPOSES)[number];

/** Every measure a rating question may carry: the five confidence areas and the four pillars. */
export const MEASURES: { id: string; label: string }[] = [
  ...CONFIDENCE_AREAS.map((a) => ({ id: `confidence:${a.id}`, label: a.label })),
  ...PILLARS.map((p) => ({ id: `pillar:${p.id}`, label: `${p.label} (pillar)` })),
];
const MEASURE_IDS = new Set(MEASURES.map((m) => m.id));

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/, 'lower-case letters, digits, - and .');
const option = z.object({ id, label: z.string().min(1).max(120) }).strict();

const base = {
  id,
  text: z.string().min(1).max(300),
  required: z.boolean().default(false),
};
const scaled = { lowLabel: z.string().max(40).optional(), highLabel: z.string().max(40).optional() };

export const questionSchema = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      ...scaled,
      type: z.literal('rating'),
      measure: z
        .string()
        .refine((m) => MEASURE_IDS.has(m), { message: 'unknown measure' })
        .optional(),
    })
    .strict(),
  z.object({ ...base, ...scaled, type: z.literal('recommend') }).strict(),
  z.object({ ...base, type: z.literal('single'), options: z.array(option).min(2).max(20) }).strict(),
  z.object({ ...base, type: z.literal('multiple'), options: z.array(option).min(2).max(20) }).strict(),
  z
    .object({ ...base, type: z.literal('text'), maxLength: z.number().int().min(1).max(4000).default(1000) })
    .strict(),
]);
export type Question = z.infer<typeof questionSchema>;

export const definitionSchema = z
  .object({
    id,
    version: z.number().int().min(1),
    purpose: z.enum(SURVEY_PURPOSES),
    title: z.string().min(1).max(120),
    description: z.string().max(500).default(''),
    questions: z.array(questionSchema).min(1).max(40),
  })
  .strict()
  .superRefine((def, ctx) => {
    const seen = new Set<string>();
    def.questions.forEach((q, i) => {
      if (seen.has(q.id))
        ctx.addIssue({
          code: 'custom',
          path: ['questions', i, 'id'],
          message: `duplicate question id '${q.id}'`,
        });
      seen.add(q.id);
      if (q.type === 'single' || q.type === 'multiple') {
        const ids = q.options.map((o) => o.id);
        if (new Set(ids).size !== ids.length)
          ctx.addIssue({ code: 'custom', path: ['questions', i, 'options'], message: 'duplicate option id' });
      }
    });
    const measures = def.questions.flatMap((q) => (q.type === 'rating' && q.measure ? [q.measure] : []));
    if (new Set(measures).size !== measures.length)
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'a measure is used by two questions' });
    if (def.purpose === 'confidence-baseline' || def.purpose === 'confidence-end') {
      const missing = MEASURES.filter((m) => !measures.includes(m.id)).map((m) => m.id);
      if (missing.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['questions'],
          message: `confidence survey lacks measures: ${missing.join(', ')}`,
        });
    }
  });
export type SurveyDefinition = z.infer<typeof definitionSchema>;

export class DefinitionError extends Error {
  override readonly name = 'DefinitionError';
}

/** Parses one definition; throws DefinitionError naming the source and every problem. */
export function parseDefinition(json: unknown, source: string): SurveyDefinition {
  const result = definitionSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DefinitionError(`Invalid survey definition ${source}:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Loads and validates every *.json in the directory; ids must be unique. */
export function loadDefinitions(dir = definitionsDir): Map<string, SurveyDefinition> {
  const map = new Map<string, SurveyDefinition>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    } catch (err) {
      throw new DefinitionError(`Invalid survey definition ${file}: ${(err as Error).message}`);
    }
    const def = parseDefinition(json, file);
    if (map.has(def.id))
      throw new DefinitionError(`Survey definition id '${def.id}' is used twice (${file})`);
    map.set(def.id, def);
  }
  return map;
}

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

/**
 * One stored answer. `k` holds the distribution keys the database groups on: the rating
 * as text for rating/recommend, the option id(s) for choices; `n` the number (means are
 * $sum(n) / count); `t` free text.
 */
export interface StoredAnswer {
  q: string;
  k?: string[];
  n?: number;
  t?: string;
}

export class AnswerError extends Error {
  override readonly name = 'AnswerError';
  constructor(readonly errors: Record<string, string>) {
    super(
      Object.entries(errors)
        .map(([q, m]) => `${q}: ${m}`)
        .join('; '),
    );
  }
}

function range(q: Question): [number, number] | null {
  if (q.type === 'rating') return [1, 5];
  if (q.type === 'recommend') return [0, 10];
  return null;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * Validates raw answers (a card submit: strings; or an API call: numbers/arrays) against the
 * definition. Unknown question ids, out-of-range ratings, unknown options, over-long text and
 * missing required answers each give a clear message keyed by question id.
 */
export function validateAnswers(def: SurveyDefinition, raw: Record<string, unknown>): StoredAnswer[] {
  const errors: Record<string, string> = {};
  const byId = new Map(def.questions.map((q) => [q.id, q]));
  for (const key of Object.keys(raw)) {
    if (!byId.has(key)) errors[key] = `Unknown question id '${key}' for survey '${def.id}'`;
  }
  const answers: StoredAnswer[] = [];
  for (const q of def.questions) {
    const value = raw[q.id];
    if (blank(value) || (Array.isArray(value) && value.length === 0)) {
      if (q.required) errors[q.id] = 'Please answer this question';
      continue;
    }
    const bounds = range(q);
    if (bounds) {
      const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < bounds[0] || n > bounds[1]) {
        errors[q.id] = `Choose a whole number from ${bounds[0]} to ${bounds[1]}`;
        continue;
      }
      answers.push({ q: q.id, k: [String(n)], n });
    } else if (q.type === 'single' || q.type === 'multiple') {
      const picked =
        typeof value === 'string'
          ? value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : Array.isArray(value) && value.every((v) => typeof v === 'string')
            ? (value as string[])
            : null;
      const allowed = new Set(q.options.map((o) => o.id));
      if (!picked || picked.some((p) => !allowed.has(p))) {
        errors[q.id] = `Choose from the options given (${[...allowed].join(', ')})`;
        continue;
      }
      const unique = [...new Set(picked)];
      if (q.type === 'single' && unique.length !== 1) {
        errors[q.id] = 'Choose one option';
        continue;
      }
      answers.push({ q: q.id, k: unique });
    } else if (q.type === 'text') {
      const parsed = safeText(q.maxLength).safeParse(value);
      if (!parsed.success) {
        errors[q.id] = parsed.error.issues[0]!.message;
        continue;
      }
      if (parsed.data !== '') answers.push({ q: q.id, t: parsed.data });
    }
  }
  if (Object.keys(errors).length > 0) throw new AnswerError(errors);
  return answers;
}

/** Option label or rating value as shown in results. */
export function keyLabel(q: Question, key: string): string {
  if (q.type === 'single' || q.type === 'multiple') return q.options.find((o) => o.id === key)?.label ?? key;
  return key;
}

/** Every distribution key of a question, in display order (so zero counts show too). */
export function questionKeys(q: Question): string[] {
  if (q.type === 'single' || q.type === 'multiple') return q.options.map((o) => o.id);
  const bounds = range(q);
  if (!bounds) return [];
  return Array.from({ length: bounds[1] - bounds[0] + 1 }, (_, i) => String(bounds[0] + i));
}
