/** Cohorts: the placement calendar of a group of students, and the channel linked to it. */
import type { Db } from 'mongodb';
import type { CohortCalendar } from '../domain/placement-calendar.js';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
import { isDuplicateKeyError } from './mongo.js';
import { RecentReads } from './recent-reads.js';
import { TenantScope } from './tenant-scope.js';

export interface CohortDoc extends BaseDoc, CohortCalendar {
  name: string;
  teamsChannelId: string | null;
  /** Filled when the channel is linked from Teams: what a proactive post needs. */
  teamsTeamId?: string | null;
  serviceUrl?: string | null;
  /** Check-in rhythm (src/features/checkins/settings.ts); absent = the defaults. */
  checkins?: {
    promptTime?: string;
    reminderHoursBeforeDue?: number;
    digestHoursBeforeSupervision?: number;
  };
  /** Same-day safeguarding alerts (src/features/checkins/safeguarding-alert.ts); absent = defaults. */
  safeguarding?: {
    /** Also alert the cohort's lead(s), not only the supervisor(s); default false. */
    alertLead?: boolean;
    /** Alert at this wellbeing (1-5 scale) or below; default 2 (src/domain/safeguarding.ts). */
    alertWellbeingAtOrBelow?: number;
  };
}

export type CohortImport = Omit<
  CohortDoc,
  keyof BaseDoc | 'teamsTeamId' | 'serviceUrl' | 'checkins' | 'safeguarding'
>;

/** What a lead sets on a cohort from Teams (src/features/lead-workspace): name, calendar, check-in times. */
export type CohortSettings = Pick<
  CohortDoc,
  'name' | 'startDate' | 'weeks' | 'clinicalDays' | 'leadershipDays' | 'supervision' | 'timeZone'
> & { checkins: NonNullable<CohortDoc['checkins']>; safeguarding?: NonNullable<CohortDoc['safeguarding']> };

export type CreateCohortOutcome = 'inserted' | 'same-request' | 'name-taken';

/**
 * How long a cohort read by `_id` is remembered. Nearly every turn reads its cohort, and a
 * calendar changes a few times a term: every write through a CohortsRepository in this process
 * forgets the cohort at once, and a change made elsewhere (the admin CLI, another instance) is
 * seen within this time.
 */
export const COHORT_READ_CACHE_MS = 2_000;

export class CohortsRepository {
  // Built once per process (createRepositories), so every feature's reads and writes share it.
  private readonly recent = new RecentReads<CohortDoc>({ max: 5_000, ttlMs: COHORT_READ_CACHE_MS });

  constructor(private readonly db: Db) {}

  private cacheKey(tenantId: string, id: string) {
    return `${this.db.databaseName}|${tenantId}|${id}`;
  }

  /** Forgets a remembered cohort: after any write to it, in this process. */
  forget(tenantId: string, id: string) {
    this.recent.forget(this.cacheKey(tenantId, id));
  }

  /** Waits for a write to one cohort, then forgets its remembered copy. */
  private async forgetAfter<T>(tenantId: string, id: string, write: Promise<T>): Promise<T> {
    const result = await write;
    this.forget(tenantId, id);
    return result;
  }

  // Private: every write goes through a method here, which forgets the remembered copy.
  private scope(tenantId: string) {
    return new TenantScope(this.db.collection<CohortDoc>(collections.cohorts.name), tenantId);
  }

  async upsertByName(
    tenantId: string,
    cohort: CohortImport,
    now: Date,
  ): Promise<{ id: string; outcome: 'inserted' | 'updated' | 'unchanged' }> {
    const scope = this.scope(tenantId);
    const existing = await scope.findOne({ name: cohort.name });
    if (existing && sameCohort(existing, cohort)) return { id: existing._id, outcome: 'unchanged' };
    const doc = await scope.findOneAndUpdate(
      { name: cohort.name },
      {
        $set: { ...cohort, updatedAt: now },
        $setOnInsert: { _id: tenantDocId(tenantId), schemaVersion: 1, createdAt: now },
      },
      { upsert: true },
    );
    this.forget(tenantId, doc!._id);
    return { id: doc!._id, outcome: existing ? 'updated' : 'inserted' };
  }

