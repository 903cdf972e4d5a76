/**
 * Per-cohort rollups: the lead overview's numbers, computed whole by a background job and read
 * by `_id`. The local database (FerretDB 1.x) scans a whole collection for any filter other
 * than an exact `{ _id }`, so aggregating 120,000 check-ins per page view cannot answer in a
 * second; one document per cohort (`dashboard_rollups`, `_id = tenant|rollup|<cohort>`) can.
 *
 * - A recurring job on services.scheduler (`dashboard.rollups`, every ROLLUP_EVERY_MS, claimed
 *   by one instance) recomputes every running cohort's rollup from the source collections and
 *   replaces the document whole: no counters, no $inc, nothing two writers could interleave.
 * - The API reads the rollup by `_id`; when there is none yet (or the cohort's calendar changed
 *   since, or the rollup's shape is older) it computes one on demand, once per process at a
 *   time, and stores it.
 * - A rollup is a snapshot: the overview served from it is the overview as of `generatedAt`
 *   (the page says "Updated 3 minutes ago"). It keeps counts per week and per student
 *   profession, so every filter (week range, profession) is answered from it, and the minimum
 *   group size is applied when it is read, as for a direct computation.
 * - Personal data: the only person ids stored are the overdue students', in one small document
 *   per week (`_id = tenant|rollup|<cohort>|overdue|w<week>`, field `overdue.studentId`,
 *   registered in personFields, so an erasure deletes it); the page reads only the week it
 *   shows. Names are looked up when the page is served.
 */
import type { Document } from 'mongodb';
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import { dueInstantForWeek, endDate } from '../../domain/placement-calendar.js';
import type { Services } from '../../services.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { TenantScope } from '../../storage/tenant-scope.js';
import { empty, notSetUp, ok, registered, scoped, suppressed, type Panel } from './panels.js';
import * as sources from './sources.js';
import { summariseCohort, weekRange, type CountRow, type LeadFilters, type LeadOverview } from './views.js';

/** Bump when the document's shape changes: older rollups are then recomputed on first read. */
export const ROLLUP_SCHEMA = 1;
export const ROLLUP_EVERY_MS = 5 * 60_000;
export const ROLLUP_JOB = 'dashboard.rollups';
/** Cohorts that ended longer ago than this are not refreshed any more (their numbers are final). */
const FINISHED_GRACE_MS = 14 * 86_400_000;
const AREAS = CONFIDENCE_AREAS.map((a) => a.id);

/** Check-in counts of one week, for the whole cohort (profession null) or one profession. */
export interface RollupBucket {
  week: number;
  profession: string | null;
  /** Check-ins submitted (whole cohort: every check-in of the cohort, as the direct query counts). */
  submitted: number;
  /** Of those, wellbeing at or below LOW_WELLBEING. */
  low: number;
  /** Check-ins with a numeric rating for the first confidence area (the divisor of the means). */
  confN: number;
  /** Sum of the ratings per confidence area. */
  conf: Record<string, number>;
  /** Whether any check-in of the week has a confidence rating. */
  hasConf: boolean;
  /** Students with a placement day that week (not paused). */
  expected: number;
  /** The earliest due instant of the week among those students. */
  firstDue: Date | null;
}

export interface RollupDoc extends BaseDoc {
  cohortId: string;
  /** The instant the numbers are true for. */
  generatedAt: Date;
  /** The cohort document's updatedAt when computed: a changed calendar makes the rollup stale. */
  cohortUpdatedAt: Date;
  computeMs: number;
  checkinsSetUp: boolean;
  /** Students by profession (every group; the minimum is applied when read). */
  professions: { profession: string; count: number }[];
  buckets: RollupBucket[];
  /** Weeks with overdue check-ins at generatedAt (their lists are OverdueDocs). */
  overdueWeeks: number[];
  conversations: { profession: string | null; panel: sources.ConversationsPanel }[];
  surveys: Panel<sources.SurveyResult>;
  announcements: sources.AnnouncementStat[] | null;
}

