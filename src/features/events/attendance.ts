/**
 * Attendance: the lead records who came once the event has started. Recorded after the
 * after-event job ran, the attendees get their reflection prompt at once.
 */
import type { PersonDoc } from '../../storage/people-repository.js';
import type { AttendedEvent } from './ports.js';
import { NOT_ALLOWED, NOT_FOUND, type CardResult, type EventContext } from './event-context.js';
import { attendanceCard as renderAttendanceCard, kindOf } from './event-cards.js';
import { parseAttendance, parseRef } from './event-input.js';
import { eventStatusCard } from './event-status.js';
import type { EventDoc } from './events-repository.js';
import { promptAttendees } from './reflection-prompts.js';
import { AFTER_END_MS } from './reminders.js';
import { formatDate } from '../../domain/placement-calendar.js';

export async function attendanceCard(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const ref = parseRef(data);
  const event = await ctx.permittedEvent(tenantId, person, ref, 'event.attendance.record');
  if (typeof event === 'string') return event;
  return renderAttendance(ctx, tenantId, event, '');
}

/** The sheet; `ticked` (what the lead submitted, when refused) replaces the starting ticks. */
async function renderAttendance(
  ctx: EventContext,
  tenantId: string,
  event: EventDoc,
  error: string,
  ticked?: string[],
): Promise<CardResult> {
  if (event.state !== 'scheduled') return eventStatusCard(ctx, tenantId, event, 'This event was cancelled.');
  if (event.startsAt.getTime() > ctx.now().getTime())
    return eventStatusCard(ctx, tenantId, event, 'You can record attendance once the event has started.');
  const invitations = await ctx.repo.invitationsOf(tenantId, event._id);
  const people = await ctx.s.people.byIds(
    tenantId,
    invitations.map((i) => i.personId),
  );
  return renderAttendanceCard(ctx.s.cards, { event, invitations, people, error, ticked });
}

export async function saveAttendance(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const parsed = parseAttendance(data);
  if (!parsed.ok) return NOT_FOUND;
  const event = await ctx.repo.eventById(tenantId, parsed.value.eventId);
  if (!event) return NOT_FOUND;
  if (!ctx.may(person, 'event.attendance.record', event.cohortId)) return NOT_ALLOWED;
  if (event.state !== 'scheduled' || event.startsAt.getTime() > ctx.now().getTime())
    return renderAttendance(ctx, tenantId, event, '');
  const invited = new Set((await ctx.repo.invitationsOf(tenantId, event._id)).map((i) => i.personId));
  const ids = [...new Set(parsed.value.attended)];
  if (ids.some((id) => !invited.has(id)))
    return renderAttendance(
      ctx,
      tenantId,
      event,
      'Tick only people on the list.',
      ids.filter((id) => invited.has(id)),
    );
  const now = ctx.now();
  await ctx.repo.setAttendance(tenantId, event._id, ids, now);
  // Recorded after the event: the attendees are prompted now (the after-event job did nobody).
  const prompted =
    event.endsAt.getTime() + AFTER_END_MS <= now.getTime() ? await promptAttendees(ctx, tenantId, event) : 0;
  await ctx.s.audit.record(
    tenantId,
    {
      actorId: person._id,
      action: 'event.attendance',
      targetId: event._id,
      details: { attended: ids.length, invited: invited.size, prompted },
    },
    now,
  );
  return eventStatusCard(
    ctx,
    tenantId,
    event,
    `Attendance saved: ${ids.length} of ${invited.size} attended.`,
  );
}

/** For the learning-journey export: the events the student attended, oldest first. */
export async function attendedBy(
  ctx: EventContext,
  tenantId: string,
  personId: string,
): Promise<AttendedEvent[]> {
  const attended = (await ctx.repo.invitationsOfPerson(tenantId, personId)).filter(
    (i) => i.attended === true,
  );
  if (attended.length === 0) return [];
  const events = await ctx.repo.eventsByIds(
    tenantId,
    attended.map((i) => i.eventId),
  );
  return events
    .filter((e) => e.state === 'scheduled')
    .map((e) => ({ date: formatDate(e.date), title: e.title, kind: kindOf(e.kind).label }));
}
