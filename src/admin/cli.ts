/**
 * Admin command line: `npm run admin -- <command>`. Imports and exports the roster and the
 * AHP directory (formats in fixtures/README.md). Run `npm run admin -- help`.
 *
 * Database: MONGODB_URI / MONGODB_DB. When MONGODB_URI is unset it uses the local database
 * on LOCAL_DB_PORT: the one already running there (e.g. under `npm start`), or one it starts
 * itself (data in LOCAL_DB_DATA) and stops again when done.
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from 'mongodb';
import { startLocalDb } from '../../tools/local-db/local-db.js';
import { systemClock } from '../clock.js';
import { ConfigError, loadConfig, redactUri, type Config } from '../config.js';
import { isValidTenantId } from '../domain/tenant-id.js';
import { PersonalData } from '../features/data-protection/personal-data.js';
import { createRepositories } from '../storage/repositories.js';
import { formatRowError, RosterImportService, type RowError } from '../features/roster/roster-import.js';
import { AhpHostsRepository } from '../storage/ahp-hosts-repository.js';
import { CohortsRepository } from '../storage/cohorts-repository.js';
import { ensureIndexes } from '../storage/collections.js';
import { connectDatabase, type Database } from '../storage/mongo.js';
import { PeopleRepository } from '../storage/people-repository.js';
import { SupervisionLinksRepository } from '../storage/supervision-links-repository.js';

export const USAGE = `Usage: npm run admin -- <command> [options]

Commands:
  import-roster --cohorts <cohorts.csv> --people <people.csv> [--tenant <id>]
      Import cohorts and people (matched by cohort name and email) and the
      students' supervisor links. If any row is invalid nothing is written and
      every problem is listed as "row N, column C: reason".
  import-directory <ahp-directory.csv> [--tenant <id>]
      Import the AHP directory (matched by email). Each host also becomes a
      person with the ahp-host role; hosts no longer listed are made inactive.
  export-roster [--out-dir <dir>] [--force] [--tenant <id>]
      Write cohorts.csv, people.csv and ahp-directory.csv to <dir> (default:
      the current directory) in the import formats. --force overwrites files.
  export-person <email> [--out <file>] [--tenant <id>]
      Write everything stored about one person (every collection that holds
      personal data) as JSON to <file>, or to standard output.
  erase-person <email> --yes [--tenant <id>]
      Delete everything stored about one person (as "delete my data" in chat).
      Without --yes it only lists what would be deleted.
  help
      Show this text.

Options:
  --tenant <id>   Teams tenant id (default: DEFAULT_TENANT_ID)

Database: MONGODB_URI and MONGODB_DB. Without MONGODB_URI the local database on
LOCAL_DB_PORT is used (started for the command if it is not already running).

Exit status: 0 done; 1 invalid rows (nothing written) or the command failed;
2 usage error (bad arguments, unreadable file, invalid configuration).`;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

type Command =
  'import-roster' | 'import-directory' | 'export-roster' | 'export-person' | 'erase-person' | 'help';

interface Parsed {
  command: Command;
  tenant?: string;
  cohorts?: string;
  people?: string;
  directory?: string;
  outDir: string;
  force: boolean;
  email?: string;
  out?: string;
  yes?: boolean;
}

const COMMAND_OPTIONS: Record<Command, { options: string[]; positionals: number }> = {
  'import-roster': { options: ['cohorts', 'people', 'tenant'], positionals: 0 },
  'import-directory': { options: ['tenant'], positionals: 1 },
  'export-roster': { options: ['out-dir', 'force', 'tenant'], positionals: 0 },
  'export-person': { options: ['out', 'tenant'], positionals: 1 },
  'erase-person': { options: ['yes', 'tenant'], positionals: 1 },
  help: { options: [], positionals: 0 },
};

export function parseCommandLine(argv: string[]): Parsed {
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        cohorts: { type: 'string' },
        people: { type: 'string' },
        tenant: { type: 'string' },
        'out-dir': { type: 'string' },
        force: { type: 'boolean' },
        out: { type: 'string' },
        yes: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const [name, ...rest] = positionals;
  if (values.help || name === undefined || name === 'help' || name === '--help')
    return { command: 'help', outDir: '.', force: false };
  if (!(name in COMMAND_OPTIONS)) throw new UsageError(`unknown command "${name}"`);
  const command = name as Command;
  const allowed = COMMAND_OPTIONS[command];
  for (const option of Object.keys(values)) {
    if (values[option] !== undefined && !allowed.options.includes(option)) {
      throw new UsageError(`${command} does not take --${option}`);
    }
  }
  if (rest.length !== allowed.positionals) {
    throw new UsageError(
      allowed.positionals === 0
        ? `${command} takes no file name without an option (got "${rest.join(' ')}")`
        : command.endsWith('-person')
          ? `${command} needs exactly one email address`
          : `${command} needs exactly one CSV file`,
    );
  }
  const tenant = values.tenant as string | undefined;
  if (tenant !== undefined && !isValidTenantId(tenant)) {
    throw new UsageError(
      '--tenant must be letters, digits and "-" only, up to 64 (a Teams tenant id is a GUID)',
    );
  }
  if (command === 'import-roster' && (!values.cohorts || !values.people)) {
    throw new UsageError('import-roster needs both --cohorts <csv> and --people <csv>');
  }
  return {
    command,
    tenant,
    cohorts: values.cohorts as string | undefined,
    people: values.people as string | undefined,
    directory: command === 'import-directory' ? rest[0] : undefined,
    email: command.endsWith('-person') ? rest[0] : undefined,
    out: values.out as string | undefined,
    yes: values.yes === true,
    outDir: (values['out-dir'] as string | undefined) ?? '.',
    force: values.force === true,
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: Parsed;
  let config: Config;
  try {
    args = parseCommandLine(argv);
    if (args.command === 'help') {
      console.log(USAGE);
      return EXIT_OK;
    }
    config = loadConfig();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`Error: ${err.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      return EXIT_USAGE;
    }
    throw err;
  }
  const tenantId = args.tenant ?? config.DEFAULT_TENANT_ID;

  // Read the input files before touching the database: a typo in a path is a usage error.
  const inputs = new Map<string, Buffer>();
  for (const file of [args.cohorts, args.people, args.directory]) {
    if (file === undefined) continue;
    try {
      inputs.set(file, await readFile(file));
    } catch (err) {
      console.error(
        `Error: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
      return EXIT_USAGE;
    }
  }

  let connection: Connection | undefined;
  try {
    connection = await openDatabase(config);
    const { db } = connection.database;
    await ensureIndexes(db);
    const service = new RosterImportService({
      people: new PeopleRepository(db),
      cohorts: new CohortsRepository(db),
      supervisions: new SupervisionLinksRepository(db),
      directory: new AhpHostsRepository(db),
      clock: systemClock,
    });
    const where = `tenant "${tenantId}", database ${config.MONGODB_DB} at ${connection.label}`;

    if (args.command === 'export-person' || args.command === 'erase-person') {
      return await personCommand(args, db, tenantId, where);
    }

    if (args.command === 'import-roster') {
      const result = await service.importRoster(tenantId, {
        cohortsCsv: inputs.get(args.cohorts!)!,
        peopleCsv: inputs.get(args.people!)!,
      });
      if (!result.ok)
        return reportErrors(result.errors, { cohorts: args.cohorts!, people: args.people!, directory: '' });
      console.log(`Roster imported (${where}):`);
      printCounts('cohorts', result.cohorts);
      printCounts('people', result.people);
      const l = result.supervisionLinks;
      console.log(
        `  ${'supervision links'.padEnd(18)} ${l.added} added, ${l.removed} removed, ${l.unchanged} unchanged`,
      );
      return EXIT_OK;
    }

    if (args.command === 'import-directory') {
      const result = await service.importDirectory(tenantId, inputs.get(args.directory!)!);
      if (!result.ok)
        return reportErrors(result.errors, { cohorts: '', people: '', directory: args.directory! });
      console.log(`AHP directory imported (${where}):`);
      printCounts('hosts', result.hosts, `, ${result.hosts.deactivated} made inactive`);
      printCounts('people', result.people);
      return EXIT_OK;
    }

    // export-roster
    const { cohortsCsv, peopleCsv } = await service.exportRoster(tenantId);
    const directoryCsv = await service.exportDirectory(tenantId);
    await mkdir(args.outDir, { recursive: true });
    const written: string[] = [];
    for (const [name, text] of [
      ['cohorts.csv', cohortsCsv],
      ['people.csv', peopleCsv],
      ['ahp-directory.csv', directoryCsv],
    ] as const) {
      const file = path.join(args.outDir, name);
      try {
        await writeFile(file, text, { flag: args.force ? 'w' : 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        console.error(
          `Error: ${file} already exists (use --force to overwrite)${written.length ? `; wrote ${written.join(', ')}` : ''}`,
        );
        return EXIT_USAGE;
      }
      written.push(file);
      console.log(`  ${file}: ${countLines(text)} rows`);
    }
    console.log(`Roster exported (${where}).`);
    return EXIT_OK;
  } catch (err) {
    console.error(`Error: ${(err as Error).message}`);
    return EXIT_FAILED;
  } finally {
    await connection?.close();
  }
}

async function personCommand(args: Parsed, db: Db, tenantId: string, where: string): Promise<number> {
  const personalData = new PersonalData(createRepositories(db));
  const person = await personalData.findPerson(tenantId, { email: args.email });
  if (!person) {
    console.error(`Error: nobody with email ${args.email} in ${where}`);
    return EXIT_FAILED;
  }
  const now = systemClock.now();
  if (args.command === 'export-person') {
    const json = JSON.stringify(await personalData.export(tenantId, person, now), null, 2);
    if (args.out) {
      await writeFile(args.out, json, { flag: 'wx', mode: 0o600 });
      console.error(`Personal data of ${person._id} written to ${args.out} (${where}).`);
    } else console.log(json);
    return EXIT_OK;
  }
  if (!args.yes) {
    console.log(`Would delete or detach, for ${person._id} (${where}):`);
    for (const [name, n] of Object.entries(await personalData.summary(tenantId, person)))
      console.log(`  ${name.padEnd(28)} ${n}`);
    console.log('Run again with --yes to erase.');
    return EXIT_OK;
  }
  const report = await personalData.erase(tenantId, person, now, { actorId: null, via: 'cli' });
  console.log(`Erased ${person._id} (${where}):`);
  for (const [name, n] of Object.entries(report.deleted)) console.log(`  ${name.padEnd(28)} ${n} deleted`);
  for (const [name, n] of Object.entries(report.pseudonymised))
    console.log(`  ${name.padEnd(28)} ${n} references removed`);
  return EXIT_OK;
}

function printCounts(label: string, c: { inserted: number; updated: number; unchanged: number }, extra = '') {
  console.log(
    `  ${label.padEnd(18)} ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged${extra}`,
  );
}

function reportErrors(errors: RowError[], files: Record<RowError['file'], string>): number {
  console.error(`Nothing was written: ${errors.length} problem${errors.length === 1 ? '' : 's'} found.`);
  let current: string | undefined;
  for (const error of errors) {
    if (files[error.file] !== current) {
      current = files[error.file];
      console.error(`${current}:`);
    }
    console.error(`  ${formatRowError(error)}`);
  }
  return EXIT_FAILED;
}

function countLines(csv: string): number {
  // Data rows only; quoted newlines are rare in exports and only make this an estimate.
  return Math.max(0, csv.split('\n').filter((l) => l !== '').length - 1);
}

interface Connection {
  database: Database;
  label: string;
  close(): Promise<void>;
}

async function openDatabase(config: Config): Promise<Connection> {
  if (config.MONGODB_URI) {
    const database = await connectDatabase(config.MONGODB_URI, config.MONGODB_DB);
    return { database, label: redactUri(config.MONGODB_URI), close: () => database.close() };
  }
  const port = config.LOCAL_DB_PORT;
  if (await isListening(port)) {
    const uri = `mongodb://127.0.0.1:${port}/`;
    const database = await connectDatabase(uri, config.MONGODB_DB);
    return { database, label: `${uri} (already running)`, close: () => database.close() };
  }
  const local = await startLocalDb({ port, dataDir: config.LOCAL_DB_DATA, quiet: true });
  try {
    const database = await connectDatabase(local.uri, config.MONGODB_DB);
    return {
      database,
      label: `${local.uri} (local database started for this command, data in ${local.dataDir})`,
      close: async () => {
        await database.close();
        await local.stop();
      },
    };
  } catch (err) {
    await local.stop();
    throw err;
  }
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}

process.exitCode = await main(process.argv.slice(2));
