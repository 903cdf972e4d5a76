/**
 * Computing a cohort's rollup: one pass over its check-ins (a projection streamed from the
 * database) plus the roster, and the smaller panels once per profession cut.
 */
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { announcementStats } from './announcement-panel.js';
import { expectations, LOW_WELLBEING } from './checkin-panels.js';
import { cohortStudents, conversationsByHost, surveyResults } from './cohort-panels.js';
import type { DashboardDeps } from './dashboard-service.js';
import type { RosterNames } from './roster-names.js';
import {
  ROLLUP_SCHEMA,
  rollupId,
  type OverdueDoc,
  type RollupBucket,
  type RollupDoc,
} from './rollups-repository.js';

const AREAS = CONFIDENCE_AREAS.map((a) => a.id);

export interface ComputedRollup {
  rollup: RollupDoc;
  overdue: Map<number, OverdueDoc['overdue']>;
}

/** One pass over the cohort's check-ins (a projection streamed from the database) plus the roster. */
export async function computeRollup(
  d: DashboardDeps,
  names: RosterNames,
  tenantId: string,
  cohort: CohortDoc,
): Promise<ComputedRollup> {
  const started = performance.now();
  const now = d.clock.now();
  const students = await cohortStudents(d, tenantId, cohort._id, null);
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

  const checkins = d.sources.checkins;
  const submitted = new Set<string>();
  if (checkins) {
    for await (const c of checkins.ofCohort(tenantId, cohort._id)) {
      const week = Number(c.week);
      if (!Number.isInteger(week) || week < 1 || week > cohort.weeks) continue;
      submitted.add(`${c.studentId}|${week}`);
      const profession = professionOf.get(c.studentId);
      const targets = [bucket(week, null)];
      if (profession !== undefined) targets.push(bucket(week, profession));
      const answers = (c.answers ?? {}) as { wellbeing?: unknown; confidence?: Record<string, unknown> };
      // As the grouped query reads it: a missing rating groups as null, which Number() makes 0.
      const low = Number(answers.wellbeing ?? null) <= LOW_WELLBEING;
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

  const { dueOf } = await expectations(checkins, tenantId, cohort, students, {
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
      panel: await conversationsByHost(d, tenantId, cohort, groupOf(profession), cut),
    });
  }
  const [surveys, announcements] = await Promise.all([
    surveyResults(d, tenantId, cohort, groupOf(null)),
    announcementStats(d.sources.announcements, tenantId, cohort._id, professionOf),
  ]);

  const rollup: RollupDoc = {
    _id: rollupId(tenantId, cohort._id),
    tenantId,
    cohortId: cohort._id,
    generatedAt: now,
    cohortUpdatedAt: cohort.updatedAt,
    computeMs: Math.round(performance.now() - started),
    checkinsSetUp: !!checkins,
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