export const rollupId = (tenantId: string, cohortId: string) => tenantDocId(tenantId, 'rollup', cohortId);

/** The students of one week whose check-in was past due and not submitted at generatedAt. */
export interface OverdueDoc extends BaseDoc {
  cohortId: string;
  week: number;
  generatedAt: Date;
  overdue: { studentId: string; profession: string }[];
}

export const overdueId = (tenantId: string, cohortId: string, week: number) =>
  tenantDocId(tenantId, 'rollup', cohortId, 'overdue', `w${week}`);

/** The stored overdue list no longer matches the rollup (erased, or a refresh in between). */
class StaleRollup extends Error {}

export interface ComputedRollup {
  rollup: RollupDoc;
  overdue: Map<number, OverdueDoc['overdue']>;
}

// --- computing ------------------------------------------------------------------------------

/** One pass over the cohort's check-ins (a projection streamed from the database) plus the roster. */
export async function computeRollup(
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
): Promise<ComputedRollup> {
  const started = performance.now();
  const now = services.clock.now();
  const students = await sources.cohortStudents(services, tenantId, cohort._id, null);
  names.put(tenantId, cohort._id, students);
  const professionOf = new Map(students.map((s) => [s._id, s.profession]));
  const counts = new Map<string, number>();
  for (const s of students) counts.set(s.profession, (counts.get(s.profession) ?? 0) + 1);
  const professions = [...counts]
    .map(([profession, count]) => ({ profession, count }))
    .sort((a, b) => (a.profession < b.profession ? -1 : a.profession > b.profession ? 1 : 0));

  const weeks: number[] = [];
  for (let w = 1; w <= cohort.weeks; w++) weeks.push(w);
  const buckets = new Map<string, RollupBucket>();
  const bucket = (week: number, profession: string | null) => {
    const key = `${week}|${profession ?? ''}|${profession === null ? 0 : 1}`;
    let b = buckets.get(key);
    if (!b) {
      b = {
        week,
        profession,
        submitted: 0,
        low: 0,
        confN: 0,
        conf: Object.fromEntries(AREAS.map((a) => [a, 0])),
        hasConf: false,
        expected: 0,
        firstDue: null,
      };
      buckets.set(key, b);
    }
    return b;
  };
  for (const w of weeks) {
    bucket(w, null);
    for (const p of professions) bucket(w, p.profession);
  }

  const spec = registered('checkins');
  const submitted = new Set<string>();
  if (spec) {
    const cursor = scoped(services, spec, tenantId).find(
      { cohortId: cohort._id },
      { projection: { _id: 0, studentId: 1, week: 1, 'answers.wellbeing': 1, 'answers.confidence': 1 } },
    );
    for await (const d of cursor) {
      const week = Number(d.week);
      if (!Number.isInteger(week) || week < 1 || week > cohort.weeks) continue;
      submitted.add(`${d.studentId}|${week}`);
      const profession = professionOf.get(d.studentId);
      const targets = [bucket(week, null)];
      if (profession !== undefined) targets.push(bucket(week, profession));
      const answers = (d.answers ?? {}) as { wellbeing?: unknown; confidence?: Record<string, unknown> };
      // As the grouped query reads it: a missing rating groups as null, which Number() makes 0.
      const low = Number(answers.wellbeing ?? null) <= sources.LOW_WELLBEING;
      const ratings = AREAS.map((a) => answers.confidence?.[a]);
      for (const b of targets) {
        b.submitted++;
        if (low) b.low++;
        if (typeof ratings[0] === 'number') b.confN++;
        ratings.forEach((v, i) => {
          if (typeof v !== 'number') return;
          b.conf[AREAS[i]!]! += v;
          b.hasConf = true;
        });
      }
    }
  }

  const { dueOf } = await sources.expectations(services, tenantId, cohort, students, {
    fromWeek: 1,
    toWeek: cohort.weeks,
  });
  const overdue = new Map<number, OverdueDoc['overdue']>(weeks.map((w) => [w, []]));
  for (const week of weeks) {
    for (const s of students) {
      const due = dueOf(s, week);
      if (!due) continue;
      for (const b of [bucket(week, null), bucket(week, s.profession)]) {
        b.expected++;
        if (!b.firstDue || due.getTime() < b.firstDue.getTime()) b.firstDue = due;
      }
      if (due.getTime() < now.getTime() && !submitted.has(`${s._id}|${week}`))
        overdue.get(week)!.push({ studentId: s._id, profession: s.profession });
    }
  }

  // The smaller panels come from the same functions a direct computation uses, once per cut.
  const range = { fromWeek: 1, toWeek: cohort.weeks };
  const groupOf = (profession: string | null) => ({
    cohortId: cohort._id,
    profession,
    range,
    studentCount: profession ? (counts.get(profession) ?? 0) : students.length,
  });
  const conversations: RollupDoc['conversations'] = [];
  for (const profession of [null, ...professions.map((p) => p.profession)]) {
    const cut = profession ? students.filter((s) => s.profession === profession) : students;
    conversations.push({
      profession,
      panel: await sources.conversationsByHost(services, tenantId, cohort, groupOf(profession), cut),
    });
  }
  const [surveys, announcements] = await Promise.all([
    sources.surveyResults(services, tenantId, cohort, groupOf(null)),
    sources.announcementStats(services, tenantId, cohort._id, professionOf),
  ]);

  const rollup: RollupDoc = {
    _id: rollupId(tenantId, cohort._id),
    tenantId,
    cohortId: cohort._id,
    generatedAt: now,
    cohortUpdatedAt: cohort.updatedAt,
    computeMs: Math.round(performance.now() - started),
    checkinsSetUp: !!spec,
    professions,
    buckets: [...buckets.values()],
    overdueWeeks: weeks.filter((w) => overdue.get(w)!.length > 0),
    conversations,
    surveys,
    announcements,
    schemaVersion: ROLLUP_SCHEMA,
    createdAt: now,
    updatedAt: now,
  };
  return { rollup, overdue };
}

