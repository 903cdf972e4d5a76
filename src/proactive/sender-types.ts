/** The outbox sender's collaborators, options, events and counters (outbox-sender.ts). */
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Claims } from '../storage/claims.js';
import type { ConversationReferencesRepository } from '../storage/conversation-references-repository.js';
import type { PeopleRepository } from '../storage/people-repository.js';
import type { ConnectorClient } from './connector-client.js';
import type { Outbox, OutboxItem } from './outbox.js';
import type { RateLimiter } from './rate-limiter.js';
import type { TenantSendLeases } from './tenant-send-lease.js';

export interface SenderDeps {
  claims: Claims;
  outbox: Outbox;
  connector: ConnectorClient;
  limiter: RateLimiter;
  references: ConversationReferencesRepository;
  people: PeopleRepository;
  logger: Logger;
  botId: () => string | null;
  /** Per-tenant send leases, when several instances share the outbox (the service). */
  leases?: TenantSendLeases;
  /** What "due" means (notBefore) and when things happened; tests drive it (default: real time). */
  clock?: Clock;
}

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
  /** How often a shut database gate pings the database (default 500 ms). */
  gateProbeMs?: number;
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
  /** Claimed items given up unsent because the tenant's send lease was lost. */
  abandoned: number;
  /** Sent while the database went away: recorded once it answered. */
  recordedLate: number;
}
