/** The event's timed steps on the shared scheduler: the day-before reminder and the after-event job. */
import { reminderBefore } from '../../domain/working-hours.js';
import type { JobDoc } from '../../jobs/scheduler.js';
import type { EventContext } from './event-context.js';
import type { EventDoc } from './events-repository.js';
import { notifyInvited } from './invitations.js';

export const JOB_REMIND = 'events.remind';
export const JOB_AFTER = 'events.after';
/** The reflection prompt goes this long after the event ends (attendance may be recorded later: then at once). */
export const AFTER_END_MS = 30 * 60_000;

export const remindKey = (e: Pick<EventDoc, '_id' | 'startsAt'>) =>
  `${JOB_REMIND}|${e._id}|${e.startsAt.toISOString()}`;
export const afterKey = (e: Pick<EventDoc, '_id' | 'endsAt'>) =>
  `${JOB_AFTER}|${e._id}|${e.endsAt.toISOString()}`;

/**
 * Keys carry the times, so a moved event gets new jobs and the old ones find nothing to do. The
 * reminder is due at the start of working time on the last placement (or working) day before
 * the event: a Monday event is reminded on the Friday, not on Sunday.
 */
export async function scheduleJobs(ctx: EventContext, tenantId: string, event: EventDoc): Promise<void> {
  const now = ctx.now();
  const cohort = await ctx.s.cohorts.byId(tenantId, event.cohortId);
  const remindAt = reminderBefore(event.startsAt, now, {
    zone: event.timeZone,
    calendar: cohort ? { ...cohort, timeZone: event.timeZone } : undefined,
  });
  if (remindAt)
    await ctx.s.scheduler.schedule({
      key: remindKey(event),
      type: JOB_REMIND,
      runAt: remindAt,
      tenantId,
      payload: { eventId: event._id, startsAt: event.startsAt.toISOString() },
    });
  await ctx.s.scheduler.schedule({
    key: afterKey(event),
    type: JOB_AFTER,
    runAt: new Date(event.endsAt.getTime() + AFTER_END_MS),
    tenantId,
    payload: { eventId: event._id, endsAt: event.endsAt.toISOString() },
  });
}

/**
 * Job: the reminder to everyone invited who has not said no (once each). A reminder that runs
 * after the event started (the service was down) sends nothing: it would come too late to help.
 */
export async function runRemind(ctx: EventContext, job: JobDoc): Promise<void> {
  const tenantId = job.tenantId!;
  const event = await ctx.repo.eventById(tenantId, String(job.payload.eventId));
  if (!event || event.state !== 'scheduled' || event.startsAt.toISOString() !== job.payload.startsAt) return;
  if (event.startsAt.getTime() <= ctx.now().getTime()) return;
  await notifyInvited(ctx, tenantId, event, 'reminder');
}
