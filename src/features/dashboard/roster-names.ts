import type { PersonDoc } from '../../storage/people-repository.js';
import { cohortStudents } from './cohort-panels.js';
import type { DashboardDeps } from './dashboard-service.js';

/**
 * Display names of a cohort's students for the overdue list, kept in memory for a few minutes
 * (reading the roster scans the people collection on the local database). Filled by the
 * rollup job in this process and read again when an id is missing or the entry is old. Only
 * ids in the current rollup are shown, and an erasure deletes the rollup (its person field).
 */
export class RosterNames {
  constructor(private readonly d: DashboardDeps) {}

  private readonly byCohort = new Map<string, { at: number; names: Map<string, string> }>();
  static readonly TTL_MS = 10 * 60_000;

  put(tenantId: string, cohortId: string, students: Pick<PersonDoc, '_id' | 'displayName'>[]) {
    this.byCohort.set(`${tenantId}|${cohortId}`, {
      at: Date.now(),
      names: new Map(students.map((s) => [s._id, s.displayName])),
    });
  }

  async get(tenantId: string, cohortId: string, ids: string[]) {
    const entry = this.byCohort.get(`${tenantId}|${cohortId}`);
    const fresh = entry && Date.now() - entry.at < RosterNames.TTL_MS;
    if (fresh && ids.every((id) => entry.names.has(id))) return entry.names;
    const students = await cohortStudents(this.d, tenantId, cohortId, null);
    this.put(tenantId, cohortId, students);
    return this.byCohort.get(`${tenantId}|${cohortId}`)!.names;
  }
}
