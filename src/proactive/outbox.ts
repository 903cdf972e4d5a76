/**
 * The durable outbox: one document per recipient per message, with its delivery state
 * (pending → sending → sent | failed | unreachable | cancelled). Every proactive message in
 * the product is enqueued here and delivered by the one OutboxSender.
 *
 * Ids are derived from a caller-chosen dedupe key, so enqueueing the same message twice
 * (a job that re-ran, two instances, a double click) stores it once.
 *
 * A successful delivery is recorded first by an insert of a small delivery record
 * (`outbox_deliveries`, _id = the item's id): an insert-if-absent is durable at once and
 * atomic on every database, so it is the proof a crash-recovering sender checks before sending
 * again. The item is then marked 'sent' and its activity dropped (the outbox stays lean for
 * scans; update/delete items carry their own activity). Readers merge the delivery records
 * (byId, byBatch, batchCounts), so a delivery whose marking was lost still reads as sent.
 */
import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import { systemClock, type Clock } from '../clock.js';
import { Claims } from '../storage/claims.js';
import { collections } from '../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../storage/documents.js';
import { isDuplicateKeyError, writeErrorsOf } from '../storage/mongo.js';
import { TenantScope } from '../storage/tenant-scope.js';
import { traceFieldsForEnqueue } from '../telemetry/outbox-telemetry.js';

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'unreachable' | 'cancelled';
export const FINAL_STATES: DeliveryState[] = ['sent', 'failed', 'unreachable', 'cancelled'];

export type OutboxTarget = { kind: 'person'; personId: string } | { kind: 'conversation'; key: string };

export interface OutboxItem extends BaseDoc {
  dedupeKey: string;
  /** What the message is for, e.g. 'checkin.prompt' or 'announcement'. */
  purpose: string;
  batchId: string | null;
  personId: string | null;
  target: OutboxTarget;
  op: 'send' | 'update' | 'delete';
  activity: Record<string, unknown> | null;
  /** update/delete: the outbox item whose delivered activity is changed. */
  originalItemId: string | null;
  state: DeliveryState;
  /** Claims taken so far (each claim has its own id, see OutboxSender). */
  claims: number;
  failures: number;
  notBefore: Date;
  leaseUntil: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  sentActivityId: string | null;
  conversationId: string | null;
  serviceUrl: string | null;
  sentAt: Date | null;
  /** The trace that enqueued it (W3C traceparent), while telemetry is on: its sends join that trace. */
  traceparent?: string;
}

/** Proof of a delivery: inserted once, right after the Bot Connector accepted the message. */
export interface DeliveryRecord {
  _id: string;
  tenantId: string;
  /** The item's purpose (absent on records written before it was added). */
  purpose?: string;
  batchId: string | null;
  personId: string | null;
  sentActivityId: string | null;
  conversationId: string;
  serviceUrl: string;
  sentAt: Date;
}

export interface EnqueueRequest {
  dedupeKey: string;
  purpose: string;
  target: OutboxTarget;
  activity?: Record<string, unknown> | null;
  op?: OutboxItem['op'];
  originalItemId?: string | null;
  batchId?: string | null;
  notBefore?: Date;
}

/** The claim that entitles one sender (or a cancel) to act on attempt `n` of an item. */
export const OUTBOX_CLAIM_SCOPE = 'outbox';
export const outboxClaimKey = (itemId: string, n: number) => `${itemId}#${n}`;

export function outboxItemId(tenantId: string, dedupeKey: string): string {
  return tenantDocId(
    tenantId,
    'out',
    createHash('sha256').update(dedupeKey).digest('base64url').slice(0, 32),
  );
}

export class Outbox {
  private readonly listeners = new Set<(inserted: OutboxItem[]) => void>();
  private readonly claims: Claims;

  /** `clock`: when an item is enqueued and due by default, and what "due now" means (tests drive it). */
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {
    this.claims = new Claims(db);
  }

  collection() {
    return this.db.collection<OutboxItem>(collections.outbox.name);
  }

  scope(tenantId: string) {
    return new TenantScope(this.collection(), tenantId);
  }

  /**
   * Called after every enqueue with the items that were new, so a sender in this process takes
   * them at once, without scanning the outbox for them.
   */
  onEnqueued(listener: (inserted: OutboxItem[]) => void): void {
    this.listeners.add(listener);
  }