// --- serving --------------------------------------------------------------------------------

/**
 * The lead overview as of the rollup's generatedAt, for the filters asked: the same numbers a
 * direct computation at that instant gives (test/dashboard/dashboard-rollup.test.ts).
 */
export async function overviewFromRollup(
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
  rollup: RollupDoc,
  filters: LeadFilters,
): Promise<LeadOverview> {
  const now = new Date(rollup.generatedAt);
  const min = services.config.MIN_GROUP_SIZE;
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

  const checkins = await checkinPanelsFromRollup(services, tenantId, cohort, rollup, group, now);
  const conversations =
    rollup.conversations.find((c) => c.profession === profession)?.panel ??
    empty<NonNullable<sources.ConversationsPanel['data']>>('No 20-minute conversations booked yet.');
  const surveys = profession
    ? await sources.surveyResults(services, tenantId, cohort, group)
    : rollup.surveys;
  return {
    cohort: summary,
    range,
    minGroupSize: min,
    studentCount,
    professions: byProfessionAll.map((r) => r.key),
    profession,
    generatedAt: now.toISOString(),
    servedAt: services.clock.now().toISOString(),
    students,
    ...checkins,
    conversations,
    surveys,
    announcements: sources.announcementPanel(rollup.announcements, profession, min),
  };
}

