/** A student's answer to an invitation (going, maybe, not going), and the invite card again. */
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_FOUND, NOT_INVITED, type CardResult, type EventContext } from './event-context.js';
import { inviteCard, kindOf } from './event-cards.js';
import { parseRef, parseRsvp } from './event-input.js';
import { calendarLink } from './invitations.js';

const THANKS = {
  yes: 'Thanks, see you there',
  maybe: 'Thanks: we will remind you the day before',
  no: 'Thanks for letting us know',
} as const;

export async function rsvp(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const parsed = parseRsvp(data);
  if (!parsed.ok) return 'Choose going, maybe or not going.';
  const event = await ctx.repo.eventById(tenantId, parsed.value.eventId);
  if (!event) return NOT_FOUND;
  const invitation = await ctx.repo.invitation(tenantId, event._id, person._id);
  if (
    !can(person, 'event.rsvp', {
      cohortId: event.cohortId,
      audienceIds: invitation ? [invitation.personId] : [],
    })
  )
    return NOT_INVITED;
  const now = ctx.now();
  if (event.state !== 'scheduled')
    return inviteCard(ctx.s.cards, event, invitation, 'Cancelled: this event will not take place', now);
  if (event.endsAt.getTime() <= now.getTime())
    return inviteCard(ctx.s.cards, event, invitation, 'This event has finished', now);
  await ctx.repo.setRsvp(tenantId, event._id, person._id, parsed.value.rsvp, now);
  return inviteCard(
    ctx.s.cards,
    event,
    { ...invitation!, rsvp: parsed.value.rsvp, rsvpAt: now },
    THANKS[parsed.value.rsvp],
    now,
    // The card replaces the invitation in place: it keeps its "Add to calendar".
    await calendarLink(ctx, tenantId, event),
  );
}

/** The invite card again (from the student's `events` list). */
export async function openInvite(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const ref = parseRef(data);
  if (!ref.ok) return NOT_FOUND;
  const event = await ctx.repo.eventById(tenantId, ref.value.eventId);
  if (!event) return NOT_FOUND;
  const invitation = await ctx.repo.invitation(tenantId, event._id, person._id);
  if (
    !invitation ||
    !can(person, 'event.rsvp', { cohortId: event.cohortId, audienceIds: [invitation.personId] })
  )
    return NOT_INVITED;
  const banner =
    event.state === 'cancelled' ? 'Cancelled: this event will not take place' : kindOf(event.kind).label;
  const finished = event.endsAt.getTime() <= ctx.now().getTime();
  const calendarUrl = finished ? '' : await calendarLink(ctx, tenantId, event);
  return inviteCard(ctx.s.cards, event, invitation, banner, ctx.now(), calendarUrl);
}
