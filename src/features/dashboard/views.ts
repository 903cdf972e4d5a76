/**
 * What each role's page shows, computed in the database with the portable aggregation
 * subset. Panels whose data comes from a capability that has not landed on this service say so
 * ("Check-ins are not set up yet") instead of showing anything made up.
 */
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { endDate, placementWeekOf, dueInstantForWeek } from '../../domain/placement-calendar.js';
import type { Services } from '../../services.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { withoutOverdueWhenFinished } from './finished-cohort.js';
import { empty, notSetUp, ok, suppressed, type Panel } from './panels.js';
import { rollupsFor } from './rollups.js';
import * as sources from './sources.js';

export interface CohortSummary {
  id: string;
  name: string;
  startDate: string;
  endDate: string;
  weeks: number;
  /** Week of the placement today, 0 before it starts, weeks + 1 after it ends. */
  currentWeek: number;
}

export function summariseCohort(cohort: CohortDoc, now: Date): CohortSummary {
  const position = placementWeekOf(cohort, now);
  const before = now.getTime() < (dueInstantForWeek(cohort, 1) ?? now).getTime() - 7 * 86400_000;
  const currentWeek = position ? position.week : before ? 0 : cohort.weeks + 1;
  return {
    id: cohort._id,
    name: cohort.name,
    startDate: cohort.startDate,
    endDate: endDate(cohort),
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

export interface CountRow {
  key: string;
  label: string;
  count: number;
}

export interface LeadOverview {
  cohort: CohortSummary;
  range: { fromWeek: number; toWeek: number };
  minGroupSize: number;
  studentCount: number;
  professions: string[];
  profession: string | null;
  /** The instant these numbers are true for (the rollup's; see rollups.ts). */
  generatedAt: string;
  /** The server's time when this answer was served (the page shows "Updated 3 minutes ago"). */
  servedAt: string;
  students: Panel<{ byProfession: CountRow[] }>;
  submissionRate: Panel<sources.WeekRate[]>;
  overdue: Panel<sources.OverdueRow[]>;
  confidence: Panel<sources.ConfidenceRow[]>;
  wellbeing: Panel<sources.WeekCount[]>;
  conversations: Panel<{ byProfession: CountRow[]; byRoleType: CountRow[]; held: number; booked: number }>;
  surveys: Panel<sources.SurveyResult>;
  announcements: Panel<sources.AnnouncementRow[]>;
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
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
  filters: LeadFilters,
): Promise<LeadOverview> {
  const overview = await rollupsFor(services).overview(tenantId, cohort, filters);
  return withoutOverdueWhenFinished(overview, cohort, services.clock.now());
}

/**
 * The lead overview computed directly from the source collections at the clock's now (every
 * panel aggregated in the database). Scans the check-ins on the local database, so it is not
 * served; it is the reference the rollup is tested against.
 */
export async function leadOverviewDirect(
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
  filters: LeadFilters,
): Promise<LeadOverview> {
  const now = services.clock.now();
  const min = services.config.MIN_GROUP_SIZE;
  const summary = summariseCohort(cohort, now);
  const range = weekRange(summary, filters.fromWeek, filters.toWeek);

  const byProfessionAll = await sources.studentsByProfession(services, tenantId, cohort._id);
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

  const cohortStudents = await sources.cohortStudents(services, tenantId, cohort._id, profession);
  const [checkins, conversations, surveys, announcements] = await Promise.all([
    sources.checkinPanels(services, tenantId, cohort, group, cohortStudents, !!profession),
    sources.conversationsByHost(services, tenantId, cohort, group, cohortStudents),
    sources.surveyResults(services, tenantId, cohort, group),
    sources.announcementAcks(services, tenantId, cohort, group, cohortStudents),
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

export interface CohortComparisonView {
  minGroupSize: number;
  /** The cohorts, earliest first; the first is the reference the others are compared with. */
  cohorts: {
    id: string;
    name: string;
    shown: boolean;
    /** Why there are no figures: no pair of confidence surveys, or too few responses (never how few). */
    hidden: 'no-surveys' | 'too-few' | null;
    preResponses: number | null;
    postResponses: number | null;
  }[];
  rows: {
    measure: string;
    label: string;
    cells: {
      cohortId: string;
      pre: number | null;
      post: number | null;
      delta: number | null;
      vsFirst: number | null;
    }[];
  }[];
}

/** Cohort-vs-cohort confidence deltas (the surveys feature applies the minimum group size). */
export async function cohortComparison(
  services: Services,
  tenantId: string,
  cohorts: CohortDoc[],
): Promise<CohortComparisonView> {
  const comparison = await services.surveys.compareCohorts(
    tenantId,
    cohorts.map((c) => c._id),
  );
  return {
    minGroupSize: services.surveys.minGroupSize,
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

export interface SupervisedStudent {
  id: string;
  name: string;
  profession: string;
  cohortName: string | null;
  week: number | null;
  checkin: 'submitted' | 'due' | 'overdue' | 'no-placement' | 'unknown';
  lowWellbeing: boolean;
  /** Actions the student agreed at supervision and has not done (src/features/supervision). */
  openActions: { text: string; dueDate: string; notYet: boolean }[];
  /** Reflections the student shared with their supervisors. */
  sharedReflections: number;
  /** Set while the placement lead has been alerted (missed check-ins, low wellbeing). */
  escalation: string | null;
}

export interface SupervisorView {
  students: SupervisedStudent[];
  checkins: Panel<SupervisedStudent[]>;
  confidence: Panel<sources.ConfidenceTrend[]>;
  awaitingFeedback: Panel<sources.AwaitingFeedbackRow[]>;
  supervisionSessions: Panel<sources.SessionRow[]>;
}

export async function supervisorView(
  services: Services,
  viewer: { tenantId: string; person: PersonDoc },
): Promise<SupervisorView> {
  const { tenantId, person } = viewer;
  const ids = await services.supervisions.studentIdsOf(tenantId, person._id);
  const people = ids.length ? await services.people.byIds(tenantId, ids) : [];
  people.sort((a, b) => a.displayName.localeCompare(b.displayName));
  const cohortIds = [...new Set(people.map((p) => p.cohortId).filter((c): c is string => !!c))];
  const cohorts = new Map<string, CohortDoc>();
  for (const id of cohortIds) {
    const c = await services.cohorts.byId(tenantId, id);
    if (c) cohorts.set(id, c);
  }
  const now = services.clock.now();
  const status = await sources.thisWeekStatus(services, tenantId, people, cohorts, now);
  const followUps = await services.supervision.followUpsOf(
    tenantId,
    people.map((p) => p._id),
  );
  const students: SupervisedStudent[] = people.map((p) => {
    const cohort = p.cohortId ? cohorts.get(p.cohortId) : undefined;
    const s = status.get(p._id);
    return {
      id: p._id,
      name: p.displayName,
      profession: p.profession,
      cohortName: cohort?.name ?? null,
      week: cohort ? (placementWeekOf(cohort, now)?.week ?? null) : null,
      checkin: s?.checkin ?? 'unknown',
      lowWellbeing: s?.lowWellbeing ?? false,
      openActions: followUps.get(p._id)?.openActions ?? [],
      sharedReflections: followUps.get(p._id)?.sharedReflections ?? 0,
      escalation: followUps.get(p._id)?.escalation ?? null,
    };
  });
  const none =
    'No students are linked to you yet. Your placement lead links students to supervisors in the roster.';
  const checkins: Panel<SupervisedStudent[]> =
    students.length === 0 ? empty(none) : status.available ? ok(students) : notSetUp('Check-ins');
  const [confidence, awaitingFeedback, supervisionSessions] =
    students.length === 0
      ? [
          empty<sources.ConfidenceTrend[]>(none),
          empty<sources.AwaitingFeedbackRow[]>(none),
          empty<sources.SessionRow[]>(none),
        ]
      : await Promise.all([
          sources.confidenceTrends(services, tenantId, people),
          sources.awaitingFeedback(services, tenantId, people, person._id),
          sources.supervisionSessions(services, tenantId, people),
        ]);
  return { students, checkins, confidence, awaitingFeedback, supervisionSessions };
}

export interface StudentView {
  me: {
    name: string;
    profession: string;
    cohortName: string | null;
    week: number | null;
    weeks: number | null;
  };
  pillars: Panel<sources.TagCount[]>;
  standards: Panel<sources.TagCount[]>;
  confidence: Panel<sources.ConfidenceTrend>;
  conversations: Panel<{ held: number; booked: number; upcoming: sources.BookingRow[] }>;
  /** The export link is minted on request (GET /api/dashboard/student/export-link): each works once. */
  exportAvailable: boolean;
}

export async function studentView(
  services: Services,
  viewer: { tenantId: string; person: PersonDoc },
): Promise<StudentView> {
  const { tenantId, person } = viewer;
  const cohort = person.cohortId ? await services.cohorts.byId(tenantId, person.cohortId) : null;
  const now = services.clock.now();
  const [tags, confidence, conversations] = await Promise.all([
    sources.reflectionTags(services, tenantId, person._id),
    sources.confidenceTrends(services, tenantId, [person]),
    sources.conversationsOf(services, tenantId, person._id, now),
  ]);
  const confidenceOne: Panel<sources.ConfidenceTrend> =
    confidence.state === 'ok'
      ? confidence.data![0]
        ? ok(confidence.data![0])
        : empty('No confidence ratings yet: they come from your check-ins and surveys.')
      : (confidence as Panel<never>);
  return {
    me: {
      name: person.displayName,
      profession: person.profession,
      cohortName: cohort?.name ?? null,
      week: cohort ? (placementWeekOf(cohort, now)?.week ?? null) : null,
      weeks: cohort?.weeks ?? null,
    },
    pillars: tags.pillars,
    standards: tags.standards,
    confidence: confidenceOne,
    conversations,
    exportAvailable: sources.exportAvailable(),
  };
}
