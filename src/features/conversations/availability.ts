/**
 * Which times a student can book: each host's free slots (open, in the future, not held, not
 * on a blocked day, the host's week not full), and hosts ranked for the student.
 */
import { filterToLeadershipDays, type SlotDayContext } from '../../domain/conversation-days.js';
import { rankHosts, type HostCandidate, type StudentHistory } from '../../domain/conversation-matching.js';
import { localDateOf } from '../../domain/placement-calendar.js';
import type { AhpHostDoc } from '../../storage/ahp-hosts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConversationDeps } from './conversation-deps.js';
import type { SlotDoc } from './conversations-repository.js';
import { isoWeekKey } from './slot-planning.js';
import { hostZones } from './time-zones.js';

/** How far ahead students are offered slots. */
export const HORIZON_DAYS = 28;
export const HOSTS_ON_CARD = 5;
export const SLOTS_PER_HOST = 3;

export interface FreeSlot {
  slot: SlotDoc;
  weekKey: string;
}

type AvailabilityDeps = Pick<
  ConversationDeps,
  'clock' | 'config' | 'cohorts' | 'people' | 'conversations' | 'ahpHosts'
>;

/** Bookable slots per host id: open, in the future, not held, not blocked, week not full. */
export async function freeSlots(
  deps: AvailabilityDeps,
  tenantId: string,
  options: { hostId?: string; hosts?: AhpHostDoc[] } = {},
) {
  const repo = deps.conversations;
  const now = deps.clock.now();
  const hosts = options.hosts ?? (await deps.ahpHosts.active(tenantId));
  const hostById = new Map(hosts.filter((h) => h.active).map((h) => [h._id, h]));
  const horizon = new Date(now.getTime() + HORIZON_DAYS * 86_400_000);
  const slots = (await repo.openSlots(tenantId, now, horizon, options.hostId)).filter((s) =>
    hostById.has(s.hostId),
  );
  const [held, settings, zones] = await Promise.all([
    repo.heldSlotIds(
      tenantId,
      slots.map((s) => s._id),
    ),
    repo.allHostSettings(tenantId),
    hostZones(deps, tenantId, [...hostById.values()]),
  ]);
  const candidates: (FreeSlot & { host: AhpHostDoc })[] = [];
  for (const slot of slots) {
    if (held.has(slot._id)) continue;
    const host = hostById.get(slot.hostId)!;
    const zone = zones.get(host._id)!;
    if (settings.get(host._id)?.blockedDates.includes(localDateOf(slot.startsAt, zone))) continue;
    candidates.push({ slot, weekKey: isoWeekKey(slot.startsAt, zone), host });
  }
  const capCounts = await repo.capUnitsByHostWeek(tenantId, [...new Set(candidates.map((c) => c.weekKey))]);
  const free = new Map<string, FreeSlot[]>();
  for (const c of candidates) {
    if ((capCounts.get(`${c.host._id}|${c.weekKey}`) ?? 0) >= c.host.weeklyCap) continue;
    const list = free.get(c.host._id) ?? [];
    list.push({ slot: c.slot, weekKey: c.weekKey });
    free.set(c.host._id, list);
  }
  return { free, capCounts, hostById };
}

/** What the student has met so far (held) or has coming up (booked). */
export async function history(
  deps: Pick<ConversationDeps, 'conversations'>,
  tenantId: string,
  studentId: string,
): Promise<StudentHistory> {
  const bookings = (await deps.conversations.byStudent(tenantId, studentId)).filter(
    (b) => b.state === 'held' || b.state === 'booked',
  );
  const metProfessions: Record<string, number> = {};
  const metRoleTypes: Record<string, number> = {};
  for (const b of bookings) {
    metProfessions[b.profession] = (metProfessions[b.profession] ?? 0) + 1;
    metRoleTypes[b.roleType] = (metRoleTypes[b.roleType] ?? 0) + 1;
  }
  return { metHostIds: [...new Set(bookings.map((b) => b.hostId))], metProfessions, metRoleTypes };
}

/**
 * Hosts for the student, ranked by rankHosts, each with their next free slots. With
 * `days`, only slots on the student's leadership days count; `hidden` is how many free
 * slots of the hosts the student could be offered that leaves out.
 */
export async function suggestions(
  deps: AvailabilityDeps,
  tenantId: string,
  student: PersonDoc,
  includeMet: boolean,
  days?: SlotDayContext,
) {
  const hosts = (await deps.ahpHosts.active(tenantId)).filter((h) => h.personId !== student._id);
  const [{ free, capCounts }, met] = await Promise.all([
    freeSlots(deps, tenantId, { hosts }),
    history(deps, tenantId, student._id),
  ]);
  const candidates: (HostCandidate & { doc: AhpHostDoc; free: FreeSlot[] })[] = [];
  let hidden = 0;
  for (const h of hosts) {
    const all = free.get(h._id) ?? [];
    const { shown: slots, hidden: hiddenHere } = days
      ? filterToLeadershipDays(all, (f) => f.slot.startsAt, days)
      : { shown: all, hidden: 0 };
    if (includeMet || !met.metHostIds.includes(h._id)) hidden += hiddenHere;
    if (slots.length === 0) continue;
    candidates.push({
      id: h._id,
      name: h.displayName,
      profession: h.profession,
      roleType: h.roleType,
      weeklyCap: h.weeklyCap,
      // Full weeks are already filtered out; this is the week of the earliest free slot.
      bookedThisWeek: capCounts.get(`${h._id}|${slots[0]!.weekKey}`) ?? 0,
      nextFreeSlots: slots.map((s) => s.slot.startsAt),
      doc: h,
      free: slots,
    });
  }
  // The student's own profession is never offered as one "you haven't met yet".
  const ranked = rankHosts(
    candidates,
    { ...met, ownProfession: student.profession },
    {
      includeMet,
      notBefore: deps.clock.now(),
      limit: HOSTS_ON_CARD,
    },
  );
  return { ranked, hidden };
}
