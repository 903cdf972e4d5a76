/**
 * Reflections' ConfidenceTrends need, from the check-ins feature's storage: the confidence
 * ratings of each of a student's weekly check-ins, by area label, in week order. (Check-ins
 * offers no such read yet; when it does, this adapter gives way to it.)
 */
import { CONFIDENCE_AREAS, labelOf } from '../domain/catalogues.js';
import type { CheckinsRepository } from '../features/checkins/checkins-repository.js';
import type { ConfidencePoint, ConfidenceTrends } from '../features/reflections/ports.js';

export function confidenceTrendsFrom(checkins: Pick<CheckinsRepository, 'ofStudent'>): ConfidenceTrends {
  return {
    async confidenceTrend(tenantId, studentId) {
      const points: ConfidencePoint[] = [];
      for (const doc of await checkins.ofStudent(tenantId, studentId)) {
        const confidence = doc.answers?.confidence as Record<string, unknown> | undefined;
        if (!confidence || typeof confidence !== 'object') continue;
        const values: Record<string, number> = {};
        for (const [area, value] of Object.entries(confidence))
          if (typeof value === 'number') values[labelOf(CONFIDENCE_AREAS, area) ?? area] = value;
        if (Object.keys(values).length > 0)
          points.push({ label: typeof doc.week === 'number' ? `Week ${doc.week}` : 'Check-in', values });
      }
      return points;
    },
  };
}
