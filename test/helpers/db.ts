/** A fresh, uniquely named database on the run's local database server, per test suite. */
import { randomBytes } from 'node:crypto';
import type { CommandStartedEvent } from 'mongodb';
import { connectDatabase, type Database } from '../../src/storage/mongo.js';
import { ensureIndexes } from '../../src/storage/collections.js';

export function testMongoUri(): string {
  const uri = process.env.TEST_MONGODB_URI;
  if (!uri) throw new Error('TEST_MONGODB_URI is not set: run tests through mocha (test/setup/global.ts)');
  return uri;
}

export function uniqueDbName(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function freshDatabase(prefix = 't'): Promise<Database> {
  const database = await connectDatabase(testMongoUri(), uniqueDbName(prefix));
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
  const database = await connectDatabase(testMongoUri(), name);
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
  const watched = await connectDatabase(testMongoUri(), database.db.databaseName, { monitorCommands: true });
  watched.client.on('commandStarted', onCommand);
  return watched;
}
