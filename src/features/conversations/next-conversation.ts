/**
 * The student's next booked conversation still to come (the NextConversation offer in
 * ports.ts), for `my placement`.
 */
import type { ConversationDeps } from './conversation-deps.js';
import type { NextConversation } from './ports.js';

export async function nextConversationOf(
  deps: Pick<ConversationDeps, 'conversations' | 'ahpHosts'>,
  tenantId: string,
  studentId: string,
  now: Date,
): Promise<NextConversation | null> {
  const next = (await deps.conversations.byStudent(tenantId, studentId)).find(
    (b) => b.state === 'booked' && b.endsAt.getTime() > now.getTime(),
  );
  if (!next) return null;
  const host = await deps.ahpHosts.byId(tenantId, next.hostId);
  return {
    startsAt: next.startsAt,
    hostName: host?.displayName ?? 'your host',
    role: [next.profession, next.roleType].filter((x) => typeof x === 'string' && x !== '').join(' · '),
  };
}
