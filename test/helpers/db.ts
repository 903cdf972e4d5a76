/** A fresh, uniquely named database on the run's local database server, per test suite. */
import { randomBytes } from 'node:crypto';
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

export async function dropAndClose(database: Database | undefined): Promise<void> {
  if (!database) return;
  await database.db.dropDatabase().catch(() => undefined);
  await database.close();
}
