/**
 * Mocha root hooks: one real local database (FerretDB on SQLite, tools/local-db) for the
 * whole run, in a throwaway data directory. Set TEST_MONGODB_URI to use another server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalDb, type LocalDb } from '../../tools/local-db/local-db.js';

let localDb: LocalDb | undefined;
let dataDir: string | undefined;

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(180_000);
    if (process.env.TEST_MONGODB_URI) return;
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-test-db-'));
    localDb = await startLocalDb({ dataDir, quiet: true });
    process.env.TEST_MONGODB_URI = localDb.uri;
  },
  async afterAll() {
    await localDb?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  },
};
