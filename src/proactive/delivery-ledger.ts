/**
 * What the sender writes after a send: the delivery record (the proof, insert-if-absent), then
 * the item marked 'sent'. Both are group-committed with other workers' writes (see
 * storage/group-commit.ts and outbox.ts).
 *
 * A delivery record that cannot be written (the database went away while the message was on
 * the wire) is kept in memory and written as soon as the database answers, before anything
 * else is sent (the database gate's first step), so a database outage that this process
 * survives sends nobody a second copy. A mark that fails is retried while the sender is idle
 * (the delivery record already stands for the item).
 */
import type { Logger } from '../logger.js';
import { GroupInserter, GroupUpdater } from '../storage/group-commit.js';
import type { DeliveryRecord, Outbox, OutboxItem } from './outbox.js';

export class DeliveryLedger {
  private readonly deliveryInserts: GroupInserter<DeliveryRecord>;
  private readonly marks: GroupUpdater<OutboxItem>;
  /** Delivered and recorded, but not marked 'sent' yet. */
  private readonly unmarked = new Set<string>();
  /** Delivered, record not written yet (the database was away). */
  private readonly unrecorded = new Map<string, { record: DeliveryRecord; item: OutboxItem }>();
  private marking = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    /** Called once a held-back delivery record has been written. */
    private readonly onRecorded: (item: OutboxItem) => Promise<void>,
  ) {
    this.deliveryInserts = new GroupInserter(() => outbox.deliveries());
    this.marks = new GroupUpdater(() => outbox.collection());
  }

  /** Item ids this process knows it delivered (a refill skips them). */
  known(): string[] {
    return [...this.unmarked, ...this.unrecorded.keys()];
  }

  get unrecordedCount(): number {
    return this.unrecorded.size;
  }

  /**
   * Records a delivery. False when the database could not take it: the record is kept and
   * written by flush() (the caller shuts the database gate).
   */
  async record(record: DeliveryRecord, item: OutboxItem): Promise<boolean> {
    try {
      await this.deliveryInserts.insert(record);
      return true;
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, itemId: record._id },
        'outbox: delivery not recorded yet',
      );
      this.unrecorded.set(record._id, { record, item });
      return false;
    }
  }

  /** Writes every held-back delivery record (throws if the database still cannot take one). */
  async flush(): Promise<void> {
    for (const [id, { record, item }] of [...this.unrecorded]) {
      await this.outbox.recordDelivery(record);
      this.unrecorded.delete(id);
      this.queueMark(id);
      await this.onRecorded(item).catch(() => undefined);
    }
  }

  /** Marks a delivered item 'sent' and drops its activity; on failure, retried while idle. */
  async markSent(id: string, now = new Date()): Promise<void> {
    try {
      await this.marks.set(id, { state: 'sent', leaseUntil: null, activity: null, updatedAt: now });
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'outbox: marking sent failed');
      this.queueMark(id);
    }
  }

  queueMark(id: string): void {
    if (this.unmarked.size < MAX_UNMARKED) this.unmarked.add(id);
  }

  /** While idle: retry marking delivered items 'sent'. */
  async markSome(keepGoing: () => boolean): Promise<void> {
    if (this.marking || this.unmarked.size === 0) return;
    this.marking = true;
    try {
      for (const id of [...this.unmarked].slice(0, MARK_PER_IDLE)) {
        if (!keepGoing()) break;
        await this.outbox.markSent(id).then(
          () => this.unmarked.delete(id),
          (err: Error) => this.logger.warn({ err: err.message }, 'outbox: marking sent failed'),
        );
      }
    } finally {
      this.marking = false;
    }
  }
}

const MARK_PER_IDLE = 10;
/** Beyond this, delivered items are left for others to mark (they find the delivery record). */
const MAX_UNMARKED = 20_000;
