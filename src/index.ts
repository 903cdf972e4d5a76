/**
 * Composition root: load config, start the local database when MONGODB_URI is unset,
 * build the service, listen, and stop gracefully on SIGTERM/SIGINT.
 *
 * Runs from the sources (`npm start`, tsx) and from the compiled build (`npm run start:prod`,
 * plain node on dist/src/index.js). The local database is development tooling (built with Go
 * from tools/local-db): it is loaded only when MONGODB_URI is unset, so production never loads it.
 */
import type { LocalDb } from '../tools/local-db/local-db.js';
import { createPlacementCompanion } from './app.js';
import { ControllableClock, systemClock } from './clock.js';
import { ConfigError, effectiveSettings, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startTelemetry } from './telemetry/telemetry.js';

/** Longest a SIGTERM drain may take (App Service and Kubernetes give 30 s before SIGKILL). */
const SHUTDOWN_DEADLINE_MS = 25_000;

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.LOG_LEVEL);
  logger.info({ settings: effectiveSettings(config) }, 'effective settings');
  if (!config.MicrosoftAppId)
    logger.warn(
      { host: config.HOST },
      'inbound authentication is OFF (no MicrosoftAppId): local development only, never expose this service',
    );

  // Before the database connects: database spans need the driver's command events.
  // (The effective settings above say whether it is on.)
  const telemetry = await startTelemetry({ connectionString: config.APPLICATIONINSIGHTS_CONNECTION_STRING });

  let localDb: LocalDb | null = null;
  let mongoUri = config.MONGODB_URI;
  if (!mongoUri) {
    logger.info(
      { port: config.LOCAL_DB_PORT, data: config.LOCAL_DB_DATA },
      'MONGODB_URI not set: starting the local database',
    );
    const { startLocalDb } = await import('../tools/local-db/local-db.js');
    localDb = await startLocalDb({ port: config.LOCAL_DB_PORT, dataDir: config.LOCAL_DB_DATA, quiet: true });
    mongoUri = localDb.uri;
  }

  const clock = config.ENABLE_TEST_CLOCK ? new ControllableClock() : systemClock;
  const service = await createPlacementCompanion({ config, logger, mongoUri, clock });
  const port = await service.listen(config.PORT);
  logger.info({ port }, `Placement Companion listening on http://${config.HOST}:${port}/api/messages`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: no new turns; finishing turns in flight, releasing claims and leases');
    // A drain that hangs (a Bot Connector call that never answers) must not outlive the
    // platform's own grace period silently: exit non-zero after SHUTDOWN_DEADLINE_MS.
    setTimeout(() => {
      logger.error({ afterMs: SHUTDOWN_DEADLINE_MS }, 'stopping: drain did not finish in time, exiting');
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    let code = 0;
    try {
      await service.stop();
      logger.info('stopped');
    } catch (err) {
      code = 1;
      logger.error({ err: (err as Error).message }, 'stopping failed');
    } finally {
      // Bounded (5 s): the last export is dropped rather than holding up the exit.
      await telemetry.shutdown().catch(() => undefined);
      await localDb?.stop().catch(() => undefined);
      process.exit(code);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`Placement Companion failed to start: ${(err as Error).message}`);
  process.exit(1);
});
