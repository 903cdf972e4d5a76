/**
 * Confidence before and after placement: each cohort's latest confidence-baseline run against
 * its latest confidence-end run, and several cohorts side by side (cohort 2 vs cohort 1),
 * from the weekly check-ins when a cohort lacks the surveys.
 */
import { isGroupLargeEnough } from '../../domain/anonymity.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { MEASURES } from './definitions.js';
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import { localDateOf, placementWeekOfDate } from '../../domain/placement-calendar.js';
import { ALL_WEEKS, checkinDeltas, checkinMeasureId } from './checkin-confidence-deltas.js';
import type { CohortDeltas, ConfidenceComparison, DeltaRow } from './ports.js';
import type { SurveyRunDoc } from './survey-repository.js';
import { SurveyError } from './survey-policy.js';
import { releasedTally, round2, tallyFigures } from './survey-results.js';
import type { SurveyService } from './survey-service.js';

/** Mean per measure of a run, with the answered count (null figures below the minimum). */
async function measureMeans(survey: SurveyService, tenantId: string, run: SurveyRunDoc | null) {
  const out = new Map<string, { mean: number | null; n: number | null; raw: number | null }>();
  if (!run) return { shown: false, responses: null as number | null, out };
  // The same released responses as the run's results card and CSV (steps while open).
  const { tally, released } = await releasedTally(survey, tenantId, run, { runId: run._id });
  if (released === 0) return { shown: false, responses: null, out };
  const n = tally.responses;
  if (!isGroupLargeEnough(n, survey.minGroupSize)) return { shown: false, responses: null, out };
  const def = survey.definitionOf(run);
  const figures = tallyFigures(tally);
  for (const q of def.questions) {
    if (q.type !== 'rating' || !q.measure) continue;
    const answered = figures.answered(q.id);
    const raw = figures.sum(q) / answered;
    out.set(
      q.measure,
      isGroupLargeEnough(answered, survey.minGroupSize)
        ? { mean: round2(raw), raw, n: answered }
        : { mean: null, raw: null, n: null },
    );
  }
  return { shown: true, responses: n, out };
}

/**
 * Pre/post mean per confidence area and pillar for a cohort: the latest confidence-baseline
 * run against the latest confidence-end run (unpaired means: anonymous runs cannot be paired).
 * The delta is computed from the unrounded means, then rounded to 2 places.
 */
export async function confidenceDeltas(
  survey: SurveyService,
  tenantId: string,
  cohortId: string,
  runs?: { baselineRunId?: string; endRunId?: string },
): Promise<CohortDeltas> {
  const cohort = await survey.deps.cohorts.byId(tenantId, cohortId);
  if (!cohort) throw new SurveyError('I could not find that cohort.', 'not-found');
  return deltasFor(survey, tenantId, cohort, runs);
}

async function deltasFor(
  survey: SurveyService,
  tenantId: string,
  cohort: CohortDoc,
  runs?: { baselineRunId?: string; endRunId?: string },
): Promise<CohortDeltas> {
  const all = (await survey.repo.runsForCohort(tenantId, cohort._id)).filter((r) => !r.cancelledAt);
  const pick = (purpose: string, id?: string) =>
    id ? (all.find((r) => r._id === id) ?? null) : (all.find((r) => r.purpose === purpose) ?? null);
  const baseline = pick('confidence-baseline', runs?.baselineRunId);
  // Never two runs of the same week as before and after: the end run opens in a later week.
  const weekOf = (r: SurveyRunDoc) => {
    const on = localDateOf(r.opensAt, cohort.timeZone);
    return placementWeekOfDate(cohort, on)?.week ?? (on < cohort.startDate ? 0 : cohort.weeks + 1);
  };
  const ends = runs?.endRunId
    ? [pick('confidence-end', runs.endRunId)]
    : all.filter((r) => r.purpose === 'confidence-end');
  const end = ends.find((r) => r && (!baseline || weekOf(r) > weekOf(baseline))) ?? null;
  const [pre, post] = await Promise.all([
    measureMeans(survey, tenantId, baseline),
    measureMeans(survey, tenantId, end),
  ]);
  const shown = pre.shown && post.shown;
  return {
    cohortId: cohort._id,
    cohortName: cohort.name,
    baselineRunId: baseline?._id ?? null,
    endRunId: end?._id ?? null,
    shown,
    preResponses: shown ? pre.responses : null,
    postResponses: shown ? post.responses : null,
    rows: MEASURES.map((m) => {
      const a = shown ? pre.out.get(m.id) : undefined;
      const b = shown ? post.out.get(m.id) : undefined;
      const delta = a?.raw != null && b?.raw != null ? round2(b.raw - a.raw) : null;
      return {
        measure: m.id,
        label: m.label,
        pre: a?.mean ?? null,
        post: b?.mean ?? null,
        delta,
        preN: a?.n ?? null,
        postN: b?.n ?? null,
      };
    }),
  };
}

