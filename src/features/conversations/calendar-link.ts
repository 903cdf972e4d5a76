/**
 * "Add to calendar": the link in a booking card (the booking id plus its unguessable token)
 * and the .ics it downloads, CANCELLED once the booking is cancelled or moved.
 */
import { timingSafeEqual } from 'node:crypto';
import type { ConversationDeps } from './conversation-deps.js';
import type { BookingDoc } from './conversations-repository.js';
import { buildIcs } from '../../domain/icalendar.js';

export function icsUrl(deps: Pick<ConversationDeps, 'config'>, booking: BookingDoc): string {
  const base = deps.config.PUBLIC_BASE_URL.replace(/\/$/, '');
  return `${base}/conversations/${encodeURIComponent(booking._id)}/calendar.ics?t=${booking.icsToken}`;
}

/** The .ics for a booking, if the token matches (the link in the confirmation card). */
export async function ics(
  deps: Pick<ConversationDeps, 'conversations' | 'ahpHosts' | 'people'>,
  bookingId: string,
  token: string,
): Promise<string | null> {
  const tenantId = bookingId.split('|')[0] ?? '';
  if (!tenantId || typeof token !== 'string' || token.length === 0) return null;
  const booking = await deps.conversations.bookingById(tenantId, bookingId);
  if (!booking) return null;
  const a = Buffer.from(booking.icsToken);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
  const [host, student] = await Promise.all([
    deps.ahpHosts.byId(tenantId, booking.hostId),
    deps.people.byId(tenantId, booking.studentId),
  ]);
  const cancelled = booking.state === 'cancelled' || booking.state === 'rescheduled';
  return buildIcs({
    uid: `${localUid(booking._id)}@placement-companion`,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    summary: `20-minute conversation: ${host?.displayName ?? 'AHP host'} and ${student?.displayName ?? 'student'}`,
    description: `${booking.profession}, ${booking.roleType}.${host?.onlineLink ? ` Join online: ${host.onlineLink}` : ''}`,
    location:
      host?.onlineLink && host.location.toLowerCase() === 'online' ? host.onlineLink : (host?.location ?? ''),
    stamp: booking.updatedAt,
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    sequence: cancelled ? 1 : 0,
  });
}

function localUid(bookingId: string): string {
  return bookingId.replace(/[^A-Za-z0-9-]/g, '-');
}
