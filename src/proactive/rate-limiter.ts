/**
 * Teams' documented limits for proactive messages, enforced in this process:
 * per conversation 7 / 1 s, 8 / 2 s, 60 / 30 s and 1,800 / hour, per app per tenant 50 requests / s
 * (configurable). Sliding windows of real send times. A 429 blocks its conversation for its
 * Retry-After and also slows the whole tenant (AIMD): nothing for the tenant during the
 * Retry-After, then half the rate, climbing back by a fifth of the configured rate per second.
 * The per-tenant budget is the tenant's across instances because only the instance holding
 * the tenant's send lease sends for it (tenant-send-lease.ts).
 */
export interface Window {
  limit: number;
  ms: number;
}

/**
 * With a margin: our clock reads when a send starts, Teams counts at arrival, and a busy
 * host can delay one request by a tenth of a second (seen in the full test run with 10%).
 */
/** The per-tenant "second", with a margin for arrival jitter (see tenantWindows). */
export const TENANT_WINDOW_MS = 1030;

/**
 * Teams' per bot per thread limits ("thread": a 1:1 chat, a group chat or a channel): 7 in 1 s,
 * 8 in 2 s, 60 in 30 s, 1,800 in an hour, each window widened by a tenth for arrival jitter.
 */
export const CONVERSATION_WINDOWS: Window[] = [
  { limit: 7, ms: 1200 },
  { limit: 8, ms: 2200 },
  { limit: 60, ms: 33_000 },
  { limit: 1800, ms: 3_960_000 },
];

class SlidingLog {
  private readonly times: number[] = [];

  constructor(private readonly windows: Window[]) {}

  /** ms until one more event fits in every window (0 = fits now). */
  waitFor(now: number, windows: Window[] = this.windows): number {
    let wait = 0;
    for (const w of windows) {
      const inWindow = this.countSince(now - w.ms);
      if (inWindow >= w.limit) {
        const oldestBlocking = this.times[this.times.length - w.limit];
        wait = Math.max(wait, oldestBlocking + w.ms - now);
      }
    }
    return wait;
  }

  record(now: number): void {
    this.times.push(now);
    const longest = Math.max(...this.windows.map((w) => w.ms));
    while (this.times.length > 0 && this.times[0] <= now - longest) this.times.shift();
  }

  idleSince(now: number): boolean {
    const longest = Math.max(...this.windows.map((w) => w.ms));
    return this.times.length === 0 || this.times[this.times.length - 1] <= now - longest;
  }

  private countSince(since: number): number {
    let n = 0;
    for (let i = this.times.length - 1; i >= 0 && this.times[i] > since; i--) n++;
    return n;
  }
}

/** A tenant slowed down by a 429: its rate `rate` from `since`, climbing back from there. */
interface Slowdown {
  pausedUntil: number;
  rate: number;
  since: number;
}

export class RateLimiter {
  private readonly tenants = new Map<string, SlidingLog>();
  private readonly conversations = new Map<string, SlidingLog>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly slowdowns = new Map<string, Slowdown>();
  private lastSweep = 0;
  readonly stats = { tenantSlowdowns: 0 };

  constructor(
    private readonly tenantPerSecond: number,
    private readonly conversationWindows: Window[] = CONVERSATION_WINDOWS,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** Takes a slot and returns 0, or returns the ms to wait and takes nothing. */
  tryAcquire(tenantId: string, conversationId: string): number {
    const now = this.clock();
    this.sweep(now);
    const tenant = this.log(this.tenants, tenantId, this.tenantWindows(this.tenantPerSecond));
    const conversation = this.log(this.conversations, conversationId, this.conversationWindows);
    const blocked = Math.max(0, (this.blockedUntil.get(conversationId) ?? 0) - now);
    const wait = Math.max(blocked, this.tenantWaitAt(tenantId, now, tenant), conversation.waitFor(now));
    if (wait > 0) return wait;
    tenant.record(now);
    conversation.record(now);
    return 0;
  }

  /**
   * The per-tenant limit per second, spread over the second: at most a tenth of it in any
   * 100 ms. Without the second window the workers go in bursts (all slots free together a
   * second after the first burst), which Teams may count against the limit at arrival and
   * which leaves more messages on the wire at any moment (after a hard kill, those are the
   * ones sent twice). The second is counted as 1,030 ms: Teams counts at arrival, and two
   * requests started 1 s apart can arrive closer together (a busy event loop delays one); a
   * 429 now pauses the whole tenant, so being 3% under the limit costs far less than a 429.
   */
  private tenantWindows(perSecond: number): Window[] {
    return [
      { limit: perSecond, ms: TENANT_WINDOW_MS },
      { limit: Math.max(1, Math.ceil(perSecond / 10)), ms: 100 },
    ];
  }

  /** ms until the tenant's budget has room for one more request (takes nothing). */
  tenantWait(tenantId: string): number {
    const now = this.clock();
    return this.tenantWaitAt(tenantId, now, this.tenants.get(tenantId));
  }

  private tenantWaitAt(tenantId: string, now: number, log: SlidingLog | undefined): number {
    const slowdown = this.slowdowns.get(tenantId);
    if (slowdown && now < slowdown.pausedUntil) return slowdown.pausedUntil - now;
    const rate = this.tenantRate(tenantId, now);
    return log?.waitFor(now, this.tenantWindows(rate)) ?? 0;
  }

  /**
   * The tenant's permitted requests per second now: the configured rate, or after a 429 half
   * the rate it had, plus a fifth of the configured rate per whole second since the pause.
   */
  tenantRate(tenantId: string, now = this.clock()): number {
    const slowdown = this.slowdowns.get(tenantId);
    if (!slowdown) return this.tenantPerSecond;
    if (now < slowdown.pausedUntil) return 0;
    const step = Math.max(1, Math.round(this.tenantPerSecond / 5));
    const rate = slowdown.rate + Math.floor((now - slowdown.since) / 1000) * step;
    if (rate >= this.tenantPerSecond) {
      this.slowdowns.delete(tenantId);
      return this.tenantPerSecond;
    }
    return rate;
  }

  /**
   * A 429 for this tenant: nothing for any of its conversations for `ms` (its Retry-After),
   * then half the rate it had, climbing back. 429s that arrive during the pause (requests
   * already on the wire) extend the pause but do not halve again.
   */
  slowTenant(tenantId: string, ms: number): void {
    const now = this.clock();
    const existing = this.slowdowns.get(tenantId);
    const until = now + ms;
    if (existing && now < existing.pausedUntil) {
      existing.pausedUntil = Math.max(existing.pausedUntil, until);
      existing.since = existing.pausedUntil;
      return;
    }
    const current = this.tenantRate(tenantId, now);
    this.stats.tenantSlowdowns++;
    this.slowdowns.set(tenantId, {
      pausedUntil: until,
      rate: Math.max(1, Math.floor(current / 2)),
      since: until,
    });
  }

  /** Nothing is sent to this conversation before `ms` from now (a 429's Retry-After). */
  block(conversationId: string, ms: number): void {
    const until = this.clock() + ms;
    this.blockedUntil.set(conversationId, Math.max(until, this.blockedUntil.get(conversationId) ?? 0));
  }

  private log(map: Map<string, SlidingLog>, key: string, windows: Window[]): SlidingLog {
    let log = map.get(key);
    if (!log) map.set(key, (log = new SlidingLog(windows)));
    return log;
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 30_000) return;
    this.lastSweep = now;
    for (const [key, log] of this.conversations) if (log.idleSince(now)) this.conversations.delete(key);
    for (const [key, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(key);
  }
}
