/**
 * Ranking AHP hosts for a student booking a 20-minute conversation: steer the student to
 * professions and role types they have not met yet, honour each host's weekly cap, and
 * offer only hosts with a free slot. Deterministic for equal inputs.
 */

export interface HostCandidate {
  id: string;
  /** Display name; used (after the next free slot) to break ties. */
  name?: string;
  profession: string;
  roleType: string;
  weeklyCap: number;
  bookedThisWeek: number;
  nextFreeSlots: readonly Date[];
}

export interface StudentHistory {
  metHostIds: readonly string[];
  /** Conversations so far per profession (keys compared case-insensitively). */
  metProfessions: Readonly<Record<string, number>>;
  /** Conversations so far per role type (keys compared case-insensitively). */
  metRoleTypes: Readonly<Record<string, number>>;
  /** The student's own profession: never suggested as new, and ranked as if met once. */
  ownProfession?: string;
}

export interface RankOptions {
  /** Also offer hosts the student has already met (ranked after unmet hosts of equal novelty). */
  includeMet?: boolean;
  /** Ignore slots starting before this instant. */
  notBefore?: Date;
  /** Return at most this many hosts. */
  limit?: number;
}

export interface RankedHost<H extends HostCandidate = HostCandidate> {
  host: H;
  /** 1-based position in the list. */
  rank: number;
  /** Short explanation for the card, e.g. "A profession you haven't met yet: podiatry". */
  reason: string;
  nextSlot: Date;
  /** Conversations the host can still take this week. */
  remainingThisWeek: number;
  professionMetCount: number;
  roleTypeMetCount: number;
  alreadyMet: boolean;
}

const norm = (s: string): string => s.trim().toLowerCase();

function countsByKey(record: Readonly<Record<string, number>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [key, n] of Object.entries(record)) {
    counts.set(norm(key), (counts.get(norm(key)) ?? 0) + (Number.isFinite(n) && n > 0 ? n : 0));
  }
  return counts;
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}

function reasonFor(
  host: HostCandidate,
  professionMet: number,
  roleMet: number,
  alreadyMet: boolean,
  ownProfession: boolean,
): string {
  if (alreadyMet) return `You've talked with ${host.name ?? 'this host'} before`;
  if (ownProfession)
    return roleMet === 0
      ? `A role you haven't met yet: ${host.roleType} (in your own profession)`
      : `Your own profession; you've met ${host.roleType} ${times(roleMet)}`;
  if (professionMet === 0 && roleMet === 0) {
    return `A profession and a role you haven't met yet: ${host.profession}, ${host.roleType}`;
  }
  if (professionMet === 0) return `A profession you haven't met yet: ${host.profession}`;
  if (roleMet === 0) return `A role you haven't met yet: ${host.roleType}`;
  return `You've met ${host.profession} ${times(professionMet)} and ${host.roleType} ${times(roleMet)}`;
}

function earliest(slots: readonly Date[], notBefore: Date | undefined): Date | null {
  let best: Date | null = null;
  for (const slot of slots) {
    const t = slot.getTime();
    if (Number.isNaN(t) || (notBefore && t < notBefore.getTime())) continue;
    if (best === null || t < best.getTime()) best = slot;
  }
  return best;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Orders bookable hosts: professions met fewer times first, then role types met fewer
 * times, then hosts not yet met, then earliest next free slot, then name, then id.
 * Excluded: hosts at or over their weekly cap, hosts with no free slot, and (unless
 * `includeMet`) hosts the student has already met.
 */
export function rankHosts<H extends HostCandidate>(
  hosts: readonly H[],
  history: StudentHistory,
  options: RankOptions = {},
): RankedHost<H>[] {
  const professions = countsByKey(history.metProfessions);
  const roleTypes = countsByKey(history.metRoleTypes);
  const met = new Set(history.metHostIds);

  const candidates: Omit<RankedHost<H>, 'rank'>[] = [];
  for (const host of hosts) {
    const alreadyMet = met.has(host.id);
    if (alreadyMet && !options.includeMet) continue;
    const remainingThisWeek = host.weeklyCap - host.bookedThisWeek;
    if (remainingThisWeek <= 0) continue;
    const nextSlot = earliest(host.nextFreeSlots, options.notBefore);
    if (nextSlot === null) continue;
    const own = !!history.ownProfession && norm(history.ownProfession) === norm(host.profession);
    // The student's own profession counts as met at least once when ranking.
    const professionMetCount = Math.max(professions.get(norm(host.profession)) ?? 0, own ? 1 : 0);
    const roleTypeMetCount = roleTypes.get(norm(host.roleType)) ?? 0;
    candidates.push({
      host,
      reason: reasonFor(host, professionMetCount, roleTypeMetCount, alreadyMet, own),
      nextSlot,
      remainingThisWeek,
      professionMetCount,
      roleTypeMetCount,
      alreadyMet,
    });
  }

  candidates.sort(
    (a, b) =>
      a.professionMetCount - b.professionMetCount ||
      a.roleTypeMetCount - b.roleTypeMetCount ||
      Number(a.alreadyMet) - Number(b.alreadyMet) ||
      a.nextSlot.getTime() - b.nextSlot.getTime() ||
      compareText(a.host.name ?? '', b.host.name ?? '') ||
      compareText(a.host.id, b.host.id),
  );

  const limited = options.limit === undefined ? candidates : candidates.slice(0, Math.max(0, options.limit));
  return limited.map((c, i) => ({ ...c, rank: i + 1 }));
}
