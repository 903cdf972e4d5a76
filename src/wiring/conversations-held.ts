/**
 * Reflections' ConversationsHeld need, from the conversations feature's storage: the student's
 * held 20-minute conversations, oldest first, with the host's name and role. (Conversations
 * offers no such read yet; when it does, this adapter gives way to it.)
 */
import type { ConversationsRepository } from '../features/conversations/conversations-repository.js';
import type { ConversationsHeld } from '../features/reflections/ports.js';
import { formatDate, localDateOf } from '../domain/placement-calendar.js';
import type { AhpHostsRepository } from '../storage/ahp-hosts-repository.js';

export function conversationsHeldFrom(
  bookings: Pick<ConversationsRepository, 'byStudent'>,
  hosts: Pick<AhpHostsRepository, 'byId'>,
  timeZone: string,
): ConversationsHeld {
  return {
    async heldBy(tenantId, studentId) {
      const held = (await bookings.byStudent(tenantId, studentId)).filter((b) => b.state === 'held');
      const hostIds = [
        ...new Set(held.map((b) => b.hostId).filter((id): id is string => typeof id === 'string')),
      ];
      const found = await Promise.all(hostIds.map((id) => hosts.byId(tenantId, id)));
      const nameOf = (id: string) => found.find((h) => h?._id === id)?.displayName;
      return held.map((b) => ({
        date: b.startsAt instanceof Date ? formatDate(localDateOf(b.startsAt, timeZone)) : '',
        with: nameOf(b.hostId) ?? String(b.profession ?? 'AHP'),
        role: [b.profession, b.roleType].filter((x) => typeof x === 'string' && x !== '').join(', '),
      }));
    },
  };
}
