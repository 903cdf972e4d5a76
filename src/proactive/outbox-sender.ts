/**
 * The one sender of proactive messages. Workers take due outbox items, claim each with an
 * insert-if-absent claim document (so two instances never both send the same item), resolve
 * the conversation, wait for the rate limiter, call the Bot Connector, and record the outcome.
 *
 * Per message, the hot path writes three small documents, each group-committed with other
 * workers' (the claim, the delivery record that proves the send, then the item marked 'sent'
 * with its activity dropped; see outbox.ts). If marking fails, the delivery record still
 * stands for the item and marking is retried while the sender is idle.
 *
 * Crash semantics (chosen deliberately): a graceful stop finishes in-flight sends and marks
 * them before returning, so nobody gets a second copy. After a hard kill, an item that was in
 * flight (claimed, no delivery record yet) is taken again once its claim is older than the
 * lease and sent again (resend, not report): at most SENDER_CONCURRENCY people may get a
 * second copy, nobody gets none. Delivered items the kill left unmarked are marked by the next
 * sender that meets them (their delivery record says so), never sent again. The window is
 * measured by test/announcements/announcements-crash.test.ts (a real child
 * process, SIGKILLed mid-fan-out). A worker killed between taking a claim and recording it
 * leaves a claim nobody will use: once that claim is older than the lease, the next claim
 * number is taken instead (again insert-if-absent), so such an item is not stranded.
 */
import type { Logger } from '../logger.js';
import { claimId, type Claims } from '../storage/claims.js';
import {
  personalKey,
  type ConversationReferencesRepository,
} from '../storage/conversation-references-repository.js';
import type { PeopleRepository } from '../storage/people-repository.js';
import { DeliveryError, type ConnectorClient, type ConnectorTarget } from './connector-client.js';
import {
  OUTBOX_CLAIM_SCOPE,
  outboxClaimKey,
  type DeliveryRecord,
  type Outbox,
  type OutboxItem,
} from './outbox.js';
import { GroupInserter, GroupUpdater } from '../storage/group-commit.js';
import { TenantFairQueue } from './fair-queue.js';
import { recordOutboxStatus, traceOutboxAttempt } from '../telemetry/outbox-telemetry.js';
import type { RateLimiter } from './rate-limiter.js';

export interface SenderOptions {
  concurrency: number;
  maxAttempts: number;
  leaseMs: number;
  pollMs: number;
  /** Longest wait for the rate limiter while holding a claim; longer waits release the item. */
  maxInlineWaitMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * Due items read per scan of the outbox (default max(500, concurrency × 50)). On the local
   * database a scan reads the collection until it has found that many, so fewer, bigger scans
   * keep the rate up.
   */
  refillBatch?: number;
}

export interface SenderEvents {
  sent?(item: OutboxItem, activityId: string | null): void | Promise<void>;
  unreachable?(item: OutboxItem): void | Promise<void>;
  failed?(item: OutboxItem, error: string): void | Promise<void>;
}

export interface SenderStats {
  sent: number;
  retried: number;
  throttled: number;
  failed: number;
  unreachable: number;
  claimConflicts: number;
}

export class OutboxSender {
  readonly stats: SenderStats = {
    sent: 0,
    retried: 0,
    throttled: 0,
    failed: 0,
    unreachable: 0,
    claimConflicts: 0,
  };
  private readonly queue = new TenantFairQueue<OutboxItem>();
  private readonly queued = new Set<string>();
  private readonly listeners: SenderEvents[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private fetching: Promise<void> | null = null;
  private readonly waiters = new Set<() => void>();
  /** Items this process has claimed and not yet seen marked in the database. */
  private readonly inHand = new Set<string>();
  /** Delivered items whose marking failed, retried while idle. */
  private readonly unmarked = new Set<string>();
  private readonly turns = new Map<string, Promise<void>>();
  private marking = false;
  private readonly claimInserts: GroupInserter<{ _id: string; at: Date }>;
  private readonly deliveryInserts: GroupInserter<DeliveryRecord>;
  private readonly marks: GroupUpdater<OutboxItem>;
  private nothingDue = false;
  /** Items given back by stop(): claimed, not sent. */
  private releasedOnStop = 0;
  /** Timers that put released items back in the queue when their wait is over. */
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly deps: {
      claims: Claims;
      outbox: Outbox;
      connector: ConnectorClient;
      limiter: RateLimiter;
      references: ConversationReferencesRepository;
      people: PeopleRepository;
      logger: Logger;
      botId: () => string | null;
    },
    private readonly options: SenderOptions,
  ) {
    deps.outbox.onEnqueued((items) => this.takeNew(items));
    // The two inserts of every delivery (claim, delivery record) are committed in groups.
    this.claimInserts = new GroupInserter(() => deps.outbox.claimsCollection());
    this.deliveryInserts = new GroupInserter(() => deps.outbox.deliveries());
    this.marks = new GroupUpdater(() => deps.outbox.collection());
  }

