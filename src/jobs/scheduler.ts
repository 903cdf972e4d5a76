/**
 * Durable scheduled work in MongoDB. A job has a unique key, so scheduling the same work twice
 * (two instances, a planner that runs again) stores it once. Workers take a due job with a
 * claim (insert-if-absent of `<job>#<attempt>`, see storage/claims.ts) and hold a lease: two instances never run the same job,
 * a crashed worker's job is taken again when its lease expires, and a job that came due
 * while the service was down runs once when it is back (caught up, not skipped).
 *
 * Due times are read from the injected Clock (tests drive it); leases use real time.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { Claims } from '../storage/claims.js';
import { collections } from '../storage/collections.js';
import { isDuplicateKeyError } from '../storage/mongo.js';
import { traceJobRun } from '../telemetry/job-telemetry.js';

export type JobState = 'scheduled' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobDoc {
  _id: string;
  type: string;
  tenantId: string | null;
  personId?: string | null;
  payload: Record<string, unknown>;
  runAt: Date;
  state: JobState;
  owner: string | null;
  leaseUntil: Date | null;
  attempts: number;
  lastError: string | null;
  doneAt: Date | null;
  schemaVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface JobContext {
  now: Date;
  scheduler: Scheduler;
}

export type JobHandler = (job: JobDoc, ctx: JobContext) => Promise<void>;

export interface ScheduleRequest {
  key: string;
  type: string;
  runAt: Date;
  tenantId?: string | null;
  personId?: string | null;
  payload?: Record<string, unknown>;
}

export interface SchedulerOptions {
  pollMs: number;
  leaseMs: number;
  maxAttempts?: number;
  retryDelayMs?: number;
}

interface Recurring {
  name: string;
  everyMs: number;
  handler: (ctx: JobContext) => Promise<void>;
}

const RECURRING_TYPE = 'recurring';

export class Scheduler {
  private readonly owner = randomUUID();
  private readonly handlers = new Map<string, JobHandler>();
  private readonly recurring = new Map<string, Recurring>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  /** Jobs this instance has claimed (it holds their lease) and not finished. */
  private readonly held = new Set<string>();

  private readonly claims: Claims;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
  ) {
    this.claims = new Claims(db);
  }

  private get jobs() {
    return this.db.collection<JobDoc>(collections.jobs.name);
  }

  define(type: string, handler: JobHandler): void {
    if (type === RECURRING_TYPE) throw new Error(`job type '${type}' is reserved`);
    this.handlers.set(type, handler);
  }

  /** Runs `handler` once per `everyMs` slot of the clock, across all instances. */
  every(name: string, everyMs: number, handler: (ctx: JobContext) => Promise<void>): void {
    this.recurring.set(name, { name, everyMs, handler });
  }

  /** Insert-if-absent. Returns true when the job is new. */
  async schedule(request: ScheduleRequest): Promise<boolean> {
    const now = this.clock.now();
    try {
      await this.jobs.insertOne({
        _id: request.key,
        type: request.type,
        tenantId: request.tenantId ?? null,
        personId: request.personId ?? null,
        payload: request.payload ?? {},
        runAt: request.runAt,
        state: 'scheduled',
        owner: null,
        leaseUntil: null,
        attempts: 0,
        lastError: null,
        doneAt: null,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Cancels a job that has not started. */
  async cancel(key: string): Promise<boolean> {
    const result = await this.jobs.updateOne(
      { _id: key, state: 'scheduled' },
      { $set: { state: 'cancelled', updatedAt: this.clock.now() } },
    );
    return result.modifiedCount === 1;
  }

  get(key: string) {
    return this.jobs.findOne({ _id: key });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      try {
        this.running = this.runDue(() => this.stopped);
        await this.running;
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'jobs: tick failed (will retry)');
      } finally {
        this.running = null;
        if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs);
      }
    };
    this.timer = setTimeout(tick, 0);
  }

  /**
   * Stops polling, claims nothing more, and waits up to `graceMs` for the job in hand to finish.
   * A job still running after that has its lease released (back to 'scheduled', no owner), so
   * another instance runs it at once rather than after the lease: it runs again from the start,
   * as after a crash (jobs are written to be re-run). Its late outcome from here is then ignored.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.running.catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    for (const id of [...this.held]) await this.releaseLease(id);
  }

  /** Runs every job due at the clock's now; returns how many ran. `stopWhen`: claim no more. */
  async runDue(stopWhen: () => boolean = () => false): Promise<number> {
    await this.ensureRecurringSlots();
    let ran = 0;
    for (;;) {
      if (stopWhen()) return ran;
      const job = await this.claimNext();
      if (!job) return ran;
      if (stopWhen()) {
        await this.releaseLease(job._id);
        return ran;
      }
      await this.execute(job);
      ran++;
    }
  }

  /**
   * Runs every job due at the clock's now and returns once none is left running on this
   * instance: a job its own poll claimed first is waited for too (tests drive the clock with
   * this, through POST /test/jobs/run-due, and then look at what the jobs did).
   */
  async runDueSettled(): Promise<number> {
    let ran = await this.runDue();
    while (this.running) {
      await this.running.catch(() => undefined);
      ran += await this.runDue();
    }
    return ran;
  }

  /** Gives up a lease this instance holds: the job is due again for anyone, now. */
  private async releaseLease(id: string): Promise<void> {
    this.held.delete(id);
    await this.jobs.updateOne(
      { _id: id, owner: this.owner, state: 'running' },
      { $set: { state: 'scheduled', owner: null, leaseUntil: null, updatedAt: this.clock.now() } },
    );
    this.logger.info({ jobId: id }, 'jobs: lease released on stop');
  }

  private async ensureRecurringSlots(): Promise<void> {
    const now = this.clock.now().getTime();
    for (const r of this.recurring.values()) {
      const slot = Math.floor(now / r.everyMs);
      await this.schedule({
        key: `${RECURRING_TYPE}:${r.name}@${slot}`,
        type: RECURRING_TYPE,
        runAt: new Date(slot * r.everyMs),
        payload: { name: r.name },
      });
    }
  }

  private async claimNext(): Promise<JobDoc | null> {
    const now = this.clock.now();
    const realNow = new Date();
    const candidates = await this.jobs
      .find({
        $or: [
          { state: 'scheduled', runAt: { $lte: now } },
          { state: 'running', leaseUntil: { $lt: realNow } },
        ],
      })
      .limit(20)
      .toArray();
    candidates.sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
    for (const candidate of candidates) {
      // One claim per attempt: whoever inserts `<job>#<attempt>` first runs it.
      if (!(await this.claims.take('job', `${candidate._id}#${candidate.attempts}`))) continue;
      const claimed: JobDoc = {
        ...candidate,
        state: 'running',
        owner: this.owner,
        leaseUntil: new Date(realNow.getTime() + this.options.leaseMs),
        attempts: candidate.attempts + 1,
        updatedAt: now,
      };
      const { state, owner, leaseUntil, attempts } = claimed;
      this.held.add(candidate._id);
      await this.jobs.updateOne(
        { _id: candidate._id },
        { $set: { state, owner, leaseUntil, attempts, updatedAt: now } },
      );
      return claimed;
    }
    return null;
  }

  private async runHandler(job: JobDoc, ctx: JobContext): Promise<void> {
    if (job.type === RECURRING_TYPE) {
      const r = this.recurring.get(String(job.payload.name));
      if (r) await r.handler(ctx);
    } else {
      const handler = this.handlers.get(job.type);
      if (!handler) throw new Error(`no handler for job type '${job.type}'`);
      await handler(job, ctx);
    }
  }

  private async execute(job: JobDoc): Promise<void> {
    const ctx: JobContext = { now: this.clock.now(), scheduler: this };
    try {
      // A span and the run / failure counters while telemetry is on (src/telemetry/job-telemetry.ts).
      const name = job.type === RECURRING_TYPE ? String(job.payload.name) : job.type;
      await traceJobRun(name, job.attempts, () => this.runHandler(job, ctx));
      if (!this.held.delete(job._id)) return; // released on stop: another instance runs it
      await this.jobs.updateOne(
        { _id: job._id },
        { $set: { state: 'done', doneAt: this.clock.now(), leaseUntil: null, updatedAt: this.clock.now() } },
      );
    } catch (err) {
      const message = (err as Error).message;
      if (!this.held.delete(job._id)) return; // released on stop: another instance runs it
      const final = job.attempts >= (this.options.maxAttempts ?? 5);
      this.logger.warn(
        { jobId: job._id, type: job.type, attempts: job.attempts, err: message },
        'jobs: job failed',
      );
      const retryAt = new Date(
        this.clock.now().getTime() + (this.options.retryDelayMs ?? 30_000) * job.attempts,
      );
      await this.jobs.updateOne(
        { _id: job._id },
        {
          $set: final
            ? { state: 'failed', lastError: message, leaseUntil: null, updatedAt: this.clock.now() }
            : {
                state: 'scheduled',
                runAt: retryAt,
                lastError: message,
                leaseUntil: null,
                updatedAt: this.clock.now(),
              },
        },
      );
    }
  }
}
