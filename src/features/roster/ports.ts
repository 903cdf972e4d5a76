/**
 * The roster: reading and writing the roster files (cohorts.csv, people.csv) and the AHP
 * directory (ahp-directory.csv), all or nothing. Used by the admin CLI and by the lead's upload
 * in Teams (lead-workspace). It needs nothing from other features.
 */
import type { CsvInput, RowError } from './csv-table.js';
import type { DirectoryImportResult, RosterImportResult, UpsertCounts } from './roster-import.js';

/** What the roster needs from other features. */
export type RosterNeeds = Record<string, never>;

/** What it offers: an import of the roster or the directory that writes everything or nothing. */
export interface RosterImporter {
  importRoster(
    tenantId: string,
    files: { cohortsCsv: CsvInput; peopleCsv: CsvInput },
  ): Promise<RosterImportResult>;
  importDirectory(
    tenantId: string,
    csv: CsvInput,
    options?: { deactivateMissing?: boolean },
  ): Promise<DirectoryImportResult>;
}

export type { CsvInput, RowError, DirectoryImportResult, RosterImportResult, UpsertCounts };

/** Pure helpers on CSV text (no state, no I/O), offered with the importer. */
export { formatRowError, readCsvTable } from './csv-table.js';
export { COHORT_COLUMNS, DIRECTORY_COLUMNS, PEOPLE_COLUMNS, splitList } from './roster-rows.js';
