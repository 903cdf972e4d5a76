/**
 * What the sender does after a Bot Connector call fails (a pure decision, no I/O), following
 * Teams' guidance: 429 → wait its Retry-After (and slow the whole tenant, see rate-limiter.ts);
 * 412/5xx/timeouts → retry with full-jitter exponential backoff up to maxAttempts; 403 → the
 * person blocked or removed the bot; 409 (the original of an edit still on its way) → later;
 * no token (the token service is down) → later, not counted as an attempt.
 */
import type { DeliveryError } from './connector-client.js';
import type { OutboxItem } from './outbox.js';

export type FailureAction =
  | {
      kind: 'release';
      delayMs: number;
      status: number | null;
      failures: number;
      lastError: string | null;
      counts: 'retried' | 'throttled' | null;
      /** A 429: the tenant is over its limit, not just this conversation. */
      throttled: boolean;
    }
  | { kind: 'unreachable' }
  | { kind: 'failed'; failures: number; status: number; message: string };

export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
}

export function decideAfterFailure(
  error: DeliveryError,
  item: OutboxItem,
  policy: RetryPolicy,
): FailureAction {
  const release = (
    delayMs: number,
    status: number | null,
    counts: 'retried' | 'throttled' | null,
    failures = item.failures,
    lastError: string | null = item.lastError,
  ): FailureAction => ({
    kind: 'release',
    delayMs,
    status,
    failures,
    lastError,
    counts,
    throttled: status === 429,
  });
  if (error.status === 409) return release(error.retryAfterMs ?? 2000, null, null);
  if (error.status === 403) return { kind: 'unreachable' };
  if (error.tokenUnavailable)
    // Nothing was sent, and it is no attempt at this message: it does not count towards
    // maxAttempts. Waits as long as the token provider's cool-down.
    return release(
      error.retryAfterMs ?? backoff(1, policy),
      error.status,
      'retried',
      item.failures,
      error.message,
    );
  if (error.status === 429) return release(error.retryAfterMs ?? 1000, 429, 'throttled');
  if (error.transient) {
    const failures = item.failures + 1;
    if (failures < policy.maxAttempts)
      return release(backoff(failures, policy), error.status, 'retried', failures, error.message);
  }
  return { kind: 'failed', failures: item.failures + 1, status: error.status, message: error.message };
}

/** Full-jitter exponential backoff. */
export function backoff(failures: number, policy: RetryPolicy): number {
  const base = policy.backoffBaseMs ?? 500;
  const max = policy.backoffMaxMs ?? 60_000;
  const ceiling = Math.min(max, base * 2 ** (failures - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
