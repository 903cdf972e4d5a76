/**
 * Per-tenant send leases: one live instance sends a tenant's proactive messages, at the full
 * per-tenant rate; other instances leave that tenant's items alone. Tenants with work are taken
 * by whichever instance asks first, so several tenants spread over several instances.
 * Why a lease rather than a shared token bucket: docs/decisions/0001-tenant-send-lease.md.
 *
 * A lease is a chain of documents `<tenantId>|<epoch>` in `sender_leases`. Taking a lease, first
 * or over a holder that stopped renewing, is an insert of the next epoch's document, so exactly
 * one instance wins it on every database (the local one applies `update where …` as
 * read-then-write, where two instances could both win). Renewing writes only the holder's own
 * document, which nobody else writes, so it needs no conditional update.
 *
 * Timing (leaseMs, default 10 s; renewed every leaseMs / 3; margin leaseMs / 5):
 * - the document says `expiresAt` = the renewal's start + leaseMs; another instance takes over
 *   (inserts epoch + 1) only once its own clock is past expiresAt;
 * - the holder considers itself the holder only until its renewal's start + leaseMs − margin,
 *   and accepts a renewal only if the write came back before its previous deadline, so it has
 *   stopped sending at least `margin` before anyone may take over (clocks within that margin);
 * - a holder that cannot renew (the database is away) loses the lease at its deadline, even
 *   with nobody else there to take it; it may take the next epoch at once afterwards, as
 *   long as its own lease is still the latest.
 * So failover after a kill takes at most leaseMs + one scan of the outbox.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from 'mongodb';
import { collections } from '../storage/collections.js';
import { isDuplicateKeyError } from '../storage/mongo.js';

export interface LeaseDoc {
  _id: string;
  tenantId: string;
  epoch: number;
  owner: string;
  expiresAt: Date;
  released: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface TenantLeaseOptions {
  /** How long a lease lives without renewal (failover time after a crash). */
  leaseMs: number;
  /** Renewal period (default leaseMs / 3). */
  renewMs?: number;
  /** The holder stops this long before its lease can be taken over (default leaseMs / 5). */
  marginMs?: number;
  /** Time source (tests drive it); real time by default. */
  now?: () => number;
  /** An instance id (default: host, process id and a random suffix, so operators can tell). */
  owner?: string;
}

interface Held {
  epoch: number;
  /** When this instance took this epoch (claims older than this are a previous holder's). */
  acquiredAt: number;
  /** This instance sends for the tenant only before this instant. */
  validUntil: number;
}

export const leaseDocId = (tenantId: string, epoch: number) => `${tenantId}|${epoch}`;

export class TenantSendLeases {
  readonly owner: string;
  private readonly held = new Map<string, Held>();
  /** Tenants another instance holds: ask again at this instant. */
  private readonly elsewhere = new Map<string, number>();
  private readonly acquiring = new Map<string, Promise<boolean>>();
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;
  private readonly lostListeners: ((tenantId: string, reason: string) => void)[] = [];
  private readonly acquiredListeners: ((tenantId: string) => void)[] = [];
  /** Tenants another instance held when we asked: each renewal tick asks again once due. */
  private readonly watched = new Set<string>();
  private readonly now: () => number;
  readonly leaseMs: number;
  readonly renewMs: number;
  readonly marginMs: number;
  readonly stats = { acquired: 0, lost: 0, refused: 0, renewed: 0 };

