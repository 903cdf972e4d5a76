/**
 * The run's database server, started on first use: a run of pure tests starts none. Set
 * TEST_MONGODB_URI to use another server. The unit run (npm run test:unit) forbids it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandStartedEvent } from 'mongodb';
import { connectDatabase, type Database } from '../../src/storage/mongo.js';
import { ensureIndexes } from '../../src/storage/collections.js';
import { startLocalDb, type LocalDb } from '../../tools/local-db/local-db.js';
import { refuseDatabaseInUnitRun } from '../setup/unit-run.js';

let shared: Promise<{ db: LocalDb; dataDir: string }> | undefined;

export async function testMongoUri(): Promise<string> {
  refuseDatabaseInUnitRun();
  if (process.env.TEST_MONGODB_URI) return process.env.TEST_MONGODB_URI;
  shared ??= (async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-test-db-'));
    return { db: await startLocalDb({ dataDir, quiet: true }), dataDir };
  })();
  return (await shared).db.uri;
}

/** Stops the run's database if a test started it (mocha root hook, test/setup/global.ts). */
export async function stopTestDatabase(): Promise<void> {
  const started = await shared?.catch(() => undefined);
  shared = undefined;
  if (!started) return;
  await started.db.stop();
  rmSync(started.dataDir, { recursive: true, force: true });
}

export function uniqueDbName(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function freshDatabase(prefix = 't'): Promise<Database> {
  const database = await connectDatabase(await testMongoUri(), uniqueDbName(prefix));
  await ensureIndexes(database.db);
  return database;
}

/**
 * Drops a database by name over a connection of its own. Call it after the service that used the
 * database has stopped: a running service's scheduler or sender would write to it mid-drop, the
 * local database (FerretDB on SQLite) then creates it again under the same file name while a
 * query still maps the old file's WAL index, and the whole database server dies of SIGBUS.
 */
export async function dropDatabaseNamed(name: string): Promise<void> {
  const database = await connectDatabase(await testMongoUri(), name);
  await dropAndClose(database);
}

export async function dropAndClose(database: Database | undefined): Promise<void> {
  if (!database) return;
  await database.db.dropDatabase().catch(() => undefined);
  await database.close();
}

/**
 * A second connection to the same database that hands every command it starts to `onCommand`:
 * for tests that count what the code under test asks of the database.
 */
export async function watchedConnection(
  database: Database,
  onCommand: (e: CommandStartedEvent) => void,
): Promise<Database> {
  const watched = await connectDatabase(await testMongoUri(), database.db.databaseName, {
    monitorCommands: true,
  });
  watched.client.on('commandStarted', onCommand);
  return watched;
}
