/**
 * Roster import and export for the admin CLI: cohorts.csv + people.csv (the roster) and
 * ahp-directory.csv (the AHP hosts), in the formats of fixtures/README.md.
 *
 * An import validates everything first (each row with zod, then duplicates and references
 * against the same file and what is already stored) and writes nothing if anything is
 * wrong, reporting every bad row as `row N, column C: reason`. Writes are upserts by email /
 * cohort name, so importing the same files again changes nothing.
 */
import type { Clock } from '../../clock.js';
import type { AhpHostsRepository } from '../../storage/ahp-hosts-repository.js';
import type { CohortsRepository } from '../../storage/cohorts-repository.js';
import type { PeopleRepository, PersonDoc, Role } from '../../storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../storage/supervision-links-repository.js';
import { readCsvTable, type CsvInput, type RowError } from './csv-table.js';
import {
  COHORT_COLUMNS,
  cohortColumnSchemas,
  cohortRowProblems,
  cohortRowSchema,
  DIRECTORY_COLUMNS,
  hostColumnSchemas,
  hostRowSchema,
  PEOPLE_COLUMNS,
  personColumnSchemas,
  personRowProblems,
  personRowSchema,
} from './roster-rows.js';
import { exportDirectory, exportRoster } from './roster-export.js';
import {
  rejectDuplicates,
  sortErrors,
  toCohortImport,
  toHostImport,
  validateRows,
  zeroCounts,
} from './row-checks.js';

export { formatRowError, type CsvInput, type RowError } from './csv-table.js';

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface LinkCounts {
  added: number;
  removed: number;
  unchanged: number;
}

export type ImportFailure = { ok: false; errors: RowError[] };

export type RosterImportResult =
  { ok: true; cohorts: UpsertCounts; people: UpsertCounts; supervisionLinks: LinkCounts } | ImportFailure;

export type DirectoryImportResult =
  | {
      ok: true;
      hosts: UpsertCounts & { deactivated: number };
      /** People records of the hosts: created, given the 'ahp-host' role, or already in order. */
      people: UpsertCounts;
    }
  | ImportFailure;

export interface RosterImportDeps {
  people: PeopleRepository;
  cohorts: CohortsRepository;
  supervisions: SupervisionLinksRepository;
  directory: AhpHostsRepository;
  clock: Clock;
}

export class RosterImportService {
  constructor(private readonly deps: RosterImportDeps) {}

  async importRoster(
    tenantId: string,
    files: { cohortsCsv: CsvInput; peopleCsv: CsvInput },
  ): Promise<RosterImportResult> {
    const { people, cohorts, supervisions, directory } = this.deps;
    const errors: RowError[] = [];

    // 1. Each row on its own.
    const cohortTable = readCsvTable(files.cohortsCsv, 'cohorts', COHORT_COLUMNS);
    const peopleTable = readCsvTable(files.peopleCsv, 'people', PEOPLE_COLUMNS);
    errors.push(...cohortTable.errors, ...peopleTable.errors);
    const cohortRows = validateRows(
      cohortTable.rows,
      cohortRowSchema,
      cohortColumnSchemas,
      cohortRowProblems,
      'cohorts',
      errors,
    );
    const personRows = validateRows(
      peopleTable.rows,
      personRowSchema,
      personColumnSchemas,
      personRowProblems,
      'people',
      errors,
    );

    // 2. Across rows and against what is stored.
    rejectDuplicates(cohortRows.all, (c) => c.cohort, 'cohorts', 'cohort', 'cohort', errors);
    rejectDuplicates(personRows.all, (p) => p.email, 'people', 'email', 'person', errors);
    const storedCohorts = new Map((await cohorts.all(tenantId)).map((c) => [c.name, c]));
    const fileCohorts = new Set(cohortRows.all.map((c) => c.fields.cohort));
    const filePeople = new Map(personRows.all.map((p) => [p.fields.email, p.fields]));
    const referenced = [
      ...new Set(
        personRows.all.flatMap((p) => [
          ...(p.fields.email ? [p.fields.email] : []),
          ...(p.fields.supervisor_email ?? []),
        ]),
      ),
    ];
    const storedPeople = await this.peopleByEmail(tenantId, referenced);
    // A file with unreadable rows (or header) cannot prove that something is missing from it.
    const cohortsReadable = cohortTable.errors.length === 0;
    const peopleReadable = peopleTable.errors.length === 0;

    for (const { row, fields } of personRows.all) {
      for (const cohort of fields.cohort ?? []) {
        if (!cohortsReadable || fileCohorts.has(cohort) || storedCohorts.has(cohort)) continue;
        errors.push({
          file: 'people',
          row,
          column: 'cohort',
          message: `unknown cohort "${cohort}": not in the cohorts file and not already imported`,
        });
      }
      for (const email of fields.supervisor_email ?? []) {
        const inFile = filePeople.get(email);
        // A person in the file is judged by the file (their own row reports a bad roles column).
        const roles: readonly Role[] | undefined = inFile ? inFile.roles : storedPeople.get(email)?.roles;
        if (inFile && !roles) continue;
        if (!roles) {
          if (!peopleReadable) continue;
          errors.push({
            file: 'people',
            row,
            column: 'supervisor_email',
            message: `${email} is not in the people file and not already imported`,
          });
        } else if (!roles.includes('supervisor')) {
          errors.push({
            file: 'people',
            row,
            column: 'supervisor_email',
            message: `${email} does not have the supervisor role`,
          });
        }
      }
    }
    if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };

