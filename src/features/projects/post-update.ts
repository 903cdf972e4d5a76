/**
 * A project update posted from the project card at any time (not only in the weekly check-in):
 * a student of the project writes what moved; it is shown with the week it was posted in,
 * beside the check-in answers, and goes into their journey export.
 */
import { placementWeekOf } from '../../domain/placement-calendar.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_FOUND, type CardResult, type ProjectContext } from './project-context.js';
import { requestId as requestIdSchema, safeData, updateInput } from './project-input.js';
import { showProject } from './project-view.js';
import { postedUpdateId } from './projects-repository.js';

export async function postUpdate(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const raw = safeData(data);
  const found = await ctx.allowed(tenantId, person, 'project.contribute', raw.projectId);
  if (!found) return NOT_FOUND;
  const { project, target } = found;
  const show = (options: { notice?: string; error?: string; updateText?: string }) =>
    showProject(ctx, tenantId, person, project, options);
  if (!(target.projectStudentIds ?? []).includes(person._id))
    return show({ error: 'Updates are posted by the project’s students. You can add a milestone instead.' });
  const typed = typeof raw.updateText === 'string' ? raw.updateText : '';
  const parsed = parseCardInput(updateInput, raw);
  const nonce = requestIdSchema.safeParse(raw.requestId);
  if (!parsed.ok || !nonce.success)
    return show({
      error: parsed.ok
        ? 'Please open the project again and post your update.'
        : `Your update: ${Object.values(parsed.errors)[0]}`,
      updateText: typed,
    });
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const now = ctx.now();
  const position = cohort ? placementWeekOf(cohort, now, ctx.zone(cohort)) : null;
  if (!position) return show({ error: 'Updates can be posted while the placement runs.', updateText: typed });
  const id = postedUpdateId(tenantId, project._id, person._id, nonce.data);
  const inserted = await ctx.repo.insertUpdate(tenantId, {
    _id: id,
    projectId: project._id,
    studentId: person._id,
    week: position.week,
    text: parsed.value.updateText,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  if (inserted)
    await ctx.s.audit.record(
      tenantId,
      { actorId: person._id, action: 'project.update.post', targetId: id },
      now,
    );
  return show({ notice: `Thank you: your update is on the project (week ${position.week}).` });
}
