/**
 * Who may see what on the dashboard: the bot's rules, enforced on every API call.
 * - Lead: the cohorts they lead (people.leadCohortIds, any number); admin: any cohort of the tenant.
 * - Supervisor: the students linked to them (supervision_links).
 * - Student: themselves only.
 */
import { can, ledCohortIds } from '../../domain/authorization.js';
import type { Services } from '../../services.js';

type Readers = Pick<Services, 'cohorts' | 'supervisions' | 'people'>;
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { Viewer } from './tab-auth.js';

export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

export const isAdmin = (p: PersonDoc) => p.roles.includes('admin');
export const isLead = (p: PersonDoc) => p.roles.includes('lead') || isAdmin(p);
export const isSupervisor = (p: PersonDoc) => p.roles.includes('supervisor');
export const isStudent = (p: PersonDoc) => p.roles.includes('student');

/** The cohorts this viewer may open the cohort view for, in start-date order. */
export async function viewableCohorts(services: Readers, viewer: Viewer): Promise<CohortDoc[]> {
  const { person, tenantId } = viewer;
  if (isAdmin(person)) return services.cohorts.all(tenantId);
  const led: CohortDoc[] = [];
  for (const id of ledCohortIds(person)) {
    const cohort = await services.cohorts.byId(tenantId, id);
    if (cohort) led.push(cohort);
  }
  return led.sort((a, b) => a.startDate.localeCompare(b.startDate) || a.name.localeCompare(b.name));
}

/** The cohort, when the viewer leads it (or is an admin); 403 otherwise. */
export async function cohortForLead(services: Readers, viewer: Viewer, cohortId: string): Promise<CohortDoc> {
  const { person, tenantId } = viewer;
  if (!isLead(person)) throw new ForbiddenError('The cohort view is for placement leads.');
  if (!can(person, 'cohort.dashboard.view', { cohortId }))
    throw new ForbiddenError('You can only see the cohorts you lead.');
  const cohort = await services.cohorts.byId(tenantId, cohortId);
  if (!cohort) {
    if (isAdmin(person)) throw new NotFoundError('No such cohort.');
    throw new ForbiddenError('You can only see the cohorts you lead.');
  }
  return cohort;
}

/**
 * The cohorts of a cohort-vs-cohort comparison, earliest first, when the viewer leads every
 * one of them (or is an admin); 403 otherwise, before anything is read about them.
 */
export async function cohortsToCompare(
  services: Readers,
  viewer: Viewer,
  cohortIds: readonly string[],
): Promise<CohortDoc[]> {
  const { person, tenantId } = viewer;
  if (!isLead(person)) throw new ForbiddenError('The cohort view is for placement leads.');
  if (!can(person, 'survey.insight.compare', { cohortIds }))
    throw new ForbiddenError('You can only compare cohorts you lead.');
  const cohorts: CohortDoc[] = [];
  for (const id of cohortIds) {
    const cohort = await services.cohorts.byId(tenantId, id);
    if (!cohort) {
      if (isAdmin(person)) throw new NotFoundError('No such cohort.');
      throw new ForbiddenError('You can only compare cohorts you lead.');
    }
    cohorts.push(cohort);
  }
  return cohorts.sort((a, b) => a.startDate.localeCompare(b.startDate) || a.name.localeCompare(b.name));
}

/** The student, when the viewer supervises them; 403 otherwise (also for unknown ids). */
export async function studentForSupervisor(
  services: Readers,
  viewer: Viewer,
  studentId: string,
): Promise<PersonDoc> {
  const { person, tenantId } = viewer;
  const linked =
    isSupervisor(person) && (await services.supervisions.isSupervisorOf(tenantId, person._id, studentId));
  const student = linked ? await services.people.byId(tenantId, studentId) : null;
  if (!student) throw new ForbiddenError('You can only see the students you supervise.');
  return student;
}
