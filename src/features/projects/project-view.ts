/** Seeing projects: one project's card, and `my project` / `projects`. */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_FOUND, type CardResult, type ProjectContext } from './project-context.js';
import { overdueText, projectCard, projectListCard } from './project-cards.js';
import { safeData } from './project-input.js';
import { projectsOf } from './project-teams.js';
import type { ProjectDoc } from './projects-repository.js';

export async function viewProject(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const found = await ctx.allowed(tenantId, person, 'project.view', safeData(data).projectId);
  if (!found) return NOT_FOUND;
  return showProject(ctx, tenantId, person, found.project);
}

/** `my project` / `projects`: a student's project; a supervisor's or lead's projects. */
export async function myProjects(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
): Promise<CardResult> {
  const own = await projectsOf(ctx, person);
  const cohorts = (await ctx.s.cohorts.all(tenantId)).filter((c) =>
    can(person, 'project.view', { cohortId: c._id }),
  );
  const led = (await Promise.all(cohorts.map((c) => ctx.repo.inCohort(tenantId, c._id)))).flat();
  // A supervisor also sees every project their students are on.
  const students = person.roles.includes('supervisor')
    ? await ctx.s.supervisions.studentIdsOf(tenantId, person._id)
    : [];
  const ofStudents = (await ctx.repo.studentMembershipsOf(tenantId, students)).map((m) => m.projectId);
  const ids = [...new Set([...own.map((p) => p.projectId), ...led.map((p) => p._id), ...ofStudents])];
  const canCreate = (await ctx.creatableCohorts(tenantId, person)).length > 0;
  if (ids.length === 1 && !canCreate) {
    const project = await ctx.repo.project(tenantId, ids[0]!);
    if (project) return showProject(ctx, tenantId, person, project);
  }
  if (ids.length === 0 && !canCreate)
    return person.roles.includes('student')
      ? 'You are not on a project yet. Your placement lead or supervisor adds you to one.'
      : 'You are not on any project. Projects are set up by a cohort’s placement lead or a supervisor attached to it.';
  const projects = await ctx.repo.projectsByIds(tenantId, ids);
  const allCohorts = await ctx.s.cohorts.all(tenantId);
  const cohortNames = new Map(allCohorts.map((c) => [c._id, c.name]));
  const members = await Promise.all(projects.map((p) => ctx.membersOf(tenantId, p._id)));
  const studentCounts = new Map(projects.map((p, i) => [p._id, members[i]?.studentIds.length ?? 0]));
  const cohortById = new Map(allCohorts.map((c) => [c._id, c]));
  const overdue = new Map(
    await Promise.all(
      projects.map(
        async (p) =>
          [
            p._id,
            overdueText(
              await ctx.repo.milestonesOf(tenantId, p._id),
              ctx.today(cohortById.get(p.cohortId) ?? null),
            ),
          ] as const,
      ),
    ),
  );
  return projectListCard(ctx.s.cards, projects, cohortNames, studentCounts, canCreate, overdue);
}

/** The project card as `person` may see it (feedback only for those the policy allows). */
export async function showProject(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  project: ProjectDoc,
  options: { notice?: string; error?: string; updateText?: string } = {},
): Promise<AdaptiveCard> {
  const target = await ctx.targetOf(tenantId, project);
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const zone = ctx.zone(cohort);
  const memberIds = [...(target.projectStudentIds ?? []), ...(target.projectSupervisorIds ?? [])];
  const milestones = await ctx.repo.milestonesOf(tenantId, project._id);
  const updates = await ctx.repo.updatesOf(tenantId, project._id);
  const feedback = await ctx.repo.feedbackOf(tenantId, project._id);
  const sessions = (await ctx.s.supervisionNotes?.().sessionsOfProject(tenantId, project._id)) ?? [];
  const people = await ctx.s.people.byIds(tenantId, [
    ...new Set([
      ...memberIds,
      ...updates.map((u) => u.studentId),
      ...feedback.map((f) => f.raterId),
      ...sessions.flatMap((s) => [s.recordedBy, ...s.actions.map((a) => a.ownerId)]),
    ]),
  ]);
  return projectCard(ctx.s.cards, {
    project,
    cohort,
    zone,
    today: ctx.today(cohort),
    target,
    milestones,
    updates,
    sessions,
    // Session notes are for those who were there (the team and its supervisors).
    showSessionNotes: memberIds.includes(person._id),
    feedback,
    people,
    canManage: can(person, 'project.manage', target),
    canContribute: can(person, 'project.contribute', target),
    canPostUpdate: (target.projectStudentIds ?? []).includes(person._id),
    updateText: options.updateText ?? '',
    // Members, the cohort's lead and admins; students once at least one rating exists.
    feedbackVisible: feedback.length > 0 && can(person, 'project.feedback.view', target),
    notice: options.notice,
    error: options.error,
  });
}
