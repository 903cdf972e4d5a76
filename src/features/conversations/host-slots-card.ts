/** `my slots`: a host's coming conversations and free slots, blocked days, and the publish form. */
import type { AdaptiveCard } from '../../cards/cards.js';
import { formatDate, formatLocal, localDateOf } from '../../domain/placement-calendar.js';
import { cardNumber, FORM_ERROR_KEY } from '../../domain/validation.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { HORIZON_DAYS } from './availability.js';
import type { ConversationDeps } from './conversation-deps.js';
import { hostOf } from './host-profile.js';
import { zoneOf } from './time-zones.js';

export const SLOT_HOSTS_ONLY = 'Only AHP hosts in the directory can publish conversation slots.';

export async function slotsCard(
  deps: ConversationDeps,
  tenantId: string,
  person: PersonDoc,
  message = '',
  errors: Record<string, string> = {},
  values: Record<string, unknown> = {},
): Promise<AdaptiveCard | string> {
  const host = await hostOf(deps, tenantId, person);
  if (!host) return SLOT_HOSTS_ONLY;
  const now = deps.clock.now();
  const zone = await zoneOf(deps, tenantId, person);
  const horizon = new Date(now.getTime() + HORIZON_DAYS * 86_400_000);
  const [slots, bookings, settings] = await Promise.all([
    deps.conversations.openSlots(tenantId, now, horizon, host._id),
    deps.conversations.byHostPerson(tenantId, person._id, new Date(now.getTime() - 7 * 86_400_000)),
    deps.conversations.hostSettings(tenantId, host._id),
  ]);
  const live = bookings.filter((b) => b.state === 'booked');
  const students = new Map(
    (await deps.people.byIds(tenantId, [...new Set(live.map((b) => b.studentId))])).map((p) => [p._id, p]),
  );
  const bookedSlots = new Set(live.map((b) => b.slotId));
  const blocked = settings?.blockedDates ?? [];
  const items = [
    ...live.map((b) => ({
      at: b.startsAt.getTime(),
      text: `${formatLocal(b.startsAt, zone)}: ${students.get(b.studentId)?.displayName ?? 'a student'}`,
      question: b.question ? `Would like to ask: ${b.question}` : '',
      booked: true,
      started: b.startsAt.getTime() <= now.getTime(),
      bookingId: b._id,
      slotId: b.slotId,
    })),
    ...slots
      .filter((s) => !bookedSlots.has(s._id))
      .map((s) => {
        const day = localDateOf(s.startsAt, zone);
        return {
          at: s.startsAt.getTime(),
          text: `${formatLocal(s.startsAt, zone)}: ${blocked.includes(day) ? 'blocked day' : 'free'}`,
          question: '',
          booked: false,
          started: false,
          bookingId: '',
          slotId: s._id,
        };
      }),
  ]
    .sort((a, b) => a.at - b.at)
    .slice(0, 30)
    .map(({ at: _at, ...rest }) => ({ ...rest, upcomingBooked: rest.booked && !rest.started }));
  const text = (key: string, fallback: string) =>
    typeof values[key] === 'string' ? (values[key] as string) : fallback;
  return deps.cards.render('conversation-slots', {
    title: 'Your 20-minute conversation slots',
    zoneNote: `Times in ${zone}. Weekly cap: ${host.weeklyCap} conversations (change it with **my host profile**).`,
    message: errors[FORM_ERROR_KEY] ?? message,
    items,
    hasItems: items.length > 0,
    blocked: blocked
      .filter((d) => d >= localDateOf(now, zone))
      .map((d) => ({ date: d, dateText: formatDate(d) })),
    hasBlocked: blocked.length > 0,
    pubDate: text('pubDate', ''),
    pubTime: text('pubTime', '10:00'),
    pubCount: cardNumber(values.pubCount, 3),
    pubBuffer: text('pubBuffer', '10'),
    pubWeeks: cardNumber(values.pubWeeks, 1),
    blockDate: text('blockDate', ''),
    pubDateError: errors.pubDate ?? '',
    pubTimeError: errors.pubTime ?? '',
    pubCountError: errors.pubCount ?? '',
    pubBufferError: errors.pubBuffer ?? '',
    pubWeeksError: errors.pubWeeks ?? '',
    blockDateError: errors.blockDate ?? '',
  });
}
