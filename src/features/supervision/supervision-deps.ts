/**
 * What the supervision use cases are given (src/services.ts builds it once), and the small
 * readings several of them share: who the viewer supervises, what an action on a student is
 * about for the policy, refusals.
 */
import type { Cards } from '../../cards/cards.js';
import type { Clock } from '../../clock.js';
import { can, type Target } from '../../domain/authorization.js';
import type { Outbox } from '../../proactive/outbox.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { Claims } from '../../storage/claims.js';
import type { CohortDoc, CohortsRepository } from '../../storage/cohorts-repository.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../storage/supervision-links-repository.js';
import type { SharedReflections, SupervisedProjectTeams, SupervisionCheckins } from './ports.js';
import type { SupervisionRepository } from './supervision-repository.js';

/** The shared engines and repositories, and what supervision needs from other features (ports.ts). */
export interface SupervisionDeps {
  clock: Clock;
  cards: Cards;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  supervisions: SupervisionLinksRepository;
  audit: AuditRepository;
  outbox: Outbox;
  claims: Claims;
  /** Sessions, agreed actions, escalations. */
  repo: SupervisionRepository;
  checkins: SupervisionCheckins;
  reflections: () => SharedReflections;
  projects: () => SupervisedProjectTeams;
}

export const NOT_A_SUPERVISOR =
  'Supervision records are kept by supervisors, for the students they supervise.';

export const hasRole = (p: PersonDoc, role: PersonDoc['roles'][number]) => p.roles.includes(role);
export const firstName = (name: string) => name.split(' ')[0] ?? name;

/** "Asha", "Asha and Ben", "Asha, Ben and Cara". */
export function nameList(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

export function zoneOf(person: PersonDoc, cohort?: CohortDoc | null) {
  return person.timeZone ?? cohort?.timeZone ?? 'Europe/London';
}

/** What an action on one student is about, for the policy. */
export async function studentTarget(
  s: SupervisionDeps,
  tenantId: string,
  student: PersonDoc,
): Promise<Target> {
  return {
    studentId: student._id,
    supervisorIds: await s.supervisions.supervisorIdsOf(tenantId, student._id),
    cohortId: student.cohortId,
  };
}

/** The students the viewer may record supervision with (their supervisees), by name. */
export async function supervisees(
  s: SupervisionDeps,
  tenantId: string,
  viewer: PersonDoc,
): Promise<PersonDoc[]> {
  if (!hasRole(viewer, 'supervisor')) return [];
  const ids = await s.supervisions.studentIdsOf(tenantId, viewer._id);
  const people = ids.length ? await s.people.byIds(tenantId, ids) : [];
  // The viewer's own links stand in for each student's supervisors (the rule only asks
  // whether the viewer is among them).
  return people
    .filter(
      (p) =>
        hasRole(p, 'student') &&
        can(viewer, 'supervision.session.record', {
          studentId: p._id,
          supervisorIds: [viewer._id],
          cohortId: p.cohortId,
        }),
    )
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export async function cohortsOf(
  s: SupervisionDeps,
  tenantId: string,
  people: PersonDoc[],
): Promise<Map<string, CohortDoc>> {
  const ids = [...new Set(people.map((p) => p.cohortId).filter((c): c is string => !!c))];
  const map = new Map<string, CohortDoc>();
  for (const id of ids) {
    const c = await s.cohorts.byId(tenantId, id);
    if (c) map.set(id, c);
  }
  return map;
}

export async function refuse(
  s: SupervisionDeps,
  tenantId: string,
  viewer: PersonDoc,
  action: string,
  targetId: string | null,
) {
  await s.audit.record(
    tenantId,
    { actorId: viewer._id, action, targetId, outcome: 'refused' },
    s.clock.now(),
  );
}
