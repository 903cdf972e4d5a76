/** The supervisor view's panels: this week's check-ins, confidence trends, feedback owed, sessions. */
import { CONFIDENCE_AREAS, labelOf, PILLARS } from '../../domain/catalogues.js';
import { cohortPhase } from '../../domain/current-cohort.js';
import { dueInstantForWeek, placementWeekOf } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type {
  AwaitingFeedbackRow,
  ConfidenceTrend,
  SessionRow,
  SupervisedStudent,
} from '../../web/api-types.js';
import { LOW_WELLBEING } from './checkin-panels.js';
import type { DashboardDeps } from './dashboard-service.js';
import { empty, notSetUp, ok, round1, type Panel } from './panels.js';

const CHECKINS = 'Check-ins';
const REFLECTIONS = 'Reflections';
const AREAS = CONFIDENCE_AREAS.map((a) => a.id);

type WeekStatus = Pick<
  SupervisedStudent,
  'checkin' | 'lowWellbeing' | 'wellbeing' | 'missedWeeks' | 'lateWeeks'
>;

/** This week's check-in of each student (few: a supervisor's students). */
export async function thisWeekStatus(
  d: DashboardDeps,
  tenantId: string,
  people: PersonDoc[],
  cohorts: Map<string, CohortDoc>,
  now: Date,
): Promise<Map<string, WeekStatus> & { available: boolean }> {
  const result = new Map() as Map<string, WeekStatus> & { available: boolean };
  const checkins = d.sources.checkins;
  result.available = !!checkins;
  if (!checkins || people.length === 0) return result;
  const ids = people.map((p) => p._id);
  const docs = await checkins.wellbeingOf(tenantId, ids);
  const pauseDocs = await checkins.pausesOf(tenantId, ids);
  for (const p of people) {
    const cohort = p.cohortId ? cohorts.get(p.cohortId) : undefined;
    const phase = cohort ? cohortPhase(cohort, now) : null;
    if (!cohort || phase !== 'running') {
      // Before or after the placement there is no current status to show.
      const state = phase === 'ended' ? 'finished' : phase === 'upcoming' ? 'not-started' : 'no-placement';
      result.set(p._id, {
        checkin: state,
        lowWellbeing: false,
        wellbeing: state === 'no-placement' ? 'unknown' : state,
        missedWeeks: 0,
        lateWeeks: [],
      });
      continue;
    }
    const week = placementWeekOf(cohort, now)?.week ?? 0;
    const mine = docs.filter((c) => c.studentId === p._id);
    const current = mine.find((c) => c.week === week);
    const latest = mine.sort((a, b) => b.week - a.week)[0];
    const pauses = pauseDocs.filter((x) => x.studentId === p._id).map((x) => ({ from: x.from, to: x.to }));
    const zone = p.timeZone ?? cohort.timeZone;
    const dueOf = (w: number) => dueInstantForWeek(cohort, w, pauses, zone);
    const due = week ? dueOf(week) : null;
    // The weeks since the latest check-in whose check-in fell due and never came.
    let missedWeeks = 0;
    for (let w = (latest?.week ?? 0) + 1; w <= cohort.weeks; w++) {
      const at = dueOf(w);
      if (at && at.getTime() < now.getTime()) missedWeeks++;
    }
    const lowWellbeing = !!latest && latest.wellbeing <= LOW_WELLBEING;
    result.set(p._id, {
      checkin: current
        ? 'submitted'
        : !due
          ? 'no-placement'
          : now.getTime() > due.getTime()
            ? 'overdue'
            : 'due',
      lowWellbeing,
      wellbeing: missedWeeks > 0 ? 'missed' : latest ? (lowWellbeing ? 'low' : 'ok') : 'none',
      missedWeeks,
      // Weeks sent after their due time (late check-ins are open until the placement ends).
      lateWeeks: mine
        .filter((c) => c.late)
        .map((c) => c.week)
        .sort((a, b) => a - b),
    });
  }
  return result;
}

/** Each student's mean confidence (over the five areas) per week, from their check-ins. */
export async function confidenceTrends(
  d: DashboardDeps,
  tenantId: string,
  people: PersonDoc[],
): Promise<Panel<ConfidenceTrend[]>> {
  const checkins = d.sources.checkins;
  if (!checkins) return notSetUp(CHECKINS);
  const docs = await checkins.confidenceOf(
    tenantId,
    people.map((p) => p._id),
  );
  if (docs.length === 0) return empty('No check-ins yet: confidence ratings come from the weekly check-in.');
  const trends = people
    .map((p) => ({
      studentId: p._id,
      name: p.displayName,
      points: docs
        .filter((c) => c.studentId === p._id && c.confidence)
        .map((c) => {
          const values = AREAS.map((a) => c.confidence[a]).filter((v): v is number => typeof v === 'number');
          return {
            week: c.week,
            mean: values.length ? round1(values.reduce((a, b) => a + b, 0) / values.length) : 0,
          };
        })
        .sort((a, b) => a.week - b.week),
    }))
    .filter((t) => t.points.length > 0);
  return ok(trends);
}

export async function awaitingFeedback(
  d: DashboardDeps,
  tenantId: string,
  students: PersonDoc[],
  supervisorId: string,
): Promise<Panel<AwaitingFeedbackRow[]>> {
  const reflections = d.sources.reflections;
  if (!reflections) return notSetUp(REFLECTIONS);
  const shared = await reflections.sharedBy(
    tenantId,
    students.map((s) => s._id),
  );
  if (shared.length === 0) return ok([]);
  const answered = new Set(
    await reflections.answeredBy(
      tenantId,
      shared.map((r) => r._id),
      supervisorId,
    ),
  );
  const names = new Map(students.map((s) => [s._id, s.displayName]));
  return ok(
    shared
      .filter((r) => !answered.has(r._id))
      .map((r) => ({
        reflectionId: r._id,
        studentId: r.personId,
        studentName: names.get(r.personId) ?? '',
        sharedAt: new Date(r.sharedAt ?? 0).toISOString(),
        pillars: (r.pillars ?? []).map((p) => labelOf(PILLARS, p) ?? p),
      }))
      .sort((a, b) => a.sharedAt.localeCompare(b.sharedAt)),
  );
}

export async function supervisionSessions(
  d: DashboardDeps,
  tenantId: string,
  people: PersonDoc[],
): Promise<Panel<SessionRow[]>> {
  const records = d.sources.supervisionRecords;
  if (!records) return notSetUp('Supervision records');
  const docs = await records.sessionDates(
    tenantId,
    people.map((p) => p._id),
  );
  return ok(
    people.map((p) => {
      const mine = docs
        .filter((s) => s.studentId === p._id)
        .map((s) => s.date)
        .sort();
      return {
        studentId: p._id,
        studentName: p.displayName,
        sessions: mine.length,
        lastAt: mine.length ? `${mine[mine.length - 1]}T12:00:00Z` : null,
      };
    }),
  );
}
