/** A student's project for their learning-journey export (ports.ts ProjectJourneys). */
import { formatLocalWithYear } from '../../domain/placement-calendar.js';
import type { ProjectJourney } from './ports.js';
import type { ProjectContext } from './project-context.js';

/** Null when the student is on no project. */
export async function journeyOf(
  ctx: ProjectContext,
  tenantId: string,
  studentId: string,
): Promise<ProjectJourney | null> {
  const memberships = (await ctx.repo.membershipsOf(tenantId, studentId)).filter((m) => m.role === 'student');
  const membership = memberships[0];
  if (!membership) return null;
  const project = await ctx.repo.project(tenantId, membership.projectId);
  if (!project) return null;
  const members = (await ctx.membersOf(tenantId, project._id))!;
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const milestones = await ctx.repo.milestonesOf(tenantId, project._id);
  const updates = (await ctx.repo.updatesOf(tenantId, project._id)).filter((u) => u.studentId === studentId);
  const feedback = await ctx.repo.feedbackOf(tenantId, project._id);
  const people = await ctx.s.people.byIds(tenantId, [
    ...members.studentIds,
    ...members.supervisorIds,
    ...feedback.map((f) => f.raterId),
  ]);
  const person = (id: string) => people.find((p) => p._id === id);
  return {
    title: project.title,
    clinicalTeam: project.clinicalTeam,
    members: [
      ...members.studentIds.map((id) => ({ id, role: 'student' as const })),
      ...members.supervisorIds.map((id) => ({ id, role: 'supervisor' as const })),
    ].flatMap(({ id, role }) => {
      const p = person(id);
      return p ? [{ name: p.displayName, profession: p.profession, role }] : [];
    }),
    milestones: milestones.map((m) => ({ date: m.date, title: m.title })),
    updates: updates.map((u) => ({ week: u.week, text: u.text })),
    presentation: project.presentation
      ? { when: formatLocalWithYear(project.presentation.startsAt, ctx.zone(cohort)) }
      : null,
    feedback: feedback.map((f) => ({
      from: person(f.raterId)?.displayName ?? 'A rater',
      rating: f.rating,
      // The scores per criterion travel in the comment the export already shows.
      comment: [(f.scores ?? []).map((s) => `${s.criterion} ${s.score} of 5`).join(', '), f.comment]
        .filter(Boolean)
        .join('. '),
    })),
  };
}
