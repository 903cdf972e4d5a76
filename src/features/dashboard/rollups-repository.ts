/**
 * The dashboard's own collection, `dashboard_rollups`: one rollup per cohort
 * (`_id = tenant|rollup|<cohort>`) and one overdue list per cohort and week
 * (`_id = tenant|rollup|<cohort>|overdue|w<week>`, whose `overdue.studentId` an erasure deletes).
 */
import type { Db, Document } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { TenantScope } from '../../storage/tenant-scope.js';
import type { AnnouncementStat } from './announcement-panel.js';
import type { ConversationsPanel } from './cohort-panels.js';
import type { Panel } from './panels.js';
import type { SurveyResult } from '../../web/api-types.js';

/** Bump when the document's shape changes: older rollups are then recomputed on first read. */
export const ROLLUP_SCHEMA = 1;

/** Check-in counts of one week, for the whole cohort (profession null) or one profession. */
export interface RollupBucket {
  week: number;
  profession: string | null;
  /** Check-ins submitted (whole cohort: every check-in of the cohort, as the direct query counts). */
  submitted: number;
  /** Of those, wellbeing at or below LOW_WELLBEING. */
  low: number;
  /** Check-ins with a numeric rating for the first confidence area (the divisor of the means). */
  confN: number;
  /** Sum of the ratings per confidence area. */
  conf: Record<string, number>;
  /** Whether any check-in of the week has a confidence rating. */
  hasConf: boolean;
  /** Students with a placement day that week (not paused). */
  expected: number;
  /** The earliest due instant of the week among those students. */
  firstDue: Date | null;
}

export interface RollupDoc extends BaseDoc {
  cohortId: string;
  /** The instant the numbers are true for. */
  generatedAt: Date;
  /** The cohort document's updatedAt when computed: a changed calendar makes the rollup stale. */
  cohortUpdatedAt: Date;
  computeMs: number;
  checkinsSetUp: boolean;
  /** Students by profession (every group; the minimum is applied when read). */
  professions: { profession: string; count: number }[];
  buckets: RollupBucket[];
  /** Weeks with overdue check-ins at generatedAt (their lists are OverdueDocs). */
  overdueWeeks: number[];
  conversations: { profession: string | null; panel: ConversationsPanel }[];
  surveys: Panel<SurveyResult>;
  announcements: AnnouncementStat[] | null;
}

export const rollupId = (tenantId: string, cohortId: string) => tenantDocId(tenantId, 'rollup', cohortId);

/** The students of one week whose check-in was past due and not submitted at generatedAt. */
export interface OverdueDoc extends BaseDoc {
  cohortId: string;
  week: number;
  generatedAt: Date;
  overdue: { studentId: string; profession: string }[];
}

export const overdueId = (tenantId: string, cohortId: string, week: number) =>
  tenantDocId(tenantId, 'rollup', cohortId, 'overdue', `w${week}`);

export class RollupsRepository {
  constructor(private readonly db: Db) {}

  private scope(tenantId: string) {
    return new TenantScope<RollupDoc & Document>(
      this.db.collection<RollupDoc>(collections.dashboardRollups.name),
      tenantId,
    );
  }

  async rollup(tenantId: string, cohortId: string): Promise<RollupDoc | null> {
    return (await this.scope(tenantId).findOne({ _id: rollupId(tenantId, cohortId) })) as RollupDoc | null;
  }

  /** One week's overdue list, by its id. */
  async overdue(tenantId: string, cohortId: string, week: number): Promise<OverdueDoc | null> {
    return (await this.db
      .collection<OverdueDoc>(collections.dashboardRollups.name)
      .findOne({ _id: overdueId(tenantId, cohortId, week) })) as OverdueDoc | null;
  }

  async deleteOverdue(tenantId: string, cohortId: string, week: number): Promise<void> {
    await this.scope(tenantId).deleteOne({ _id: overdueId(tenantId, cohortId, week) });
  }

  async saveOverdue(
    tenantId: string,
    cohortId: string,
    week: number,
    list: OverdueDoc['overdue'],
    now: Date,
  ): Promise<void> {
    await this.scope(tenantId).updateOne(
      { _id: overdueId(tenantId, cohortId, week) },
      {
        $set: {
          cohortId,
          week,
          generatedAt: now,
          overdue: list,
          schemaVersion: 1,
          updatedAt: now,
        },
        $setOnInsert: { createdAt: now },
      },
      { upsert: true },
    );
  }

  /** Replaces the stored rollup whole. */
  async saveRollup(rollup: RollupDoc): Promise<void> {
    const { _id, createdAt, tenantId, ...fields } = rollup;
    await this.scope(tenantId).updateOne(
      { _id },
      { $set: fields, $setOnInsert: { createdAt } },
      { upsert: true },
    );
  }
}
