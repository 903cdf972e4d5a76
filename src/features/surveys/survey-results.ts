/**
 * A run's privacy-safe results and their CSV. Nothing is shown for a group smaller than
 * MIN_GROUP_SIZE: not for the run as a whole, not for any question (free text included), not
 * for any filtered cut; a filter whose cut (or whose complement, which subtraction would
 * reveal) is smaller is refused. While a run is open its results move only in steps (5, 10,
 * 15… responses: `releasedResponses`), taken from the first responses in arrival order, so two
 * views never differ by one person; once closed, all of them. The chat card, the CSV and the
 * dashboard's confidence figures all read through `releasedTally`.
 */
import { stringify } from 'csv-stringify/sync';
import { spreadsheetSafe } from '../../domain/spreadsheet-cell.js';
import { z } from 'zod';
import { isGroupLargeEnough, releasedResponses, releaseStep } from '../../domain/anonymity.js';
import { safeText } from '../../domain/validation.js';
import { keyLabel, questionKeys, type Question, type SurveyDefinition } from './definitions.js';
import type { ResponseCut, SurveyRunDoc, Tally } from './survey-repository.js';
import { SmallGroupRefused, SurveyError } from './survey-policy.js';
import { rosterNames, screenTexts, type HeldComment } from './held-comments.js';
import type { RunStatus, SurveyService } from './survey-service.js';

export interface ResultsFilter {
  profession?: string;
  /** Only respondents who gave `value` (a rating value or option id) to `questionId`. */
  answer?: { questionId: string; value: string };
}

export interface QuestionResult {
  id: string;
  text: string;
  type: Question['type'];
  measure: string | null;
  /** False when fewer than the minimum answered: then every figure below is null/empty. */
  shown: boolean;
  answered: number | null;
  mean: number | null;
  distribution: { key: string; label: string; count: number; percent: number }[];
  /** Free text the shared results may show (held-back comments are not among them). */
  texts: string[];
  /** How many comments are held back (they name someone or a safety concern). */
  heldBack: number;
  /** The held-back comments themselves: only when asked for (`{ held: true }`), for the lead's private card. */
  held: HeldComment[];
}

export interface SurveyResults {
  runId: string;
  title: string;
  definitionId: string;
  cohortId: string;
  anonymous: boolean;
  status: RunStatus;
  opensAt: Date;
  closesAt: Date;
  minGroupSize: number;
  filter: ResultsFilter;
  /** False when the cut has fewer responses than the minimum: no figure or text at all. */
  shown: boolean;
  responses: number | null;
  /** True while the run is open: the figures are of its first `responses` (a whole step), more may exist. */
  stepped: boolean;
  /** The step results move in while the run is open. */
  step: number;
  /** Comments held back from these shared results, over all questions. */
  heldBack: number;
  questions: QuestionResult[];
}

const filterSchema = z
  .object({
    profession: safeText(80, { min: 1 }).optional(),
    answer: z
      .object({ questionId: safeText(80, { min: 1 }), value: safeText(40, { min: 1 }) })
      .strict()
      .optional(),
  })
  .strict();

export const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The tally of a run's released responses within `cut`: all of them once the run has closed,
 * else its first whole step(s) in arrival order; none below the minimum or once cancelled.
 * `released` is how many the run releases. Unfiltered, one pass gives the total as well; a
 * second pass (over the released ids) is needed only when the open run is between steps.
 */
export async function releasedTally(
  survey: SurveyService,
  tenantId: string,
  run: SurveyRunDoc,
  cut: ResponseCut,
): Promise<{ tally: Tally; released: number; stepped: boolean }> {
  const empty = (): Tally => ({ responses: 0, answered: new Map(), counts: new Map(), texts: [] });
  const status = survey.status(run);
  if (status === 'cancelled') return { tally: empty(), released: 0, stepped: false };
  const stepped = status !== 'closed';
  const filtered = cut.profession !== undefined || cut.answer !== undefined;
  const whole = filtered ? null : await survey.repo.tally(tenantId, cut);
  const total = whole ? whole.responses : await survey.repo.count(tenantId, { runId: run._id });
  const released = releasedResponses(total, survey.minGroupSize, !stepped);
  if (released === 0) return { tally: empty(), released, stepped };
  if (whole && released === total) return { tally: whole, released, stepped };
  const ids =
    released === total ? undefined : await survey.repo.firstResponseIds(tenantId, run._id, released);
  return { tally: await survey.repo.tally(tenantId, ids ? { ...cut, ids } : cut), released, stepped };
}

async function cutFor(
  run: SurveyRunDoc,
  def: SurveyDefinition,
  filter: unknown,
): Promise<{ cut: ResponseCut; filter: ResultsFilter }> {
  const parsed = filterSchema.safeParse(filter ?? {});
  if (!parsed.success) throw new SurveyError('That filter is not valid.', 'invalid');
  const f = parsed.data;
  const cut: ResponseCut = { runId: run._id };
  if (f.profession) cut.profession = f.profession;
  if (f.answer) {
    const q = def.questions.find((x) => x.id === f.answer!.questionId);
    if (!q) throw new SurveyError(`Unknown question id '${f.answer.questionId}'.`, 'invalid');
    if (!questionKeys(q).includes(f.answer.value))
      throw new SurveyError(`'${f.answer.value}' is not an answer to '${q.id}'.`, 'invalid');
    cut.answer = { questionId: q.id, key: f.answer.value };
  }
  return { cut, filter: f };
}

