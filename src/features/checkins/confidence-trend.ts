/**
 * The student's confidence over their check-ins, by area label, week order: what the
 * learning-journey export (reflections) shows, read here rather than from the collection.
 */
import { CONFIDENCE_AREAS, labelOf } from '../../domain/catalogues.js';
import type { CheckinsRepository } from './checkins-repository.js';
import type { ConfidencePoint } from './ports.js';

export async function confidenceTrend(
  repo: CheckinsRepository,
  tenantId: string,
  studentId: string,
): Promise<ConfidencePoint[]> {
  const points: ConfidencePoint[] = [];
  for (const checkin of await repo.ofStudent(tenantId, studentId)) {
    const values: Record<string, number> = {};
    for (const [area, value] of Object.entries(checkin.answers.confidence ?? {}))
      if (typeof value === 'number') values[labelOf(CONFIDENCE_AREAS, area) ?? area] = value;
    if (Object.keys(values).length > 0) points.push({ label: `Week ${checkin.week}`, values });
  }
  return points;
}
