/**
 * What every project use case shares: its dependencies, the clock and time zone, a project's
 * members, and the one authorisation check (unknown, tampered and refused ids look alike and
 * are audited alike).
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Target } from '../../domain/authorization.js';
import { localDateOf } from '../../domain/placement-calendar.js';
import type { CoreServices } from '../../services.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import type { PresentationCalendar, ProjectMembers, ProjectSupervisionNotes } from './ports.js';
import type { ProjectDoc, ProjectsRepository } from './projects-repository.js';

export type CardResult = AdaptiveCard | string;

export const NOT_FOUND = 'I could not find that project, or it is not one of yours.';
export const CREATE_NOT_ALLOWED =
  'Projects are set up by the placement lead of a cohort or a supervisor attached to it.';

export type ProjectDeps = Pick<
  CoreServices,
  'config' | 'clock' | 'cards' | 'people' | 'cohorts' | 'supervisions' | 'outbox' | 'scheduler' | 'audit'
> & {
  /** The feature's collections (from createRepositories). */
  projects: ProjectsRepository;
  /** "Add to calendar" entries for presentations (null: invitations go without the link). */
  calendar: () => PresentationCalendar | null;
  /** Supervision sessions held for a team (lazy: supervision is built after projects). */
  supervisionNotes?: () => ProjectSupervisionNotes;
};

export type ManageAction = 'project.view' | 'project.manage' | 'project.contribute' | 'project.feedback.view';

export class ProjectContext {
  readonly repo: ProjectsRepository;

  constructor(readonly s: ProjectDeps) {
    this.repo = s.projects;
  }

  now() {
    return this.s.clock.now();
  }

  zone(cohort: Pick<CohortDoc, 'timeZone'> | null) {
    return cohort?.timeZone || this.s.config.DEFAULT_TIME_ZONE;
  }

  /** Today's local date in the cohort's zone. */
  today(cohort: Pick<CohortDoc, 'timeZone'> | null) {
    return localDateOf(this.now(), this.zone(cohort));
  }

  async membersOf(tenantId: string, projectId: string): Promise<ProjectMembers | null> {
    if (!isTenantId(projectId, tenantId)) return null;
    const project = await this.repo.project(tenantId, projectId);
    if (!project) return null;
    const members = await this.repo.membersOf(tenantId, projectId);
    return {
      project,
      studentIds: members.filter((m) => m.role === 'student').map((m) => m.personId),
      supervisorIds: members.filter((m) => m.role === 'supervisor').map((m) => m.personId),
    };
  }

  /** The policy target for an action on a project. */
  async targetOf(tenantId: string, project: ProjectDoc): Promise<Target> {
    const members = await this.membersOf(tenantId, project._id);
    const links = await this.s.supervisions.linksOfStudents(tenantId, members?.studentIds ?? []);
    return {
      cohortId: project.cohortId,
      projectStudentIds: members?.studentIds ?? [],
      projectSupervisorIds: members?.supervisorIds ?? [],
      projectStudentSupervisorIds: [...new Set(links.map((l) => l.supervisorId))],
    };
  }

  async creatableCohorts(tenantId: string, person: PersonDoc): Promise<CohortDoc[]> {
    const all = await this.s.cohorts.all(tenantId);
    return all.filter((c) => can(person, 'project.create', { cohortId: c._id }));
  }

  async refused(tenantId: string, person: PersonDoc, action: string, id: unknown) {
    await this.s.audit.record(
      tenantId,
      {
        actorId: person._id,
        action,
        targetId: typeof id === 'string' && id.length <= 300 ? id : null,
        outcome: 'refused',
      },
      this.now(),
    );
  }

  /** The project if `person` may do `action` on it; null for unknown, tampered or refused ids. */
  async allowed(
    tenantId: string,
    person: PersonDoc,
    action: ManageAction,
    id: unknown,
  ): Promise<{ project: ProjectDoc; target: Target } | null> {
    if (typeof id !== 'string' || id.length > 300 || !isTenantId(id, tenantId)) {
      await this.refused(tenantId, person, action, id);
      return null;
    }
    const project = await this.repo.project(tenantId, id);
    const target = project ? await this.targetOf(tenantId, project) : null;
    if (!project || !target || !can(person, action, target)) {
      await this.refused(tenantId, person, action, id);
      return null;
    }
    return { project, target };
  }
}
