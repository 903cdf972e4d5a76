/**
 * The one sender of proactive messages. Workers take due outbox items, claim each
 * (item-claims.ts: insert-if-absent, so two instances never both send one item), resolve the
 * conversation, wait for the rate limiter, call the Bot Connector (target-resolver.ts), and
 * record the outcome (delivery-ledger.ts: a delivery record, then the item marked 'sent').
 *
 * Several instances (deps.leases): only the holder of a tenant's send lease
 * (tenant-send-lease.ts) claims and sends that tenant's items, so the tenant's Teams limit is
 * kept in one place at the full rate. A new holder takes claims older than its lease at once
 * (the previous holder stopped sending before the lease could pass).
 *
 * Crash semantics (chosen deliberately): a graceful stop finishes in-flight sends, records them
 * and gives back items claimed but not sent, so nobody gets a second copy. After a hard kill,
 * an item that was in flight (claimed, no delivery record) is sent again (resend, not report)
 * by the next holder: at most SENDER_CONCURRENCY people get a second copy, nobody gets none
 * (measured by test/announcements/announcements-crash.test.ts and bench/scale-out.ts).
 * Database outage (database-gate.ts): from the first failed read or write nothing more is sent
 * until the database answers; deliveries that were on the wire are recorded first.
 */
import { systemClock } from '../clock.js';
import { DeliveryError, type ConnectorTarget } from './connector-client.js';
import type { OutboxItem } from './outbox.js';
import { ItemClaims } from './item-claims.js';
import { TenantFairQueue } from './fair-queue.js';
import { recordOutboxStatus, traceOutboxAttempt } from '../telemetry/outbox-telemetry.js';
import { DatabaseGate } from './database-gate.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { TargetResolver } from './target-resolver.js';
import { RecipientTurns } from './recipient-turns.js';
import { RetryTimers } from './retry-timers.js';
import { decideAfterFailure } from './send-failures.js';
import { idleScanPauseMs } from './scan-pacing.js';
import type { SenderDeps, SenderEvents, SenderOptions, SenderStats } from './sender-types.js';

export type { SenderDeps, SenderEvents, SenderOptions, SenderStats } from './sender-types.js';

export class OutboxSender {
  readonly stats: SenderStats = {
    sent: 0,
    retried: 0,
    throttled: 0,
    failed: 0,
    unreachable: 0,
    claimConflicts: 0,
    abandoned: 0,
    recordedLate: 0,
  };
  private readonly queue = new TenantFairQueue<OutboxItem>();
  private readonly queued = new Set<string>();
  private readonly listeners: SenderEvents[] = [];
  private running = false;
  private workers: Promise<void>[] = [];
  private fetching: Promise<void> | null = null;
  private readonly waiters = new Set<() => void>();
  /** The claims this process holds on outbox items. */
  private readonly claims: ItemClaims;
  /** One item at a time per recipient (recipient-turns.ts). */
  private readonly turns = new RecipientTurns();
  private readonly ledger: DeliveryLedger;
  private readonly targets: TargetResolver;
  /** Shut while the database cannot record what is sent. */
  readonly gate: DatabaseGate;
  private nothingDue = false;
  private lastScanAt = 0;
  /** Items given back by stop(): claimed, not sent. */
  private releasedOnStop = 0;
  /** Timers that put released items back in the queue when their wait is over. */
  private readonly retryTimers = new RetryTimers();
  /** Items taken off the queue whose attempt has not finished (its span not yet ended). */
  private attempting = 0;

