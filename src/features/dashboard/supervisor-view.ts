/** The supervisor's "My students" page. */
import { placementWeekOf } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type {
  AwaitingFeedbackRow,
  ConfidenceTrend,
  SessionRow,
  SupervisedStudent,
  SupervisorView,
} from '../../web/api-types.js';
import type { DashboardDeps } from './dashboard-service.js';
import { empty, notSetUp, ok, type Panel } from './panels.js';
import * as panels from './supervisor-panels.js';

export async function supervisorView(
  d: DashboardDeps,
  viewer: { tenantId: string; person: PersonDoc },
): Promise<SupervisorView> {
  const { tenantId, person } = viewer;
  const ids = await d.supervisions.studentIdsOf(tenantId, person._id);
  const people = ids.length ? await d.people.byIds(tenantId, ids) : [];
  people.sort((a, b) => a.displayName.localeCompare(b.displayName));
  const cohortIds = [...new Set(people.map((p) => p.cohortId).filter((c): c is string => !!c))];
  const cohorts = new Map<string, CohortDoc>();
  for (const id of cohortIds) {
    const c = await d.cohorts.byId(tenantId, id);
    if (c) cohorts.set(id, c);
  }
  const now = d.clock.now();
  const status = await panels.thisWeekStatus(d, tenantId, people, cohorts, now);
  const followUps = await d.followUps.followUpsOf(
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
      wellbeing: s?.wellbeing ?? 'unknown',
      missedWeeks: s?.missedWeeks ?? 0,
      lateWeeks: s?.lateWeeks ?? [],
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
      ? [empty<ConfidenceTrend[]>(none), empty<AwaitingFeedbackRow[]>(none), empty<SessionRow[]>(none)]
      : await Promise.all([
          panels.confidenceTrends(d, tenantId, people),
          panels.awaitingFeedback(d, tenantId, people, person._id),
          panels.supervisionSessions(d, tenantId, people),
        ]);
  return { students, checkins, confidence, awaitingFeedback, supervisionSessions };
}
