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
import type { CohortDoc, CohortsRepository } from '../../storage/cohorts-repository.js';
import type { PeopleRepository, PersonDoc, Role } from '../../storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../storage/supervision-links-repository.js';
import {
  readCsvTable,
  writeCsv,
  type CsvFileKind,
  type CsvInput,
  type CsvRow,
  type RowError,
} from './csv-table.js';
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
  type CohortRow,
  type ColumnProblem,
  type HostRow,
} from './roster-rows.js';
import type { z } from 'zod';

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

interface Valid<T> {
  row: number;
  data: T;
}

/** Every row with the columns that parsed, so cross-row checks also cover rows with other errors. */
interface Partly<T> {
  row: number;
  fields: Partial<T>;
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
  async exportRoster(tenantId: string): Promise<{ cohortsCsv: string; peopleCsv: string }> {
    const { people, cohorts, supervisions } = this.deps;
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
  async exportDirectory(tenantId: string): Promise<string> {
    const hosts = (await this.deps.directory.all(tenantId)).filter((h) => h.active);
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

  private async peopleByEmail(tenantId: string, emails: string[]): Promise<Map<string, PersonDoc>> {
    if (emails.length === 0) return new Map();
    const found = await this.deps.people.byEmails(tenantId, emails);
    return new Map(found.map((p) => [p.email, p]));
  }
}

function validateRows<S extends z.ZodTypeAny>(
  rows: CsvRow[],
  schema: S,
  columns: Record<string, z.ZodTypeAny>,
  rowProblems: (fields: Partial<z.output<S>>) => ColumnProblem[],
  file: CsvFileKind,
  errors: RowError[],
): { valid: Valid<z.output<S>>[]; all: Partly<z.output<S>>[] } {
  const valid: Valid<z.output<S>>[] = [];
  const all: Partly<z.output<S>>[] = [];
  for (const { row, values } of rows) {
    const result = schema.safeParse(values);
    const problems: ColumnProblem[] = [];
    let fields: Partial<z.output<S>>;
    if (result.success) {
      fields = result.data;
    } else {
      const salvaged: Record<string, unknown> = {};
      for (const [column, columnSchema] of Object.entries(columns)) {
        const parsed = columnSchema.safeParse(values[column] ?? '');
        if (parsed.success) salvaged[column] = parsed.data;
      }
      fields = salvaged as Partial<z.output<S>>;
      for (const issue of result.error.issues) {
        problems.push({ column: String(issue.path[0]), message: sentenceCase(issue.message) });
      }
    }
    problems.push(...rowProblems(fields));
    const reported = new Set<string>();
    for (const { column, message } of problems) {
      const key = `${column}\u0000${message}`;
      if (reported.has(key)) continue;
      reported.add(key);
      errors.push({ file, row, column, message });
    }
    if (problems.length === 0) valid.push({ row, data: result.data });
    all.push({ row, fields });
  }
  return { valid, all };
}

/** 'Required' -> 'required', as messages follow "column C: "; leaves 'FTSU ...' alone. */
function sentenceCase(message: string): string {
  return /^[A-Z][a-z]/.test(message) ? message[0]!.toLowerCase() + message.slice(1) : message;
}

/** Reports every later row that repeats a key, pointing at the first. */
function rejectDuplicates<T>(
  rows: Partly<T>[],
  key: (fields: Partial<T>) => string | undefined,
  file: CsvFileKind,
  column: string,
  what: string,
  errors: RowError[],
) {
  const first = new Map<string, number>();
  for (const { row, fields } of rows) {
    const k = key(fields);
    if (k === undefined) continue;
    const earlier = first.get(k);
    if (earlier === undefined) first.set(k, row);
    else errors.push({ file, row, column, message: `duplicate ${what} "${k}" (first on row ${earlier})` });
  }
}

function sortErrors(errors: RowError[]): RowError[] {
  const order: CsvFileKind[] = ['cohorts', 'people', 'directory'];
  return [...errors].sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.row - b.row);
}

function zeroCounts(): UpsertCounts {
  return { inserted: 0, updated: 0, unchanged: 0 };
}

function toCohortImport(row: CohortRow, stored: CohortDoc | undefined) {
  return {
    name: row.cohort,
    startDate: row.start_date,
    weeks: row.weeks,
    clinicalDays: row.clinical_days,
    leadershipDays: row.leadership_days,
    nonPlacementDates: row.non_placement_dates,
    supervision: row.supervision,
    timeZone: row.time_zone,
    // Blank means "not linked in the file": keep a channel linked from Teams since.
    teamsChannelId: row.teams_channel_id ?? stored?.teamsChannelId ?? null,
  };
}

function toHostImport(row: HostRow, personId: string) {
  return {
    email: row.email,
    displayName: row.display_name,
    profession: row.profession,
    roleType: row.role_type,
    bio: row.bio,
    location: row.location,
    weeklyCap: row.weekly_cap,
    personId,
  };
}