  /** Insert-if-absent for each request; returns how many were new. */
  async enqueue(tenantId: string, requests: EnqueueRequest[], now = this.clock.now()): Promise<number> {
    if (requests.length === 0) return 0;
    const trace = traceFieldsForEnqueue();
    const docs: OutboxItem[] = requests.map((r) => ({
      _id: outboxItemId(tenantId, r.dedupeKey),
      tenantId,
      dedupeKey: r.dedupeKey,
      purpose: r.purpose,
      batchId: r.batchId ?? null,
      personId: r.target.kind === 'person' ? r.target.personId : null,
      target: r.target,
      op: r.op ?? 'send',
      activity: r.activity ?? null,
      originalItemId: r.originalItemId ?? null,
      state: 'pending',
      claims: 0,
      failures: 0,
      notBefore: r.notBefore ?? now,
      leaseUntil: null,
      lastStatus: null,
      lastError: null,
      sentActivityId: null,
      conversationId: null,
      serviceUrl: null,
      sentAt: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
      ...trace,
    }));
    let inserted = 0;
    for (let i = 0; i < docs.length; i += 500) {
      const chunk = docs.slice(i, i + 500);
      let fresh = chunk;
      try {
        await this.collection().insertMany(chunk, { ordered: false });
      } catch (err) {
        const failed = writeErrorsOf(err);
        if (failed && [...failed.values()].every((e) => e.code === 11000))
          fresh = chunk.filter((_, index) => !failed.has(index));
        // A duplicate error without indexes: count none as new (the sender's scan finds any that are).
        else if (!failed && isDuplicateKeyError(err)) fresh = [];
        else throw err;
      }
      inserted += fresh.length;
      // Per chunk, so a large fan-out starts while the rest is still being stored.
      for (const listener of this.listeners) listener(fresh);
    }
    return inserted;
  }

  /** The claims collection (storage/claims.ts), for senders that take claims in groups. */
  claimsCollection() {
    return this.db.collection<{ _id: string; at: Date }>(collections.claims.name);
  }

  deliveries() {
    return this.db.collection<DeliveryRecord>(collections.outboxDeliveries.name);
  }

  async byId(tenantId: string, id: string): Promise<OutboxItem | null> {
    const item = await this.scope(tenantId).findOne({ _id: id });
    if (!item || item.state === 'cancelled') return item;
    return withDelivery(item, await this.deliveries().findOne({ _id: id }));
  }

  /** When the item with this dedupe key is (or was) due to go; null if there is none. One read by _id. */
  async notBeforeOf(tenantId: string, dedupeKey: string): Promise<Date | null> {
    const item = await this.scope(tenantId).findOne(
      { _id: outboxItemId(tenantId, dedupeKey) },
      { projection: { notBefore: 1 } },
    );
    return item ? new Date(item.notBefore) : null;
  }

  async byBatch(tenantId: string, batchId: string): Promise<OutboxItem[]> {
    const items = await this.scope(tenantId).find({ batchId }).toArray();
    const ids = items.filter((i) => i.state !== 'cancelled').map((i) => i._id);
    const records = ids.length
      ? await this.deliveries()
          .find({ _id: { $in: ids } })
          .toArray()
      : [];
    const byId = new Map(records.map((r) => [r._id, r]));
    return items.map((i) => withDelivery(i, byId.get(i._id) ?? null));
  }

  /** The items of these batches as stored (no delivery records merged), without their activities. */
  itemsOfBatches(tenantId: string, batchIds: string[]): Promise<OutboxItem[]> {
    return this.scope(tenantId)
      .find({ batchId: { $in: batchIds } }, { projection: { activity: 0 } })
      .toArray();
  }

  /** The people a batch could not reach (blocked or removed the app). */
  async unreachablePersonIds(tenantId: string, batchId: string): Promise<string[]> {
    const items = await this.scope(tenantId)
      .find({ batchId, state: 'unreachable' }, { projection: { personId: 1 } })
      .toArray();
    return items.map((i) => i.personId).filter((id): id is string => !!id);
  }

  /** True if the database answers a ping within `timeoutMs`. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.db.command({ ping: 1 }).then((r) => r.ok === 1),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The delivery record of an item, or null (a by-_id read). */
  delivery(id: string) {
    return this.deliveries().findOne({ _id: id });
  }

