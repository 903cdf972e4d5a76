/**
 * `compare cohorts`: cohort-vs-cohort confidence deltas for a lead of several cohorts (or an
 * admin), the evaluation the placement's authors did by hand (cohort 2 vs cohort 1). Who may
 * compare is the policy's ('survey.insight.compare': every cohort compared is one the person
 * leads); the figures and their privacy rules are SurveyService.compareCohorts'. Two cohorts
 * are compared at once; with more, a card lets the lead pick which.
 */
import { z } from 'zod';
import { can } from '../../domain/authorization.js';
import { formatDate } from '../../domain/placement-calendar.js';
import { safeText } from '../../domain/validation.js';
import type { Services } from '../../services.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConfidenceComparison } from './ports.js';
import { hasLeadRole, LEAD_ONLY, type SurveyReply as Reply } from './survey-policy.js';

/** How many cohorts one comparison may hold (here and on the dashboard's compare view). */
export const MAX_COMPARED = 4;

export const NOT_YOUR_COHORT =
  'You can only compare cohorts you lead, so I have not shown that comparison. If you should lead the other cohort too, ask an administrator to add you to it in the roster.';
const NO_COHORT =
  'You are not attached to a cohort yet. Ask an administrator to add you to the cohorts you lead.';

/** The cohorts this person may compare, earliest first: those they lead (every cohort for an admin). */
export async function comparableCohorts(
  services: Services,
  tenantId: string,
  person: PersonDoc,
): Promise<CohortDoc[]> {
  const all = await services.cohorts.all(tenantId);
  return all.filter((c) => can(person, 'survey.insight.compare', { cohortIds: [c._id] })).sort(byStart);
}

const byStart = (a: CohortDoc, b: CohortDoc) =>
  a.startDate.localeCompare(b.startDate) || a.name.localeCompare(b.name);

const pickSchema = z.object({
  cohortIds: z
    .union([safeText(2000), z.array(safeText(200)).max(50)])
    .transform((v) => [
      ...new Set((Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s.length > 0)),
    ])
    .pipe(
      z
        .array(z.string().max(200))
        .min(2, 'Choose at least two cohorts to compare')
        .max(MAX_COMPARED, `Choose up to ${MAX_COMPARED} cohorts`),
    ),
});

/** `compare cohorts` (and the insight card's button): the comparison, or a card to pick cohorts. */
export async function compareStart(services: Services, tenantId: string, person: PersonDoc): Promise<Reply> {
  const cohorts = await comparableCohorts(services, tenantId, person);
  if (cohorts.length === 0) return hasLeadRole(person) ? NO_COHORT : LEAD_ONLY;
  if (cohorts.length === 1)
    return `You lead one cohort (${cohorts[0]!.name}), so there is no other cohort to compare it with yet. Its confidence before and after is under "surveys".`;
  if (cohorts.length === 2) return comparisonCard(services, tenantId, cohorts, false);
  return pickCard(
    cohorts,
    cohorts.slice(-2).map((c) => c._id),
    '',
  );
}

/** The pick card's submit (`survey.compare`): validated, each cohort checked against the policy. */
export async function compareSubmit(
  services: Services,
  tenantId: string,
  person: PersonDoc,
  data: Record<string, unknown>,
): Promise<Reply> {
  const cohorts = await comparableCohorts(services, tenantId, person);
  if (cohorts.length === 0 && !hasLeadRole(person)) return LEAD_ONLY;
  const parsed = pickSchema.safeParse({ cohortIds: data.cohortIds ?? '' });
  if (!parsed.success) {
    if (cohorts.length < 2) return compareStart(services, tenantId, person);
    const chosen = typeof data.cohortIds === 'string' ? data.cohortIds.split(',') : [];
    const count = parsed.error.issues.find((i) => i.code === 'too_small' || i.code === 'too_big');
    return pickCard(cohorts, chosen, count?.message ?? 'Choose the cohorts to compare from the list');
  }
  const ids = parsed.data.cohortIds;
  if (!can(person, 'survey.insight.compare', { cohortIds: ids })) {
    await services.audit.record(
      tenantId,
      { actorId: person._id, action: 'survey.compare', outcome: 'refused', details: { cohorts: ids.length } },
      services.clock.now(),
    );
    return NOT_YOUR_COHORT;
  }
  const chosen: CohortDoc[] = [];
  for (const id of ids) {
    const cohort = await services.cohorts.byId(tenantId, id);
    // Only an admin can get here with an id that is no cohort (a lead leads existing cohorts).
    if (!cohort) return 'One of those cohorts no longer exists. Choose again from "compare cohorts".';
    chosen.push(cohort);
  }
  return comparisonCard(services, tenantId, chosen.sort(byStart), cohorts.length > 2);
}

