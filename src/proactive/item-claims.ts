/**
 * The claims this process holds on outbox items. A claim on attempt n of an item is an
 * insert-if-absent of `<item id>#<n>` (storage/claims.ts): exactly one worker anywhere wins it,
 * and the claim itself (its insert time) is the lease on that attempt.
 *
 * With tenant send leases, a claim also remembers the lease it was taken under: an item is sent
 * only while that same lease is held (not a later one of ours, when another instance may have
 * held the tenant in between).
 */
import { claimId, type Claims } from '../storage/claims.js';
import { GroupInserter } from '../storage/group-commit.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { OUTBOX_CLAIM_SCOPE, outboxClaimKey, type Outbox, type OutboxItem } from './outbox.js';
import type { TenantSendLeases } from './tenant-send-lease.js';

export class ItemClaims {
  /** Items this process has claimed and not yet seen marked in the database. */
  private readonly inHand = new Set<string>();
  /** Per item in hand: the tenant lease (its acquiredAt) under which it was claimed. */
  private readonly claimedUnder = new Map<string, number>();
  /** Claim keys this process took and gave up unsent (taken over at once when met again). */
  private readonly abandoned = new Set<string>();
  /** Claims are committed in groups with other workers' (storage/group-commit.ts). */
  private readonly inserts: GroupInserter<{ _id: string; at: Date }>;

  constructor(
    private readonly deps: {
      claims: Claims;
      outbox: Outbox;
      ledger: DeliveryLedger;
      leases?: TenantSendLeases;
      /** How long a claim stands before another sender may take the item again. */
      leaseMs: number;
    },
  ) {
    this.inserts = new GroupInserter(() => deps.outbox.claimsCollection());
  }

  has(id: string): boolean {
    return this.inHand.has(id);
  }

  ids(): string[] {
    return [...this.inHand];
  }

  /** Claims the item's next attempt; false if someone else has it (or it is done). */
  async take(item: OutboxItem): Promise<boolean> {
    const won = await this.takeNumber(item);
    if (won === null) return false;
    // No write here: the claim itself (its insert time) is the lease. The attempt count is
    // written with the outcome (release or finish).
    item.claims = won + 1;
    this.inHand.add(item._id);
    const since = this.deps.leases?.acquiredAt(item.tenantId);
    if (since != null) this.claimedUnder.set(item._id, since);
    return true;
  }

  /** The outcome is written (or the ledger holds it): the item is no longer in hand. */
  done(id: string): void {
    this.inHand.delete(id);
    this.claimedUnder.delete(id);
  }

  /** Still entitled to send this item: the lease it was claimed under is still held. */
  stillHolds(item: OutboxItem): boolean {
    const leases = this.deps.leases;
    if (!leases) return true;
    const since = leases.acquiredAt(item.tenantId);
    return since !== null && since === this.claimedUnder.get(item._id);
  }

  /**
   * Gives up a claimed item unsent, without a write (the database may be away, or the lease
   * gone): whoever meets its claim next takes the next claim number at once (this process: it
   * remembers the claim; another holder: the claim predates its lease).
   */
  abandon(item: OutboxItem): void {
    this.claimedUnder.delete(item._id);
    if (this.inHand.delete(item._id)) this.abandoned.add(outboxClaimKey(item._id, item.claims - 1));
  }

  /**
   * The claim number won, or null. Claim n belongs to whoever inserted it first. If it is
   * taken but the item still shows n claims and is not in flight (pending, or sending past its
   * lease) and the claim is older than a lease, its taker died before recording it: move on
   * to n + 1, again by insert, so exactly one taker continues. So too, at once, if the claim is
   * one this process gave up unsent, or was taken before this instance took the tenant's send
   * lease (by the previous holder, which had stopped sending before the lease could pass).
   */
  private async takeNumber(item: OutboxItem): Promise<number | null> {
    // An item whose tenant lease lapsed before its claim is left to the next holder.
    if (this.deps.leases && this.deps.leases.acquiredAt(item.tenantId) === null) return null;
    for (let n = item.claims; n < item.claims + 4; n++) {
      const key = claimId(OUTBOX_CLAIM_SCOPE, outboxClaimKey(item._id, n));
      if (await this.inserts.insert({ _id: key, at: new Date() })) return n;
      if (n === item.claims) {
        if (await this.deps.outbox.delivery(item._id)) {
          // Delivered, but the mark was lost (a kill between the two writes): mark it now.
          this.deps.ledger.queueMark(item._id);
          return null;
        }
        const current = await this.deps.outbox.collection().findOne({ _id: item._id });
        const stranded =
          current !== null &&
          current.claims === item.claims &&
          (current.state === 'pending' ||
            (current.state === 'sending' && (current.leaseUntil?.getTime() ?? 0) < Date.now()));
        if (!stranded) return null;
        Object.assign(item, current);
      }
      if (this.abandoned.delete(outboxClaimKey(item._id, n))) continue;
      const takenAt = await this.deps.claims.takenAt(OUTBOX_CLAIM_SCOPE, outboxClaimKey(item._id, n));
      if (!takenAt) return null;
      const leaseSince = this.deps.leases?.acquiredAt(item.tenantId) ?? null;
      const beforeOurLease = leaseSince !== null && takenAt.getTime() < leaseSince;
      if (!beforeOurLease && Date.now() - takenAt.getTime() < this.deps.leaseMs) return null;
    }
    return null;
  }
}
