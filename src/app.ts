/**
 * Builds the whole service from a config: database, services, bot, HTTP server, engines.
 * Used by src/index.ts and by tests that run the service in-process.
 */
import type { AddressInfo } from 'node:net';
import { createAdapter } from './bot/adapter.js';
import { createBot, type PlatformRoutes } from './bot/application.js';
import { featureUtterances } from './features/utterances.js';
import { Understanding } from './understanding/understanding.js';
import { createTurnErrorHandler } from './bot/turn-error.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { features as allFeatures } from './features/index.js';
import type { Feature } from './features/feature.js';
import { createHttpServer } from './http/server.js';
import type { TurnTimings } from './http/turn-timings.js';
import { registerMaintenanceJobs } from './jobs/maintenance.js';
import type { Logger } from './logger.js';
import { HttpConnectorClient, type ConnectorClient } from './proactive/connector-client.js';
import { ManagedIdentityTokenProvider } from './proactive/managed-identity-token-provider.js';
import { tokenProviderFor } from './proactive/token-provider.js';
import { createServices, type Services } from './services.js';
import { ensureIndexes } from './storage/collections.js';
import { connectDatabase } from './storage/mongo.js';
import { registerOutboxGauges } from './telemetry/outbox-telemetry.js';

/** Longest a graceful stop waits for the turns in flight. */
const TURN_DRAIN_MS = 10_000;

export interface PlacementCompanion {
  services: Services;
  /** Starts listening and the background engines; resolves with the bound port. */
  listen(port: number, host?: string): Promise<number>;
  /**
   * Graceful stop (SIGTERM): no new requests (503, and the listener closes), turns in flight
   * finish (up to TURN_DRAIN_MS), the scheduler and sender stop and give back what this instance
   * holds (job leases, outbox items claimed but not sent), then the database closes.
   */
  stop(): Promise<void>;
  /** Turns on POST /api/messages: being answered, and past their time limit but still running. */
  turns(): { inflight: number; lingering: number };
  /** Per-phase timing of every turn on POST /api/messages (the bench subscribes). */
  turnTimings: TurnTimings;
}

export async function createPlacementCompanion(params: {
  config: Config;
  logger: Logger;
  mongoUri: string;
  clock?: Clock;
  connector?: ConnectorClient;
  features?: Feature[];
  /** Raw Teams AI routes for platform-level tests (src/bot/application.ts). */
  platformRoutes?: PlatformRoutes[];
  engines?: boolean;
  /** Database command events on `services.database.client` (tests and benches count queries). */
  monitorCommands?: boolean;
}): Promise<PlacementCompanion> {
  const { config, logger, mongoUri } = params;
  const clock = params.clock ?? systemClock;
  const database = await connectDatabase(mongoUri, config.MONGODB_DB, {
    monitorCommands: params.monitorCommands,
  });
  await ensureIndexes(database.db);

  // One token source for the bot's identity, for in-turn replies and proactive sends alike.
  const tokens = tokenProviderFor(config, (clientId) => new ManagedIdentityTokenProvider({ clientId }));
  const connector = params.connector ?? new HttpConnectorClient(tokens);
  const services = createServices({ config, clock, logger, database, connector });
  const features = params.features ?? allFeatures;
  const adapter = createAdapter(config, {}, tokens);
  adapter.onTurnError = createTurnErrorHandler(logger);
  registerMaintenanceJobs(services);
  // Trained from the features' phrasing lists (in-process, no network) on first use.
  const understanding = Understanding.lazy(featureUtterances, (classifier) =>
    logger.info({ trainingMs: Math.round(classifier.trainingMs) }, 'intent classifier trained'),
  );
  const bot = createBot(services, features, understanding, params.platformRoutes);
  const http = createHttpServer({ services, adapter, bot, features });
  const engines = params.engines ?? true;
  // Outbox backlog gauges while telemetry is on (started before this, in src/index.ts).
  const stopGauges = registerOutboxGauges(database.db);
  // Stopping: a request that still arrives (on a kept-alive connection) is refused, and the
  // connection closed, so load balancers and Bot Framework retry on another instance.
  let draining = false;
  http.server.pre((_req, res, next) => {
    if (!draining) return next();
    res.setHeader('Connection', 'close');
    res.setHeader('Retry-After', '1');
    res.send(503, { error: 'stopping' });
    return next(false);
  });

  return {
    services,
    async listen(port, host = config.HOST) {
      await new Promise<void>((resolve) => http.server.listen(port, host, resolve));
      if (engines) {
        services.scheduler.start();
        services.sender.start();
      }
      return (http.server.address() as AddressInfo).port;
    },
    turns: () => ({ inflight: http.inflight(), lingering: http.lingering() }),
    turnTimings: http.timings,
    async stop() {
      draining = true;
      const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
      http.server.server.closeIdleConnections();
      const deadline = Date.now() + TURN_DRAIN_MS;
      const turnsDone = (async () => {
        while ((http.inflight() > 0 || http.lingering() > 0) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 20));
      })();
      // The engines stop while the turns finish: they claim nothing more and release what they hold.
      await Promise.all([turnsDone, services.scheduler.stop(), services.sender.stop()]);
      // An erasure answered already runs to its end (a cut-short one is finished by a job later).
      await services.dataProtection.erasures.idle();
      // Connections still open once the turns are done (a client holding one): closed now.
      http.server.server.closeAllConnections();
      await closed;
      stopGauges();
      await database.close();
    },
  };
}
