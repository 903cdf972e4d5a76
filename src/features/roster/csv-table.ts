/**
 * Reading and writing the admin CSV files (fixtures/README.md): header row required,
 * columns in any order, UTF-8 with or without BOM, quoted fields may hold commas and
 * newlines. Problems come back as RowErrors (`row N, column C: reason`) instead of throwing,
 * so an import can report every bad row at once.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

/** CSV file contents: text, or raw bytes (checked to be UTF-8). */
export type CsvInput = string | Uint8Array;

export type CsvFileKind = 'cohorts' | 'people' | 'directory';

export interface RowError {
  file: CsvFileKind;
  /** Line in the file where the record starts, as a person counts it; the header is row 1. */
  row: number;
  /** Column name, or null when the problem is with the whole row or file. */
  column: string | null;
  message: string;
}

/** `row 4, column email: not a valid email address` (or `row 4: ...` for a whole-row problem). */
export function formatRowError(error: RowError): string {
  return error.column === null
    ? `row ${error.row}: ${error.message}`
    : `row ${error.row}, column ${error.column}: ${error.message}`;
}

export interface CsvRow {
  row: number;
  /** Every known column (required and optional), '' when absent or blank. Not trimmed. */
  values: Record<string, string>;
}

export interface CsvTable {
  rows: CsvRow[];
  errors: RowError[];
}

export interface CsvColumns {
  required: readonly string[];
  optional: readonly string[];
}

/**
 * Parses a CSV file into rows keyed by column name. Reports: invalid UTF-8, malformed CSV,
 * a missing header, missing/unknown/duplicate columns (all as row 1), and rows with the
 * wrong number of fields. Blank lines (and lines of only commas) are skipped.
 */
export function readCsvTable(input: CsvInput, file: CsvFileKind, columns: CsvColumns): CsvTable {
  const fail = (row: number, column: string | null, message: string): CsvTable => ({
    rows: [],
    errors: [{ file, row, column, message }],
  });

  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      return fail(1, null, 'the file is not valid UTF-8 text (save it as "CSV UTF-8")');
    }
  }
  // One line-ending convention: csv-parse miscounts lines for CRLF inside quoted fields.
  text = text.replace(/\r\n?/g, '\n');

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as typeof records; // `info: true` wraps each record
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    const reason =
      e.code === 'CSV_INVALID_CLOSING_QUOTE'
        ? 'a " inside a quoted value must be doubled ("")'
        : e.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'a quoted value is never closed (missing ")'
          : (e.message ?? String(err));
    return fail(e.lines ?? 1, null, `cannot read the CSV: ${reason}`);
  }

  const header = records[0];
  if (!header)
    return fail(1, null, `the file is empty: expected a header row (${columns.required.join(', ')})`);
  const headerRow = startLine(header);

  const names = header.record.map((h) => h.trim());
  const known = new Set([...columns.required, ...columns.optional]);
  const errors: RowError[] = [];
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (name === '') {
      errors.push({
        file,
        row: headerRow,
        column: null,
        message: `column ${i + 1} has no name in the header row`,
      });
    } else if (!known.has(name)) {
      errors.push({
        file,
        row: headerRow,
        column: name,
        message: `unknown column (expected ${[...columns.required, ...columns.optional].join(', ')})`,
      });
    } else if (seen.has(name)) {
      errors.push({
        file,
        row: headerRow,
        column: name,
        message: 'column appears more than once in the header row',
      });
    }
    seen.add(name);
  });
  for (const name of columns.required) {
    if (!seen.has(name))
      errors.push({
        file,
        row: headerRow,
        column: name,
        message: 'required column is missing from the header row',
      });
  }
  if (errors.length > 0) return { rows: [], errors };

  const rows: CsvRow[] = [];
  for (const rec of records.slice(1)) {
    const row = startLine(rec);
    if (rec.record.length !== names.length) {
      errors.push({
        file,
        row,
        column: null,
        message: `expected ${names.length} fields like the header row, found ${rec.record.length} (a comma inside a value needs "quotes")`,
      });
      continue;
    }
    const values: Record<string, string> = {};
    for (const name of known) values[name] = '';
    names.forEach((name, i) => (values[name] = rec.record[i] ?? ''));
    rows.push({ row, values });
  }
  return { rows, errors };
}

/** csv-parse reports the line a record ends on; a record spans one line per newline in its quoted fields. */
function startLine(rec: { record: string[]; info: { lines: number } }): number {
  const newlines = rec.record.reduce((n, field) => n + (field.match(/\n/g)?.length ?? 0), 0);
  return rec.info.lines - newlines;
}

/** CSV text with a header row, columns in the given order, `\n` line endings, no BOM. */
export function writeCsv(columns: readonly string[], rows: Record<string, string | number>[]): string {
  return stringify(rows, { header: true, columns: [...columns] });
}