    // 3. Write: cohorts, then people (who refer to cohorts), then links (which refer to people).
    const now = this.deps.clock.now();
    const cohortCounts = zeroCounts();
    const cohortIds = new Map([...storedCohorts].map(([name, c]) => [name, c._id]));
    for (const { data } of cohortRows.valid) {
      const stored = storedCohorts.get(data.cohort);
      const { id, outcome } = await cohorts.upsertByName(tenantId, toCohortImport(data, stored), now);
      cohortIds.set(data.cohort, id);
      cohortCounts[outcome]++;
    }

    const activeHosts = new Set((await directory.active(tenantId)).map((h) => h.email));
    const peopleCounts = zeroCounts();
    for (const { data } of personRows.valid) {
      // The directory import made them a host; a people.csv without that role must not undo it.
      const roles =
        activeHosts.has(data.email) && !data.roles.includes('ahp-host')
          ? [...data.roles, 'ahp-host' as const]
          : data.roles;
      const outcome = await people.upsertByEmail(
        tenantId,
        {
          email: data.email,
          displayName: data.display_name,
          roles,
          profession: data.profession,
          cohortId: null,
          cohortIds: data.cohort.map((name) => cohortIds.get(name)!),
          timeZone: data.time_zone,
        },
        now,
      );
      peopleCounts[outcome]++;
    }

    // The file is the whole truth about each listed person's supervisors.
    const ids = new Map(
      [...(await this.peopleByEmail(tenantId, referenced))].map(([email, p]) => [email, p._id]),
    );
    const linkCounts: LinkCounts = { added: 0, removed: 0, unchanged: 0 };
    for (const { data } of personRows.valid) {
      const studentId = ids.get(data.email)!;
      const supervisorIds = data.supervisor_email.map((e) => ids.get(e)!);
      linkCounts.removed += await supervisions.unlinkAllExcept(tenantId, studentId, supervisorIds);
      for (const supervisorId of supervisorIds) {
        if (await supervisions.link(tenantId, studentId, supervisorId, now)) linkCounts.added++;
        else linkCounts.unchanged++;
      }
    }

    return { ok: true, cohorts: cohortCounts, people: peopleCounts, supervisionLinks: linkCounts };
  }

  /**
   * `deactivateMissing` (the CLI: the file is the whole directory) marks every host not in the
   * file inactive; an upload from Teams adds and updates only.
   */
  async importDirectory(
    tenantId: string,
    csv: CsvInput,
    options: { deactivateMissing?: boolean } = {},
  ): Promise<DirectoryImportResult> {
    const { people, directory } = this.deps;
    const errors: RowError[] = [];
    const table = readCsvTable(csv, 'directory', DIRECTORY_COLUMNS);
    errors.push(...table.errors);
    const hostRows = validateRows(
      table.rows,
      hostRowSchema,
      hostColumnSchemas,
      () => [],
      'directory',
      errors,
    );
    rejectDuplicates(hostRows.all, (h) => h.email, 'directory', 'email', 'host', errors);
    if (errors.length > 0) return { ok: false, errors: sortErrors(errors) };

    const now = this.deps.clock.now();
    const hostCounts = zeroCounts();
    const peopleCounts = zeroCounts();
    for (const { data } of hostRows.valid) {
      const person = await people.addRoleByEmail(
        tenantId,
        data.email,
        'ahp-host',
        { displayName: data.display_name, profession: data.profession },
        now,
      );
      peopleCounts[person.outcome]++;
      const outcome = await directory.upsertByEmail(tenantId, toHostImport(data, person.id), now);
      hostCounts[outcome]++;
    }
    const deactivated =
      options.deactivateMissing === false
        ? 0
        : await directory.deactivateAllExcept(
            tenantId,
            hostRows.valid.map((h) => h.data.email),
            now,
          );
    return { ok: true, hosts: { ...hostCounts, deactivated }, people: peopleCounts };
  }

  /** The stored roster as cohorts.csv and people.csv: importing them again changes nothing. */
  /** The stored roster as cohorts.csv and people.csv: importing them again changes nothing. */
  exportRoster(tenantId: string): Promise<{ cohortsCsv: string; peopleCsv: string }> {
    return exportRoster(this.deps, tenantId);
  }

  /** The active AHP hosts as ahp-directory.csv. */
  exportDirectory(tenantId: string): Promise<string> {
    return exportDirectory(this.deps, tenantId);
  }

  private async peopleByEmail(tenantId: string, emails: string[]): Promise<Map<string, PersonDoc>> {
    if (emails.length === 0) return new Map();
    const found = await this.deps.people.byEmails(tenantId, emails);
    return new Map(found.map((p) => [p.email, p]));
  }
}