  constructor(
    private readonly db: Db,
    options: TenantLeaseOptions,
  ) {
    this.leaseMs = options.leaseMs;
    this.renewMs = options.renewMs ?? Math.max(100, Math.floor(options.leaseMs / 3));
    this.marginMs = options.marginMs ?? Math.floor(options.leaseMs / 5);
    this.now = options.now ?? (() => Date.now());
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  private get leases() {
    return this.db.collection<LeaseDoc>(collections.senderLeases.name);
  }

  /** True while this instance may send for the tenant. */
  holds(tenantId: string): boolean {
    const held = this.held.get(tenantId);
    if (!held) return false;
    if (this.now() < held.validUntil) return true;
    this.lose(tenantId, 'not renewed in time');
    return false;
  }

  /** True while this instance holds the send lease of at least one tenant. */
  holdsAny(): boolean {
    return [...this.held.keys()].some((tenantId) => this.holds(tenantId));
  }

  /** When this instance took its current lease on the tenant (null if it holds none). */
  acquiredAt(tenantId: string): number | null {
    return this.holds(tenantId) ? this.held.get(tenantId)!.acquiredAt : null;
  }

  /** Tenants known to be held by another instance right now (their items are left alone). */
  heldElsewhere(): string[] {
    const now = this.now();
    const tenants: string[] = [];
    for (const [tenantId, until] of this.elsewhere) {
      if (now < until) tenants.push(tenantId);
      else this.elsewhere.delete(tenantId);
    }
    return tenants;
  }

  isHeldElsewhere(tenantId: string): boolean {
    const until = this.elsewhere.get(tenantId);
    return until !== undefined && this.now() < until;
  }

  /** Called when this instance stops holding a tenant it held (expired, or taken over). */
  onLost(listener: (tenantId: string, reason: string) => void): void {
    this.lostListeners.push(listener);
  }

  /** Called when the renewal tick takes over a tenant another instance held (it died). */
  onAcquired(listener: (tenantId: string) => void): void {
    this.acquiredListeners.push(listener);
  }

  /**
   * True if this instance holds the tenant's lease now (taking it if nobody live does). A
   * refusal is remembered until the other holder's lease could expire; the renewal tick reads
   * the lease again before that (takeOverLapsed), so a release or a renewal is seen there.
   */
  acquire(tenantId: string): Promise<boolean> {
    if (this.holds(tenantId)) return Promise.resolve(true);
    if (this.isHeldElsewhere(tenantId)) return Promise.resolve(false);
    return this.ask(tenantId);
  }

  /** Reads the tenant's lease and takes it if nobody live holds it (one read at a time). */
  private ask(tenantId: string): Promise<boolean> {
    let pending = this.acquiring.get(tenantId);
    if (!pending) {
      pending = this.tryAcquire(tenantId).finally(() => this.acquiring.delete(tenantId));
      this.acquiring.set(tenantId, pending);
    }
    return pending;
  }

  private async tryAcquire(tenantId: string): Promise<boolean> {
    const latest = await this.leases.find({ tenantId }).sort({ epoch: -1 }).limit(1).next();
    const now = this.now();
    if (latest && !latest.released && latest.expiresAt.getTime() >= now && latest.owner !== this.owner) {
      // Another instance's live lease: wait.
      this.refuse(tenantId, latest.expiresAt.getTime());
      return false;
    }
    // Free, expired, released, or our own whose renewal came too late (a stalled event loop or
    // a slow write): nobody can hold a later epoch while ours is the latest, so we take the
    // next one at once. Items claimed under the old epoch are still given up (claims.stillHolds).
    // Waiting for our own lease to expire instead left the tenant unsent for up to leaseMs.

    const epoch = (latest?.epoch ?? 0) + 1;
    const start = this.now();
    try {
      await this.leases.insertOne({
        _id: leaseDocId(tenantId, epoch),
        tenantId,
        epoch,
        owner: this.owner,
        expiresAt: new Date(start + this.leaseMs),
        released: false,
        createdAt: new Date(start),
        updatedAt: new Date(start),
      });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Someone else took this epoch first.
      this.refuse(tenantId, start + this.leaseMs);
      return false;
    }
    this.held.set(tenantId, { epoch, acquiredAt: start, validUntil: start + this.leaseMs - this.marginMs });
    this.elsewhere.delete(tenantId);
    this.watched.delete(tenantId);
    this.stats.acquired++;
    // Old epochs are history: keep the previous one, drop the rest (best effort).
    if (epoch > 2)
      void this.leases.deleteMany({ tenantId, epoch: { $lt: epoch - 1 } }).catch(() => undefined);
    return true;
  }

  private refuse(tenantId: string, expiresAt: number): void {
    this.stats.refused++;
    this.watched.add(tenantId);
    // Left alone until the lease could expire. Not shorter: a tenant forgotten between two
    // ticks while its holder still sends would have its items read by this instance's scans
    // and dropped again (measured: the bench's idle instances fetched the whole fan-out).
    // The renewal tick asks again every renewMs, so a graceful release is still seen soon.
    this.elsewhere.set(tenantId, expiresAt + 1);
  }

  private lose(tenantId: string, reason: string): void {
    if (!this.held.delete(tenantId)) return;
    this.stats.lost++;
    for (const listener of this.lostListeners) listener(tenantId, reason);
  }

  /** Renews every lease held (and notices a takeover). Throws if the database is unreachable. */
  async renewAll(): Promise<void> {
    if (this.renewing) return this.renewing;
    const run = async () => {
      let failure: unknown = null;
      for (const tenantId of [...this.held.keys()]) {
        await this.renew(tenantId).catch((err: unknown) => (failure ??= err));
      }
      if (failure) throw failure;
    };
    // Cleared after it settles (a `finally` inside `run` would run before the assignment
    // when nothing is held, and leave a settled promise here for good).
    const renewing: Promise<void> = run().finally(() => {
      if (this.renewing === renewing) this.renewing = null;
    });
    this.renewing = renewing;
    return renewing;
  }

  private async renew(tenantId: string): Promise<void> {
    const held = this.held.get(tenantId);
    if (!held) return;
    const start = this.now();
    if (start >= held.validUntil) return this.lose(tenantId, 'renewal too late');
    const newer = await this.leases.findOne({ _id: leaseDocId(tenantId, held.epoch + 1) });
    if (newer) return this.lose(tenantId, `taken over by ${newer.owner}`);
    await this.leases.updateOne(
      { _id: leaseDocId(tenantId, held.epoch), owner: this.owner },
      { $set: { expiresAt: new Date(start + this.leaseMs), updatedAt: new Date(start) } },
    );
    // Only a write that came back before our deadline extends it: it was applied before
    // anyone could see the old expiry pass.
    const current = this.held.get(tenantId);
    if (current !== held) return;
    if (this.now() >= held.validUntil)
      return this.lose(tenantId, `renewal took ${this.now() - start} ms, past the deadline`);
    held.validUntil = start + this.leaseMs - this.marginMs;
    this.stats.renewed++;
  }

  /**
   * Reads again the lease of every tenant another instance held, and takes those whose holder
   * released them or stopped renewing: so a dead holder's tenants are taken over by the lease
   * tick, within the lease plus one tick, and a released one within a tick, without waiting
   * for a scan of the outbox to meet their items. A live holder's renewed lease keeps the
   * tenant left alone until its new expiry.
   */
  async takeOverLapsed(): Promise<void> {
    for (const tenantId of [...this.watched]) {
      if (this.holds(tenantId)) continue;
      if (await this.ask(tenantId)) for (const listener of this.acquiredListeners) listener(tenantId);
    }
  }

  /** Renews in the background every renewMs (and takes over tenants whose holder lapsed). */
  start(onError: (err: unknown) => void = () => undefined): void {
    if (this.timer) return;
    const tick = () => {
      this.renewAll()
        .then(() => this.takeOverLapsed())
        .catch(onError)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.renewMs).unref();
        });
    };
    this.timer = setTimeout(tick, this.renewMs).unref();
  }

  /**
   * Stops renewing and gives every lease back (expired now), so another instance takes the
   * tenants at once. Call it once nothing more is being sent.
   */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.renewing?.catch(() => undefined);
    const now = this.now();
    for (const [tenantId, held] of [...this.held]) {
      this.held.delete(tenantId);
      await this.leases
        .updateOne(
          { _id: leaseDocId(tenantId, held.epoch), owner: this.owner },
          { $set: { released: true, expiresAt: new Date(now), updatedAt: new Date(now) } },
        )
        .catch(() => undefined);
    }
    this.elsewhere.clear();
    this.watched.clear();
  }
}
