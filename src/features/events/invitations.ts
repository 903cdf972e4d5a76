/** Telling the invited: the invite, a change, a cancellation, the day-before reminder. */
import { addDays, formatDate, localDateOf } from '../../domain/placement-calendar.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { EventContext } from './event-context.js';
import { inviteData, kindOf } from './event-cards.js';
import type { EventDoc, InvitationDoc } from './events-repository.js';

export type InviteNotice = 'invite' | 'changed' | 'cancelled' | 'reminder';

const BANNER: Record<InviteNotice, string> = {
  invite: 'You are invited',
  changed: 'This event has changed: please check the new details',
  cancelled: 'Cancelled: this event will not take place',
  reminder: 'Reminder: this event is coming up',
};

/** When the event is, from `now`, in the event's zone: "today", "tomorrow" or "on Mon 26 Oct 2026". */
export function dayFromNow(event: EventDoc, now: Date): string {
  const today = localDateOf(now, event.timeZone);
  if (event.date === today) return 'today';
  if (event.date === addDays(today, 1)) return 'tomorrow';
  return `on ${formatDate(event.date)}`;
}

/** One invite card per invited person (the reminder skips those who said no); the number enqueued. */
export async function notifyInvited(
  ctx: EventContext,
  tenantId: string,
  event: EventDoc,
  kind: InviteNotice,
): Promise<number> {
  const now = ctx.now();
  let invitations = await ctx.repo.invitationsOf(tenantId, event._id);
  if (kind === 'reminder') invitations = invitations.filter((i) => i.rsvp !== 'no');
  const banner = kind === 'reminder' ? `Reminder: this event is ${dayFromNow(event, now)}` : BANNER[kind];
  const summary = {
    invite: `You are invited: ${event.title}`,
    changed: `Changed: ${event.title}`,
    cancelled: `Cancelled: ${event.title}`,
    reminder: `Reminder: ${event.title} ${dayFromNow(event, now)}`,
  }[kind];
  // One message per person and step: a repeated step (a retried submit, a re-run job) sends nothing new.
  const key = (i: InvitationDoc) =>
    ({
      invite: `event:${event._id}:invite:${i.personId}`,
      changed: `event:${event._id}:rev${event.revision}:${i.personId}`,
      cancelled: `event:${event._id}:cancelled:${i.personId}`,
      reminder: `event:${event._id}:remind:${event.startsAt.toISOString()}:${i.personId}`,
    })[kind];
  const calendarUrl = await calendarLink(ctx, tenantId, event);
  const requests: EnqueueRequest[] = invitations.map((i) => ({
    dedupeKey: key(i),
    purpose: `event.${kind}`,
    target: { kind: 'person', personId: i.personId },
    activity: ctx.s.cards.activity('event-invite', inviteData(event, i, banner, now, calendarUrl), summary),
  }));
  await ctx.s.outbox.enqueue(tenantId, requests, now);
  return requests.length;
}

/** The event's calendar entry, published, changed or cancelled as the event is: its link, or ''. */
export async function calendarLink(ctx: EventContext, tenantId: string, event: EventDoc): Promise<string> {
  const calendar = ctx.s.calendar();
  if (!calendar) return '';
  const key = `event|${event._id}`;
  if (event.state === 'cancelled') return (await calendar.cancel(tenantId, key))?.url ?? '';
  const kind = kindOf(event.kind).label;
  const { url } = await calendar.publish(tenantId, key, {
    cohortId: event.cohortId,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    summary: event.title,
    description: [kind === event.title ? '' : kind, event.description].filter(Boolean).join('. '),
    location: event.location ?? '',
    url: event.onlineLink ?? '',
  });
  return url;
}
