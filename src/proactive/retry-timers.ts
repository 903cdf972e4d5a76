/**
 * The sender's local retries: an item released with a short wait goes back in its queue when
 * the wait is over (real time: it is a back-off, not a due time; the outbox's notBefore says
 * the same for recovery). Longer waits are left to the sender's scans.
 */
export class RetryTimers {
  /** Each timer with the real time it fires at. */
  private readonly timers = new Map<NodeJS.Timeout, number>();

  constructor(private readonly maxLocalMs = 120_000) {}

  /** Runs `then` after `delayMs`; false (nothing scheduled) if the wait is too long to hold here. */
  schedule(delayMs: number, then: () => void): boolean {
    if (delayMs > this.maxLocalMs) return false;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      then();
    }, delayMs + 1);
    timer.unref();
    this.timers.set(timer, Date.now() + delayMs);
    return true;
  }

  /** How many retries fire within `ms` from now. */
  firingWithin(ms: number): number {
    const limit = Date.now() + ms;
    return [...this.timers.values()].filter((at) => at <= limit).length;
  }

  clear(): void {
    for (const timer of this.timers.keys()) clearTimeout(timer);
    this.timers.clear();
  }
}
