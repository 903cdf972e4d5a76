/**
 * Readiness from a cached database ping: a background ping every `everyMs` (time-limited)
 * updates the status, and GET /readyz answers from it at once, so a health probe gets 200 or
 * 503 within its own timeout whatever the database is doing (a hung database would otherwise
 * hold each probe for the ping's timeout). Not ready when the last ping failed, or when none
 * has answered for `staleMs` (a ping that hangs).
 */
export class Readiness {
  private lastOk: number | null = null;
  private lastFailed = false;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = false;

  constructor(
    private readonly ping: (timeoutMs: number) => Promise<boolean>,
    private readonly options: { everyMs?: number; timeoutMs?: number; staleMs?: number } = {},
    private readonly now: () => number = () => Date.now(),
  ) {}

  get everyMs() {
    return this.options.everyMs ?? 1000;
  }

  /** Ready: the last ping answered, within staleMs. */
  ready(): boolean {
    if (this.lastFailed || this.lastOk === null) return false;
    return this.now() - this.lastOk <= (this.options.staleMs ?? 3000);
  }

  /** One ping (the timer calls it; tests call it directly). A ping still running is not doubled. */
  async check(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const ok = await this.ping(this.options.timeoutMs ?? 1000).catch(() => false);
      this.lastFailed = !ok;
      if (ok) this.lastOk = this.now();
    } finally {
      this.inFlight = false;
    }
  }

  start(): void {
    if (this.timer) return;
    void this.check();
    this.timer = setInterval(() => void this.check(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
