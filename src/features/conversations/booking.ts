/**
 * Booking a slot, or moving a booking to another time with the same host. Race-free: every
 * race is settled by an insert of a deterministic id (conversations-repository.ts): the slot
 * hold, then the student's one-per-day hold for the host, then one of the host-week's cap
 * units; a move first takes the old booking's final hold. Nothing here reads a state and then
 * writes on the strength of it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { AdaptiveCard } from '../../cards/cards.js';
import { localDateOf } from '../../domain/placement-calendar.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { retryCard } from './booking-cards.js';
import { ALREADY_CHANGED, finalHold, finish } from './booking-changes.js';
import { bookingDetailsCard } from './booking-details-card.js';
import { booksForSelf, isParticipant, STUDENTS_ONLY, type ConversationDeps } from './conversation-deps.js';
import { capHoldId, finalHoldId, slotHoldId, type BookingDoc } from './conversations-repository.js';
import { notify, scheduleFollowUps } from './follow-ups.js';
import { bookInput, parse, QUESTION_MAX } from './input.js';
import { SAME_DAY_HOST, takeDayHold } from './same-day-host.js';
import { isoWeekKey } from './slot-planning.js';
import { zoneOf } from './time-zones.js';

export const JUST_TAKEN = 'That slot was just taken.';
export const HOST_FULL = 'That host has no more conversations left that week.';
const NOTHING_BOOKED = 'Nothing was booked.';

export type BookOutcome =
  | { status: 'booked'; booking: BookingDoc }
  | { status: 'taken' | 'full' | 'invalid'; message: string; errors?: Record<string, string> };

/** The card verb `conv.book`: validates, books atomically, answers with a card. */
export async function bookFromCard(
  deps: ConversationDeps,
  tenantId: string,
  actor: PersonDoc,
  data: unknown,
): Promise<AdaptiveCard | string> {
  const outcome = await book(deps, tenantId, actor, data);
  if (outcome.status === 'booked')
    return bookingDetailsCard(deps, tenantId, outcome.booking, actor, 'booked');
  const parsed = parse(bookInput, data);
  const replacingId = parsed.ok ? parsed.value.replacing : undefined;
  const replacing = replacingId ? await deps.conversations.bookingById(tenantId, replacingId) : null;
  const canReschedule = replacing && isParticipant(actor, replacing) && replacing.state === 'booked';
  if (!booksForSelf(actor) && !canReschedule) return outcome.message;
  const suffix = outcome.status === 'invalid' ? '' : ' Here are the next free times.';
  return retryCard(
    deps,
    tenantId,
    actor,
    `${outcome.message}${suffix}`,
    data,
    canReschedule ? replacing : undefined,
    outcome.status === 'invalid' ? (outcome.errors?.question ?? '') : '',
  );
}

/** Why the question box refused the booking (the only field a student types). */
function questionRefused(errors: Record<string, string>, data: unknown): BookOutcome | null {
  const questionError = errors.question;
  if (!questionError || Object.keys(errors).length !== 1) return null;
  const raw = (data as { question?: unknown }).question;
  const tooLong = typeof raw === 'string' && raw.trim().length > QUESTION_MAX;
  const error = tooLong
    ? `Please keep your question to ${QUESTION_MAX} characters or fewer (it has ${raw.trim().length}).`
    : `Your question: ${questionError.toLowerCase()}.`;
  return {
    status: 'invalid',
    message: `${tooLong ? 'Your question is too long.' : 'Please check your question.'} ${NOTHING_BOOKED}`,
    errors: { question: error },
  };
}

/**
 * Books a slot for the actor (a student), or moves `replacing` (a booking the actor is a
 * participant of) to the slot. Race-free: the slot hold and a cap unit are inserts.
 */
