/**
 * The stored roster and AHP directory as CSV files in the import formats (fixtures/README.md):
 * importing an export again changes nothing.
 */
import { writeCsv } from './csv-table.js';
import { DIRECTORY_COLUMNS } from './roster-rows.js';
import type { RosterImportDeps } from './roster-import.js';

const COHORT_EXPORT_COLUMNS = [
  'cohort',
  'start_date',
  'weeks',
  'clinical_days',
  'leadership_days',
  'non_placement_dates',
  'supervision',
  'time_zone',
  'teams_channel_id',
] as const;
const PEOPLE_EXPORT_COLUMNS = [
  'email',
  'display_name',
  'roles',
  'profession',
  'cohort',
  'supervisor_email',
  'time_zone',
] as const;
const DIRECTORY_EXPORT_COLUMNS = DIRECTORY_COLUMNS.required;

/** The stored roster as cohorts.csv and people.csv. */
export async function exportRoster(
  deps: Pick<RosterImportDeps, 'people' | 'cohorts' | 'supervisions'>,
  tenantId: string,
): Promise<{ cohortsCsv: string; peopleCsv: string }> {
  const { people, cohorts, supervisions } = deps;
  const allCohorts = await cohorts.all(tenantId);
  const allPeople = await people.all(tenantId);
  const links = await supervisions.all(tenantId);

  const cohortsCsv = writeCsv(
    COHORT_EXPORT_COLUMNS,
    allCohorts.map((c) => ({
      cohort: c.name,
      start_date: c.startDate,
      weeks: c.weeks,
      clinical_days: c.clinicalDays.join(';'),
      leadership_days: c.leadershipDays.join(';'),
      non_placement_dates: c.nonPlacementDates.join(';'),
      supervision: c.supervision ? `${c.supervision.weekday} ${c.supervision.time}` : '',
      time_zone: c.timeZone,
      teams_channel_id: c.teamsChannelId ?? '',
    })),
  );

  const cohortNames = new Map(allCohorts.map((c) => [c._id, c.name]));
  const emails = new Map(allPeople.map((p) => [p._id, p.email]));
  const supervisorsOf = new Map<string, string[]>();
  for (const link of links) {
    const email = emails.get(link.supervisorId);
    if (email) supervisorsOf.set(link.studentId, [...(supervisorsOf.get(link.studentId) ?? []), email]);
  }
  const peopleCsv = writeCsv(
    PEOPLE_EXPORT_COLUMNS,
    allPeople.map((p) => ({
      email: p.email,
      display_name: p.displayName,
      roles: p.roles.join(';'),
      profession: p.profession,
      cohort: (p.cohortIds ?? (p.cohortId ? [p.cohortId] : []))
        .map((id) => cohortNames.get(id))
        .filter((name): name is string => !!name)
        .join(';'),
      supervisor_email: (supervisorsOf.get(p._id) ?? []).sort().join(';'),
      time_zone: p.timeZone ?? '',
    })),
  );
  return { cohortsCsv, peopleCsv };
}

/** The active AHP hosts as ahp-directory.csv. */
export async function exportDirectory(
  deps: Pick<RosterImportDeps, 'directory'>,
  tenantId: string,
): Promise<string> {
  const hosts = (await deps.directory.all(tenantId)).filter((h) => h.active);
  return writeCsv(
    DIRECTORY_EXPORT_COLUMNS,
    hosts.map((h) => ({
      email: h.email,
      display_name: h.displayName,
      profession: h.profession,
      role_type: h.roleType,
      bio: h.bio,
      location: h.location,
      weekly_cap: h.weeklyCap,
    })),
  );
}
