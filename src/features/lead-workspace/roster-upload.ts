/**
 * A roster or directory CSV uploaded from Teams (a file sent in the lead's personal chat, or
 * the Manage page): the same all-or-nothing import as the admin CLI (RosterImportService), plus
 * what a lead may change. Which file it is comes from its header row (cohorts.csv, people.csv,
 * ahp-directory.csv; both roster files may come together).
 *
 * A lead (not an admin) may only list cohorts they lead or new ones (they then lead those),
 * people on cohorts they lead (or on none), never give the admin role, and never move someone
 * who is on another lead's cohort. A directory upload adds and updates hosts; it deactivates
 * nobody (the CLI's file is the whole directory, an upload is not). Every problem is reported
 * as "row N, column C: reason" and nothing is written.
 */
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import {
  COHORT_COLUMNS,
  DIRECTORY_COLUMNS,
  formatRowError,
  PEOPLE_COLUMNS,
  readCsvTable,
  splitList,
  type RowError,
  type UpsertCounts,
} from '../roster/ports.js';
import type { WorkspaceDeps } from './workspace-context.js';

export type UploadDeps = Pick<
  WorkspaceDeps,
  'clock' | 'people' | 'cohorts' | 'audit' | 'checkins' | 'roster'
>;

export interface UploadFile {
  name: string;
  text: string;
}

export type UploadOutcome =
  | { ok: true; summary: string }
  | { ok: false; kind: 'invalid'; errors: string[] }
  | { ok: false; kind: 'forbidden'; message: string };

/** The largest file accepted from Teams (the sample trust's people.csv is about 3 KB). */
export const MAX_UPLOAD_BYTES = 1024 * 1024;

type Kind = 'cohorts' | 'people' | 'directory';
const HEADER_ONLY: Record<Kind, string> = {
  cohorts: `${COHORT_COLUMNS.required.join(',')}\n`,
  people: `${PEOPLE_COLUMNS.required.join(',')}\n`,
  directory: `${DIRECTORY_COLUMNS.required.join(',')}\n`,
};

/** The kind of a roster file from its header row, or null. */
export function kindOf(text: string): Kind | null {
  const header = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]!
    .split(',')
    .map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  if (header.includes('role_type')) return 'directory';
  if (header.includes('start_date')) return 'cohorts';
  if (header.includes('roles') && header.includes('email')) return 'people';
  return null;
}

const counted = (what: string, c: UpsertCounts) =>
  `${what}: ${c.inserted} new, ${c.updated} changed, ${c.unchanged} unchanged`;

export class RosterUpload {
  constructor(private readonly s: UploadDeps) {}

  private get importer() {
    return this.s.roster;
  }

  async upload(tenantId: string, actor: PersonDoc, files: UploadFile[]): Promise<UploadOutcome> {
    const now = this.s.clock.now();
    if (!can(actor, 'roster.upload')) {
      await this.s.audit.record(
        tenantId,
        { actorId: actor._id, action: 'workspace.upload', outcome: 'refused' },
        now,
      );
      return {
        ok: false,
        kind: 'forbidden',
        message: 'Uploading a roster is for placement leads and administrators.',
      };
    }
    const byKind = new Map<Kind, UploadFile>();
    const errors: string[] = [];
    for (const f of files) {
      if (Buffer.byteLength(f.text) > MAX_UPLOAD_BYTES) {
        errors.push(`${f.name}: the file is larger than 1 MB`);
        continue;
      }
      const kind = kindOf(f.text);
      if (!kind)
        errors.push(
          `${f.name}: this is not a roster file. The first row must name the columns of cohorts.csv, people.csv or ahp-directory.csv.`,
        );
      else if (byKind.has(kind)) errors.push(`${f.name}: two ${kind} files at once; send one`);
      else byKind.set(kind, f);
    }
    if (files.length === 0) errors.push('No file came with the message.');
    if (byKind.has('directory') && byKind.size > 1)
      errors.push('Send the AHP directory on its own, not with the roster files.');
    if (errors.length > 0) return { ok: false, kind: 'invalid', errors };

    const directory = byKind.get('directory');
    if (directory) {
      if (!can(actor, 'directory.host.add'))
        return {
          ok: false,
          kind: 'forbidden',
          message: 'Adding AHP hosts is for placement leads and administrators.',
        };
      const result = await this.importer.importDirectory(tenantId, directory.text, {
        deactivateMissing: false,
      });
      if (!result.ok)
        return {
          ok: false,
          kind: 'invalid',
          errors: result.errors.map((e) => `${directory.name}: ${formatRowError(e)}`),
        };
      await this.s.audit.record(
        tenantId,
        {
          actorId: actor._id,
          action: 'workspace.upload',
          details: { kind: 'directory', inserted: result.hosts.inserted, updated: result.hosts.updated },
        },
        now,
      );
      return { ok: true, summary: `AHP directory uploaded. ${counted('Hosts', result.hosts)}.` };
    }

    const cohortsFile = byKind.get('cohorts');
    const peopleFile = byKind.get('people');
    const cohortsCsv = cohortsFile?.text ?? HEADER_ONLY.cohorts;
    const peopleCsv = peopleFile?.text ?? HEADER_ONLY.people;
    const refused = await this.leadRefusals(tenantId, actor, cohortsCsv, peopleCsv);
    const name = (e: RowError) => (e.file === 'cohorts' ? cohortsFile?.name : peopleFile?.name) ?? e.file;
    if (refused.length > 0)
      return { ok: false, kind: 'invalid', errors: refused.map((e) => `${name(e)}: ${formatRowError(e)}`) };

    const before = new Set((await this.s.cohorts.all(tenantId)).map((c) => c._id));
    const result = await this.importer.importRoster(tenantId, { cohortsCsv, peopleCsv });
    if (!result.ok)
      return {
        ok: false,
        kind: 'invalid',
        errors: result.errors.map((e) => `${name(e)}: ${formatRowError(e)}`),
      };

    // A lead who lists a new cohort leads it; every cohort of the tenant is re-planned (cheap, idempotent).
    const after = await this.s.cohorts.all(tenantId);
    for (const c of after.filter((c) => !before.has(c._id)))
      if (!can(actor, 'cohort.manage', { cohortId: c._id })) {
        const fresh = await this.s.people.byId(tenantId, actor._id);
        if (fresh) await this.s.people.attachToCohort(tenantId, fresh, c._id, true, now);
      }
    for (const c of after) await this.s.checkins.planOne(c, now);
    await this.s.audit.record(
      tenantId,
      {
        actorId: actor._id,
        action: 'workspace.upload',
        details: {
          kind: [cohortsFile && 'cohorts', peopleFile && 'people'].filter(Boolean).join('+'),
          cohorts: result.cohorts.inserted + result.cohorts.updated,
          people: result.people.inserted + result.people.updated,
          links: result.supervisionLinks.added + result.supervisionLinks.removed,
        },
      },
      now,
    );
    const parts = [];
    if (cohortsFile) parts.push(counted('Cohorts', result.cohorts));
    if (peopleFile)
      parts.push(
        counted('People', result.people),
        `supervisor links: ${result.supervisionLinks.added} added, ${result.supervisionLinks.removed} removed`,
      );
    return { ok: true, summary: `Roster uploaded. ${parts.join('; ')}.` };
  }

