/** Cohorts: the placement calendar of a group of students, and the channel linked to it. */
import type { Db } from 'mongodb';
import type { CohortCalendar } from '../domain/placement-calendar.js';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
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
}

export type CohortImport = Omit<CohortDoc, keyof BaseDoc | 'teamsTeamId' | 'serviceUrl' | 'checkins'>;

export class CohortsRepository {
  constructor(private readonly db: Db) {}

  scope(tenantId: string) {
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
    return { id: doc!._id, outcome: existing ? 'updated' : 'inserted' };
  }

  byId(tenantId: string, id: string) {
    return this.scope(tenantId).findOne({ _id: id });
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
    return this.scope(tenantId).findOneAndUpdate({ _id: cohortId }, { $set: { ...link, updatedAt: now } });
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
