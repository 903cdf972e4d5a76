/**
 * When the sender scans the outbox for due items. A scan of a large outbox is the sender's
 * most expensive read: on the local database (FerretDB) it reads every document, and with
 * 1,000 items and other instances scanning it was measured at 2–12 s on a busy 2-core host
 * (bench/scale-out.ts). So instances with nothing to send scan rarely.
 *
 * Not changed: the instance that sends reads ahead when its queue falls below concurrency × 4.
 * Reading ahead at half a batch (400) was tried: on a quiet host it doubled the local
 * database's CPU for one instance (6.7 → 13.5 s per 1,000 sends; each scan also returns the
 * items still queued) and brought 429s (probably the holder's event loop decoding the bigger
 * scans delayed requests, which then arrived bunched).
 */

/**
 * The pause between the end of one scan that found nothing and the start of the next:
 * - pollMs while no other instance sends for a tenant;
 * - a lease tick (renewMs) for an instance that holds tenants while others hold theirs: it
 *   looks for its own tenants' items enqueued elsewhere;
 * - a lease period (leaseMs) for an instance that sends for no tenant while others send for
 *   theirs: its scans would find only their items, which are left to them (measured: with two
 *   such instances the local database used about twice the CPU of one instance alone for the
 *   same fan-out, bench/scale-out.ts).
 * Failover does not wait for the pause: a holder's death or release is seen by the lease
 * tick, which wakes the sender at once (tenant-send-lease.ts takeOverLapsed); items enqueued
 * on an instance go to its own queue at once.
 */
export function idleScanPauseMs(options: {
  pollMs: number;
  /** Null without send leases (one instance). */
  leases: { othersSend: boolean; holdsAny: boolean; renewMs: number; leaseMs: number } | null;
}): number {
  const { pollMs, leases } = options;
  if (!leases?.othersSend) return pollMs;
  return Math.max(pollMs, leases.holdsAny ? leases.renewMs : leases.leaseMs);
}