  on(events: SenderEvents): void {
    this.listeners.push(events);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.workers = Array.from({ length: this.options.concurrency }, () => this.workerLoop());
  }

  /**
   * Graceful: stop taking new items, finish the sends already started (a Bot Connector call
   * under way), and release at once every item claimed but not sent yet (back to pending, due
   * now, next claim number free), so another instance sends it without waiting for the lease.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.releasedOnStop = 0;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.wake();
    await Promise.all(this.workers);
    this.workers = [];
    // Delivered items not marked yet stay so: their delivery records stand for them.
    // Items fetched but never claimed stay pending in the database: nothing to undo.
    this.queue.clear();
    this.queued.clear();
    if (this.releasedOnStop > 0)
      this.deps.logger.info({ released: this.releasedOnStop }, 'outbox: claimed items released on stop');
  }

  /** Delivers everything due now and returns when nothing is left (tests, benchmarks). */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const left = (await this.deps.outbox.dueUndelivered(new Date(Date.now() + 60_000))).length;
      if (left === 0) return;
      this.wake();
      // Each check scans the outbox on the local database: poll gently.
      await sleep(150);
    }
    throw new Error('OutboxSender.drain: timed out');
  }

  /**
   * Items enqueued in this process go straight to the queue: a fan-out of thousands then needs
   * no scan of the outbox (a scan reads every document on the local database). Scans remain
   * for everything else: items enqueued by other instances, scheduled ones, and recovery.
   */
  private takeNew(items: OutboxItem[]): void {
    if (this.running) {
      const now = Date.now();
      for (const item of items) {
        if (this.queue.length >= MAX_QUEUED) break;
        if (item.notBefore.getTime() > now) continue;
        this.enqueueLocal({ ...item });
      }
    }
    this.wake();
  }

  private enqueueLocal(item: OutboxItem): void {
    if (this.queued.has(item._id) || this.inHand.has(item._id)) return;
    this.queued.add(item._id);
    this.queue.push(item);
  }

  private wake(): void {
    this.nothingDue = false;
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  private async workerLoop(): Promise<void> {
    while (this.running) {
      const item = this.queue.shift((tenantId) => this.deps.limiter.tenantWait(tenantId));
      if (!item) {
        await this.refill();
        if (this.queue.length === 0 && this.running) {
          if (this.nothingDue) await this.markSome();
          await this.idle();
        }
        continue;
      }
      // Read ahead while the workers still have items in hand, so a scan never stalls them.
      if (this.queue.length < this.options.concurrency * 4 && !this.fetching) void this.refill();
      this.queued.delete(item._id);
      try {
        await this.inTurn(item, () => traceOutboxAttempt(item, () => this.process(item)));
      } catch (err) {
        // Database trouble mid-delivery: the lease expires and the item is taken again.
        this.deps.logger.warn(
          { err: (err as Error).message, itemId: item._id },
          'outbox: delivery step failed',
        );
        // Taken again once its claim is older than the lease (see takeClaim).
        this.inHand.delete(item._id);
        await sleep(200);
      }
    }
  }

  /**
   * Items for one recipient run one at a time, in the order they were taken from the queue,
   * so an edit and a recall (or two edits) reach Teams in the order they were made.
   */
  private async inTurn(item: OutboxItem, work: () => Promise<void>): Promise<void> {
    const key = item.target.kind === 'person' ? `p:${item.target.personId}` : `c:${item.target.key}`;
    const previous = this.turns.get(key);
    const mine = (previous ?? Promise.resolve()).then(work, work);
    const settled = mine.catch(() => undefined);
    this.turns.set(key, settled);
    try {
      await mine;
    } finally {
      if (this.turns.get(key) === settled) this.turns.delete(key);
    }
  }

  private idle(): Promise<void> {
    // stop() may have woken the waiters already (e.g. while this worker was marking).
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.options.pollMs);
      this.waiters.add(done);
    });
  }

  /** One scan fetches a batch of due items for all workers (cheap on every database). */
  private refill(): Promise<void> {
    this.fetching ??= (async () => {
      try {
        const limit = this.options.refillBatch ?? Math.max(500, this.options.concurrency * 50);
        // Skip what this process already holds or delivered, so a refill brings new work.
        const known = new Set([...this.unmarked, ...this.queued, ...this.inHand]);
        const due = await this.deps.outbox.due(limit, known);
        this.nothingDue = due.length === 0;
        for (const item of due) {
          if (this.queue.length >= limit) break;
          this.enqueueLocal(item);
        }
      } catch (err) {
        this.deps.logger.warn({ err: (err as Error).message }, 'outbox: cannot read due items');
        await sleep(500);
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  /** Insert-if-absent on `<item id>#<claim number>`: exactly one worker anywhere wins it. */
  private async claim(item: OutboxItem): Promise<boolean> {
    const won = await this.takeClaim(item);
    if (won === null) {
      this.stats.claimConflicts++;
      return false;
    }
    // No write here: the claim itself (its insert time) is the lease. The attempt count is
    // written with the outcome (release or finish).
    item.claims = won + 1;
    this.inHand.add(item._id);
    return true;
  }

  /**
   * The claim number won, or null. Claim n belongs to whoever inserted it first. If it is
   * taken but the item still shows n claims and is not in flight (pending, or sending past its
   * lease) and the claim is older than a lease, its taker died before recording it: move on
   * to n + 1, again by insert, so exactly one taker continues.
   */
  private async takeClaim(item: OutboxItem): Promise<number | null> {
    for (let n = item.claims; n < item.claims + 4; n++) {
      const key = claimId(OUTBOX_CLAIM_SCOPE, outboxClaimKey(item._id, n));
      if (await this.claimInserts.insert({ _id: key, at: new Date() })) return n;
      if (n === item.claims) {
        if (await this.deps.outbox.delivery(item._id)) {
          // Delivered, but the mark was lost (a kill between the two writes): mark it now.
          this.queueMark(item._id);
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
      const takenAt = await this.deps.claims.takenAt(OUTBOX_CLAIM_SCOPE, outboxClaimKey(item._id, n));
      if (!takenAt || Date.now() - takenAt.getTime() < this.options.leaseMs) return null;
    }
    return null;
  }

  private async process(item: OutboxItem): Promise<void> {
    // Stopping: claim nothing more (an item waiting behind its recipient's previous one).
    if (!this.running) return;
    if (!(await this.claim(item))) return;
    // An item taken again after its claim (a stranded one) was re-read without its activity.
    if (item.activity === undefined) item.activity = await this.deps.outbox.activityOf(item._id);

    if (item.op !== 'send' && item.originalItemId) {
      const original = await this.deps.outbox.byId(item.tenantId, item.originalItemId);
      if (original && ['failed', 'unreachable', 'cancelled'].includes(original.state)) {
        // Nothing was delivered, so there is nothing to change or remove.
        return this.finish(item, 'cancelled', { lastError: 'the original message was not delivered' });
      }
    }

    let target: ConnectorTarget | null;
    try {
      target = await this.resolveTarget(item);
    } catch (err) {
      return this.handleError(item, err);
    }
    if (!target)
      return this.finish(item, 'failed', {
        lastError: 'no conversation with this recipient (app not installed)',
      });

    // Wait for the rate limiter while holding the claim, but never for long.
    for (;;) {
      if (!this.running) return this.releaseOnStop(item);
      const wait = this.deps.limiter.tryAcquire(item.tenantId, target.conversationId);
      if (wait === 0) break;
      if (wait > (this.options.maxInlineWaitMs ?? 2000)) {
        this.stats.throttled++;
        return this.release(item, wait, null);
      }
      await sleep(wait);
    }
    // Not sent yet: a stop that came while waiting gives the item back rather than sending it.
    if (!this.running) return this.releaseOnStop(item);

    try {
      const activityId = await this.deliver(item, target);
      recordOutboxStatus(item, 200);
      this.stats.sent++;
      const sentAt = new Date();
      await this.deliveryInserts.insert({
        _id: item._id,
        tenantId: item.tenantId,
        purpose: item.purpose,
        batchId: item.batchId,
        personId: item.personId,
        sentActivityId: activityId,
        conversationId: target.conversationId,
        serviceUrl: target.serviceUrl,
        sentAt,
      });
      Object.assign(item, {
        state: 'sent',
        sentActivityId: activityId,
        conversationId: target.conversationId,
        serviceUrl: target.serviceUrl,
        sentAt,
        lastStatus: 200,
        lastError: null,
      });
      await this.markSent(item._id, sentAt);
      for (const l of this.listeners) await l.sent?.(item, activityId);
    } catch (err) {
      await this.handleError(item, err, target);
    }
  }

  private async deliver(item: OutboxItem, target: ConnectorTarget): Promise<string | null> {
    if (item.op === 'send') {
      const activity = { type: 'message', ...(item.activity ?? {}) };
      return (await this.deps.connector.send(target, activity)).id;
    }
    const original = item.originalItemId
      ? await this.deps.outbox.byId(item.tenantId, item.originalItemId)
      : null;
    if (!original?.sentActivityId) throw new DeliveryError(404, 'the original message was never delivered');
    if (item.op === 'update') {
      await this.deps.connector.update(target, original.sentActivityId, {
        type: 'message',
        ...(item.activity ?? {}),
      });
    } else {
      await this.deps.connector.delete(target, original.sentActivityId);
    }
    return original.sentActivityId;
  }

  private async resolveTarget(item: OutboxItem): Promise<ConnectorTarget | null> {
    if (item.op !== 'send' && item.originalItemId) {
      const original = await this.deps.outbox.byId(item.tenantId, item.originalItemId);
      if (original && (original.state === 'pending' || original.state === 'sending')) {
        // The original is still on its way: change it once it has landed.
        throw new DeliveryError(409, 'original not delivered yet', 2000);
      }
      if (original?.conversationId && original.serviceUrl) {
        return { conversationId: original.conversationId, serviceUrl: original.serviceUrl };
      }
      return null;
    }
    const key = item.target.kind === 'person' ? personalKey(item.target.personId) : item.target.key;
    const ref = await this.deps.references.get(item.tenantId, key);
    if (ref?.reference.conversation?.id && ref.reference.serviceUrl) {
      return { conversationId: ref.reference.conversation.id, serviceUrl: ref.reference.serviceUrl };
    }
    if (item.target.kind === 'person')
      return this.createPersonalConversation(item.tenantId, item.target.personId);
    return null;
  }

  /** A person we know from Teams (a channel roster) but who never chatted with the bot. */
  private async createPersonalConversation(
    tenantId: string,
    personId: string,
  ): Promise<ConnectorTarget | null> {
    const person = await this.deps.people.byId(tenantId, personId);
    const botId = this.deps.botId();
    if (!person?.teamsUserId || !botId) return null;
    const anyRef = await this.deps.references
      .scope(tenantId)
      .findOne({ 'reference.serviceUrl': { $exists: true } }, { sort: { updatedAt: -1 } });
    const serviceUrl = anyRef?.reference.serviceUrl;
    if (!serviceUrl) return null;
    const { id } = await this.deps.connector.createPersonalConversation(serviceUrl, {
      tenantId,
      botId,
      userId: person.teamsUserId,
    });
    await this.deps.references.save(
      tenantId,
      personalKey(personId),
      'personal',
      personId,
      {
        serviceUrl,
        channelId: 'msteams',
        conversation: { id, conversationType: 'personal', tenantId, isGroup: false, name: '' },
        bot: { id: botId, name: '' },
        user: { id: person.teamsUserId, name: '' },
      },
      new Date(),
    );
    return { conversationId: id, serviceUrl };
  }

  private async handleError(item: OutboxItem, err: unknown, target?: ConnectorTarget): Promise<void> {
    const error = err instanceof DeliveryError ? err : new DeliveryError(0, (err as Error).message);
    recordOutboxStatus(item, error.status);
    if (error.status === 409) return this.release(item, error.retryAfterMs ?? 2000, null);
    if (error.status === 403) {
      this.stats.unreachable++;
      if (item.personId) await this.deps.people.markUnreachable(item.tenantId, item.personId, new Date());
      await this.finish(item, 'unreachable', {
        lastStatus: 403,
        lastError: 'the person blocked or removed the bot',
      });
      for (const l of this.listeners) await l.unreachable?.(item);
      return;
    }
    if (error.tokenUnavailable) {
      // The token service is down: nothing was sent, and it is no attempt at this message, so
      // it does not count towards maxAttempts. Waits as long as the token provider's cool-down.
      this.stats.retried++;
      return this.release(
        item,
        error.retryAfterMs ?? this.backoff(1),
        error.status,
        item.failures,
        error.message,
      );
    }
    if (error.status === 429) {
      const wait = error.retryAfterMs ?? 1000;
      if (target) this.deps.limiter.block(target.conversationId, wait);
      this.stats.throttled++;
      return this.release(item, wait, 429);
    }
    if (error.transient) {
      const failures = item.failures + 1;
      if (failures < this.options.maxAttempts) {
        this.stats.retried++;
        return this.release(item, this.backoff(failures), error.status, failures, error.message);
      }
    }
    this.stats.failed++;
    await this.finish(item, 'failed', {
      failures: item.failures + 1,
      lastStatus: error.status,
      lastError: error.message,
    });
    for (const l of this.listeners) await l.failed?.(item, error.message);
  }

  /** Full-jitter exponential backoff. */
  private backoff(failures: number): number {
    const base = this.options.backoffBaseMs ?? 500;
    const max = this.options.backoffMaxMs ?? 60_000;
    const ceiling = Math.min(max, base * 2 ** (failures - 1));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  /** Marks a delivered item 'sent' and drops its activity; on failure, retried while idle. */
  private async markSent(id: string, now = new Date()): Promise<void> {
    this.inHand.delete(id);
    try {
      await this.marks.set(id, { state: 'sent', leaseUntil: null, activity: null, updatedAt: now });
    } catch (err) {
      this.deps.logger.warn({ err: (err as Error).message }, 'outbox: marking sent failed');
      this.queueMark(id);
    }
  }

  private queueMark(id: string): void {
    this.inHand.delete(id);
    if (this.unmarked.size < MAX_UNMARKED) this.unmarked.add(id);
  }

  /** While idle: retry marking delivered items 'sent'. */
  private async markSome(): Promise<void> {
    if (this.marking || this.unmarked.size === 0) return;
    this.marking = true;
    try {
      for (const id of [...this.unmarked].slice(0, MARK_PER_IDLE)) {
        if (!this.nothingDue || !this.running) break;
        await this.deps.outbox.markSent(id).then(
          () => this.unmarked.delete(id),
          (err: Error) => this.deps.logger.warn({ err: err.message }, 'outbox: marking sent failed'),
        );
      }
    } finally {
      this.marking = false;
    }
  }

  private async release(
    item: OutboxItem,
    delayMs: number,
    status: number | null,
    failures = item.failures,
    lastError: string | null = item.lastError,
  ) {
    await this.update(item, {
      state: 'pending',
      claims: item.claims,
      notBefore: new Date(Date.now() + delayMs),
      leaseUntil: null,
      failures,
      lastStatus: status,
      lastError,
    });
    this.inHand.delete(item._id);
    this.retryLater(item, delayMs);
  }

  /** Stopping with an item claimed and not sent: pending again, due now, for any instance. */
  private async releaseOnStop(item: OutboxItem): Promise<void> {
    this.releasedOnStop++;
    await this.release(item, 0, item.lastStatus);
  }

  /** Back in the queue once its wait is over (the database says the same, for recovery). */
  private retryLater(item: OutboxItem, delayMs: number): void {
    if (!this.running || delayMs > MAX_LOCAL_RETRY_MS) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      if (!this.running || this.queue.length >= MAX_QUEUED) return;
      this.enqueueLocal(item);
      this.wake();
    }, delayMs + 1);
    timer.unref();
    this.retryTimers.add(timer);
  }

  private async finish(item: OutboxItem, state: OutboxItem['state'], fields: Partial<OutboxItem>) {
    await this.update(item, { state, leaseUntil: null, claims: item.claims, ...fields });
    this.inHand.delete(item._id);
  }

  /** By _id alone: we hold the claim, and it is the local database's fast path. */
  private async update(item: OutboxItem, fields: Partial<OutboxItem>): Promise<void> {
    Object.assign(item, fields);
    await this.deps.outbox
      .collection()
      .updateOne({ _id: item._id }, { $set: { ...fields, updatedAt: new Date() } });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MARK_PER_IDLE = 10;
/** Items held in memory for the workers; beyond this, scans bring the rest. */
const MAX_QUEUED = 20_000;
/** Releases with a longer wait are left to the scans. */
const MAX_LOCAL_RETRY_MS = 120_000;
/** Beyond this, delivered items are left for others to mark (they find the delivery record). */
const MAX_UNMARKED = 20_000;
