/** Who is on which project: what other features read (ports.ts ProjectTeams). */
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ProjectSummary } from './ports.js';
import type { ProjectContext } from './project-context.js';
import { studentMemberId, type ProjectDoc } from './projects-repository.js';

export async function projectsOf(
  ctx: ProjectContext,
  person: Pick<PersonDoc, 'tenantId' | '_id'>,
): Promise<ProjectSummary[]> {
  const memberships = await ctx.repo.membershipsOf(person.tenantId, person._id);
  const projects = await ctx.repo.projectsByIds(person.tenantId, [
    ...new Set(memberships.map((m) => m.projectId)),
  ]);
  return memberships.flatMap((m) => {
    const p = projects.find((x) => x._id === m.projectId);
    return p
      ? [
          {
            projectId: p._id,
            cohortId: p.cohortId,
            title: p.title,
            clinicalTeam: p.clinicalTeam,
            role: m.role,
          },
        ]
      : [];
  });
}

/** A student's project on their cohort: one read by `_id` (the check-in's hot path). */
export async function projectOfStudent(
  ctx: ProjectContext,
  tenantId: string,
  studentId: string,
  cohortId: string,
): Promise<ProjectDoc | null> {
  const member = await ctx.repo.member(tenantId, studentMemberId(tenantId, cohortId, studentId));
  return member ? ctx.repo.project(tenantId, member.projectId) : null;
}
