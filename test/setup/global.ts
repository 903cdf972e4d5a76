/**
 * Mocha root hooks: the local database (FerretDB on SQLite, tools/local-db) starts when a test
 * first asks for it (test/helpers/db.ts) and stops after the run. Set TEST_MONGODB_URI to use
 * another server.
 */
import { ensureLocalDbBinary } from '../../tools/local-db/local-db.js';
import { stopTestDatabase } from '../helpers/db.js';

export const mochaHooks = {
  beforeAll(this: Mocha.Context) {
    // Only a first build (or one after tools/local-db changed) takes long, longer than a test's
    // timeout, so it happens here; otherwise this is a few file stats.
    this.timeout(600_000);
    if (!process.env.TEST_MONGODB_URI) ensureLocalDbBinary();
  },
  async afterAll() {
    await stopTestDatabase();
  },
};