  constructor(
    private readonly deps: SenderDeps,
    private readonly options: SenderOptions,
  ) {
    deps.outbox.onEnqueued((items) => this.takeNew(items));
    this.ledger = new DeliveryLedger(deps.outbox, deps.logger, async (item) => {
      this.stats.recordedLate++;
      for (const l of this.listeners) await l.sent?.(item, item.sentActivityId);
    });
    this.claims = new ItemClaims({ ...deps, ledger: this.ledger, leaseMs: options.leaseMs });
    deps.leases?.onLost((tenantId, reason) =>
      deps.logger.warn({ tenantId, reason }, 'outbox: tenant send lease lost'),
    );
    // A tenant taken over from a dead instance: scan for its items now.
    deps.leases?.onAcquired(() => this.wake());
    this.targets = new TargetResolver(deps);
    this.gate = new DatabaseGate(
      () => deps.outbox.ping(1000),
      async () => {
        await this.ledger.flush();
        this.deps.logger.info('outbox: database answers again, sending resumes');
      },
      options.gateProbeMs ?? 500,
    );
  }

  /** The database could not record: send nothing more until it answers. */
  private shut(err: unknown): void {
    if (this.gate.isOpen)
      this.deps.logger.warn({ err: (err as Error)?.message }, 'outbox: database unavailable, sending paused');
    this.gate.close();
  }

  on(events: SenderEvents): void {
    this.listeners.push(events);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.gate.start();
    this.deps.leases?.start((err) => this.shut(err));
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
    this.retryTimers.clear();
    this.gate.stop();
    this.wake();
    await Promise.all(this.workers);
    this.workers = [];
    // Nothing is being sent any more: give the tenants' send leases back for others to take.
    await this.deps.leases?.stop();
    // Deliveries still unrecorded (the database is away): one last try.
    if (this.ledger.unrecordedCount > 0) await this.ledger.flush().catch(() => undefined);
    // Delivered items not marked yet stay so: their delivery records stand for them.
    // Items fetched but never claimed stay pending in the database: nothing to undo.
    this.queue.clear();
    this.queued.clear();
    if (this.releasedOnStop > 0)
      this.deps.logger.info({ released: this.releasedOnStop }, 'outbox: claimed items released on stop');
  }

  /** The clock's time: notBefore is read against it, so a test clock decides what is due. */
  private readonly now = (): Date => (this.deps.clock ?? systemClock).now();