  /** The cohort, remembered for COHORT_READ_CACHE_MS; each caller gets its own copy. */
  async byId(tenantId: string, id: string): Promise<CohortDoc | null> {
    const cohort = await this.recent.get(this.cacheKey(tenantId, id), () =>
      this.scope(tenantId).findOne({ _id: id }),
    );
    return cohort && structuredClone(cohort);
  }

  /**
   * A new cohort from Teams, by insert of a natural-key `_id` (the request that created it):
   * the same request again is 'same-request'; another cohort with the name is 'name-taken'
   * (the unique tenant + name index decides a race between two leads).
   */
  async createCohort(
    tenantId: string,
    id: string,
    settings: CohortSettings & { nonPlacementDates: string[] },
    now: Date,
  ): Promise<CreateCohortOutcome> {
    this.forget(tenantId, id);
    try {
      await this.scope(tenantId).insertOne({
        _id: id,
        ...settings,
        teamsChannelId: null,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      } as CohortDoc);
      return 'inserted';
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return (await this.byId(tenantId, id)) ? 'same-request' : 'name-taken';
    }
  }

  /** Replaces the cohort's name, calendar and check-in times (non-placement dates are kept). */
  async updateSettings(tenantId: string, cohortId: string, settings: CohortSettings, now: Date) {
    return this.forgetAfter(
      tenantId,
      cohortId,
      this.scope(tenantId).findOneAndUpdate(
        { _id: cohortId },
        { $set: { ...settings, updatedAt: now } },
        { returnDocument: 'after' },
      ),
    );
  }

  /** Marks dates non-placement (study days, event days): no check-in prompts on them. Idempotent. */
  async addNonPlacementDates(tenantId: string, cohortId: string, dates: string[], now: Date) {
    return this.forgetAfter(
      tenantId,
      cohortId,
      this.scope(tenantId).findOneAndUpdate(
        { _id: cohortId },
        { $addToSet: { nonPlacementDates: { $each: dates } }, $set: { updatedAt: now } },
        { returnDocument: 'after' },
      ),
    );
  }

  /** Makes dates placement days again. Idempotent. */
  async removeNonPlacementDates(tenantId: string, cohortId: string, dates: string[], now: Date) {
    return this.forgetAfter(
      tenantId,
      cohortId,
      this.scope(tenantId).findOneAndUpdate(
        { _id: cohortId },
        { $pullAll: { nonPlacementDates: dates }, $set: { updatedAt: now } },
        { returnDocument: 'after' },
      ),
    );
  }

  byName(tenantId: string, name: string) {
    return this.scope(tenantId).findOne({ name });
  }

  byChannel(tenantId: string, teamsChannelId: string) {
    return this.scope(tenantId).findOne({ teamsChannelId });
  }

  all(tenantId: string) {
    return this.scope(tenantId).find({}).sort({ startDate: 1 }).toArray();
  }

  /** Every cohort across tenants: for scheduled jobs, which then work per tenant. */
  allTenants() {
    return this.db.collection<CohortDoc>(collections.cohorts.name).find({}).toArray();
  }

  async linkChannel(
    tenantId: string,
    cohortId: string,
    link: { teamsChannelId: string; teamsTeamId: string | null; serviceUrl: string },
    now: Date,
  ) {
    return this.forgetAfter(
      tenantId,
      cohortId,
      this.scope(tenantId).findOneAndUpdate({ _id: cohortId }, { $set: { ...link, updatedAt: now } }),
    );
  }

  /** Deletes the cohort document (retention; its other data is the caller's to delete first). */
  deleteById(tenantId: string, cohortId: string) {
    return this.forgetAfter(tenantId, cohortId, this.scope(tenantId).deleteOne({ _id: cohortId }));
  }
}

function sameCohort(a: CohortDoc, b: CohortImport): boolean {
  const pick = (c: CohortImport) =>
    JSON.stringify([
      c.startDate,
      c.weeks,
      c.clinicalDays,
      c.leadershipDays,
      c.nonPlacementDates,
      c.supervision,
      c.timeZone,
      c.teamsChannelId,
    ]);
  return pick(a) === pick(b);
}
