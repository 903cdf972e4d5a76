/**
 * The reminder before a milestone's date: one message to its owner at the start of working time
 * on the working (placement) day before it, or that morning when the day before has passed.
 * Scheduled when the milestone is added; keyed by milestone and date, and deduplicated by the
 * outbox, so it is sent once however often the jobs run. A milestone done, removed or without
 * an owner (or whose owner left the team) is not reminded.
 */
import { formatDate, localInstant } from '../../domain/placement-calendar.js';
import { reminderBefore, WORKING_HOURS } from '../../domain/working-hours.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { ProjectContext } from './project-context.js';
import { projectNoticeActivity } from './project-cards.js';
import type { MilestoneDoc } from './projects-repository.js';

export const JOB_MILESTONE_REMINDER = 'projects.milestone-reminder';

export const milestoneReminderKey = (milestoneId: string, date: string) =>
  `projects.milestone-reminder:${milestoneId}:${date}`;

/** Schedules the owner's reminder; false when there is no owner or no working time left before it. */
export async function scheduleMilestoneReminder(
  ctx: ProjectContext,
  tenantId: string,
  milestone: MilestoneDoc,
  cohort: CohortDoc | null,
): Promise<boolean> {
  if (!milestone.ownerId) return false;
  const zone = ctx.zone(cohort);
  const due = localInstant(milestone.date, WORKING_HOURS.end, zone);
  const runAt = reminderBefore(due, ctx.now(), { zone, calendar: cohort ?? undefined });
  if (!runAt) return false;
  return ctx.s.scheduler.schedule({
    key: milestoneReminderKey(milestone._id, milestone.date),
    type: JOB_MILESTONE_REMINDER,
    runAt,
    tenantId,
    payload: { milestoneId: milestone._id, date: milestone.date },
  });
}

/** The job: the number of reminders queued (0 or 1). */
export async function runMilestoneReminder(
  ctx: ProjectContext,
  tenantId: string,
  milestoneId: string,
  date: string,
): Promise<number> {
  const milestone = await ctx.repo.milestone(tenantId, milestoneId);
  if (!milestone || milestone.date !== date || milestone.doneAt || !milestone.ownerId) return 0;
  const members = await ctx.membersOf(tenantId, milestone.projectId);
  const ownerId = milestone.ownerId;
  if (!members || ![...members.studentIds, ...members.supervisorIds].includes(ownerId)) return 0;
  const { project } = members;
  return ctx.s.outbox.enqueue(
    tenantId,
    [
      {
        dedupeKey: `project.milestone.reminder|${milestone._id}|${milestone.date}`,
        purpose: 'project.milestone.reminder',
        target: { kind: 'person' as const, personId: ownerId },
        activity: projectNoticeActivity(
          ctx.s.cards,
          project._id,
          'A milestone of yours is coming up',
          `“${milestone.title}” on “${project.title}” is due ${formatDate(milestone.date)}. When it is done, mark it done on the project’s milestones; if it needs to move, talk it over with your team.`,
        ),
      },
    ],
    ctx.now(),
  );
}