  /** What a lead (not an admin) may not change, row by row. Admins: nothing. */
  private async leadRefusals(
    tenantId: string,
    actor: PersonDoc,
    cohortsCsv: string,
    peopleCsv: string,
  ): Promise<RowError[]> {
    if (can(actor, 'roster.admin')) return [];
    const errors: RowError[] = [];
    const stored = new Map((await this.s.cohorts.all(tenantId)).map((c) => [c.name, c._id]));
    const led = (cohortName: string) => {
      const id = stored.get(cohortName);
      return id === undefined || can(actor, 'cohort.roster.manage', { cohortId: id });
    };
    for (const { row, values } of readCsvTable(cohortsCsv, 'cohorts', COHORT_COLUMNS).rows) {
      const cohort = values.cohort?.trim() ?? '';
      if (cohort && !led(cohort))
        errors.push({ file: 'cohorts', row, column: 'cohort', message: `you do not lead "${cohort}"` });
      else if (cohort && !stored.has(cohort) && !can(actor, 'cohort.create'))
        errors.push({
          file: 'cohorts',
          row,
          column: 'cohort',
          message: 'only placement leads can set up cohorts',
        });
    }
    const cohortName = new Map([...stored].map(([n, id]) => [id, n]));
    for (const { row, values } of readCsvTable(peopleCsv, 'people', PEOPLE_COLUMNS).rows) {
      const roles = splitList(values.roles ?? '').map((r) => r.toLowerCase());
      if (roles.includes('admin'))
        errors.push({
          file: 'people',
          row,
          column: 'roles',
          message: 'only an administrator can give the admin role',
        });
      for (const c of splitList(values.cohort ?? ''))
        if (!led(c))
          errors.push({ file: 'people', row, column: 'cohort', message: `you do not lead "${c}"` });
      const email = (values.email ?? '').trim().toLowerCase();
      const existing = email ? await this.s.people.byEmail(tenantId, email) : null;
      if (existing) {
        const theirs = existing.cohortIds ?? (existing.cohortId ? [existing.cohortId] : []);
        const foreign = theirs.filter((id) => !can(actor, 'cohort.roster.manage', { cohortId: id }));
        if (foreign.length > 0)
          errors.push({
            file: 'people',
            row,
            column: 'email',
            message: `${email} is also on ${foreign.map((id) => `"${cohortName.get(id) ?? 'another cohort'}"`).join(', ')}, which you do not lead; ask its lead or an administrator`,
          });
        else if (existing.roles.includes('admin'))
          errors.push({
            file: 'people',
            row,
            column: 'email',
            message: `${email} is an administrator; only an administrator can change them`,
          });
      }
    }
    return errors;
  }
}
