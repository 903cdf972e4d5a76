/**
 * Serving the lead overview from a rollup: the same numbers a direct computation at the
 * rollup's generatedAt gives, for any week range and profession (the minimum group size is
 * applied here, when read).
 */
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import { dueInstantForWeek } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { CountRow, LeadOverview, OverdueRow, WeekCount, WeekRate } from '../../web/api-types.js';
import { announcementPanel } from './announcement-panel.js';
import type { CheckinPanels } from './checkin-panels.js';
import { surveyResults, type ConversationsPanel } from './cohort-panels.js';
import type { DashboardDeps } from './dashboard-service.js';
import { summariseCohort, weekRange, type LeadFilters } from './lead-overview.js';
import { confidencePanel, empty, notSetUp, ok, suppressed, type Group, type Panel } from './panels.js';
import type { RosterNames } from './roster-names.js';
import type { OverdueDoc, RollupBucket, RollupDoc } from './rollups-repository.js';

const AREAS = CONFIDENCE_AREAS.map((a) => a.id);

/** The stored overdue list no longer matches the rollup (erased, or a refresh in between). */
export class StaleRollup extends Error {}

/**
 * The lead overview as of the rollup's generatedAt, for the filters asked: the same numbers a
 * direct computation at that instant gives (test/dashboard/dashboard-rollup.test.ts).
 */
export async function overviewFromRollup(
  d: DashboardDeps,
  names: RosterNames,
  tenantId: string,
  cohort: CohortDoc,
  rollup: RollupDoc,
  filters: LeadFilters,
): Promise<LeadOverview> {
  const now = new Date(rollup.generatedAt);
  const min = d.config.MIN_GROUP_SIZE;
  const summary = summariseCohort(cohort, now);
  const range = weekRange(summary, filters.fromWeek, filters.toWeek);
  const byProfessionAll: CountRow[] = rollup.professions.map((p) => ({
    key: p.profession,
    label: p.profession,
    count: p.count,
  }));
  const profession = filters.profession ?? null;
  const cut = profession ? byProfessionAll.filter((r) => r.key === profession) : byProfessionAll;
  const studentCount = cut.reduce((n, r) => n + r.count, 0);
  if (profession && studentCount < min) throw new GroupTooSmallError(studentCount, min);
  const group = { cohortId: cohort._id, profession, range, studentCount };

  const students: LeadOverview['students'] =
    studentCount === 0
      ? empty('No students are on this cohort yet. Ask an administrator to import the placement roster.')
      : studentCount < min
        ? suppressed(min, studentCount)
        : ok({ byProfession: cut.filter((r) => r.count >= min) });

  const checkins = await checkinPanelsFromRollup(d, names, tenantId, cohort, rollup, group, now);
  const conversations =
    rollup.conversations.find((c) => c.profession === profession)?.panel ??
    empty<NonNullable<ConversationsPanel['data']>>('No 20-minute conversations booked yet.');
  const surveys = profession ? await surveyResults(d, tenantId, cohort, group) : rollup.surveys;
  return {
    cohort: summary,
    range,
    minGroupSize: min,
    studentCount,
    professions: byProfessionAll.map((r) => r.key),
    profession,
    generatedAt: now.toISOString(),
    servedAt: d.clock.now().toISOString(),
    students,
    ...checkins,
    conversations,
    surveys,
    announcements: announcementPanel(rollup.announcements, profession, min),
  };
}

async function checkinPanelsFromRollup(
  d: DashboardDeps,
  names: RosterNames,
  tenantId: string,
  cohort: CohortDoc,
  rollup: RollupDoc,
  group: Group,
  now: Date,
): Promise<CheckinPanels> {
  const min = d.config.MIN_GROUP_SIZE;
  if (!rollup.checkinsSetUp)
    return {
      submissionRate: notSetUp('Check-ins'),
      overdue: notSetUp('Check-ins'),
      confidence: notSetUp('Check-ins'),
      wellbeing: notSetUp('Check-ins'),
    };
  if (group.studentCount === 0) {
    const none = empty<never>('No students are on this cohort yet. Import the roster to add them.');
    return { submissionRate: none, overdue: none, confidence: none, wellbeing: none };
  }
  const byWeek = new Map<number, RollupBucket>();
  for (const b of rollup.buckets) if (b.profession === group.profession) byWeek.set(b.week, b);
  const blank = (week: number): RollupBucket => ({
    week,
    profession: group.profession,
    submitted: 0,
    low: 0,
    confN: 0,
    conf: {},
    hasConf: false,
    expected: 0,
    firstDue: null,
  });
  const at = (week: number) => byWeek.get(week) ?? blank(week);
  const weeks: number[] = [];
  for (let w = group.range.fromWeek; w <= group.range.toWeek; w++) weeks.push(w);
  const started = weeks.filter((w) => {
    const first = dueInstantForWeek(cohort, w);
    return first === null || now.getTime() >= first.getTime() - 7 * 86400_000;
  });

  const submissionRate =
    started.length === 0
      ? empty<WeekRate[]>('The placement has not started yet: check-ins open in week 1.')
      : ok(
          started.map((week) => {
            const { expected, submitted } = at(week);
            return { week, submitted, expected, rate: expected ? Math.min(1, submitted / expected) : 0 };
          }),
        );
  const wellbeing: Panel<WeekCount[]> =
    started.length === 0
      ? empty('No check-ins yet.')
      : ok(started.map((week) => ({ week, count: at(week).low })));

  const withData = weeks.filter((w) => at(w).hasConf);
  const meanOf = (week: number | undefined) => {
    const b = week === undefined ? undefined : at(week);
    if (!b || !b.hasConf) return { n: 0, means: AREAS.map(() => null as number | null) };
    return {
      n: b.confN,
      means: AREAS.map((a) => (b.confN >= min ? Math.round(((b.conf[a] ?? 0) / b.confN) * 10) / 10 : null)),
    };
  };
  const confidence = confidencePanel(withData, meanOf, min);

  const dueWeek = [...started].reverse().find((w) => {
    const first = at(w).firstDue;
    return !!first && new Date(first).getTime() < now.getTime();
  });
  let overdue: Panel<OverdueRow[]>;
  if (dueWeek === undefined) overdue = empty('No check-in is past its due time in these weeks yet.');
  else {
    let entries: OverdueDoc['overdue'] = [];
    if (rollup.overdueWeeks.includes(dueWeek)) {
      const doc = await d.rollupStore.overdue(tenantId, cohort._id, dueWeek);
      if (!doc || new Date(doc.generatedAt).getTime() !== new Date(rollup.generatedAt).getTime())
        throw new StaleRollup();
      entries = doc.overdue.filter((e) => !group.profession || e.profession === group.profession);
    }
    const known = entries.length
      ? await names.get(
          tenantId,
          cohort._id,
          entries.map((e) => e.studentId),
        )
      : new Map();
    overdue = ok(
      entries
        .filter((e) => known.has(e.studentId))
        .map((e) => ({ studentId: e.studentId, name: known.get(e.studentId)!, week: dueWeek }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  }
  return { submissionRate, overdue, confidence, wellbeing };
}
