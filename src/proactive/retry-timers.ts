/**
 * The sender's local retries: an item released with a short wait goes back in its queue when
 * the wait is over (real time: it is a back-off, not a due time; the outbox's notBefore says
 * the same for recovery). Longer waits are left to the sender's scans.
 */
export class RetryTimers {
  /** Each timer with the real time it fires at and the item it is for. */
  private readonly timers = new Map<NodeJS.Timeout, { at: number; key: string }>();
  private readonly waiting = new Map<string, number>();

  constructor(private readonly maxLocalMs = 120_000) {}

  /** Runs `then` after `delayMs`; false (nothing scheduled) if the wait is too long to hold here. */
  schedule(key: string, delayMs: number, then: () => void): boolean {
    if (delayMs > this.maxLocalMs) return false;
    const timer = setTimeout(() => {
      this.forget(timer);
      then();
    }, delayMs + 1);
    timer.unref();
    this.timers.set(timer, { at: Date.now() + delayMs, key });
    this.waiting.set(key, (this.waiting.get(key) ?? 0) + 1);
    return true;
  }

  /**
   * True while a retry of this item is waiting here. A scan that read the item before it was
   * released returns an older copy: the retry, not that copy, is the one to send.
   */
  isWaiting(key: string): boolean {
    return this.waiting.has(key);
  }

  /** How many retries fire within `ms` from now. */
  firingWithin(ms: number): number {
    const limit = Date.now() + ms;
    return [...this.timers.values()].filter((t) => t.at <= limit).length;
  }

  clear(): void {
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
    this.waiting.clear();
  }

  private forget(timer: NodeJS.Timeout): void {
    const entry = this.timers.get(timer);
    if (!entry) return;
    this.timers.delete(timer);
    const left = (this.waiting.get(entry.key) ?? 1) - 1;
    if (left > 0) this.waiting.set(entry.key, left);
    else this.waiting.delete(entry.key);
  }
}
