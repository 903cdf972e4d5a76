/**
 * Per-cohort rollups: the lead overview's numbers, computed whole by a background job and read
 * by `_id`. The local database (FerretDB 1.x) scans a whole collection for any filter other
 * than an exact `{ _id }`, so aggregating 120,000 check-ins per page view cannot answer in a
 * second; one document per cohort (`dashboard_rollups`, `_id = tenant|rollup|<cohort>`) can.
 *
 * - A recurring job on services.scheduler (`dashboard.rollups`, every ROLLUP_EVERY_MS, claimed
 *   by one instance) recomputes every running cohort's rollup from the source collections and
 *   replaces the document whole: no counters, no $inc, nothing two writers could interleave.
 * - The API reads the rollup by `_id`; when there is none yet (or the cohort's calendar changed
 *   since, or the rollup's shape is older) it computes one on demand, once per process at a
 *   time, and stores it.
 * - A rollup is a snapshot: the overview served from it is the overview as of `generatedAt`
 *   (the page says "Updated 3 minutes ago"). It keeps counts per week and per student
 *   profession, so every filter (week range, profession) is answered from it, and the minimum
 *   group size is applied when it is read, as for a direct computation.
 * - Personal data: the only person ids stored are the overdue students', in one small document
 *   per week (`_id = tenant|rollup|<cohort>|overdue|w<week>`, field `overdue.studentId`,
 *   registered in personFields, so an erasure deletes it); the page reads only the week it
 *   shows. Names are looked up when the page is served.
 */
import { endDate } from '../../domain/placement-calendar.js';
import type { Services } from '../../services.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { LeadOverview } from '../../web/api-types.js';
import type { DashboardDeps } from './dashboard-service.js';
import type { LeadFilters } from './lead-overview.js';
import { computeRollup } from './rollup-compute.js';
import { overviewFromRollup, StaleRollup } from './rollup-overview.js';
import { ROLLUP_SCHEMA, rollupId, type RollupDoc } from './rollups-repository.js';
import { RosterNames } from './roster-names.js';

export { overdueId, rollupId, ROLLUP_SCHEMA } from './rollups-repository.js';

export const ROLLUP_EVERY_MS = 5 * 60_000;
export const ROLLUP_JOB = 'dashboard.rollups';
/** Cohorts that ended longer ago than this are not refreshed any more (their numbers are final). */
const FINISHED_GRACE_MS = 14 * 86_400_000;

export class DashboardRollups {
  private readonly inflight = new Map<string, Promise<RollupDoc>>();

  private readonly names: RosterNames;

  constructor(private readonly d: DashboardDeps) {
    this.names = new RosterNames(d);
  }

  /** The stored rollup, or null when there is none or it no longer fits the cohort. */
  async stored(tenantId: string, cohort: CohortDoc): Promise<RollupDoc | null> {
    const doc = await this.d.rollupStore.rollup(tenantId, cohort._id);
    if (!doc || doc.schemaVersion !== ROLLUP_SCHEMA) return null;
    if (new Date(doc.cohortUpdatedAt).getTime() < new Date(cohort.updatedAt).getTime()) return null;
    return doc;
  }

  /** The rollup to serve: the stored one, or one computed now (once per process at a time) and stored. */
  async get(tenantId: string, cohort: CohortDoc): Promise<RollupDoc> {
    return (await this.stored(tenantId, cohort)) ?? this.refresh(tenantId, cohort);
  }

  /**
   * The lead overview from the rollup. When the week's overdue list does not belong to the
   * rollup read (a refresh replaced it in between, or an erasure deleted it), reads again once;
   * if it still does not match, recomputes.
   */
  async overview(tenantId: string, cohort: CohortDoc, filters: LeadFilters): Promise<LeadOverview> {
    for (let attempt = 0; ; attempt++) {
      const rollup = attempt < 2 ? await this.get(tenantId, cohort) : await this.refresh(tenantId, cohort);
      try {
        return await overviewFromRollup(this.d, this.names, tenantId, cohort, rollup, filters);
      } catch (err) {
        if (!(err instanceof StaleRollup) || attempt >= 2) throw err;
      }
    }
  }

  /** Recomputes the cohort's rollup and replaces the stored document whole. */
  refresh(tenantId: string, cohort: CohortDoc): Promise<RollupDoc> {
    const id = rollupId(tenantId, cohort._id);
    const running = this.inflight.get(id);
    if (running) return running;
    const work = (async () => {
      const { rollup, overdue } = await computeRollup(this.d, this.names, tenantId, cohort);
      const now = rollup.generatedAt;
      // The weeks' overdue lists first, then the rollup that names them: a reader never sees a
      // rollup whose lists are older than it (and re-reads when they are newer).
      const store = this.d.rollupStore;
      for (const [week, list] of overdue) {
        if (list.length === 0 && !rollup.overdueWeeks.includes(week)) {
          await store.deleteOverdue(tenantId, cohort._id, week);
          continue;
        }
        await store.saveOverdue(tenantId, cohort._id, week, list, now);
      }
      await store.saveRollup(rollup);
      return rollup;
    })().finally(() => this.inflight.delete(id));
    this.inflight.set(id, work);
    return work;
  }

  /** Resolves when no computation is in flight in this process. */
  async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()]);
  }

  /** The job: every cohort of every tenant that is running or ended recently. */
  async refreshAll(now: Date): Promise<number> {
    let n = 0;
    for (const cohort of await this.d.cohorts.allTenants()) {
      const end = new Date(`${endDate(cohort)}T23:59:59Z`).getTime();
      if (now.getTime() > end + FINISHED_GRACE_MS) {
        const existing = await this.stored(cohort.tenantId, cohort);
        if (existing && new Date(existing.generatedAt).getTime() > end + FINISHED_GRACE_MS) continue;
      }
      try {
        await this.refresh(cohort.tenantId, cohort);
        n++;
      } catch (err) {
        this.d.logger.warn(
          { cohortId: cohort._id, err: (err as Error).message },
          'dashboard: rollup refresh failed',
        );
      }
    }
    return n;
  }
}

/** The rollups of one service container (one per process). */
export function rollupsFor(services: Pick<Services, 'dashboard'>): DashboardRollups {
  return services.dashboard.rollups;
}