export async function book(
  deps: ConversationDeps,
  tenantId: string,
  actor: PersonDoc,
  data: unknown,
): Promise<BookOutcome> {
  const repo = deps.conversations;
  const now = deps.clock.now();
  const parsed = parse(bookInput, data);
  if (!parsed.ok) {
    await deps.audit.record(
      tenantId,
      { actorId: actor._id, action: 'conversation.book', outcome: 'refused' },
      now,
    );
    return (
      questionRefused(parsed.errors, data) ?? {
        status: 'invalid',
        message: `Sorry, that booking request was not valid. ${NOTHING_BOOKED}`,
      }
    );
  }
  const input = parsed.value;
  let replacing: BookingDoc | null = null;
  if (input.replacing) {
    replacing = await repo.bookingById(tenantId, input.replacing);
    if (!replacing || !isParticipant(actor, replacing))
      return { status: 'invalid', message: `I couldn't find that booking. ${NOTHING_BOOKED}` };
    if (replacing.state !== 'booked') return { status: 'invalid', message: ALREADY_CHANGED };
    if (replacing.startsAt.getTime() <= now.getTime())
      return { status: 'invalid', message: 'That conversation has already started, so it cannot be moved.' };
  } else if (!booksForSelf(actor)) {
    return { status: 'invalid', message: STUDENTS_ONLY };
  }

  const slot = await repo.slotById(tenantId, input.slotId);
  const invalid = (message: string): BookOutcome => ({
    status: 'invalid',
    message: `${message} ${NOTHING_BOOKED}`,
  });
  if (!slot) return invalid("I couldn't find that time slot.");
  if (slot.hostId !== input.hostId) return invalid('That time slot belongs to a different host.');
  if (replacing && slot.hostId !== replacing.hostId)
    return invalid('A conversation can only be moved to another time with the same host.');
  if (
    Number.isNaN(Date.parse(input.startsAt)) ||
    new Date(input.startsAt).getTime() !== slot.startsAt.getTime()
  )
    return invalid("That time doesn't match the host's published slot.");
  if (slot.startsAt.getTime() <= now.getTime()) return invalid('That time has already passed.');
  if (slot.state !== 'open') return invalid('That time is no longer offered by the host.');
  const host = await deps.ahpHosts.byId(tenantId, slot.hostId);
  if (!host || !host.active) return invalid('That host is not taking bookings at the moment.');
  const student = replacing ? await deps.people.byId(tenantId, replacing.studentId) : actor;
  if (!student) return invalid("I couldn't find the student for that booking.");
  const hostPerson = await deps.people.byId(tenantId, host.personId);
  const hostZone = await zoneOf(deps, tenantId, hostPerson);
  const blocked = (await repo.hostSettings(tenantId, host._id))?.blockedDates ?? [];
  if (blocked.includes(localDateOf(slot.startsAt, hostZone)))
    return invalid('The host is not available that day.');

  // The final hold on the booking being moved stops a concurrent cancel or second move.
  if (replacing && !(await repo.takeHold(tenantId, finalHold(replacing._id))))
    return { status: 'invalid', message: ALREADY_CHANGED };
  const releaseReplacing = async () => {
    if (replacing) await repo.releaseHold(tenantId, finalHoldId(replacing._id), replacing._id);
  };

  const bookingId = tenantDocId(tenantId, 'conv', randomUUID());
  const weekKey = isoWeekKey(slot.startsAt, hostZone);
  const slotHold = slotHoldId(slot._id);
  const hold = { bookingId, hostId: host._id, weekKey, createdAt: now };
  if (!(await repo.takeHold(tenantId, { _id: slotHold, kind: 'slot', ...hold }))) {
    await releaseReplacing();
    return { status: 'taken', message: JUST_TAKEN };
  }

  const dayHold = await takeDayHold(
    repo,
    tenantId,
    {
      hostId: host._id,
      studentId: student._id,
      localDate: localDateOf(slot.startsAt, hostZone),
      bookingId,
      now,
    },
    replacing,
  );
  if (!dayHold) {
    await repo.releaseHold(tenantId, slotHold, bookingId);
    await releaseReplacing();
    return invalid(SAME_DAY_HOST);
  }
  const releaseDayHold = async () => {
    if (replacing?.dayHoldId !== dayHold) await repo.releaseHold(tenantId, dayHold, bookingId);
  };

  let capHold: string | null = null;
  if (replacing && replacing.weekKey === weekKey) {
    capHold = replacing.capHoldId;
    await repo.transferHold(tenantId, capHold, bookingId);
  } else {
    for (let k = 1; k <= host.weeklyCap && !capHold; k++) {
      const id = capHoldId(tenantId, host._id, weekKey, k);
      if (await repo.takeHold(tenantId, { _id: id, kind: 'cap', ...hold })) capHold = id;
    }
  }
  if (!capHold) {
    await releaseDayHold();
    await repo.releaseHold(tenantId, slotHold, bookingId);
    await releaseReplacing();
    return { status: 'full', message: HOST_FULL };
  }

  const booking: BookingDoc = {
    _id: bookingId,
    tenantId,
    slotId: slot._id,
    hostId: host._id,
    hostPersonId: host.personId,
    studentId: student._id,
    cohortId: student.cohortId,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    profession: host.profession,
    roleType: host.roleType,
    weekKey,
    slotHoldId: slotHold,
    capHoldId: capHold,
    dayHoldId: dayHold,
    state: 'booked',
    endedBy: null,
    endedAt: null,
    rescheduledFrom: replacing?._id ?? null,
    rescheduledTo: null,
    icsToken: randomBytes(18).toString('base64url'),
    note: null,
    hostRating: null,
    // A moved booking keeps the question asked when it was first booked.
    question: replacing ? (replacing.question ?? null) : input.question || null,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await repo.insertBooking(tenantId, booking);
  } catch (err) {
    if (!(replacing && replacing.capHoldId === capHold)) await repo.releaseHold(tenantId, capHold, bookingId);
    await releaseDayHold();
    await repo.releaseHold(tenantId, slotHold, bookingId);
    await releaseReplacing();
    throw err;
  }

  if (replacing)
    await finish(
      deps,
      tenantId,
      replacing,
      actor,
      'rescheduled',
      { rescheduledTo: bookingId },
      capHold,
      dayHold,
    );
  await scheduleFollowUps(deps, tenantId, booking, student, hostPerson);
  await deps.audit.record(
    tenantId,
    {
      actorId: actor._id,
      action: replacing ? 'conversation.reschedule' : 'conversation.book',
      targetId: bookingId,
    },
    now,
  );
  await notify(deps, tenantId, booking, replacing ? 'moved' : 'booked', actor, student, hostPerson);
  return { status: 'booked', booking };
}
