/**
 * The conversations a student has held, for the learning-journey export (the HeldConversations
 * offer in ports.ts). Dates are in the deployment's default zone, as the export has always shown.
 */
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import type { ConversationDeps } from './conversation-deps.js';
import type { HeldConversation } from './ports.js';

export async function heldBy(
  deps: Pick<ConversationDeps, 'conversations' | 'ahpHosts' | 'config'>,
  tenantId: string,
  studentId: string,
): Promise<HeldConversation[]> {
  const held = await deps.conversations.heldByStudent(tenantId, studentId);
  const hostIds = [...new Set(held.map((b) => b.hostId).filter((id) => typeof id === 'string'))];
  const hosts = hostIds.length ? await deps.ahpHosts.byIds(tenantId, hostIds) : [];
  const zone = deps.config.DEFAULT_TIME_ZONE;
  return held.map((b) => ({
    date: b.startsAt instanceof Date ? formatDate(localDateOf(b.startsAt, zone)) : '',
    with: hosts.find((h) => h._id === b.hostId)?.displayName ?? String(b.profession ?? 'AHP'),
    role: [b.profession, b.roleType].filter((x) => typeof x === 'string' && x !== '').join(', '),
  }));
}
