/** The student's "My placement" page (also opened by their supervisor). */
import { placementWeekOf } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConfidenceTrend, StudentView } from '../../web/api-types.js';
import type { DashboardDeps } from './dashboard-service.js';
import { empty, ok, type Panel } from './panels.js';
import { confidenceTrends } from './supervisor-panels.js';
import { conversationsOf, exportAvailable, reflectionTags } from './student-panels.js';

export async function studentView(
  d: DashboardDeps,
  viewer: { tenantId: string; person: PersonDoc },
  /** A supervisor opening a student's page sees counts over the reflections shared with them. */
  audience: 'student' | 'supervisor' = 'student',
): Promise<StudentView> {
  const { tenantId, person } = viewer;
  const cohort = person.cohortId ? await d.cohorts.byId(tenantId, person.cohortId) : null;
  const now = d.clock.now();
  const [tags, confidence, conversations] = await Promise.all([
    reflectionTags(d, tenantId, person._id, audience),
    confidenceTrends(d, tenantId, [person]),
    conversationsOf(d, tenantId, person._id, now),
  ]);
  const confidenceOne: Panel<ConfidenceTrend> =
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
    exportAvailable: exportAvailable(d),
  };
}