  /** Delivers what is due by the clock (and retries within a minute); returns when nothing is left (tests). */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // An item being sent is 'sending' under a live claim, so not due: wait for the attempt too.
      // Due within a minute while the clock runs; a stopped clock must be moved for more to come due.
      const horizon = this.now().getTime() + (this.deps.clock?.stopped ? 0 : 60_000);
      const left = (await this.deps.outbox.dueUndelivered(new Date(horizon))).length;
      const retrying = this.retryTimers.firingWithin(60_000);
      if (left + retrying === 0 && this.attempting === 0 && this.queue.length === 0) return;
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
      const now = this.now().getTime();
      for (const item of items) {
        if (this.queue.length >= MAX_QUEUED) break;
        if (item.notBefore.getTime() > now) continue;
        if (this.deps.leases?.isHeldElsewhere(item.tenantId)) continue;
        this.enqueueLocal({ ...item });
      }
    }
    this.wake();
  }

  private enqueueLocal(item: OutboxItem): void {
    if (this.queued.has(item._id) || this.claims.has(item._id)) return;
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
      if (!this.gate.isOpen) {
        await this.gate.whenOpen();
        continue;
      }
      const item = this.queue.shift((tenantId) => this.deps.limiter.tenantWait(tenantId));
      if (!item) {
        await this.refill();
        if (this.queue.length === 0 && this.running) {
          if (this.nothingDue) await this.ledger.markSome(() => this.nothingDue && this.running);
          await this.idle();
        }
        continue;
      }
      this.queued.delete(item._id);
      this.attempting++;
      try {
        // Another instance sends for this tenant: its scans find the item.
        if (!(await this.mayTake(item.tenantId))) {
          this.deps.logger.debug({ itemId: item._id }, 'outbox: tenant held elsewhere, item left to it');
          continue;
        }
        // Read ahead while the workers still have items in hand, so a scan never stalls them
        // (only once this instance knows it sends: otherwise it would read another's backlog).
        if (this.queue.length < this.options.concurrency * 4 && !this.fetching) void this.refill();
        await this.turns.run(item, () => traceOutboxAttempt(item, () => this.process(item)));
      } catch (err) {
        // Database trouble mid-delivery (nothing was sent, or the ledger holds its record).
        this.deps.logger.warn(
          { err: (err as Error).message, itemId: item._id },
          'outbox: delivery step failed',
        );
        this.claims.abandon(item);
        this.shut(err);
      } finally {
        this.attempting--;
      }
    }
  }

  /** True if this instance sends for the tenant (always, without leases). */
  private async mayTake(tenantId: string): Promise<boolean> {
    return this.deps.leases ? this.deps.leases.acquire(tenantId) : true;
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
    // Idle workers wake at different times: after a scan that found nothing, the next waits
    // for its pause (scan-pacing.ts) or a wake, so an idle instance scans once per pause, not
    // once per worker.
    if (this.nothingDue && !this.fetching && Date.now() - this.lastScanAt < this.idlePollMs())
      return Promise.resolve();
    this.fetching ??= (async () => {
      try {
        const limit = this.batchSize();
        // Skip what this process already holds or delivered, so a refill brings new work,
        // and the tenants other instances send for.
        const known = new Set([...this.ledger.known(), ...this.queued, ...this.claims.ids()]);
        const elsewhere = this.deps.leases?.heldElsewhere() ?? [];
        const scanStart = Date.now();
        const due = await this.deps.outbox.due(limit, known, this.now(), elsewhere);
        this.deps.logger.debug(
          { found: due.length, ms: Date.now() - scanStart, skippedTenants: elsewhere.length },
          'outbox: scan',
        );
        this.nothingDue = due.length === 0;
        for (const item of due) {
          if (this.queue.length >= limit) break;
          // Released while the scan ran: its retry brings the current copy.
          if (!this.retryTimers.isWaiting(item._id)) this.enqueueLocal(item);
        }
      } catch (err) {
        this.deps.logger.warn({ err: (err as Error).message }, 'outbox: cannot read due items');
        this.shut(err);
      } finally {
        // Measured from the scan's end: a scan slower than the pause must not follow at once.
        this.lastScanAt = Date.now();
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  private batchSize(): number {
    return this.options.refillBatch ?? Math.max(500, this.options.concurrency * 50);
  }

  private idlePollMs(): number {
    const leases = this.deps.leases;
    return idleScanPauseMs({
      pollMs: this.options.pollMs,
      leases: leases
        ? {
            othersSend: leases.heldElsewhere().length > 0,
            holdsAny: leases.holdsAny(),
            renewMs: leases.renewMs,
            leaseMs: leases.leaseMs,
          }
        : null,
    });
  }

  /** Insert-if-absent on `<item id>#<claim number>`: exactly one worker anywhere wins it. */
  private async claim(item: OutboxItem): Promise<boolean> {
    if (await this.claims.take(item)) return true;
    this.stats.claimConflicts++;
    return false;
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
      target = await this.targets.resolve(item);
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
    // The database cannot record a send now: wait for it (holding the claim) rather than send.
    if (!this.gate.isOpen) await this.gate.whenOpen();
    // Not sent yet: a stop that came while waiting gives the item back rather than sending it.
    if (!this.running) return this.releaseOnStop(item);
    // The tenant's send lease lapsed while waiting (it may be another instance's now).
    if (!this.claims.stillHolds(item)) {
      this.stats.abandoned++;
      return this.claims.abandon(item);
    }

    try {
      const activityId = await this.targets.deliver(item, target);
      recordOutboxStatus(item, 200);
      this.stats.sent++;
      const sentAt = this.now();
      const recorded = await this.ledger.record(
        {
          _id: item._id,
          tenantId: item.tenantId,
          purpose: item.purpose,
          batchId: item.batchId,
          personId: item.personId,
          sentActivityId: activityId,
          conversationId: target.conversationId,
          serviceUrl: target.serviceUrl,
          sentAt,
        },
        Object.assign(item, { sentActivityId: activityId }),
      );
      if (!recorded) {
        // Held by the ledger and written once the database answers; nothing is sent till then.
        this.claims.done(item._id);
        this.shut(new Error('delivery record not written'));
        return;
      }
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

  private async handleError(item: OutboxItem, err: unknown, target?: ConnectorTarget): Promise<void> {
    const error = err instanceof DeliveryError ? err : new DeliveryError(0, (err as Error).message);
    recordOutboxStatus(item, error.status);
    // The tenant's lease passed while the call was under way: the new holder owns the item now.
    if (!this.claims.stillHolds(item)) {
      this.stats.abandoned++;
      return this.claims.abandon(item);
    }
    const action = decideAfterFailure(error, item, this.options);
    if (action.kind === 'release') {
      if (action.throttled) {
        if (target) this.deps.limiter.block(target.conversationId, action.delayMs);
        // Teams' limit is the tenant's: pause the whole tenant, then ramp back (rate-limiter.ts).
        this.deps.limiter.slowTenant(item.tenantId, action.delayMs);
      }
      if (action.counts) this.stats[action.counts]++;
      return this.release(item, action.delayMs, action.status, action.failures, action.lastError);
    }
    if (action.kind === 'unreachable') {
      this.stats.unreachable++;
      if (item.personId) await this.deps.people.markUnreachable(item.tenantId, item.personId, this.now());
      await this.finish(item, 'unreachable', {
        lastStatus: 403,
        lastError: 'the person blocked or removed the bot',
      });
      for (const l of this.listeners) await l.unreachable?.(item);
      return;
    }
    this.stats.failed++;
    await this.finish(item, 'failed', {
      failures: action.failures,
      lastStatus: action.status,
      lastError: action.message,
    });
    for (const l of this.listeners) await l.failed?.(item, action.message);
  }

  /** Marks a delivered item 'sent' (the ledger retries a mark that fails). */
  private async markSent(id: string, now = this.now()): Promise<void> {
    this.claims.done(id);
    await this.ledger.markSent(id, now);
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
      notBefore: new Date(this.now().getTime() + delayMs),
      leaseUntil: null,
      failures,
      lastStatus: status,
      lastError,
    });
    this.claims.done(item._id);
    this.retryLater(item, delayMs);
  }

  /** Stopping with an item claimed and not sent: pending again, due now, for any instance. */
  private async releaseOnStop(item: OutboxItem): Promise<void> {
    this.releasedOnStop++;
    await this.release(item, 0, item.lastStatus);
  }

  /** Back in the queue once its wait is over (the database says the same, for recovery). */
  private retryLater(item: OutboxItem, delayMs: number): void {
    if (!this.running) return;
    this.retryTimers.schedule(item._id, delayMs, () => {
      if (!this.running || this.queue.length >= MAX_QUEUED) return;
      this.enqueueLocal(item);
      this.wake();
    });
  }

  private async finish(item: OutboxItem, state: OutboxItem['state'], fields: Partial<OutboxItem>) {
    await this.update(item, { state, leaseUntil: null, claims: item.claims, ...fields });
    this.claims.done(item._id);
  }

  /** By _id alone: we hold the claim, and it is the local database's fast path. */
  private async update(item: OutboxItem, fields: Partial<OutboxItem>): Promise<void> {
    Object.assign(item, fields);
    await this.deps.outbox
      .collection()
      .updateOne({ _id: item._id }, { $set: { ...fields, updatedAt: this.now() } });
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Items held in memory for the workers; beyond this, scans bring the rest. */
const MAX_QUEUED = 20_000;
