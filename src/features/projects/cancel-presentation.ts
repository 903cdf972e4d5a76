/**
 * Cancelling the final presentation (its lead or a supervisor on the project): the feedback
 * request is taken off the scheduler and everyone who was told about it (team and invited
 * raters) is told once that it is cancelled, with a link that takes it out of their calendar.
 */
import type { PersonDoc } from '../../storage/people-repository.js';
import { feedbackJobKey } from './feedback-job.js';
import { tellPresentation } from './presentation-invitations.js';
import { NOT_FOUND, type CardResult, type ProjectContext } from './project-context.js';
import { safeData } from './project-input.js';
import { showProject } from './project-view.js';

export async function cancelPresentation(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const found = await ctx.allowed(tenantId, person, 'project.manage', safeData(data).projectId);
  if (!found) return NOT_FOUND;
  const { project } = found;
  const slot = project.presentation;
  if (!slot) return showProject(ctx, tenantId, person, project, { notice: 'No presentation is booked.' });
  const now = ctx.now();
  // Only the save that still sees this slot clears it (a double click cancels once).
  if (!(await ctx.repo.clearPresentation(tenantId, project._id, slot.startsAt, now)))
    return showProject(ctx, tenantId, person, (await ctx.repo.project(tenantId, project._id)) ?? project, {
      notice: 'The presentation was changed at the same moment. Here is the project now.',
    });
  for (const key of [
    feedbackJobKey(project._id, slot.startsAt),
    feedbackJobKey(project._id, slot.startsAt, slot.minutes),
  ])
    await ctx.s.scheduler.cancel(key);
  const told = await tellPresentation(ctx, tenantId, project, slot, 'cancelled');
  await ctx.s.audit.record(
    tenantId,
    { actorId: person._id, action: 'project.presentation.cancel', targetId: project._id, details: { told } },
    now,
  );
  const saved = (await ctx.repo.project(tenantId, project._id)) ?? project;
  return showProject(ctx, tenantId, person, saved, {
    notice: `Presentation cancelled. ${told} ${told === 1 ? 'person was' : 'people were'} told.`,
  });
}
