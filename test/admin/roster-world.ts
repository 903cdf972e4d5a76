/**
 * Shared setup of the roster-import tests: the CSV fixtures, small CSV helpers, and a fresh
 * database with the repositories and the RosterImportService over it.
 */
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { ControllableClock } from '../../src/clock.js';
import {
  formatRowError,
  RosterImportService,
  type DirectoryImportResult,
  type RosterImportResult,
} from '../../src/features/roster/roster-import.js';
import { AhpHostsRepository } from '../../src/storage/ahp-hosts-repository.js';
import { CohortsRepository } from '../../src/storage/cohorts-repository.js';
import { collections } from '../../src/storage/collections.js';
import type { Database } from '../../src/storage/mongo.js';
import { PeopleRepository } from '../../src/storage/people-repository.js';
import { SupervisionLinksRepository } from '../../src/storage/supervision-links-repository.js';
import { freshDatabase } from '../helpers/db.js';
import { fixture } from './fixtures.js';

export const TENANT = 'tenant-a';

export const COHORTS = fixture('cohorts.csv');
export const PEOPLE = fixture('people.csv');
export const DIRECTORY = fixture('ahp-directory.csv');

/** Data rows of a CSV, parsed independently of the code under test. */
export function records(csv: string): Record<string, string>[] {
  return parse(csv, { bom: true, columns: true, skip_empty_lines: true });
}

/** Replaces one line (1-based, as an editor counts) of a CSV text. */
export function withLine(csv: string, line: number, replace: (text: string) => string): string {
  const lines = csv.split('\n');
  lines[line - 1] = replace(lines[line - 1]!);
  return lines.join('\n');
}

export function ok<T extends RosterImportResult | DirectoryImportResult>(
  result: T,
): Extract<T, { ok: true }> {
  if (!result.ok) assert.fail(`import failed:\n${result.errors.map(formatRowError).join('\n')}`);
  return result as Extract<T, { ok: true }>;
}

export function failed(result: RosterImportResult | DirectoryImportResult): string[] {
  assert.equal(result.ok, false, 'expected the import to be refused');
  return (result as { errors: Parameters<typeof formatRowError>[0][] }).errors.map(
    (e) => `${e.file} ${formatRowError(e)}`,
  );
}

/** A fresh database, the repositories an import writes and the service under test. */
export async function openRoster() {
  const database = await freshDatabase('roster');
  const clock = new ControllableClock();
  clock.set(new Date('2025-01-06T09:00:00Z'));
  const people = new PeopleRepository(database.db);
  const cohorts = new CohortsRepository(database.db);
  const supervisions = new SupervisionLinksRepository(database.db);
  const directory = new AhpHostsRepository(database.db);
  const service = new RosterImportService({ people, cohorts, supervisions, directory, clock });
  return { database, clock, people, cohorts, supervisions, directory, service };
}

/** Every document of the collections an import writes, for before/after comparisons. */
export async function snapshotOf(database: Database) {
  const names = [collections.people, collections.cohorts, collections.supervisions, collections.ahpHosts];
  const out: Record<string, unknown[]> = {};
  for (const { name } of names)
    out[name] = await database.db.collection(name).find({}).sort({ _id: 1 }).toArray();
  return out;
}
