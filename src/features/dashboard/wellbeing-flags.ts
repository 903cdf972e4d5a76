/**
 * Who is behind the lead's low-wellbeing flags: the cohort overview counts check-ins with
 * wellbeing at or below LOW_WELLBEING per week; this names the students (with their supervisors,
 * the people to contact first) for the leads of that cohort, who may read those check-ins
 * anyway ('checkin.view'). Read live, for the same week range and profession as the overview.
 */
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { WellbeingFlags } from '../../web/api-types.js';
import { LOW_WELLBEING } from './checkin-panels.js';
import { cohortStudents } from './cohort-panels.js';
import type { DashboardDeps } from './dashboard-service.js';
import { summariseCohort, weekRange, type LeadFilters } from './lead-overview.js';

export async function wellbeingFlags(
  d: DashboardDeps,
  tenantId: string,
  cohort: CohortDoc,
  filters: LeadFilters,
): Promise<WellbeingFlags> {
  const range = weekRange(summariseCohort(cohort, d.clock.now()), filters.fromWeek, filters.toWeek);
  const checkins = d.sources.checkins;
  const students = await cohortStudents(d, tenantId, cohort._id, filters.profession ?? null);
  if (!checkins || students.length === 0) return { range, students: [] };
  const low = (
    await checkins.wellbeingOf(
      tenantId,
      students.map((s) => s._id),
    )
  ).filter((c) => c.week >= range.fromWeek && c.week <= range.toWeek && c.wellbeing <= LOW_WELLBEING);
  if (low.length === 0) return { range, students: [] };

  const flagged = students.filter((s) => low.some((c) => c.studentId === s._id));
  const links = await d.supervisions.linksOfStudents(
    tenantId,
    flagged.map((s) => s._id),
  );
  const supervisorIds = [...new Set(links.map((l) => l.supervisorId))];
  const supervisors = supervisorIds.length ? await d.people.byIds(tenantId, supervisorIds) : [];
  const nameOf = new Map(supervisors.map((p) => [p._id, p.displayName]));
  const rows = flagged.map((s) => ({
    studentId: s._id,
    name: s.displayName,
    supervisors: links
      .filter((l) => l.studentId === s._id && nameOf.has(l.supervisorId))
      .map((l) => nameOf.get(l.supervisorId)!)
      .sort(),
    weeks: low
      .filter((c) => c.studentId === s._id)
      .map((c) => ({ week: c.week, wellbeing: c.wellbeing }))
      .sort((a, b) => a.week - b.week),
  }));
  // The latest flag first (the student most likely to need someone now), then the most flags.
  const latest = (r: (typeof rows)[number]) => r.weeks[r.weeks.length - 1]!.week;
  rows.sort(
    (a, b) => latest(b) - latest(a) || b.weeks.length - a.weeks.length || a.name.localeCompare(b.name),
  );
  return { range, students: rows };
}
