/**
 * Retention: a cohort's data is kept for RETENTION_MONTHS after its last placement day, then
 * purged: its students are erased (everything about them, see personal-data.ts), staff
 * attached to it are detached, every registered collection's documents for the cohort are
 * deleted, and the cohort itself goes. RETENTION_MONTHS=0 keeps everything. Runs daily.
 */
import { DateTime } from 'luxon';
import { endDate } from '../../domain/placement-calendar.js';
import type { Logger } from '../../logger.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { CohortDoc, CohortsRepository } from '../../storage/cohorts-repository.js';
import { collections, type CollectionSpec } from '../../storage/collections.js';
import type { PeopleRepository } from '../../storage/people-repository.js';
import type { PersonalData } from './personal-data.js';
import type { PersonalRecordsRepository } from './personal-records-repository.js';

export interface RetentionDeps {
  personalData: PersonalData;
  personalRecords: PersonalRecordsRepository;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  audit: AuditRepository;
  logger: Logger;
}

export interface PurgeReport {
  cohortId: string;
  tenantId: string;
  studentsErased: number;
  staffDetached: number;
  deleted: Record<string, number>;
}

/** The first day on which the cohort's data may be purged. */
export function purgeableFrom(
  cohort: Pick<CohortDoc, 'startDate' | 'weeks'> & object,
  months: number,
): string {
  const last = endDate(cohort as CohortDoc);
  return DateTime.fromISO(last, { zone: 'UTC' }).plus({ months }).plus({ days: 1 }).toISODate()!;
}

export async function purgeEndedCohorts(
  deps: RetentionDeps,
  months: number,
  now: Date,
  specs: CollectionSpec[] = Object.values(collections),
): Promise<PurgeReport[]> {
  if (months <= 0) return [];
  const today = DateTime.fromJSDate(now, { zone: 'UTC' }).toISODate()!;
  const cohorts = await deps.cohorts.allTenants();
  const reports: PurgeReport[] = [];
  for (const cohort of cohorts) {
    if (purgeableFrom(cohort, months) > today) continue;
    reports.push(await purgeCohort(deps, cohort, now, specs));
  }
  return reports;
}

async function purgeCohort(
  deps: RetentionDeps,
  cohort: CohortDoc,
  now: Date,
  specs: CollectionSpec[],
): Promise<PurgeReport> {
  const { personalData } = deps;
  const tenantId = cohort.tenantId;
  const report: PurgeReport = {
    cohortId: cohort._id,
    tenantId,
    studentsErased: 0,
    staffDetached: 0,
    deleted: {},
  };
  const members = await deps.people.inCohort(tenantId, cohort._id);
  for (const person of members) {
    if (person.roles.every((r) => r === 'student')) {
      await personalData.erase(tenantId, person, now, { actorId: null, via: 'retention' });
      report.studentsErased++;
    } else {
      // Staff stay attached to (and lead) their other cohorts.
      await deps.people.detachFromCohort(person, cohort._id, now);
      report.staffDetached++;
    }
  }
  for (const spec of specs) {
    if (spec.name === collections.people.name || spec.name === collections.cohorts.name) continue;
    const deletedCount = await deps.personalRecords.deleteCohortDocuments(spec, tenantId, cohort._id);
    if (deletedCount > 0) report.deleted[spec.name] = deletedCount;
  }
  await deps.cohorts.deleteById(tenantId, cohort._id);
  await deps.audit.record(
    tenantId,
    {
      actorId: null,
      action: 'retention.purge',
      targetId: cohort._id,
      details: { studentsErased: report.studentsErased, staffDetached: report.staffDetached },
    },
    now,
  );
  deps.logger.info(
    { cohortId: cohort._id, studentsErased: report.studentsErased, staffDetached: report.staffDetached },
    'retention: purged an ended cohort',
  );
  return report;
}
