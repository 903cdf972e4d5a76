/**
 * The lead overview: served from the cohort's rollup (rollups.ts), or computed directly from
 * the sources (the reference the rollup is tested against); and the cohort-vs-cohort view.
 */
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { dueInstantForWeek, lastPlacementDate, placementWeekOf } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { CohortComparison, CohortSummary, CountRow, LeadOverview } from '../../web/api-types.js';
import { announcementAcks } from './announcement-panel.js';
import { checkinPanels } from './checkin-panels.js';
import { cohortStudents, conversationsByHost, studentsByProfession, surveyResults } from './cohort-panels.js';
import type { DashboardDeps, DashboardService } from './dashboard-service.js';
import { withoutOverdueWhenFinished } from './finished-cohort.js';
import { empty, ok, suppressed, type Panel } from './panels.js';
import type { SurveyInsights } from './ports.js';

export type { CohortSummary, LeadOverview } from '../../web/api-types.js';

export function summariseCohort(cohort: CohortDoc, now: Date): CohortSummary {
  const position = placementWeekOf(cohort, now);
  const before = now.getTime() < (dueInstantForWeek(cohort, 1) ?? now).getTime() - 7 * 86400_000;
  const currentWeek = position ? position.week : before ? 0 : cohort.weeks + 1;
  return {
    id: cohort._id,
    name: cohort.name,
    startDate: cohort.startDate,
    endDate: lastPlacementDate(cohort),
    weeks: cohort.weeks,
    currentWeek,
  };
}

export interface LeadFilters {
  cohortId: string;
  fromWeek?: number;
  toWeek?: number;
  profession?: string;
}

/** Resolves the week range: clamps to the placement and defaults to week 1 .. this week. */
export function weekRange(summary: CohortSummary, from?: number, to?: number) {
  const last = Math.max(1, Math.min(summary.weeks, summary.currentWeek || 1));
  const fromWeek = Math.min(Math.max(1, from ?? 1), summary.weeks);
  const toWeek = Math.max(fromWeek, Math.min(summary.weeks, to ?? last));
  return { fromWeek, toWeek };
}

/**
 * The lead overview served by the API: from the cohort's rollup, read by `_id` (computed on
 * demand when there is none yet), as of the rollup's generatedAt.
 */
export async function leadOverview(
  dashboard: DashboardService,
  tenantId: string,
  cohort: CohortDoc,
  filters: LeadFilters,
): Promise<LeadOverview> {
  const overview = await dashboard.rollups.overview(tenantId, cohort, filters);
  return withoutOverdueWhenFinished(overview, cohort, dashboard.deps.clock.now());
}

/**
 * The lead overview computed directly from the source collections at the clock's now (every
 * panel aggregated in the database). Scans the check-ins on the local database, so it is not
 * served; it is the reference the rollup is tested against.
 */
export async function leadOverviewDirect(
  d: DashboardDeps,
  tenantId: string,
  cohort: CohortDoc,
  filters: LeadFilters,
): Promise<LeadOverview> {
  const now = d.clock.now();
  const min = d.config.MIN_GROUP_SIZE;
  const summary = summariseCohort(cohort, now);
  const range = weekRange(summary, filters.fromWeek, filters.toWeek);

  const byProfessionAll = await studentsByProfession(d, tenantId, cohort._id);
  const professions = byProfessionAll.map((r) => r.key);
  const profession = filters.profession ?? null;
  const cut = profession ? byProfessionAll.filter((r) => r.key === profession) : byProfessionAll;
  const studentCount = cut.reduce((n, r) => n + r.count, 0);
  // A cut of the cohort smaller than the minimum group size is refused outright.
  if (profession && studentCount < min) throw new GroupTooSmallError(studentCount, min);
  const group = { cohortId: cohort._id, profession, range, studentCount };

  const students: Panel<{ byProfession: CountRow[] }> =
    studentCount === 0
      ? empty('No students are on this cohort yet. Ask an administrator to import the placement roster.')
      : studentCount < min
        ? suppressed(min, studentCount)
        : ok({ byProfession: cut.filter((r) => r.count >= min) });

  const inCut = await cohortStudents(d, tenantId, cohort._id, profession);
  const [checkins, conversations, surveys, announcements] = await Promise.all([
    checkinPanels(d, tenantId, cohort, group, inCut, !!profession),
    conversationsByHost(d, tenantId, cohort, group, inCut),
    surveyResults(d, tenantId, cohort, group),
    announcementAcks(d, tenantId, cohort, group, inCut),
  ]);
  const { submissionRate, overdue, confidence, wellbeing } = checkins;
  return {
    cohort: summary,
    range,
    minGroupSize: min,
    studentCount,
    professions,
    profession,
    generatedAt: now.toISOString(),
    servedAt: now.toISOString(),
    students,
    submissionRate,
    overdue,
    confidence,
    wellbeing,
    conversations,
    surveys,
    announcements,
  };
}

/** Cohort-vs-cohort confidence deltas (the surveys feature applies the minimum group size). */
export async function cohortComparison(
  surveys: SurveyInsights,
  tenantId: string,
  cohorts: CohortDoc[],
): Promise<CohortComparison> {
  const comparison = await surveys.compareCohorts(
    tenantId,
    cohorts.map((c) => c._id),
  );
  return {
    minGroupSize: surveys.minGroupSize,
    source: comparison.source,
    cohorts: comparison.cohorts.map((c) => ({
      id: c.cohortId,
      name: c.cohortName,
      shown: c.shown,
      hidden: c.hidden,
      preResponses: c.preResponses,
      postResponses: c.postResponses,
    })),
    rows: comparison.rows,
  };
}
