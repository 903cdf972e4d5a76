/**
 * The durable outbox: one document per recipient per message, with its delivery state
 * (pending → sending → sent | failed | unreachable | cancelled). Every proactive message in
 * the product is enqueued here and delivered by the one OutboxSender.
 *
 * Ids are derived from a caller-chosen dedupe key, so enqueueing the same message twice
 * (a job that re-ran, two instances, a double click) stores it once.
 */
import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import { Claims } from '../storage/claims.js';
import { collections } from '../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../storage/documents.js';
import { isDuplicateKeyError } from '../storage/mongo.js';
import { TenantScope } from '../storage/tenant-scope.js';

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
  private readonly listeners = new Set<() => void>();
  private readonly claims: Claims;

  constructor(private readonly db: Db) {
    this.claims = new Claims(db);
  }

  collection() {
    return this.db.collection<OutboxItem>(collections.outbox.name);
  }

  scope(tenantId: string) {
    return new TenantScope(this.collection(), tenantId);
  }

  /** Called after every enqueue, so a sender in this process starts at once. */
  onEnqueued(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** Insert-if-absent for each request; returns how many were new. */
  async enqueue(tenantId: string, requests: EnqueueRequest[], now = new Date()): Promise<number> {
    if (requests.length === 0) return 0;
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
    }));
    let inserted = 0;
    for (let i = 0; i < docs.length; i += 500) {
      try {
        const result = await this.collection().insertMany(docs.slice(i, i + 500), { ordered: false });
        inserted += result.insertedCount;
      } catch (err) {
        if (!isDuplicateKeyError(err) && !hasOnlyDuplicateErrors(err)) throw err;
        const partial = err as { insertedCount?: number; result?: { insertedCount?: number } };
        inserted += partial.insertedCount ?? partial.result?.insertedCount ?? 0;
      }
    }
    for (const listener of this.listeners) listener();
    return inserted;
  }

  byId(tenantId: string, id: string) {
    return this.scope(tenantId).findOne({ _id: id });
  }

  byBatch(tenantId: string, batchId: string) {
    return this.scope(tenantId).find({ batchId }).toArray();
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
    return counts;
  }

  /**
   * Cancels a message that no sender has picked up yet. Settled by the same claim a sender
   * takes for its next attempt (insert-if-absent), so a cancel and a send never both win:
   * true means it will not be sent; false means it was sent, is in flight, or is final.
   */
  async cancelIfPending(tenantId: string, id: string, now = new Date()): Promise<boolean> {
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

function hasOnlyDuplicateErrors(err: unknown): boolean {
  const writeErrors = (err as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.length > 0 && list.every((e) => e.code === 11000);
}
