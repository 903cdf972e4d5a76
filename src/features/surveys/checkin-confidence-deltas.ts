/**
 * Confidence change from the weekly check-ins, for cohorts compared without a pair of
 * confidence surveys: each student's first check-in that rated an area against their latest
 * one in a later week, per area, as means over the students. The minimum group size applies
 * to every cut: a cohort with fewer students who rated two different weeks shows nothing, and
 * an area fewer of them rated shows no figure.
 */
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import { isGroupLargeEnough } from '../../domain/anonymity.js';
import type { CheckinConfidence, DeltaRow } from './ports.js';
import { round2 } from './survey-results.js';

/** Any week a check-in can have (the calendar's longest placement is far shorter). */
const ALL_WEEKS = 10_000;

export interface CheckinDeltas {
  /** Students with confidence in check-ins of two different weeks. */
  students: number;
  shown: boolean;
  rows: DeltaRow[];
}

export const checkinMeasureId = (areaId: string) => `confidence:${areaId}`;

export function checkinDeltas(checkins: CheckinConfidence[], minGroupSize: number): CheckinDeltas {
  const byStudent = new Map<string, CheckinConfidence[]>();
  for (const c of checkins) byStudent.set(c.studentId, [...(byStudent.get(c.studentId) ?? []), c]);
  const counted = new Set<string>();
  const pairs = new Map<string, { start: number; end: number }[]>();
  for (const [studentId, own] of byStudent) {
    const weeks = [...own].sort((a, b) => a.week - b.week);
    for (const area of CONFIDENCE_AREAS) {
      const rated = weeks.filter((c) => typeof c.answers.confidence?.[area.id] === 'number');
      const first = rated[0];
      const last = rated.at(-1);
      if (!first || !last || last.week <= first.week) continue;
      counted.add(studentId);
      pairs.set(area.id, [
        ...(pairs.get(area.id) ?? []),
        { start: first.answers.confidence![area.id]!, end: last.answers.confidence![area.id]! },
      ]);
    }
  }
  const shown = isGroupLargeEnough(counted.size, minGroupSize);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    students: counted.size,
    shown,
    rows: CONFIDENCE_AREAS.map((area) => {
      const own = pairs.get(area.id) ?? [];
      const visible = shown && isGroupLargeEnough(own.length, minGroupSize);
      const pre = visible ? mean(own.map((p) => p.start)) : null;
      const post = visible ? mean(own.map((p) => p.end)) : null;
      return {
        measure: checkinMeasureId(area.id),
        label: area.label,
        pre: pre === null ? null : round2(pre),
        post: post === null ? null : round2(post),
        delta: pre === null || post === null ? null : round2(post - pre),
        preN: visible ? own.length : null,
        postN: visible ? own.length : null,
      };
    }),
  };
}

export { ALL_WEEKS };
