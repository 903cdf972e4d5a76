/**
 * Checks across the rows of one import file and conversions from rows to stored settings:
 * each row against its schema (every column's problem reported), duplicates, error order.
 * Pure: no I/O.
 */
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { z } from 'zod';
import type { CsvFileKind, CsvRow, RowError } from './csv-table.js';
import type { CohortRow, ColumnProblem, HostRow } from './roster-rows.js';
import type { UpsertCounts } from './roster-import.js';

export interface Valid<T> {
  row: number;
  data: T;
}

/** Every row with the columns that parsed, so cross-row checks also cover rows with other errors. */
export interface Partly<T> {
  row: number;
  fields: Partial<T>;
}

export function validateRows<S extends z.ZodTypeAny>(
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
export function sentenceCase(message: string): string {
  return /^[A-Z][a-z]/.test(message) ? message[0]!.toLowerCase() + message.slice(1) : message;
}

/** Reports every later row that repeats a key, pointing at the first. */
export function rejectDuplicates<T>(
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

export function sortErrors(errors: RowError[]): RowError[] {
  const order: CsvFileKind[] = ['cohorts', 'people', 'directory'];
  return [...errors].sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.row - b.row);
}

export function zeroCounts(): UpsertCounts {
  return { inserted: 0, updated: 0, unchanged: 0 };
}

export function toCohortImport(row: CohortRow, stored: CohortDoc | undefined) {
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

export function toHostImport(row: HostRow, personId: string) {
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
