/**
 * Presentation feedback: a rating (1-5) and a comment, once per invited rater after the
 * presentation has started; the team hears once that feedback has arrived.
 */
import { can } from '../../domain/authorization.js';
import { formatLocalWithYear } from '../../domain/placement-calendar.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import type { CardResult, ProjectContext } from './project-context.js';
import { feedbackFormData, projectNoticeActivity } from './project-cards.js';
import { feedbackInput, safeData, typedValues } from './project-input.js';
import { feedbackId, type ProjectDoc } from './projects-repository.js';

export async function submitFeedback(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const raw = safeData(data);
  const id = raw.projectId;
  const project =
    typeof id === 'string' && isTenantId(id, tenantId) ? await ctx.repo.project(tenantId, id) : null;
  const audienceIds = project
    ? (await ctx.repo.attendeesOf(tenantId, project._id)).map((a) => a.personId)
    : [];
  if (
    !project?.presentation ||
    !can(person, 'project.feedback.give', { audienceIds, cohortId: project.cohortId })
  ) {
    await ctx.refused(tenantId, person, 'project.feedback.give', id);
    return 'Only the people invited to this presentation can give feedback on it.';
  }
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const when = formatLocalWithYear(project.presentation.startsAt, ctx.zone(cohort));
  const values = typedValues(raw, ['rating', 'comment']);
  const form = (errors: Record<string, string>) =>
    ctx.s.cards.render('project-feedback', feedbackFormData(project, when, values, errors));
  if (ctx.now().getTime() < project.presentation.startsAt.getTime())
    return form({ _form: `The presentation has not started yet: it is on ${when}.` });
  const parsed = parseCardInput(feedbackInput, raw);
  if (!parsed.ok) return form(parsed.errors);
  const now = ctx.now();
  const inserted = await ctx.repo.insertFeedback(tenantId, {
    _id: feedbackId(tenantId, project._id, person._id),
    projectId: project._id,
    raterId: person._id,
    rating: parsed.value.rating,
    comment: parsed.value.comment,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  const mine = (await ctx.repo.feedbackById(tenantId, feedbackId(tenantId, project._id, person._id)))!;
  if (inserted) {
    await ctx.s.audit.record(
      tenantId,
      { actorId: person._id, action: 'project.feedback', targetId: project._id },
      now,
    );
    await notifyFeedback(ctx, tenantId, project);
  }
  return ctx.s.cards.render('project-feedback', {
    ...feedbackFormData(project, when, {}, {}),
    done: true,
    doneText: inserted
      ? `Thank you. You rated it ${mine.rating} of 5; the team can see your feedback.`
      : `You already gave feedback on this presentation (${mine.rating} of 5), so nothing was changed.`,
  });
}

/** The team hears once that feedback has arrived (deduplicated per project and member). */
async function notifyFeedback(ctx: ProjectContext, tenantId: string, project: ProjectDoc) {
  const members = await ctx.membersOf(tenantId, project._id);
  if (!members) return;
  await ctx.s.outbox.enqueue(
    tenantId,
    [...members.studentIds, ...members.supervisorIds].map((personId) => ({
      dedupeKey: `project.feedback.ready|${project._id}|${personId}`,
      purpose: 'project.feedback.ready',
      target: { kind: 'person' as const, personId },
      activity: projectNoticeActivity(
        ctx.s.cards,
        project._id,
        'Feedback on your presentation',
        `Feedback on “${project.title}” has arrived. Open the project to read it; more may follow.`,
      ),
    })),
    ctx.now(),
  );
}
