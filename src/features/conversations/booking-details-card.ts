/**
 * The card about one booking for one viewer (times in their zone): the confirmation, a
 * reminder, a moved or cancelled notice; and the student's "how was it?" note card.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { whereText } from './booking-cards.js';
import { icsUrl } from './calendar-link.js';
import type { ConversationDeps } from './conversation-deps.js';
import type { BookingDoc } from './conversations-repository.js';
import { SLOT_MINUTES } from './slot-planning.js';
import { zoneOf } from './time-zones.js';

export type DetailsKind = 'booked' | 'moved' | 'cancelled' | 'reminder-24h' | 'reminder-15m';

/** The booking card for one viewer (times in their zone), for a confirmation, reminder or notice. */
export async function bookingDetailsCard(
  deps: ConversationDeps,
  tenantId: string,
  booking: BookingDoc,
  viewer: PersonDoc | null,
  kind: DetailsKind,
  by?: PersonDoc | null,
): Promise<AdaptiveCard> {
  const zone = await zoneOf(deps, tenantId, viewer);
  const [host, student] = await Promise.all([
    deps.ahpHosts.byId(tenantId, booking.hostId),
    deps.people.byId(tenantId, booking.studentId),
  ]);
  const viewerIsHost = viewer?._id === booking.hostPersonId;
  const other = viewerIsHost ? (student?.displayName ?? 'your student') : (host?.displayName ?? 'your host');
  const when = formatLocal(booking.startsAt, zone);
  const byOther = by && viewer && by._id !== viewer._id;
  const titles: Record<DetailsKind, string> = {
    booked: `Booked: 20 minutes with ${other}`,
    moved: `Moved: your conversation with ${other}`,
    cancelled: `Cancelled: your conversation with ${other}`,
    'reminder-24h': `Tomorrow: 20 minutes with ${other}`,
    'reminder-15m': `In 15 minutes: your conversation with ${other}`,
  };
  const messages: Record<DetailsKind, string> = {
    booked: viewerIsHost
      ? `${other} booked a 20-minute conversation with you.`
      : booking.question
        ? `You're booked in with ${other}, who can see your question below.`
        : `You're booked in with ${other}. Think of one or two questions about their role beforehand.`,
    moved: byOther
      ? `${by!.displayName} moved the conversation to a new time.`
      : 'Your conversation has a new time.',
    cancelled: byOther
      ? `${by!.displayName} cancelled the conversation. The time is free again.`
      : 'The conversation is cancelled and the time is free again.',
    'reminder-24h': 'A reminder for tomorrow.',
    'reminder-15m': 'Starting soon.',
  };
  const active = booking.state === 'booked' && kind !== 'cancelled';
  const question = booking.question ?? '';
  return deps.cards.render('conversation-booking', {
    title: titles[kind],
    message: messages[kind],
    question,
    questionTitle: viewerIsHost ? `${other} would like to ask` : 'Your question for the host',
    facts: [
      { title: 'When', value: `${when} (${SLOT_MINUTES} minutes, ${zone})` },
      { title: viewerIsHost ? 'Student' : 'Host', value: other },
      // The person named above: the host sees the student's profession, the student the host's.
      ...(viewerIsHost
        ? student?.profession
          ? [{ title: 'Profession', value: student.profession }]
          : []
        : [
            { title: 'Profession', value: booking.profession },
            { title: 'Role', value: booking.roleType },
          ]),
      { title: 'Where', value: host ? whereText(host) : '' },
      ...(host?.onlineLink ? [{ title: 'Online link', value: host.onlineLink }] : []),
    ],
    bookingId: booking._id,
    active,
    icsUrl: icsUrl(deps, booking),
  });
}

/** The note card's data: "How was your conversation with …?", with what was typed and why it was refused. */
export async function reflectData(
  deps: Pick<ConversationDeps, 'ahpHosts'>,
  tenantId: string,
  booking: BookingDoc,
  note = '',
  error = '',
) {
  const host = await deps.ahpHosts.byId(tenantId, booking.hostId);
  return {
    title: `How was your conversation with ${host?.displayName ?? 'your host'}?`,
    subtitle: `${booking.profession} · ${booking.roleType}`,
    bookingId: booking._id,
    note,
    error,
  };
}

export async function reflectCard(
  deps: ConversationDeps,
  tenantId: string,
  booking: BookingDoc,
  note = '',
  error = '',
): Promise<AdaptiveCard> {
  return deps.cards.render('conversation-reflect', await reflectData(deps, tenantId, booking, note, error));
}

/** A message activity carrying an already-rendered card, for the outbox. */
export function cardActivity(card: AdaptiveCard, summary: string): Record<string, unknown> {
  return {
    type: 'message',
    summary,
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}
