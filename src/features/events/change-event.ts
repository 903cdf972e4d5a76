/**
 * Changing and cancelling an event (its lead). Races are settled by inserts: each edit takes
 * the claim for its revision, a cancel its own, so two leads (or a double click) change it once.
 */
import { localInstant } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_FOUND, type CardResult, type EventContext } from './event-context.js';
import { parseEditRef, parseRef, rawEventFields } from './event-input.js';
import { eventStatusCard } from './event-status.js';
import type { EventDoc } from './events-repository.js';
import { renderCompose, validateEvent, withCohort } from './create-event.js';
import { notifyInvited } from './invitations.js';
import { markNonPlacement, unmarkNonPlacement } from './non-placement-days.js';
import { afterKey, remindKey, scheduleJobs } from './reminders.js';
import { tellSupervisorsOfAwayDay } from './supervisor-notices.js';

export async function editEventCard(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const ref = parseRef(data);
  const event = await ctx.permittedEvent(tenantId, person, ref, 'event.manage');
  if (typeof event === 'string') return event;
  if (event.state === 'cancelled') return eventStatusCard(ctx, tenantId, event, 'This event was cancelled.');
  const cohort = await ctx.s.cohorts.byId(tenantId, event.cohortId);
  if (!cohort) return NOT_FOUND;
  return renderCompose(ctx, [cohort], event, {}, {});
}

export async function updateEvent(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const ref = parseEditRef(data);
  if (!ref.ok) return NOT_FOUND;
  const event = await ctx.permittedEvent(tenantId, person, ref, 'event.manage');
  if (typeof event === 'string') return event;
  if (event.state === 'cancelled') return eventStatusCard(ctx, tenantId, event, 'This event was cancelled.');
  const cohort = await ctx.s.cohorts.byId(tenantId, event.cohortId);
  if (!cohort) return NOT_FOUND;
  const record = { ...withCohort(data), cohortId: event.cohortId };
  const checked = await validateEvent(ctx, person, record, [cohort]);
  if (!checked.ok) return renderCompose(ctx, [cohort], event, rawEventFields(record), checked.errors);
  if (ref.value.revision !== event.revision)
    return eventStatusCard(
      ctx,
      tenantId,
      event,
      'Someone changed this event since you opened it. Here it is now.',
    );
  if (!(await ctx.s.claims.take('event.edit', `${event._id}#${event.revision + 1}`)))
    return eventStatusCard(
      ctx,
      tenantId,
      (await ctx.repo.eventById(tenantId, event._id)) ?? event,
      'Someone changed this event at the same moment. Here it is now.',
    );
  const { value } = checked;
  const zone = event.timeZone;
  const now = ctx.now();
  const next: EventDoc = {
    ...event,
    kind: value.kind,
    title: value.title,
    date: value.date,
    startTime: value.startTime,
    endTime: value.endTime,
    startsAt: localInstant(value.date, value.startTime, zone),
    endsAt: localInstant(value.date, value.endTime, zone),
    location: value.location,
    onlineLink: value.onlineLink,
    description: value.description,
    nonPlacement: value.nonPlacement,
    revision: event.revision + 1,
    updatedAt: now,
  };
  const dayChanged = next.date !== event.date || next.nonPlacement !== event.nonPlacement;
  if (dayChanged && event.addedNonPlacementDate) await unmarkNonPlacement(ctx, tenantId, event, cohort);
  if (dayChanged) next.addedNonPlacementDate = false;
  const { _id, tenantId: _t, createdAt: _c, ...set } = next;
  await ctx.repo.updateEvent(tenantId, event._id, set);
  if (dayChanged && next.nonPlacement) await markNonPlacement(ctx, tenantId, next, cohort);
  if (next.startsAt.getTime() !== event.startsAt.getTime()) await ctx.s.scheduler.cancel(remindKey(event));
  if (next.endsAt.getTime() !== event.endsAt.getTime()) await ctx.s.scheduler.cancel(afterKey(event));
  await scheduleJobs(ctx, tenantId, next);
  const told = await notifyInvited(ctx, tenantId, next, 'changed');
  // The cohort as loaded before this change: the new day as it was for the students.
  if (next.date !== event.date)
    await tellSupervisorsOfAwayDay(ctx, tenantId, { ...next, addedNonPlacementDate: false }, cohort, true);
  await ctx.s.audit.record(
    tenantId,
    {
      actorId: person._id,
      action: 'event.edit',
      targetId: event._id,
      details: { revision: next.revision, told },
    },
    now,
  );
  return eventStatusCard(
    ctx,
    tenantId,
    next,
    `Saved. ${told} invited ${told === 1 ? 'person was' : 'people were'} told about the change.`,
  );
}

export async function cancelEvent(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const ref = parseRef(data);
  const event = await ctx.permittedEvent(tenantId, person, ref, 'event.manage');
  if (typeof event === 'string') return event;
  if (event.state === 'cancelled' || !(await ctx.s.claims.take('event.cancel', event._id)))
    return eventStatusCard(ctx, tenantId, { ...event, state: 'cancelled' }, 'This event is cancelled.');
  const now = ctx.now();
  const cancelled: EventDoc = { ...event, state: 'cancelled', cancelledAt: now, updatedAt: now };
  await ctx.repo.updateEvent(tenantId, event._id, { state: 'cancelled', cancelledAt: now, updatedAt: now });
  await ctx.s.scheduler.cancel(remindKey(event));
  await ctx.s.scheduler.cancel(afterKey(event));
  const cohort = await ctx.s.cohorts.byId(tenantId, event.cohortId);
  if (cohort && event.addedNonPlacementDate) await unmarkNonPlacement(ctx, tenantId, event, cohort);
  const told = await notifyInvited(ctx, tenantId, cancelled, 'cancelled');
  await ctx.s.audit.record(
    tenantId,
    { actorId: person._id, action: 'event.cancel', targetId: event._id, details: { told } },
    now,
  );
  return eventStatusCard(
    ctx,
    tenantId,
    cancelled,
    `Cancelled. ${told} invited ${told === 1 ? 'person was' : 'people were'} told.`,
  );
}
