/** A run's results card, and the confidence before/after insight (`survey.results`, `survey.insight`). */
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { Turn } from '../../feature-kit/turn.js';
import type { Services } from '../../services.js';
import {
  assertCanViewResults,
  hasLeadRole,
  LEAD_ONLY,
  OWN_COHORT_ONLY,
  type SurveyReply as Reply,
} from './survey-policy.js';
import type { ResultsFilter } from './survey-results.js';
import { STATUS_LABEL } from './survey-runs-card.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

function describeFilter(filter: ResultsFilter): string {
  return filter.profession ? `Showing: ${filter.profession} only` : '';
}

export async function resultsCard(
  turn: Turn,
  services: Services,
  data: Record<string, unknown>,
): Promise<Reply> {
  const { person, tenantId } = turn;
  const runId = str(data.surveyRunId);
  const run = runId ? await services.surveys.repo.runById(tenantId, runId) : null;
  try {
    assertCanViewResults(person, run?.cohortId ?? null);
  } catch {
    await services.audit.record(
      tenantId,
      { actorId: person._id, action: 'survey.results', targetId: run?._id ?? null, outcome: 'refused' },
      services.clock.now(),
    );
    return LEAD_ONLY;
  }
  const profession = str(data.profession);
  const filter: ResultsFilter = profession && profession !== 'all' ? { profession } : {};
  let error = '';
  let results;
  try {
    results = await services.surveys.results(tenantId, runId, filter);
  } catch (err) {
    if (!(err instanceof GroupTooSmallError)) throw err;
    error = `That filter would show a group smaller than ${services.surveys.minGroupSize}, so it is not available.`;
    results = await services.surveys.results(tenantId, runId, {});
  }
  return { name: 'survey-results', data: await resultsCardData(services, tenantId, person, results, error) };
}

async function resultsCardData(
  services: Services,
  tenantId: string,
  person: PersonDoc,
  r: Awaited<ReturnType<Services['surveys']['results']>>,
  error: string,
) {
  const min = r.minGroupSize;
  const cohort = await services.cohorts.byId(tenantId, r.cohortId);
  const professions = r.shown ? await services.surveys.repo.professions(tenantId, r.runId) : [];
  const MAX_TEXTS = 40;
  return {
    title: r.title,
    cohort: cohort?.name ?? 'unknown cohort',
    status: STATUS_LABEL[r.status],
    privacy: r.anonymous ? 'anonymous' : 'named',
    runId: r.runId,
    summary:
      r.status === 'cancelled'
        ? 'This survey was cancelled, so its results are not shown.'
        : !r.shown
          ? `Fewer than ${min} responses so far. Results appear once at least ${min} people have answered.`
          : r.stepped
            ? `Showing the first ${r.responses} responses. While the survey is open, results are updated at every ${r.step} responses, so no one's answers can be picked out; all are shown when it closes. Figures are shown only for groups of at least ${min}.`
            : `${r.responses} responses. Figures are shown only for groups of at least ${min}.`,
    filterText: describeFilter(r.filter),
    heldText:
      r.heldBack > 0
        ? `${r.heldBack === 1 ? '1 comment is' : `${r.heldBack} comments are`} held back from these shared results because ${r.heldBack === 1 ? 'it names' : 'they name'} someone or may describe a safety concern. Only you can read ${r.heldBack === 1 ? 'it' : 'them'}: choose **Held-back comments**.`
        : '',
    error,
    profession: r.filter.profession ?? 'all',
    professions:
      professions.length > 1
        ? [
            { title: 'Everyone', value: 'all' },
            ...professions.map((p) => ({ title: p.profession, value: p.profession })),
          ]
        : [],
    csvUrl: r.shown
      ? services.surveys.exportUrl(services.surveys.exportToken(tenantId, person._id, r.runId, r.filter))
      : '',
    questions: r.questions.map((q) => ({
      text: q.text,
      note: !q.shown
        ? `Hidden: fewer than ${min} answers`
        : `${q.answered} answers${q.mean !== null ? ` · mean ${q.mean.toFixed(2)}` : ''}${q.heldBack > 0 ? ` · ${q.heldBack} held back` : ''}${q.texts.length > MAX_TEXTS ? ` · first ${MAX_TEXTS} comments shown; all are in the CSV` : ''}`,
      facts: q.distribution.map((d) => ({ title: d.label, value: `${d.count} (${d.percent}%)` })),
      texts: q.texts.slice(0, MAX_TEXTS),
    })),
  };
}

const signed = (n: number | null) => (n === null ? '–' : `${n > 0 ? '+' : ''}${n.toFixed(2)}`);
const plain = (n: number | null) => (n === null ? '–' : n.toFixed(2));

export async function insightCard(turn: Turn, services: Services): Promise<Reply> {
  const { person, tenantId } = turn;
  // Each cohort's figures only for its lead (or an admin); a lead of several sees them side by side.
  const cohorts = (await services.cohorts.all(tenantId)).filter((c) =>
    can(person, 'survey.insight.view', { cohortId: c._id }),
  );
  if (cohorts.length === 0) return hasLeadRole(person) ? OWN_COHORT_ONLY : LEAD_ONLY;
  const min = services.surveys.minGroupSize;
  const comparison = await services.surveys.compareCohorts(
    tenantId,
    cohorts.map((c) => c._id),
  );
  const perCohort = await Promise.all(cohorts.map((c) => services.surveys.confidenceDeltas(tenantId, c._id)));
  const anyShown = perCohort.filter((d) => d.shown).length;
  return {
    name: 'survey-insight',
    data: {
      minGroupSize: min,
      canCompare:
        cohorts.length > 1 && can(person, 'survey.insight.compare', { cohortIds: cohorts.map((c) => c._id) }),
      cohorts: perCohort.map((d) => ({
        name: d.cohortName,
        shown: d.shown,
        note: d.shown
          ? `${d.preResponses} before, ${d.postResponses} after`
          : !d.baselineRunId || !d.endRunId
            ? 'Needs both a start-of-placement and an end-of-placement confidence survey'
            : `Hidden: fewer than ${min} responses to one of the surveys`,
        rows: d.rows.map((r) => ({
          label: r.label,
          pre: plain(r.pre),
          post: plain(r.post),
          delta: signed(r.delta),
        })),
      })),
      compare:
        anyShown > 1
          ? comparison.rows.map((row) => ({
              label: row.label,
              cells: row.cells
                .map(
                  (c) =>
                    `${comparison.cohorts.find((x) => x.cohortId === c.cohortId)!.cohortName}: ${c.delta === null ? 'hidden' : signed(c.delta)}`,
                )
                .join(' · '),
            }))
          : [],
    },
  };
}
