/** `events` and one event's status: a lead's events with RSVPs and attendance; a student's invitations. */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { type CardResult, type EventContext } from './event-context.js';
import { eventListCard, listTitle, RSVP_LABEL, rsvpSummary, statusCard, whenText } from './event-cards.js';
import { parseRef } from './event-input.js';
import type { EventDoc } from './events-repository.js';

/** `events` lists events that ended up to this long ago (to record attendance) and all upcoming ones. */
export const RECENT_MS = 14 * 24 * 60 * 60_000;

/** The event's status card as its lead sees it, with `message` on top. */
export async function eventStatusCard(
  ctx: EventContext,
  tenantId: string,
  event: EventDoc,
  message: string,
): Promise<AdaptiveCard> {
  const now = ctx.now();
  const invitations = await ctx.repo.invitationsOf(tenantId, event._id);
  const people = await ctx.s.people.byIds(
    tenantId,
    invitations.map((i) => i.personId),
  );
  return statusCard(ctx.s.cards, { event, invitations, people, message, now });
}

export async function status(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const ref = parseRef(data);
  const event = await ctx.permittedEvent(tenantId, person, ref, 'event.rsvps.view');
  if (typeof event === 'string') return event;
  return eventStatusCard(ctx, tenantId, event, '');
}

export async function listCard(ctx: EventContext, tenantId: string, person: PersonDoc): Promise<CardResult> {
  const now = ctx.now();
  const cohorts = (await ctx.s.cohorts.all(tenantId)).filter((c) =>
    ctx.may(person, 'event.rsvps.view', c._id),
  );
  const recent = (e: EventDoc) => e.endsAt.getTime() > now.getTime() - RECENT_MS;
  if (cohorts.length > 0) {
    const events = (
      await ctx.repo.eventsOfCohorts(
        tenantId,
        cohorts.map((c) => c._id),
      )
    ).filter(recent);
    const counts = await Promise.all(events.map((e) => ctx.repo.invitationsOf(tenantId, e._id)));
    return eventListCard(ctx.s.cards, {
      heading: 'Placement events',
      intro: events.length ? 'Upcoming events and those of the last two weeks.' : 'No events yet.',
      canCreate: cohorts.some((c) => ctx.may(person, 'event.manage', c._id)),
      items: events.map((e, i) => ({
        title: listTitle(e),
        when: `${whenText(e)} · ${cohorts.find((c) => c._id === e.cohortId)?.name ?? ''}`,
        summary: rsvpSummary(counts[i]!),
        eventId: e._id,
        openVerb: 'event.status',
        openTitle: 'RSVPs and attendance',
      })),
    });
  }
  if (!can(person, 'event.invitations.view.self', { studentId: person._id }))
    return 'Placement events are for students and placement leads. Type **help** to see what I can do for you.';
  const invitations = await ctx.repo.invitationsOfPerson(tenantId, person._id);
  const events = (
    await ctx.repo.eventsByIds(
      tenantId,
      invitations.map((i) => i.eventId),
    )
  ).filter(recent);
  return eventListCard(ctx.s.cards, {
    heading: 'Your placement events',
    intro: events.length ? 'Events you are invited to.' : 'You have no events coming up.',
    canCreate: false,
    items: events.map((e) => {
      const rsvp = invitations.find((i) => i.eventId === e._id)?.rsvp ?? null;
      return {
        title: listTitle(e),
        when: whenText(e),
        summary: rsvp ? `Your answer: ${RSVP_LABEL[rsvp]}` : 'You have not answered yet',
        eventId: e._id,
        openVerb: 'event.open',
        openTitle: 'Open',
      };
    }),
  });
}
