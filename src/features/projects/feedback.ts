/**
 * Presentation feedback: an overall rating (1-5), a score per criterion (the lead's, or the
 * default set) and a comment, per invited rater (staff and peers) from the start of the
 * presentation until a week after it ends; a rater changes theirs by sending again. The team
 * hears once that feedback has arrived.
 */
import { can } from '../../domain/authorization.js';
import { formatLocalWithYear } from '../../domain/placement-calendar.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import type { CardResult, ProjectContext } from './project-context.js';
import { feedbackFormData, projectNoticeActivity } from './project-cards.js';
import {
  DEFAULT_CRITERIA,
  feedbackInput,
  optionalScore,
  safeData,
  scoreField,
  typedValues,
} from './project-input.js';
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
  const target = project ? { ...(await ctx.targetOf(tenantId, project)), audienceIds } : null;
  if (!project?.presentation || !target || !can(person, 'project.feedback.give', target)) {
    await ctx.refused(tenantId, person, 'project.feedback.give', id);
    return 'Only the people invited to this presentation can give feedback on it.';
  }
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const zone = ctx.zone(cohort);
  const slot = project.presentation;
  const when = formatLocalWithYear(slot.startsAt, zone);
  const criteria = slot.criteria ?? DEFAULT_CRITERIA;
  const values = typedValues(raw, ['rating', 'comment', ...criteria.map((_, i) => scoreField(i))]);
  const card = (vals: Record<string, string>, errors: Record<string, string>, extra = {}) =>
    ctx.s.cards.render('project-feedback', { ...feedbackFormData(project, when, vals, errors), ...extra });
  if (ctx.now().getTime() < slot.startsAt.getTime())
    return card(values, { _form: `The presentation has not started yet: it is on ${when}.` });
  const closesAt = feedbackClosesAt(slot);
  const closes = formatLocalWithYear(closesAt, zone);
  const mineId = feedbackId(tenantId, project._id, person._id);
  if (ctx.now().getTime() >= closesAt.getTime()) {
    const mine = await ctx.repo.feedbackById(tenantId, mineId);
    return card(
      {},
      {},
      {
        done: true,
        doneText: mine
          ? `Feedback closed on ${closes}; yours (${mine.rating} of 5) is with the team, so nothing was changed.`
          : `Feedback closed on ${closes}, so nothing was saved.`,
      },
    );
  }
  const parsed = parseCardInput(feedbackInput, raw);
  const scoreErrors: Record<string, string> = {};
  const scores: { criterion: string; score: number }[] = [];
  criteria.forEach((criterion, i) => {
    const score = optionalScore.safeParse(raw[scoreField(i)]);
    if (!score.success) scoreErrors[scoreField(i)] = 'Choose a value from 1 to 5, or leave it blank';
    else if (typeof score.data === 'number') scores.push({ criterion, score: score.data });
  });
  if (!parsed.ok || Object.keys(scoreErrors).length)
    return card(values, { ...(parsed.ok ? {} : parsed.errors), ...scoreErrors });
  const now = ctx.now();
  const first = await ctx.repo.saveFeedback(
    tenantId,
    {
      projectId: project._id,
      raterId: person._id,
      rating: parsed.value.rating,
      comment: parsed.value.comment,
      scores,
    },
    now,
  );
  await ctx.s.audit.record(
    tenantId,
    {
      actorId: person._id,
      action: first ? 'project.feedback' : 'project.feedback.change',
      targetId: project._id,
    },
    now,
  );
  if (first) await notifyFeedback(ctx, tenantId, project);
  const saved = {
    rating: String(parsed.value.rating),
    comment: parsed.value.comment,
    ...Object.fromEntries(
      criteria.map((c, i) => [scoreField(i), String(scores.find((s) => s.criterion === c)?.score ?? '')]),
    ),
  };
  return card(
    saved,
    {},
    {
      doneText: first
        ? `Thank you. You rated it ${parsed.value.rating} of 5; the team can see your feedback. You can change it until ${closes}.`
        : `Your feedback is changed: now ${parsed.value.rating} of 5. You can change it until ${closes}.`,
    },
  );
}

/** Raters can give or change their feedback until a week after the presentation ends. */
export const FEEDBACK_OPEN_DAYS = 7;
export function feedbackClosesAt(slot: { startsAt: Date; minutes: number }): Date {
  return new Date(slot.startsAt.getTime() + (slot.minutes + FEEDBACK_OPEN_DAYS * 24 * 60) * 60_000);
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
