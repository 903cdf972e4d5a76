/**
 * `npm run playground`: the local database, the bot and Microsoft 365 Agents Playground
 * (`@microsoft/m365agentsplayground`, a local Teams-like client) together, offline.
 *
 * The playground reads its mock tenant (you, five colleagues, a personal chat, a group chat
 * and a team with one channel) from `.m365agentsplayground.yml` in the project root. Its people
 * are people from fixtures/people.csv; when the database has nobody in the
 * playground's tenant yet, that roster (and the AHP directory) is imported first.
 *
 * The bot recognises the playground's people the way it recognises Teams users: the first
 * activity carries only a Teams user id and an AAD object id that no roster knows, so
 * src/bot/identity.ts asks the connector (here the playground's own /_connector, which answers
 * from the yml) for the member's email and links that Teams identity to the imported person.
 *
 * Settings: the usual environment (PORT, MONGODB_URI, LOCAL_DB_PORT, …), plus
 *   PLAYGROUND_PORT  the playground's web UI/API port (default 56150; it falls back to a free one)
 *   PLAYGROUND_NOW   start the bot's clock at this instant and let it run on, e.g.
 *                    2025-02-03T09:30:00Z (the fixture cohorts ran in 2024/2025)
 *   PLAYGROUND_ROSTER_DIR  where cohorts.csv / people.csv / ahp-directory.csv are
 *                    (default fixtures/, the project's sample trust)
 * startPlayground() is also what test/e2e/playground.e2e.test.ts runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlacementCompanion, type PlacementCompanion } from '../src/app.js';
import { ControllableClock, systemClock, type Clock } from '../src/clock.js';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { RosterImportService, formatRowError } from '../src/features/roster/roster-import.js';
import { createLogger, type Logger } from '../src/logger.js';
import type { Services } from '../src/services.js';
import { AhpHostsRepository } from '../src/storage/ahp-hosts-repository.js';
import { startLocalDb, type LocalDb } from './local-db/local-db.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PLAYGROUND_CONFIG_FILE = path.join(projectRoot, '.m365agentsplayground.yml');
export const DEFAULT_ROSTER_DIR = path.join(projectRoot, 'fixtures');

/** The playground could not be started at all (missing package, exits at once): tests skip on this. */
export class PlaygroundUnavailableError extends Error {}

export interface PlaygroundOptions {
  /** Environment for loadConfig (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Bot port; 0 = a free one (default: PORT from the config). */
  botPort?: number;
  /** Playground port (default PLAYGROUND_PORT or 56150; the playground picks a free one if taken). */
  playgroundPort?: number;
  clock?: Clock;
  logger?: Logger;
  /** Directory with cohorts.csv, people.csv and (optional) ahp-directory.csv. */
  rosterDir?: string;
  /** Where the playground's own output goes: 'inherit' (console) or collected in `output`. */
  playgroundOutput?: 'inherit' | 'collect';
  /** Start the scheduler and outbox sender (default true). */
  engines?: boolean;
}

export interface SeedResult {
  seeded: boolean;
  reason: string;
}

export interface RunningPlayground {
  config: Config;
  service: PlacementCompanion;
  services: Services;
  botUrl: string;
  playgroundUrl: string;
  /** The playground's mock tenant, as it parsed .m365agentsplayground.yml. */
  tenant: PlaygroundTenant;
  seed: SeedResult;
  /** The playground's output so far (with playgroundOutput 'collect'). */
  output(): string;
  stop(): Promise<void>;
}

export interface PlaygroundUser {
  id: string;
  name: string;
  email: string;
  /** Spelt so by the playground. */
  userPrincipleName: string;
  aadObjectId: string;
}

export interface PlaygroundTenant {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string; name: string };
  groupChats: { id: string; name: string; members: string[] }[];
  /** Each team's channels start with General (id = the team id), then the yml's channel. */
  teams: { id: string; name: string; channels: { id: string; name: string }[]; members: string[] }[];
}