async function checkinPanelsFromRollup(
  services: Services,
  tenantId: string,
  cohort: CohortDoc,
  rollup: RollupDoc,
  group: sources.Group,
  now: Date,
): Promise<sources.CheckinPanels> {
  const min = services.config.MIN_GROUP_SIZE;
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
      ? empty<sources.WeekRate[]>('The placement has not started yet: check-ins open in week 1.')
      : ok(
          started.map((week) => {
            const { expected, submitted } = at(week);
            return { week, submitted, expected, rate: expected ? Math.min(1, submitted / expected) : 0 };
          }),
        );
  const wellbeing: Panel<sources.WeekCount[]> =
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
  const pre = meanOf(withData[0]);
  const post = withData.length > 1 ? meanOf(withData[withData.length - 1]) : meanOf(undefined);
  const confidence: Panel<sources.ConfidenceRow[]> =
    withData.length === 0
      ? empty('No check-ins in these weeks yet.')
      : pre.n < min && post.n < min
        ? suppressed(min, Math.max(pre.n, post.n))
        : ok(
            CONFIDENCE_AREAS.map((a, i) => ({
              area: a.id,
              label: a.label,
              pre: pre.means[i]!,
              post: post.means[i]!,
              preN: pre.n,
              postN: post.n,
            })),
          );

  const dueWeek = [...started].reverse().find((w) => {
    const first = at(w).firstDue;
    return !!first && new Date(first).getTime() < now.getTime();
  });
  let overdue: Panel<sources.OverdueRow[]>;
  if (dueWeek === undefined) overdue = empty('No check-in is past its due time in these weeks yet.');
  else {
    let entries: OverdueDoc['overdue'] = [];
    if (rollup.overdueWeeks.includes(dueWeek)) {
      const doc = (await services.db
        .collection<OverdueDoc>(collections.dashboardRollups.name)
        .findOne({ _id: overdueId(tenantId, cohort._id, dueWeek) })) as OverdueDoc | null;
      if (!doc || new Date(doc.generatedAt).getTime() !== new Date(rollup.generatedAt).getTime())
        throw new StaleRollup();
      entries = doc.overdue.filter((e) => !group.profession || e.profession === group.profession);
    }
    const known = entries.length
      ? await names.get(
          services,
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

/**
 * Display names of a cohort's students for the overdue list, kept in memory for a few minutes
 * (reading the roster scans the people collection on the local database). Filled by the
 * rollup job in this process and read again when an id is missing or the entry is old. Only
 * ids in the current rollup are shown, and an erasure deletes the rollup (its person field).
 */
class RosterNames {
  private readonly byCohort = new Map<string, { at: number; names: Map<string, string> }>();
  static readonly TTL_MS = 10 * 60_000;

  put(tenantId: string, cohortId: string, students: Pick<PersonDoc, '_id' | 'displayName'>[]) {
    this.byCohort.set(`${tenantId}|${cohortId}`, {
      at: Date.now(),
      names: new Map(students.map((s) => [s._id, s.displayName])),
    });
  }

  async get(services: Services, tenantId: string, cohortId: string, ids: string[]) {
    const entry = this.byCohort.get(`${tenantId}|${cohortId}`);
    const fresh = entry && Date.now() - entry.at < RosterNames.TTL_MS;
    if (fresh && ids.every((id) => entry.names.has(id))) return entry.names;
    const students = await sources.cohortStudents(services, tenantId, cohortId, null);
    this.put(tenantId, cohortId, students);
    return this.byCohort.get(`${tenantId}|${cohortId}`)!.names;
  }
}
const names = new RosterNames();

// --- storing and refreshing -----------------------------------------------------------------

export class DashboardRollups {
  private readonly inflight = new Map<string, Promise<RollupDoc>>();

  constructor(private readonly services: Services) {}

  private scope(tenantId: string) {
    return new TenantScope<RollupDoc & Document>(
      this.services.db.collection<RollupDoc>(collections.dashboardRollups.name),
      tenantId,
    );
  }

  /** The stored rollup, or null when there is none or it no longer fits the cohort. */
  async stored(tenantId: string, cohort: CohortDoc): Promise<RollupDoc | null> {
    const doc = (await this.scope(tenantId).findOne({
      _id: rollupId(tenantId, cohort._id),
    })) as RollupDoc | null;
    if (!doc || doc.schemaVersion !== ROLLUP_SCHEMA) return null;
    if (new Date(doc.cohortUpdatedAt).getTime() < new Date(cohort.updatedAt).getTime()) return null;
    return doc;
  }

  /** The rollup to serve: the stored one, or one computed now (once per process at a time) and stored. */
  async get(tenantId: string, cohort: CohortDoc): Promise<RollupDoc> {
    return (await this.stored(tenantId, cohort)) ?? this.refresh(tenantId, cohort);
  }

  /**
   * The lead overview from the rollup. When the week's overdue list does not belong to the
   * rollup read (a refresh replaced it in between, or an erasure deleted it), reads again once;
   * if it still does not match, recomputes.
   */
  async overview(tenantId: string, cohort: CohortDoc, filters: LeadFilters): Promise<LeadOverview> {
    for (let attempt = 0; ; attempt++) {
      const rollup = attempt < 2 ? await this.get(tenantId, cohort) : await this.refresh(tenantId, cohort);
      try {
        return await overviewFromRollup(this.services, tenantId, cohort, rollup, filters);
      } catch (err) {
        if (!(err instanceof StaleRollup) || attempt >= 2) throw err;
      }
    }
  }

  /** Recomputes the cohort's rollup and replaces the stored document whole. */
  refresh(tenantId: string, cohort: CohortDoc): Promise<RollupDoc> {
    const id = rollupId(tenantId, cohort._id);
    const running = this.inflight.get(id);
    if (running) return running;
    const work = (async () => {
      const { rollup, overdue } = await computeRollup(this.services, tenantId, cohort);
      const now = rollup.generatedAt;
      // The weeks' overdue lists first, then the rollup that names them: a reader never sees a
      // rollup whose lists are older than it (and re-reads when they are newer).
      for (const [week, list] of overdue) {
        const id = overdueId(tenantId, cohort._id, week);
        if (list.length === 0 && !rollup.overdueWeeks.includes(week)) {
          await this.scope(tenantId).deleteOne({ _id: id });
          continue;
        }
        await this.scope(tenantId).updateOne(
          { _id: id },
          {
            $set: {
              cohortId: cohort._id,
              week,
              generatedAt: now,
              overdue: list,
              schemaVersion: 1,
              updatedAt: now,
            },
            $setOnInsert: { createdAt: now },
          },
          { upsert: true },
        );
      }
      const { _id, createdAt, tenantId: _t, ...fields } = rollup;
      await this.scope(tenantId).updateOne(
        { _id },
        { $set: fields, $setOnInsert: { createdAt } },
        { upsert: true },
      );
      return rollup;
    })().finally(() => this.inflight.delete(id));
    this.inflight.set(id, work);
    return work;
  }

  /** Resolves when no computation is in flight in this process. */
  async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  /** The job: every cohort of every tenant that is running or ended recently. */
  async refreshAll(now: Date): Promise<number> {
    let n = 0;
    for (const cohort of await this.services.cohorts.allTenants()) {
      const end = new Date(`${endDate(cohort)}T23:59:59Z`).getTime();
      if (now.getTime() > end + FINISHED_GRACE_MS) {
        const existing = await this.stored(cohort.tenantId, cohort);
        if (existing && new Date(existing.generatedAt).getTime() > end + FINISHED_GRACE_MS) continue;
      }
      try {
        await this.refresh(cohort.tenantId, cohort);
        n++;
      } catch (err) {
        this.services.logger.warn(
          { cohortId: cohort._id, err: (err as Error).message },
          'dashboard: rollup refresh failed',
        );
      }
    }
    return n;
  }
}

const instances = new WeakMap<Services, DashboardRollups>();

/** The rollups of one service container (one per process). */
export function rollupsFor(services: Services): DashboardRollups {
  let r = instances.get(services);
  if (!r) instances.set(services, (r = new DashboardRollups(services)));
  return r;
}

/** Registers the recurring refresher on the scheduler (one instance runs each slot). */
export function scheduleRollups(services: Services): void {
  services.scheduler.every(ROLLUP_JOB, ROLLUP_EVERY_MS, async ({ now }) => {
    await rollupsFor(services).refreshAll(now);
  });
}
