/** The job after a presentation: one feedback card per invited rater (deduplicated by the outbox). */
import { can } from '../../domain/authorization.js';
import { formatLocalWithYear } from '../../domain/placement-calendar.js';
import type { ProjectContext } from './project-context.js';
import { feedbackFormData } from './project-cards.js';

export const JOB_FEEDBACK = 'projects.feedback-request';

/** One job per slot and length (a slot saved again unchanged keeps its job; jobs of older builds had no length). */
export const feedbackJobKey = (projectId: string, startsAt: Date, minutes?: number) =>
  `projects.feedback:${projectId}:${startsAt.getTime()}${minutes === undefined ? '' : `:${minutes}m`}`;

/** Runs only for the slot it was scheduled for (a moved presentation has its own job). */
export async function runFeedbackJob(
  ctx: ProjectContext,
  tenantId: string,
  projectId: string,
  startsAtIso: string,
): Promise<number> {
  const project = await ctx.repo.project(tenantId, projectId);
  const slot = project?.presentation;
  if (!project || !slot || slot.startsAt.toISOString() !== startsAtIso) return 0;
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const attendees = await ctx.repo.attendeesOf(tenantId, projectId);
  const people = await ctx.s.people.byIds(
    tenantId,
    attendees.map((a) => a.personId),
  );
  const audienceIds = attendees.map((a) => a.personId);
  const target = { ...(await ctx.targetOf(tenantId, project)), audienceIds };
  const raters = people.filter((p) => can(p, 'project.feedback.give', target));
  const when = formatLocalWithYear(slot.startsAt, ctx.zone(cohort));
  const n = await ctx.s.outbox.enqueue(
    tenantId,
    raters.map((p) => ({
      dedupeKey: `project.feedback.request|${projectId}|${slot.startsAt.getTime()}|${p._id}`,
      purpose: 'project.feedback.request',
      target: { kind: 'person' as const, personId: p._id },
      activity: ctx.s.cards.activity(
        'project-feedback',
        feedbackFormData(project, when, {}, {}),
        `Feedback on “${project.title}”`,
      ),
    })),
    ctx.now(),
  );
  await ctx.repo.markFeedbackRequested(tenantId, projectId, ctx.now());
  return n;
}
