/**
 * Messages around a booking: the other side's notice when it is booked, moved or cancelled;
 * reminders a day before and 15 minutes before; afterwards the student's reflection prompt and
 * the host's "did it go ahead?" card. Jobs are keyed by booking, so a change cancels them.
 */
import { formatLocal } from '../../domain/placement-calendar.js';
import type { JobDoc } from '../../jobs/scheduler.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { bookingDetailsCard, cardActivity, reflectData } from './booking-details-card.js';
import type { ConversationDeps } from './conversation-deps.js';
import type { BookingDoc } from './conversations-repository.js';
import { reminderInstants } from './slot-planning.js';
import { zoneOf } from './time-zones.js';

export const JOB_REMINDER = 'conversations.reminder';
export const JOB_AFTER = 'conversations.after';

export const reminderKey = (bookingId: string, personId: string, kind: '24h' | '15m') =>
  `conv:remind:${kind}:${bookingId}:${personId}`;
export const afterKey = (bookingId: string) => `conv:after:${bookingId}`;

/** Every job a booking may have scheduled. */
export function jobKeys(b: BookingDoc): string[] {
  return [
    ...[b.studentId, b.hostPersonId].flatMap((p) => [
      reminderKey(b._id, p, '24h'),
      reminderKey(b._id, p, '15m'),
    ]),
    afterKey(b._id),
  ];
}

export async function notify(
  deps: ConversationDeps,
  tenantId: string,
  booking: BookingDoc,
  kind: 'booked' | 'moved' | 'cancelled',
  actor: PersonDoc,
  student: PersonDoc | null,
  hostPerson: PersonDoc | null,
): Promise<void> {
  const now = deps.clock.now();
  const requests = [];
  for (const person of [student, hostPerson]) {
    if (!person) continue;
    // The actor sees the result in the card they clicked; the other side gets a message.
    // For a new booking both get a confirmation in their chat (the student's card refreshes too).
    if (kind !== 'booked' && person._id === actor._id) continue;
    const card = await bookingDetailsCard(deps, tenantId, booking, person, kind, actor);
    requests.push({
      dedupeKey: `conv:${kind}:${booking._id}:${person._id}`,
      purpose: `conversation.${kind}`,
      target: { kind: 'person' as const, personId: person._id },
      activity: cardActivity(card, String((card.body as { text?: string }[] | undefined)?.[0]?.text ?? '')),
    });
  }
  await deps.outbox.enqueue(tenantId, requests, now);
}

export async function scheduleFollowUps(
  deps: ConversationDeps,
  tenantId: string,
  booking: BookingDoc,
  student: PersonDoc,
  hostPerson: PersonDoc | null,
): Promise<void> {
  const now = deps.clock.now();
  for (const person of [student, hostPerson]) {
    if (!person) continue;
    const zone = await zoneOf(deps, tenantId, person);
    const { dayBefore, soon } = reminderInstants(booking.startsAt, zone);
    for (const [kind, runAt] of [
      ['24h', dayBefore],
      ['15m', soon],
    ] as const) {
      if (runAt.getTime() <= now.getTime()) continue;
      await deps.scheduler.schedule({
        key: reminderKey(booking._id, person._id, kind),
        type: JOB_REMINDER,
        runAt,
        tenantId,
        personId: person._id,
        payload: { bookingId: booking._id, kind },
      });
    }
  }
  await deps.scheduler.schedule({
    key: afterKey(booking._id),
    type: JOB_AFTER,
    runAt: new Date(booking.endsAt.getTime() + 5 * 60_000),
    tenantId,
    personId: booking.studentId,
    payload: { bookingId: booking._id },
  });
}

/** Job: one reminder to one person; nothing for a booking that is no longer on. */
export async function runReminder(deps: ConversationDeps, job: JobDoc): Promise<void> {
  const tenantId = job.tenantId!;
  const booking = await deps.conversations.bookingById(tenantId, String(job.payload.bookingId));
  if (!booking || booking.state !== 'booked' || !job.personId) return;
  const person = await deps.people.byId(tenantId, job.personId);
  if (!person) return;
  const kind = job.payload.kind === '15m' ? 'reminder-15m' : 'reminder-24h';
  const card = await bookingDetailsCard(deps, tenantId, booking, person, kind);
  await deps.outbox.enqueue(
    tenantId,
    [
      {
        dedupeKey: job._id,
        purpose: 'conversation.reminder',
        target: { kind: 'person', personId: person._id },
        activity: cardActivity(
          card,
          kind === 'reminder-15m'
            ? 'Your conversation starts in 15 minutes'
            : 'Your conversation is tomorrow',
        ),
      },
    ],
    deps.clock.now(),
  );
}

/** Job: after the conversation, the student's reflection prompt and the host's feedback card. */
export async function runAfter(deps: ConversationDeps, job: JobDoc): Promise<void> {
  const tenantId = job.tenantId!;
  const booking = await deps.conversations.bookingById(tenantId, String(job.payload.bookingId));
  if (!booking || (booking.state !== 'booked' && booking.state !== 'held')) return;
  const [student, host] = await Promise.all([
    deps.people.byId(tenantId, booking.studentId),
    deps.ahpHosts.byId(tenantId, booking.hostId),
  ]);
  const requests = [];
  if (student) {
    let prompted = false;
    const reflections = deps.reflections();
    if (reflections) {
      try {
        await reflections.promptReflection(tenantId, student._id, {
          topic: 'conversation',
          linkId: booking._id,
          dedupeKey: `conv:reflect:${booking._id}`,
          message: `Take five minutes to reflect on your conversation with ${host?.displayName ?? 'your host'} (${booking.profession}, ${booking.roleType}) while it is fresh.`,
        });
        prompted = true;
      } catch (err) {
        deps.logger.warn(
          { err: (err as Error).message },
          'conversations: reflection prompt failed; sending a note card',
        );
      }
    }
    if (!prompted)
      requests.push({
        dedupeKey: `conv:reflect:${booking._id}`,
        purpose: 'conversation.reflect',
        target: { kind: 'person' as const, personId: student._id },
        activity: deps.cards.activity(
          'conversation-reflect',
          await reflectData(deps, tenantId, booking),
          'How was your conversation?',
        ),
      });
  }
  if (booking.state === 'booked') {
    const zone = await zoneOf(deps, tenantId, await deps.people.byId(tenantId, booking.hostPersonId));
    requests.push({
      dedupeKey: `conv:feedback:${booking._id}`,
      purpose: 'conversation.feedback',
      target: { kind: 'person' as const, personId: booking.hostPersonId },
      activity: deps.cards.activity(
        'conversation-host-feedback',
        {
          title: `Your conversation with ${student?.displayName ?? 'a student'}`,
          when: formatLocal(booking.startsAt, zone),
          bookingId: booking._id,
        },
        'Did your conversation go ahead?',
      ),
    });
  }
  await deps.outbox.enqueue(tenantId, requests, deps.clock.now());
}