/**
 * Cohort-vs-cohort table of the confidence deltas (e.g. cohort 2 vs cohort 1), in the order
 * given: the first cohort is the reference the others are compared with. The figures come from
 * the start and end confidence surveys, or, when a cohort lacks them and the weekly check-ins
 * (checkin-confidence-deltas.ts) show figures for more of the cohorts, from the check-ins: one
 * source for the whole table, so that cohorts are compared on one measure. Each
 * cohort's figures obey the minimum group size on their own (a hidden cohort shows no figure,
 * no count and no difference); a difference is only shown between two shown changes.
 */
export async function compareCohorts(
  survey: SurveyService,
  tenantId: string,
  cohortIds: string[],
): Promise<ConfidenceComparison> {
  const deltas: CohortDeltas[] = [];
  for (const id of cohortIds) deltas.push(await confidenceDeltas(survey, tenantId, id));
  const checkins = survey.deps.checkins?.();
  const fromCheckins = [];
  if (checkins && deltas.some((d) => !d.baselineRunId || !d.endRunId))
    for (const d of deltas) {
      const own = await checkins.ofCohort(tenantId, d.cohortId, ALL_WEEKS);
      fromCheckins.push({ cohort: d, figures: checkinDeltas(own, survey.minGroupSize) });
    }
  const shownBySurveys = deltas.filter((d) => d.shown).length;
  const shownByCheckins = fromCheckins.filter((c) => c.figures.shown).length;
  if (shownByCheckins > shownBySurveys)
    return table(
      'checkins',
      fromCheckins.map(({ cohort, figures }) => ({
        cohortId: cohort.cohortId,
        cohortName: cohort.cohortName,
        shown: figures.shown,
        hidden: figures.shown ? null : figures.students === 0 ? 'no-checkins' : 'too-few',
        preResponses: figures.shown ? figures.students : null,
        postResponses: figures.shown ? figures.students : null,
        rows: figures.rows,
      })),
      CONFIDENCE_AREAS.map((a) => ({ id: checkinMeasureId(a.id), label: a.label })),
    );
  return table(
    'surveys',
    deltas.map((d) => ({
      cohortId: d.cohortId,
      cohortName: d.cohortName,
      shown: d.shown,
      hidden: d.shown ? null : !d.baselineRunId || !d.endRunId ? 'no-surveys' : 'too-few',
      preResponses: d.preResponses,
      postResponses: d.postResponses,
      rows: d.rows,
    })),
    MEASURES,
  );
}

function table(
  source: ConfidenceComparison['source'],
  cohorts: (ConfidenceComparison['cohorts'][number] & { rows: DeltaRow[] })[],
  measures: { id: string; label: string }[],
): ConfidenceComparison {
  return {
    source,
    cohorts: cohorts.map(({ rows: _rows, ...c }) => c),
    rows: measures.map((m) => {
      const rows = cohorts.map((d) => d.rows.find((r) => r.measure === m.id)!);
      const reference = rows[0]?.delta ?? null;
      return {
        measure: m.id,
        label: m.label,
        cells: rows.map((row, i) => ({
          cohortId: cohorts[i]!.cohortId,
          pre: row.pre,
          post: row.post,
          delta: row.delta,
          vsFirst: i > 0 && row.delta !== null && reference !== null ? round2(row.delta - reference) : null,
        })),
      };
    }),
  };
}