function pickCard(cohorts: CohortDoc[], selected: string[], error: string): Reply {
  return {
    name: 'survey-compare-pick',
    data: {
      error,
      max: MAX_COMPARED,
      selected: selected.filter((id) => cohorts.some((c) => c._id === id)).join(','),
      cohorts: cohorts.map((c) => ({
        title: `${c.name} (starts ${formatDate(c.startDate)}, ${c.weeks} weeks)`,
        value: c._id,
      })),
    },
  };
}

function cohortNote(
  source: ConfidenceComparison['source'],
  c: ConfidenceComparison['cohorts'][number],
  minGroupSize: number,
): string {
  if (source === 'checkins') {
    if (c.shown) return `${c.preResponses} students' first and latest check-ins`;
    return c.hidden === 'no-checkins'
      ? 'No figures: no student has rated their confidence in check-ins of two different weeks yet'
      : `No figures: hidden because fewer than ${minGroupSize} students have rated their confidence in two different weeks`;
  }
  if (c.shown) return `${c.preResponses} responses at the start, ${c.postResponses} at the end`;
  return c.hidden === 'no-surveys'
    ? 'No figures: needs both a start-of-placement and an end-of-placement confidence survey'
    : `No figures: hidden because fewer than ${minGroupSize} people answered one of the surveys`;
}

const signed = (n: number | null) => (n === null ? '–' : `${n > 0 ? '+' : ''}${n.toFixed(2)}`);

/** Card data for a comparison: the first (earliest) cohort is the reference. */
export function comparisonCardData(comparison: ConfidenceComparison, minGroupSize: number, canPick: boolean) {
  const [first, ...others] = comparison.cohorts;
  const names = comparison.cohorts.map((c) => c.cohortName);
  return {
    title:
      comparison.cohorts.length === 2
        ? `Confidence: ${others[0]!.cohortName} vs ${first!.cohortName}`
        : `Confidence across ${comparison.cohorts.length} cohorts`,
    intro:
      comparison.source === 'surveys'
        ? `Change in mean confidence (1–5) from the start to the end of placement. In brackets: the difference from ${first!.cohortName}. A cohort with fewer than ${minGroupSize} responses to either survey shows no figures.`
        : `Change in mean confidence (1–5) from each student's first weekly check-in to their latest, because not every cohort here has both confidence surveys. In brackets: the difference from ${first!.cohortName}. A cohort or an area with fewer than ${minGroupSize} students shows no figures.`,
    canPick,
    cohorts: comparison.cohorts.map((c) => ({
      name: c.cohortName,
      note: cohortNote(comparison.source, c, minGroupSize),
    })),
    header: names.map((text) => ({ text })),
    rows: comparison.rows.map((row) => ({
      label: row.label,
      cells: row.cells.map((cell, i) => ({
        text:
          cell.delta === null
            ? '–'
            : i === 0 || cell.vsFirst === null
              ? signed(cell.delta)
              : `${signed(cell.delta)} (${signed(cell.vsFirst)})`,
      })),
    })),
  };
}

async function comparisonCard(
  services: Services,
  tenantId: string,
  cohorts: CohortDoc[],
  canPick: boolean,
): Promise<Reply> {
  const comparison = await services.surveys.compareCohorts(
    tenantId,
    cohorts.map((c) => c._id),
  );
  return {
    name: 'survey-compare',
    data: comparisonCardData(comparison, services.surveys.minGroupSize, canPick),
  };
}
