import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { createPlacementCompanion, type PlacementCompanion } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { dropDatabaseNamed, testMongoUri, uniqueDbName } from '../helpers/db.js';

/** True when a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

const externalAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

describe('without an app id the service listens on loopback only (real listener)', function () {
  this.timeout(60_000);
  const dbName = uniqueDbName('listen');
  const started: PlacementCompanion[] = [];
  after(async () => {
    for (const service of started) await service.stop();
    await dropDatabaseNamed(dbName);
  });

  async function serve(env: Record<string, string>): Promise<number> {
    const config = loadConfig({
      MONGODB_URI: await testMongoUri(),
      MONGODB_DB: dbName,
      LOG_LEVEL: 'silent',
      ...env,
    });
    const service = await createPlacementCompanion({
      config,
      logger: createLogger('silent'),
      mongoUri: await testMongoUri(),
      engines: false,
    });
    started.push(service);
    return service.listen(0);
  }

  it('answers on 127.0.0.1 and refuses this machine’s other address', async function () {
    if (!externalAddress) this.skip();
    const port = await serve({});
    assert.equal(await accepts('127.0.0.1', port), true);
    assert.equal(await accepts(externalAddress!, port), false);
  });

  it('with ALLOW_UNAUTHENTICATED=true answers on the other address too', async function () {
    if (!externalAddress) this.skip();
    const port = await serve({ ALLOW_UNAUTHENTICATED: 'true' });
    assert.equal(await accepts(externalAddress!, port), true);
  });
});
