/**
 * The lead overview's check-in panels computed directly from the check-ins (the reference the
 * rollup is tested against): submission rate, overdue, confidence and wellbeing.
 */
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import { dueInstantForWeek, type Pause } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConfidenceRow, OverdueRow, WeekCount, WeekRate } from '../../web/api-types.js';
import type { DashboardDeps } from './dashboard-service.js';
import { confidencePanel, empty, notSetUp, ok, round1, type Group, type Panel } from './panels.js';
import type { CheckinFigures } from './ports.js';

const CHECKINS = 'Check-ins';

// --- Check-ins (the checkins port: one check-in per student per week) ---------------------

/** A check-in's wellbeing at or below this (of 5) is a flag; the check-ins feature uses the same. */
export const LOW_WELLBEING = 2;
const AREAS = CONFIDENCE_AREAS.map((a) => a.id);

interface WeekGroup {
  week: number;
  wellbeing: number;
  n: number;
}

/** Per week and area: how many check-ins gave each confidence value (1..5). */
type ConfidenceCounts = Map<number, { n: number; sums: number[] }>;

/**
 * The cohort's check-ins in the week range, grouped in the database: one pass grouped by
 * (week, wellbeing) gives submission counts and wellbeing flags; one pass per confidence area
 * grouped by (week, value) gives the means. Every result has at most weeks x 5 rows. ($sum of
 * a nested field path is not reliable on FerretDB 1.x, so values are grouped, not summed.)
 */
async function checkinGroups(
  checkins: CheckinFigures | null,
  tenantId: string,
  group: Group,
  studentIds: string[] | null,
): Promise<{ weeks: WeekGroup[]; confidence: ConfidenceCounts } | null> {
  if (!checkins) return null;
  const cut = {
    cohortId: group.cohortId,
    fromWeek: group.range.fromWeek,
    toWeek: group.range.toWeek,
    studentIds,
  };
  const byValue = (path: string) => checkins.countByWeekAndValue(tenantId, cut, path);
  const [wellbeing, ...areas] = await Promise.all([
    byValue('$answers.wellbeing'),
    ...AREAS.map((a) => byValue(`$answers.confidence.${a}`)),
  ]);
  const confidence: ConfidenceCounts = new Map();
  areas.forEach((rows, i) => {
    for (const r of rows) {
      if (typeof r._id.v !== 'number') continue;
      const week = Number(r._id.week);
      const entry = confidence.get(week) ?? { n: 0, sums: AREAS.map(() => 0) };
      if (i === 0) entry.n += r.n;
      entry.sums[i]! += r._id.v * r.n;
      confidence.set(week, entry);
    }
  });
  return {
    weeks: wellbeing.map((r) => ({ week: Number(r._id.week), wellbeing: Number(r._id.v), n: r.n })),
    confidence,
  };
}

/** Per week: whether each student was expected to check in (had a placement day, not paused). */
export async function expectations(
  checkins: CheckinFigures | null,
  tenantId: string,
  cohort: CohortDoc,
  students: PersonDoc[],
  range: Group['range'],
) {
  const pauses = new Map<string, Pause[]>();
  const docs = checkins ? await checkins.pausesOfCohort(tenantId, cohort._id) : [];
  for (const d of docs)
    pauses.set(d.studentId, [...(pauses.get(d.studentId) ?? []), { from: d.from, to: d.to }]);
  // Students with the same zone and no pause share one calendar computation.
  const cache = new Map<string, Date | null>();
  const dueOf = (student: PersonDoc, week: number): Date | null => {
    const zone = student.timeZone ?? cohort.timeZone;
    const own = pauses.get(student._id);
    if (own?.length) return dueInstantForWeek(cohort, week, own, zone);
    const key = `${zone}|${week}`;
    if (!cache.has(key)) cache.set(key, dueInstantForWeek(cohort, week, [], zone));
    return cache.get(key)!;
  };
  const weeks: number[] = [];
  for (let w = range.fromWeek; w <= range.toWeek; w++) weeks.push(w);
  return { weeks, dueOf };
}