  /** Records a delivery (insert-if-absent); false if one was already recorded. */
  async recordDelivery(record: DeliveryRecord): Promise<boolean> {
    try {
      await this.deliveries().insertOne(record);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Marks a delivered item 'sent' (its delivery record already exists). */
  async markSent(id: string, now = this.clock.now()): Promise<void> {
    await this.collection().updateOne(
      { _id: id },
      { $set: { state: 'sent', leaseUntil: null, activity: null, updatedAt: now } },
    );
  }

  /**
   * Items due now that have not been delivered, without their activity (two scans: the due
   * items, and the delivery records since the oldest of them).
   */
  async dueUndelivered(now = this.clock.now()): Promise<OutboxItem[]> {
    const due = await this.collection()
      .find(
        {
          $or: [
            { state: 'pending', notBefore: { $lte: now } },
            { state: 'sending', leaseUntil: { $lt: now } },
          ],
        },
        { projection: { activity: 0 } },
      )
      .toArray();
    if (due.length === 0) return due;
    const since = new Date(Math.min(...due.map((d) => d.createdAt.getTime())));
    const delivered = await this.deliveries()
      .find({ sentAt: { $gte: since } }, { projection: { _id: 1 } })
      .toArray();
    const done = new Set(delivered.map((d) => d._id));
    return due.filter((d) => !done.has(d._id)).sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime());
  }

  /**
   * Up to `limit` items due now, with their activity (the scan decodes whole documents on the
   * local database anyway, and a second read per item would cost more), skipping `exclude`
   * (items a sender holds or knows it delivered) and the tenants in `excludeTenants`. One scan;
   * items delivered by others are caught by their claim.
   */
  async due(
    limit: number,
    exclude: Set<string>,
    now = this.clock.now(),
    excludeTenants: string[] = [],
  ): Promise<OutboxItem[]> {
    const due = await this.collection()
      .find({
        $or: [
          { state: 'pending', notBefore: { $lte: now } },
          { state: 'sending', leaseUntil: { $lt: now } },
        ],
        // Tenants another instance is sending for (its send lease): left to it.
        ...(excludeTenants.length > 0 ? { tenantId: { $nin: excludeTenants } } : {}),
      })
      .limit(limit + exclude.size)
      .toArray();
    return due
      .filter((d) => !exclude.has(d._id))
      .sort((a, b) => a.notBefore.getTime() - b.notBefore.getTime())
      .slice(0, limit);
  }

  /**
   * Deletes finished items (and their delivery records) that finished before `cutoff`, except
   * those whose purpose is kept. Items still pending or in flight are never touched.
   */
  async purgeFinished(cutoff: Date, keepPurposes: string[]): Promise<{ items: number; deliveries: number }> {
    const items = await this.collection().deleteMany({
      state: { $in: FINAL_STATES },
      updatedAt: { $lt: cutoff },
      purpose: { $nin: keepPurposes },
    });
    const deliveries = await this.deliveries().deleteMany({
      sentAt: { $lt: cutoff },
      purpose: { $nin: keepPurposes },
    });
    return { items: items.deletedCount, deliveries: deliveries.deletedCount };
  }

  /** The activity of an item (read when it is about to be sent; refills leave it out). */
  async activityOf(id: string): Promise<Record<string, unknown> | null> {
    const doc = await this.collection().findOne({ _id: id }, { projection: { activity: 1 } });
    return doc?.activity ?? null;
  }

  /** Counts per delivery state for a batch (an announcement, a weekly prompt run). */
  async batchCounts(tenantId: string, batchId: string): Promise<Record<DeliveryState, number>> {
    const rows = await this.scope(tenantId)
      .aggregate<{ _id: DeliveryState; n: number }>([
        { $match: { batchId } },
        { $group: { _id: '$state', n: { $sum: 1 } } },
      ])
      .toArray();
    const counts = { pending: 0, sending: 0, sent: 0, failed: 0, unreachable: 0, cancelled: 0 };
    for (const row of rows) counts[row._id] = row.n;
    // Delivered items not marked yet still say pending: their delivery records count.
    const delivered = await this.deliveries().countDocuments({ tenantId, batchId });
    const unmarked = Math.min(Math.max(0, delivered - counts.sent), counts.pending + counts.sending);
    const fromSending = Math.min(unmarked, counts.sending);
    counts.sending -= fromSending;
    counts.pending -= unmarked - fromSending;
    counts.sent += unmarked;
    return counts;
  }

  /**
   * Cancels a message that no sender has picked up yet. Settled by the same claim a sender
   * takes for its next attempt (insert-if-absent), so a cancel and a send never both win:
   * true means it will not be sent; false means it was sent, is in flight, or is final.
   */
  async cancelIfPending(tenantId: string, id: string, now = this.clock.now()): Promise<boolean> {
    const item = await this.byId(tenantId, id);
    if (!item || item.state !== 'pending') return false;
    if (!(await this.claims.take(OUTBOX_CLAIM_SCOPE, outboxClaimKey(id, item.claims)))) return false;
    await this.collection().updateOne(
      { _id: id },
      { $set: { state: 'cancelled', claims: item.claims + 1, leaseUntil: null, updatedAt: now } },
    );
    return true;
  }
}

/** An item as readers should see it: 'sent' with its delivery details once a record exists. */
function withDelivery(item: OutboxItem, record: DeliveryRecord | null): OutboxItem {
  if (!record) return item;
  return {
    ...item,
    state: 'sent',
    leaseUntil: null,
    sentActivityId: record.sentActivityId,
    conversationId: record.conversationId,
    serviceUrl: record.serviceUrl,
    sentAt: record.sentAt,
    lastStatus: 200,
    lastError: null,
  };
}
