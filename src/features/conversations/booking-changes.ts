/**
 * After a booking: cancel it, start moving it, the host marks it held or a no-show, the
 * student saves a note. Each terminal change first takes the booking's final hold (an insert),
 * so a cancel and a move, or two presses, cannot both happen.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { FORM_ERROR_KEY } from '../../domain/validation.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { rescheduleCard } from './booking-cards.js';
import { bookingDetailsCard, reflectCard } from './booking-details-card.js';
import { bookingTarget, isParticipant, type ConversationDeps } from './conversation-deps.js';
import { finalHoldId, type BookingDoc } from './conversations-repository.js';
import { jobKeys, notify } from './follow-ups.js';
import { bookingRef, heldInput, noteInput, parse } from './input.js';

const NOT_VALID = 'Sorry, that request was not valid. Nothing was changed.';
const NOT_FOUND = "I couldn't find that conversation.";
const NOT_AMONG_YOURS = "I couldn't find that conversation among yours.";
export const ALREADY_CHANGED = 'That conversation has already been cancelled or changed.';

export function finalHold(bookingId: string) {
  return {
    _id: finalHoldId(bookingId),
    kind: 'final' as const,
    bookingId,
    hostId: null,
    weekKey: null,
    createdAt: new Date(),
  };
}

/** Marks a booking terminal (caller holds its final hold) and frees what it no longer needs. */
export async function finish(
  deps: ConversationDeps,
  tenantId: string,
  booking: BookingDoc,
  actor: PersonDoc,
  state: 'cancelled' | 'rescheduled',
  extra: Partial<BookingDoc>,
  keepCapHold: string | null = null,
  keepDayHold: string | null = null,
): Promise<void> {
  const repo = deps.conversations;
  const now = deps.clock.now();
  await repo.setBooking(tenantId, booking._id, {
    state,
    endedBy: actor._id,
    endedAt: now,
    updatedAt: now,
    ...extra,
  });
  await repo.releaseHold(tenantId, booking.slotHoldId, booking._id);
  if (booking.capHoldId !== keepCapHold) await repo.releaseHold(tenantId, booking.capHoldId, booking._id);
  if (booking.dayHoldId && booking.dayHoldId !== keepDayHold)
    await repo.releaseHold(tenantId, booking.dayHoldId, booking._id);
  for (const key of jobKeys(booking)) await deps.scheduler.cancel(key);
}

export async function cancelFromCard(
  deps: ConversationDeps,
  tenantId: string,
  actor: PersonDoc,
  data: unknown,
): Promise<AdaptiveCard | string> {
  const parsed = parse(bookingRef, data);
  if (!parsed.ok) return NOT_VALID;
  const booking = await deps.conversations.bookingById(tenantId, parsed.value.bookingId);
  if (!booking || !isParticipant(actor, booking)) return NOT_FOUND;
  if (booking.state !== 'booked') return ALREADY_CHANGED;
  if (booking.startsAt.getTime() <= deps.clock.now().getTime())
    return 'That conversation has already started. The host can mark it as held or a no-show.';
  if (!(await deps.conversations.takeHold(tenantId, finalHold(booking._id)))) return ALREADY_CHANGED;
  await finish(deps, tenantId, booking, actor, 'cancelled', {});
  await deps.audit.record(
    tenantId,
    { actorId: actor._id, action: 'conversation.cancel', targetId: booking._id },
    deps.clock.now(),
  );
  const [student, hostPerson] = await Promise.all([
    deps.people.byId(tenantId, booking.studentId),
    deps.people.byId(tenantId, booking.hostPersonId),
  ]);
  await notify(deps, tenantId, booking, 'cancelled', actor, student, hostPerson);
  const cancelled = { ...booking, state: 'cancelled' as const };
  return bookingDetailsCard(deps, tenantId, cancelled, actor, 'cancelled');
}

/** The card to pick a new time with the same host (for either participant). */
export async function rescheduleStart(
  deps: ConversationDeps,
  tenantId: string,
  actor: PersonDoc,
  data: unknown,
): Promise<AdaptiveCard | string> {
  const parsed = parse(bookingRef, data);
  if (!parsed.ok) return NOT_VALID;
  const booking = await deps.conversations.bookingById(tenantId, parsed.value.bookingId);
  if (!booking || !isParticipant(actor, booking)) return NOT_FOUND;
  if (booking.state !== 'booked') return ALREADY_CHANGED;
  return rescheduleCard(deps, tenantId, actor, booking, '');
}

/** Host marks a conversation held (with the one feedback question) or a no-show. */
export async function markOutcome(
  deps: ConversationDeps,
  tenantId: string,
  actor: PersonDoc,
  data: unknown,
  outcome: 'held' | 'no-show',
): Promise<AdaptiveCard | string> {
  const parsed = parse(heldInput, data);
  if (!parsed.ok) return NOT_VALID;
  const booking = await deps.conversations.bookingById(tenantId, parsed.value.bookingId);
  if (!booking || !can(actor, 'conversation.outcome.record', bookingTarget(booking))) return NOT_AMONG_YOURS;
  if (booking.state !== 'booked') return `That conversation is already marked as ${booking.state}.`;
  if (booking.startsAt.getTime() > deps.clock.now().getTime())
    return 'That conversation has not started yet. You can cancel or move it instead.';
  if (!(await deps.conversations.takeHold(tenantId, finalHold(booking._id))))
    return 'That conversation has already been marked.';
  const now = deps.clock.now();
  await deps.conversations.setBooking(tenantId, booking._id, {
    state: outcome,
    endedBy: actor._id,
    endedAt: now,
    hostRating: outcome === 'held' ? (parsed.value.rating ?? null) : null,
    updatedAt: now,
  });
  await deps.audit.record(
    tenantId,
    { actorId: actor._id, action: `conversation.${outcome}`, targetId: booking._id },
    now,
  );
  return deps.cards.render('notice', {
    title: outcome === 'held' ? 'Thank you' : 'Marked as a no-show',
    message:
      outcome === 'held'
        ? 'The conversation is recorded as held. Thank you for giving your time to our students.'
        : 'Thanks for letting us know. The placement lead sees no-shows in the cohort report.',
  });
}

/** The student's short note afterwards, stored with the booking (idempotent). */
export async function saveNote(
  deps: ConversationDeps,
  tenantId: string,
  actor: PersonDoc,
  data: unknown,
): Promise<AdaptiveCard | string> {
  const parsed = parse(noteInput, data);
  const bookingId =
    typeof (data as { bookingId?: unknown })?.bookingId === 'string'
      ? (data as { bookingId: string }).bookingId
      : '';
  const booking = bookingId ? await deps.conversations.bookingById(tenantId, bookingId) : null;
  if (!booking || !can(actor, 'conversation.note', bookingTarget(booking))) return NOT_AMONG_YOURS;
  if (!parsed.ok) {
    return reflectCard(
      deps,
      tenantId,
      booking,
      typeof (data as { note?: unknown })?.note === 'string' ? (data as { note: string }).note : '',
      parsed.errors.note ?? parsed.errors[FORM_ERROR_KEY] ?? 'Please check your note.',
    );
  }
  await deps.conversations.setBooking(tenantId, booking._id, {
    note: parsed.value.note,
    updatedAt: deps.clock.now(),
  });
  await deps.audit.record(
    tenantId,
    { actorId: actor._id, action: 'conversation.note', targetId: booking._id },
    deps.clock.now(),
  );
  return deps.cards.render('notice', {
    title: 'Note saved',
    message: 'Your note is saved with this conversation. It will be part of your learning journey.',
  });
}
