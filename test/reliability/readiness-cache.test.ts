/**
 * /readyz answers from a cached background ping. Unit: the status follows the last ping, goes
 * stale when pings hang, and a hung ping is not doubled. Service: with the database frozen
 * (SIGSTOP, a hang rather than a refusal), a burst of /readyz requests is answered 503 without
 * any of them pinging the database, and 200 again once it runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPlacementCompanion, type PlacementCompanion } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Readiness } from '../../src/http/readiness.js';
import { createLogger } from '../../src/logger.js';
import { freePort, startLocalDb, type LocalDb } from '../../tools/local-db/local-db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('readiness: /readyz from a cached ping', function () {
  this.timeout(90_000);

  it('follows the last ping; a ping that hangs makes it stale (not ready), and is not started twice', async () => {
    let now = 0;
    let answer: ((ok: boolean) => void) | null = null;
    let pings = 0;
    const readiness = new Readiness(
      () => {
        pings++;
        return new Promise<boolean>((resolve) => (answer = resolve));
      },
      { staleMs: 3000 },
      () => now,
    );
    assert.equal(readiness.ready(), false, 'not ready before the first ping answers');
    const first = readiness.check();
    answer!(true);
    await first;
    assert.equal(readiness.ready(), true);
    now = 1000;
    const second = readiness.check();
    answer!(false);
    await second;
    assert.equal(readiness.ready(), false, 'a failed ping: not ready');
    const third = readiness.check();
    answer!(true);
    await third;
    assert.equal(readiness.ready(), true);
    // The database hangs: the next ping never answers.
    void readiness.check();
    void readiness.check(); // still in flight: not doubled
    assert.equal(pings, 4);
    now = 3999;
    assert.equal(readiness.ready(), true, 'within staleMs of the last answer');
    now = 4001;
    assert.equal(readiness.ready(), false, 'no answer for longer than staleMs');
  });

  describe('the service, with its database frozen', () => {
    let dataDir: string;
    let db: LocalDb;
    let service: PlacementCompanion;
    let baseUrl = '';
    let pings = 0;

    before(async () => {
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-readyz-'));
      db = await startLocalDb({ port: await freePort(), dataDir, quiet: true });
      const config = loadConfig({ MONGODB_URI: db.uri, MONGODB_DB: 'readyz', LOG_LEVEL: 'silent' });
      service = await createPlacementCompanion({
        config,
        logger: createLogger('silent'),
        mongoUri: db.uri,
        engines: false,
      });
      // Counts every ping of the database, whoever asks (the handler or the background check).
      const database = service.services.database;
      const ping = database.ping.bind(database);
      database.ping = (timeoutMs?: number) => {
        pings++;
        return ping(timeoutMs);
      };
      baseUrl = `http://127.0.0.1:${await service.listen(0, '127.0.0.1')}`;
    });
    after(async () => {
      db?.process.kill('SIGCONT');
      await service?.stop().catch(() => undefined);
      await db?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const readyz = async () => (await fetch(`${baseUrl}/readyz`)).status;

    it('answers 503 from the cache while the database hangs (no request waits on it), 200 once it runs again', async () => {
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++, await sleep(100)) status = await readyz();
      assert.equal(status, 200);

      db.process.kill('SIGSTOP');
      try {
        for (let i = 0; i < 100 && status !== 503; i++, await sleep(100)) status = await readyz();
        assert.equal(status, 503, 'not ready while the database hangs');
        const before = pings;
        const burst = await Promise.all(Array.from({ length: 20 }, () => readyz()));
        const sentByBurst = pings - before;
        assert.deepEqual(new Set(burst), new Set([503]));
        // Only the background ping (at most one a second, and none while one hangs) touches it.
        assert.ok(sentByBurst <= 1, `${sentByBurst} pings during a burst of 20 requests`);
      } finally {
        db.process.kill('SIGCONT');
      }
      for (let i = 0; i < 100 && status !== 200; i++, await sleep(100)) status = await readyz();
      assert.equal(status, 200, 'ready again');
    });
  });
});