export interface CheckinPanels {
  submissionRate: Panel<WeekRate[]>;
  overdue: Panel<OverdueRow[]>;
  confidence: Panel<ConfidenceRow[]>;
  wellbeing: Panel<WeekCount[]>;
}

export async function checkinPanels(
  d: DashboardDeps,
  tenantId: string,
  cohort: CohortDoc,
  group: Group,
  students: PersonDoc[],
  cut: boolean,
): Promise<CheckinPanels> {
  const min = d.config.MIN_GROUP_SIZE;
  const checkins = d.sources.checkins;
  const groups = await checkinGroups(checkins, tenantId, group, cut ? students.map((s) => s._id) : null);
  if (!groups)
    return {
      submissionRate: notSetUp(CHECKINS),
      overdue: notSetUp(CHECKINS),
      confidence: notSetUp(CHECKINS),
      wellbeing: notSetUp(CHECKINS),
    };
  if (students.length === 0) {
    const none = empty<never>('No students are on this cohort yet. Import the roster to add them.');
    return { submissionRate: none, overdue: none, confidence: none, wellbeing: none };
  }
  const now = d.clock.now();
  const { weeks, dueOf } = await expectations(checkins, tenantId, cohort, students, group.range);
  const byWeek = new Map<number, WeekGroup[]>();
  for (const g of groups.weeks) byWeek.set(g.week, [...(byWeek.get(g.week) ?? []), g]);

  const started = weeks.filter((w) => {
    const first = dueInstantForWeek(cohort, w);
    return first === null || now.getTime() >= first.getTime() - 7 * 86400_000;
  });
  const rates: WeekRate[] = started.map((week) => {
    const expected = students.filter((s) => dueOf(s, week) !== null).length;
    const submitted = (byWeek.get(week) ?? []).reduce((n, g) => n + g.n, 0);
    return { week, submitted, expected, rate: expected ? Math.min(1, submitted / expected) : 0 };
  });
  const submissionRate =
    started.length === 0
      ? empty<WeekRate[]>('The placement has not started yet: check-ins open in week 1.')
      : ok(rates);

  const wellbeing: Panel<WeekCount[]> =
    started.length === 0
      ? empty('No check-ins yet.')
      : ok(
          started.map((week) => ({
            week,
            count: (byWeek.get(week) ?? [])
              .filter((g) => g.wellbeing <= LOW_WELLBEING)
              .reduce((n, g) => n + g.n, 0),
          })),
        );

  // Confidence: mean per area in the first and the last week of the range that have check-ins.
  const withData = [...groups.confidence.keys()].sort((a, b) => a - b);
  const meanOf = (week: number | undefined) => {
    const c = week === undefined ? undefined : groups.confidence.get(week);
    if (!c) return { n: 0, means: AREAS.map(() => null as number | null) };
    return { n: c.n, means: c.sums.map((sum) => (c.n >= min ? round1(sum / c.n) : null)) };
  };
  const confidence = confidencePanel(withData, meanOf, min);

  // Overdue: who has not checked in for the latest week of the range whose due time has passed.
  const dueWeek = [...started]
    .reverse()
    .find((w) => students.some((s) => (dueOf(s, w)?.getTime() ?? Infinity) < now.getTime()));
  let overdue: Panel<OverdueRow[]>;
  if (dueWeek === undefined) overdue = empty('No check-in is past its due time in these weeks yet.');
  else {
    const done = new Set(
      await checkins!.submittedIn(tenantId, cohort._id, dueWeek, cut ? students.map((s) => s._id) : null),
    );
    overdue = ok(
      students
        .filter((s) => !done.has(s._id) && (dueOf(s, dueWeek)?.getTime() ?? Infinity) < now.getTime())
        .map((s) => ({ studentId: s._id, name: s.displayName, week: dueWeek })),
    );
  }
  return { submissionRate, overdue, confidence, wellbeing };
}
