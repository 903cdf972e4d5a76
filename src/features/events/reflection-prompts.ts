/** After an event: a reflection prompt, tagged to the event's topic, to each student who attended. */
import { formatDate } from '../../domain/placement-calendar.js';
import type { JobDoc } from '../../jobs/scheduler.js';
import type { EventContext } from './event-context.js';
import { kindOf } from './event-cards.js';
import type { EventDoc } from './events-repository.js';

/** Job: after the event, reflection prompts to those recorded as attending. */
export async function runAfter(ctx: EventContext, job: JobDoc): Promise<void> {
  const tenantId = job.tenantId!;
  const event = await ctx.repo.eventById(tenantId, String(job.payload.eventId));
  if (!event || event.state !== 'scheduled' || event.endsAt.toISOString() !== job.payload.endsAt) return;
  await promptAttendees(ctx, tenantId, event);
}

/** One reflection prompt per attendee (dedupe key per event and person), none to the rest. */
export async function promptAttendees(ctx: EventContext, tenantId: string, event: EventDoc): Promise<number> {
  const reflections = ctx.s.reflections();
  if (!reflections) return 0;
  const attended = (await ctx.repo.invitationsOf(tenantId, event._id)).filter((i) => i.attended === true);
  let sent = 0;
  for (const i of attended)
    if (
      await reflections.promptReflection(tenantId, i.personId, {
        topic: kindOf(event.kind).topic,
        linkId: event._id,
        dedupeKey: `event:reflect:${event._id}:${i.personId}`,
        message: `Take five minutes to reflect on "${event.title}" (${formatDate(event.date)}) while it is fresh: what did you learn, and what will you do with it?`,
      })
    )
      sent++;
  return sent;
}
