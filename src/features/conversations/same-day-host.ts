/**
 * One conversation with the same host per student per day: a second booking of that host the
 * same day would use the host's weekly cap on one student. Settled by a claim (a hold with a
 * deterministic id), so two quick presses cannot both win; the hold goes with the booking
 * (released on cancel, handed over when a booking moves to another time the same day).
 */
import { tenantDocId } from '../../storage/documents.js';
import { localPart, type BookingDoc, type ConversationsRepository } from './conversations-repository.js';

export const SAME_DAY_HOST =
  'You already have a conversation with this host that day. Please choose another day, so other students can meet them too.';

export const dayHoldId = (tenantId: string, hostId: string, studentId: string, localDate: string): string =>
  tenantDocId(tenantId, 'day', localPart(tenantId, hostId), localPart(tenantId, studentId), localDate);

/**
 * Takes the student's day hold for this host, or keeps the one of the booking being moved when
 * it is the same day. Returns the hold id, or null when the student already has that host that day.
 */
export async function takeDayHold(
  repo: Pick<ConversationsRepository, 'takeHold' | 'transferHold'>,
  tenantId: string,
  claim: { hostId: string; studentId: string; localDate: string; bookingId: string; now: Date },
  replacing: Pick<BookingDoc, 'dayHoldId'> | null,
): Promise<string | null> {
  const id = dayHoldId(tenantId, claim.hostId, claim.studentId, claim.localDate);
  if (replacing?.dayHoldId === id) {
    await repo.transferHold(tenantId, id, claim.bookingId);
    return id;
  }
  const taken = await repo.takeHold(tenantId, {
    _id: id,
    kind: 'day',
    bookingId: claim.bookingId,
    hostId: claim.hostId,
    weekKey: null,
    createdAt: claim.now,
  });
  return taken ? id : null;
}
