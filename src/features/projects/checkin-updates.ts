/** The check-in's "Project progress" answer becomes the student's project update for that week. */
import type { CheckinProjectUpdate } from './ports.js';
import type { ProjectContext } from './project-context.js';
import { projectOfStudent } from './project-teams.js';
import type { ProjectDoc } from './projects-repository.js';

/** An edit of the check-in replaces the week's update. Nothing is saved when the student is on no project. */
export async function recordCheckinUpdate(
  ctx: ProjectContext,
  tenantId: string,
  update: CheckinProjectUpdate,
): Promise<ProjectDoc | null> {
  const project = await projectOfStudent(ctx, tenantId, update.studentId, update.cohortId);
  if (!project || !update.text.trim()) return project;
  await ctx.repo.saveUpdate(
    tenantId,
    { projectId: project._id, studentId: update.studentId, week: update.week, text: update.text.trim() },
    ctx.now(),
  );
  return project;
}