function playgroundCli(): string {
  const cli = path.join(projectRoot, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js');
  if (!existsSync(cli))
    throw new PlaygroundUnavailableError(
      `@microsoft/m365agentsplayground is not installed (no ${path.relative(projectRoot, cli)}); run npm install`,
    );
  return cli;
}

/** Imports the roster (and the AHP directory) when nobody is in the tenant yet. */
export async function seedRosterIfEmpty(
  services: Services,
  tenantId: string,
  rosterDir: string,
): Promise<SeedResult> {
  const existing = await services.people.scope(tenantId).countDocuments({});
  if (existing > 0) return { seeded: false, reason: `${existing} people already in tenant "${tenantId}"` };
  const cohortsFile = path.join(rosterDir, 'cohorts.csv');
  const peopleFile = path.join(rosterDir, 'people.csv');
  if (!existsSync(cohortsFile) || !existsSync(peopleFile))
    return { seeded: false, reason: `no cohorts.csv/people.csv in ${rosterDir}` };
  const importer = new RosterImportService({
    people: services.people,
    cohorts: services.cohorts,
    supervisions: services.supervisions,
    directory: new AhpHostsRepository(services.database.db),
    clock: services.clock,
  });
  const roster = await importer.importRoster(tenantId, {
    cohortsCsv: readFileSync(cohortsFile),
    peopleCsv: readFileSync(peopleFile),
  });
  if (!roster.ok)
    throw new Error(`roster import failed:\n${roster.errors.map((e) => formatRowError(e)).join('\n')}`);
  let reason = `imported ${roster.cohorts.inserted} cohorts and ${roster.people.inserted} people from ${rosterDir}`;
  const directoryFile = path.join(rosterDir, 'ahp-directory.csv');
  if (existsSync(directoryFile)) {
    const directory = await importer.importDirectory(tenantId, readFileSync(directoryFile));
    if (!directory.ok)
      throw new Error(
        `AHP directory import failed:\n${directory.errors.map((e) => formatRowError(e)).join('\n')}`,
      );
    reason += ` and ${directory.hosts.inserted} AHP hosts`;
  }
  return { seeded: true, reason };
}

function spawnPlayground(
  cli: string,
  config: Config,
  botPort: number,
  playgroundPort: number,
  output: 'inherit' | 'collect',
  collected: string[],
): { child: ChildProcess; port: Promise<number> } {
  const args = [
    cli,
    '--app-endpoint',
    `http://127.0.0.1:${botPort}/api/messages`,
    '--channel-id',
    'msteams',
    '--port',
    String(playgroundPort),
    // Offline: no Application Insights telemetry.
    '--disable-telemetry',
  ];
  if (config.MicrosoftAppId && config.MicrosoftAppPassword) {
    args.push('--client-id', config.MicrosoftAppId, '--client-secret', config.MicrosoftAppPassword);
    if (config.MicrosoftAppTenantId) args.push('--tenant-id', config.MicrosoftAppTenantId);
  }
  const child = spawn(process.execPath, args, {
    // The playground reads .m365agentsplayground.yml from its working directory.
    cwd: projectRoot,
    env: { ...process.env, TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER ?? 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = new Promise<number>((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (output === 'inherit') process.stdout.write(text);
      else collected.push(text);
      buffer += text;
      const match = /Listening on (\d+)/.exec(buffer);
      if (match) resolve(Number(match[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (output === 'inherit') process.stderr.write(chunk);
      else collected.push(chunk.toString());
    });
    child.once('error', (err) =>
      reject(new PlaygroundUnavailableError(`cannot run the Agents Playground: ${err.message}`)),
    );
    child.once('exit', (code, signal) =>
      reject(
        new PlaygroundUnavailableError(
          `the Agents Playground exited during start-up (${signal ?? `exit code ${code}`}):\n${collected.join('').slice(-2000)}`,
        ),
      ),
    );
    setTimeout(
      () => reject(new PlaygroundUnavailableError('the Agents Playground did not listen within 60 s')),
      60_000,
    ).unref();
  });
  return { child, port };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<RunningPlayground> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const cli = playgroundCli();
  if (!existsSync(PLAYGROUND_CONFIG_FILE))
    throw new Error(`${PLAYGROUND_CONFIG_FILE} is missing: the playground would use its built-in strangers`);

  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    let mongoUri = config.MONGODB_URI;
    if (!mongoUri) {
      const localDb: LocalDb = await startLocalDb({
        port: config.LOCAL_DB_PORT,
        dataDir: config.LOCAL_DB_DATA,
        quiet: true,
      });
      stops.push(() => localDb.stop());
      mongoUri = localDb.uri;
    }
    const service = await createPlacementCompanion({
      config,
      logger,
      mongoUri,
      clock: options.clock ?? systemClock,
      engines: options.engines,
    });
    const botPort = await service.listen(options.botPort ?? config.PORT, '127.0.0.1');
    stops.push(() => service.stop());

    const collected: string[] = [];
    const requestedPort = options.playgroundPort ?? Number(env.PLAYGROUND_PORT ?? 56150);
    const { child, port } = spawnPlayground(
      cli,
      config,
      botPort,
      requestedPort,
      options.playgroundOutput ?? 'inherit',
      collected,
    );
    stops.push(() => stopChild(child));
    const playgroundPort = await port;
    const playgroundUrl = `http://127.0.0.1:${playgroundPort}`;

    // The mock tenant as the playground parsed it (what its web client reads too).
    const testConfig = await fetch(`${playgroundUrl}/_internal/v1/testConfig`);
    if (!testConfig.ok) throw new Error(`playground config: HTTP ${testConfig.status}`);
    const tenant = ((await testConfig.json()) as { config: PlaygroundTenant }).config;
    if (tenant.tenantId !== config.DEFAULT_TENANT_ID)
      logger.warn(
        { playgroundTenant: tenant.tenantId, defaultTenant: config.DEFAULT_TENANT_ID },
        'playground: its tenantId differs from DEFAULT_TENANT_ID; `npm run admin` imports go to the latter',
      );
    const seed = await seedRosterIfEmpty(
      service.services,
      tenant.tenantId,
      options.rosterDir ?? env.PLAYGROUND_ROSTER_DIR ?? DEFAULT_ROSTER_DIR,
    );

    return {
      config,
      service,
      services: service.services,
      botUrl: `http://127.0.0.1:${botPort}`,
      playgroundUrl,
      tenant,
      seed,
      output: () => collected.join(''),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** PLAYGROUND_NOW: a clock that starts at that instant and keeps running. */
function clockFrom(env: NodeJS.ProcessEnv): Clock {
  const at = env.PLAYGROUND_NOW;
  if (!at) return systemClock;
  const instant = Date.parse(at);
  if (Number.isNaN(instant)) throw new ConfigError(`PLAYGROUND_NOW: not an ISO date-time (${at})`);
  const clock = new ControllableClock();
  clock.advance(instant - Date.now());
  return clock;
}

async function main() {
  let running: RunningPlayground;
  try {
    running = await startPlayground({ clock: clockFrom(process.env) });
  } catch (err) {
    console.error(`npm run playground: ${(err as Error).message}`);
    process.exit(1);
  }
  const { tenant, seed } = running;
  const roles = async (email: string) =>
    (await running.services.people.byEmail(tenant.tenantId, email))?.roles.join(', ') ?? 'not on the roster';
  console.log(`
Placement Companion is running in Microsoft 365 Agents Playground.
  Playground   ${running.playgroundUrl.replace('127.0.0.1', 'localhost')}  (open it in a browser)
  Bot          ${running.botUrl}/api/messages
  Roster       ${seed.seeded ? seed.reason : `kept (${seed.reason})`}
  Clock        ${running.services.clock.now().toISOString()}${process.env.PLAYGROUND_NOW ? ' (PLAYGROUND_NOW)' : ''}
  You are      ${tenant.currentUser.name} <${tenant.currentUser.email}> (${await roles(tenant.currentUser.email)})
  Also present ${(await Promise.all(tenant.users.map(async (u) => `${u.name} (${await roles(u.email)})`))).join('; ')}
Try: help · check in · my check-ins. Change "currentUser" in .m365agentsplayground.yml to be someone else.
Ctrl+C stops everything.`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