/**
 * Results of a run for a cut. Unfiltered and below the minimum: `shown: false` and no figure
 * (not even the response count). A filter whose cut — or whose complement — is below the
 * minimum is refused with GroupTooSmallError (its sizes are not revealed either).
 */
export async function surveyResults(
  survey: SurveyService,
  tenantId: string,
  surveyRunId: string,
  filter: ResultsFilter = {},
  options: { held?: boolean } = {},
): Promise<SurveyResults> {
  const run = await survey.run(tenantId, surveyRunId);
  const def = survey.definitionOf(run);
  const { cut, filter: f } = await cutFor(run, def, filter);
  const min = survey.minGroupSize;
  const filtered = cut.profession !== undefined || cut.answer !== undefined;
  const release = await releasedTally(survey, tenantId, run, cut);
  const tally = release.tally;
  const n = tally.responses;
  if (filtered) {
    const rest = release.released - n;
    if (!isGroupLargeEnough(n, min) || (rest > 0 && !isGroupLargeEnough(rest, min)))
      throw new SmallGroupRefused(min, 'this filter');
  }
  const base: SurveyResults = {
    runId: run._id,
    title: run.title,
    definitionId: def.id,
    cohortId: run.cohortId,
    anonymous: run.anonymous,
    status: survey.status(run),
    opensAt: run.opensAt,
    closesAt: run.closesAt,
    minGroupSize: min,
    filter: f,
    shown: false,
    responses: null,
    stepped: release.stepped,
    step: releaseStep(min),
    heldBack: 0,
    questions: [],
  };
  if (!isGroupLargeEnough(n, min)) return base;

  const figures = tallyFigures(tally);
  const { shared, held } = tally.texts.length
    ? screenTexts(tally.texts, await rosterNames(survey, tenantId, run))
    : { shared: [], held: [] };

  const questions: QuestionResult[] = def.questions.map((q) => {
    const answered = figures.answered(q.id);
    const shown = isGroupLargeEnough(answered, min);
    const numeric = q.type === 'rating' || q.type === 'recommend';
    return {
      id: q.id,
      text: q.text,
      type: q.type,
      measure: q.type === 'rating' ? (q.measure ?? null) : null,
      shown,
      answered: shown ? answered : null,
      mean: shown && numeric ? round2(figures.sum(q) / answered) : null,
      distribution: shown
        ? questionKeys(q).map((key) => {
            const count = figures.count(q.id, key);
            return { key, label: keyLabel(q, key), count, percent: Math.round((count / answered) * 100) };
          })
        : [],
      texts: shown ? shared.filter((t) => t.questionId === q.id).map((t) => t.text) : [],
      heldBack: shown ? held.filter((t) => t.questionId === q.id).length : 0,
      held:
        shown && options.held
          ? held.filter((t) => t.questionId === q.id).map((t) => ({ text: t.text, reasons: t.reasons }))
          : [],
    };
  });
  const heldBack = questions.reduce((sum, q) => sum + q.heldBack, 0);
  return { ...base, shown: true, responses: n, heldBack, questions };
}

/**
 * Accessors over a tally (one database pass). A mean is Σ(value × count) / answered over the
 * grouped rows (FerretDB 1.x cannot $sum a field nested in an unwound array).
 */
export function tallyFigures(tally: Tally) {
  return {
    answered: (q: string) => tally.answered.get(q) ?? 0,
    count: (q: string, key: string) => tally.counts.get(`${q}=${key}`) ?? 0,
    sum: (q: Question) =>
      questionKeys(q).reduce((acc, key) => acc + Number(key) * (tally.counts.get(`${q.id}=${key}`) ?? 0), 0),
  };
}

/** The results as CSV: aggregates and free text only (no per-person rows); formula cells neutralised. */
export async function exportCsv(
  survey: SurveyService,
  tenantId: string,
  surveyRunId: string,
  filter: ResultsFilter = {},
): Promise<string> {
  const r = await surveyResults(survey, tenantId, surveyRunId, filter);
  if (!r.shown) throw new SmallGroupRefused(r.minGroupSize, 'this survey yet');
  const rows: (string | number)[][] = [
    ['question_id', 'question', 'row_type', 'value', 'label', 'count', 'percent', 'mean', 'text'],
  ];
  for (const q of r.questions) {
    if (!q.shown) {
      rows.push([q.id, q.text, 'hidden', '', '', '', '', '', `fewer than ${r.minGroupSize} answers`]);
      continue;
    }
    rows.push([q.id, q.text, 'answered', '', '', q.answered!, '', q.mean ?? '', '']);
    for (const d of q.distribution)
      rows.push([q.id, q.text, 'distribution', d.key, d.label, d.count, d.percent, '', '']);
    for (const t of q.texts) rows.push([q.id, q.text, 'text', '', '', '', '', '', t]);
    if (q.heldBack > 0)
      rows.push([q.id, q.text, 'held-back', '', '', q.heldBack, '', '', 'comments shown only to the lead']);
  }
  return (
    '\ufeff' +
    stringify(
      rows.map((row) => row.map(spreadsheetSafe)),
      { record_delimiter: '\r\n' },
    )
  );
}
