/**
 * `my bookings`: a student's and / or an AHP host's 20-minute conversations still to come,
 * with Move and Cancel (the same verbs as the booking card). Read-only; the list is always
 * the caller's own (filtered by their id), under the policy rows for booking
 * (`conversation.book`) and hosting (`conversation.host.offer`).
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import type { AhpHostDoc } from '../../storage/ahp-hosts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { whereText } from './booking-cards.js';
import type { ConversationDeps } from './conversation-deps.js';
import type { BookingDoc } from './conversations-repository.js';
import { SLOT_MINUTES } from './slot-planning.js';
import { zoneOf } from './time-zones.js';

export const NO_CONVERSATIONS =
  '20-minute conversations are booked by students and hosted by AHP hosts, so you have none to show. Type **help** to see what you can do.';

export async function myBookingsCard(
  deps: ConversationDeps,
  tenantId: string,
  person: PersonDoc,
): Promise<AdaptiveCard | string> {
  const asStudent = can(person, 'conversation.book', { studentId: person._id });
  const asHost = can(person, 'conversation.host.offer', { hostId: person._id });
  if (!asStudent && !asHost) return NO_CONVERSATIONS;
  const now = deps.clock.now();
  const zone = await zoneOf(deps, tenantId, person);
  const upcoming = (bookings: BookingDoc[]) =>
    bookings.filter((b) => b.state === 'booked' && b.endsAt.getTime() > now.getTime());
  const when = (b: BookingDoc) => `${formatLocal(b.startsAt, zone)} (${SLOT_MINUTES} minutes)`;
  const sections = [];

  if (asStudent) {
    const booked = upcoming(await deps.conversations.byStudent(tenantId, person._id));
    const hosts = new Map<string, AhpHostDoc | null>();
    for (const id of new Set(booked.map((b) => b.hostId)))
      hosts.set(id, await deps.ahpHosts.byId(tenantId, id));
    sections.push({
      heading: 'Conversations you booked',
      emptyText: 'You have no conversations booked. Book one to meet an AHP in a role you have not met yet.',
      bookings: booked.map((b) => {
        const host = hosts.get(b.hostId);
        return {
          bookingId: b._id,
          when: when(b),
          withWhom: `With ${host?.displayName ?? 'your host'} (${b.profession} · ${b.roleType})`,
          where: host ? `Where: ${whereText(host)}` : '',
          question: b.question ? `Your question: ${b.question}` : '',
        };
      }),
    });
  }
  if (asHost) {
    const booked = upcoming(
      await deps.conversations.byHostPerson(
        tenantId,
        person._id,
        new Date(now.getTime() - SLOT_MINUTES * 60_000),
      ),
    );
    const students = new Map(
      (await deps.people.byIds(tenantId, [...new Set(booked.map((b) => b.studentId))])).map((p) => [
        p._id,
        p,
      ]),
    );
    const host = await deps.ahpHosts.byPersonId(tenantId, person._id);
    sections.push({
      heading: 'Students booked with you',
      emptyText: 'No student has booked a conversation with you yet. Publish slots with **my slots**.',
      bookings: booked.map((b) => {
        const student = students.get(b.studentId);
        return {
          bookingId: b._id,
          when: when(b),
          withWhom: `With ${student?.displayName ?? 'a student'}${student?.profession ? ` (${student.profession} student)` : ''}`,
          where: host ? `Where: ${whereText(host)}` : '',
          question: b.question ? `Would like to ask: ${b.question}` : '',
        };
      }),
    });
  }
  return deps.cards.render('conversation-my-bookings', {
    title: 'Your 20-minute conversations',
    zoneNote: `Times are shown in ${zone}. Move or cancel a conversation up to its start.`,
    sections,
    canBook: asStudent,
  });
}
