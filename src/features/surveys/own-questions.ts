/**
 * A lead's own survey, written one question a line (up to 12):
 *   scale: How useful was the induction?                (1–5)
 *   choice: Which day suits? | Monday | Wednesday        (one answer)
 *   multi: What helped most? | Supervision | Study days  (any number)
 *   text: Anything else?                                 (short text)
 * Parsed into an ordinary survey definition (purpose 'custom', ids q1…, options o1…) so the
 * form, validation, results and privacy rules are the shipped templates'. Pure.
 */
import { definitionSchema, type SurveyDefinition } from './definitions.js';

export const MAX_OWN_QUESTIONS = 12;

export type OwnQuestionsResult =
  | { ok: true; definition: Omit<SurveyDefinition, 'id'> }
  | { ok: false; errors: { title?: string; questions?: string } };

const KINDS: Record<string, 'rating' | 'single' | 'multiple' | 'text'> = {
  scale: 'rating',
  choice: 'single',
  multi: 'multiple',
  text: 'text',
};

export function parseOwnQuestions(title: string, text: string): OwnQuestionsResult {
  const t = title.trim();
  if (t.length === 0 || t.length > 120)
    return { ok: false, errors: { title: 'Give the survey a title of up to 120 characters' } };
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) return { ok: false, errors: { questions: 'Write at least one question' } };
  if (lines.length > MAX_OWN_QUESTIONS)
    return { ok: false, errors: { questions: `A survey can have up to ${MAX_OWN_QUESTIONS} questions` } };
  const questions = [];
  for (const [i, line] of lines.entries()) {
    const where = `Line ${i + 1}`;
    const m = /^(scale|choice|multi|text)\s*:\s*(.+)$/i.exec(line);
    if (!m)
      return {
        ok: false,
        errors: { questions: `${where}: start with scale:, choice:, multi: or text:` },
      };
    const type = KINDS[m[1]!.toLowerCase()]!;
    const [question, ...options] = m[2]!.split('|').map((s) => s.trim());
    if (!question || question.length > 300)
      return { ok: false, errors: { questions: `${where}: write a question of up to 300 characters` } };
    const id = `q${i + 1}`;
    if (type === 'single' || type === 'multiple') {
      const labels = options.filter((o) => o.length > 0);
      if (labels.length < 2)
        return { ok: false, errors: { questions: `${where}: give at least two options, separated by |` } };
      if (labels.length > 20 || labels.some((l) => l.length > 120))
        return { ok: false, errors: { questions: `${where}: up to 20 options of up to 120 characters` } };
      questions.push({
        id,
        type,
        text: question,
        required: false,
        options: labels.map((label, k) => ({ id: `o${k + 1}`, label })),
      });
    } else if (options.length > 0) {
      return { ok: false, errors: { questions: `${where}: only choice and multi questions have options` } };
    } else if (type === 'rating') {
      questions.push({
        id,
        type,
        text: question,
        required: false,
        lowLabel: 'Not at all',
        highLabel: 'Very much',
      });
    } else {
      questions.push({ id, type, text: question, required: false, maxLength: 1000 });
    }
  }
  const parsed = definitionSchema.safeParse({
    id: 'own',
    version: 1,
    purpose: 'custom',
    title: t,
    description: '',
    questions,
  });
  if (!parsed.success) return { ok: false, errors: { questions: 'Please check the questions' } };
  const { id: _id, ...definition } = parsed.data;
  return { ok: true, definition };
}
