/**
 * restify server: POST /api/messages (Bot Framework), GET /healthz (process up),
 * GET /readyz (database reachable, from a cached ping: readiness.ts), feature routes, and in test runs the clock controls.
 */
import restify, { type Server } from 'restify';
import { authenticationFailure, type PlacementAdapter } from '../bot/adapter.js';
import type { Bot } from '../bot/application.js';
import { ControllableClock } from '../clock.js';
import type { Feature } from '../features/feature.js';
import type { Services } from '../services.js';
import { annotateTurn, traceRequests } from '../telemetry/http-spans.js';
import { checkInboundActivity } from './inbound-activity.js';
import { Readiness } from './readiness.js';
import { TurnTimeLimits } from './turn-time-limit.js';
import { timedSync, TurnTimings } from './turn-timings.js';

export interface HttpServer {
  server: Server;
  /** Turns being processed right now. */
  inflight(): number;
  /** Turns past their time limit (TURN_TIMEOUT_MS / INVOKE_TIMEOUT_MS), answered, still running. */
  lingering(): number;
  /** Where each turn on POST /api/messages spent its time (src/http/turn-timings.ts). */
  timings: TurnTimings;
}

export function createHttpServer(params: {
  services: Services;
  adapter: PlacementAdapter;
  bot: Bot;
  features: Feature[];
}): HttpServer {
  const { services, adapter, bot, features } = params;
  const { config, logger } = services;
  const server = restify.createServer({ name: 'placement-companion', handleUncaughtExceptions: false });
  server.server.requestTimeout = config.REQUEST_TIMEOUT_MS;
  server.server.headersTimeout = Math.min(config.REQUEST_TIMEOUT_MS, 60_000);
  // Node checks those timeouts only every connectionsCheckingInterval (30 s by default),
  // which would let a slow client hold a connection far longer than REQUEST_TIMEOUT_MS.
  (server.server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval =
    Math.max(250, Math.min(config.REQUEST_TIMEOUT_MS / 4, 5000));
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(
    restify.plugins.bodyParser({
      maxBodySize: config.BODY_LIMIT_BYTES,
      mapParams: false,
      rejectUnknown: true,
    }),
  );
  // A span per routed request while telemetry is on (after the body parser: see http-spans.ts).
  traceRequests(server);

  let inflight = 0;
  const timeLimits = new TurnTimeLimits(config, logger);
  const timings = new TurnTimings(
    (timing) => logger.debug({ ...timing }, 'http: turn timing'),
    () => logger.isLevelEnabled('debug'),
  );
  server.post('/api/messages', async (req, res) => {
    // Turns past their time limit no longer hold a slot, but are bounded the same way.
    if (inflight >= config.MAX_INFLIGHT_TURNS || timeLimits.lingering() >= config.MAX_INFLIGHT_TURNS) {
      res.header('Retry-After', '2');
      res.send(503, { error: 'busy', message: 'Too many turns in progress; retry shortly.' });
      return;
    }
    if (!req.is('json')) {
      res.send(415, { error: 'unsupported_media_type', message: 'Send the activity as application/json.' });
      return;
    }
    const check = checkInboundActivity(req.body);
    if (!check.ok) {
      res.send(400, { error: 'bad_request', message: check.reason });
      return;
    }
    annotateTurn(req, check.activity);
    const authorization = req.headers.authorization;
    inflight++;
    try {
      await timings.measure(check.activity, async (finish) => {
        const send = (status: number, body?: unknown, timedOut = false) => {
          timedSync('response', () => res.send(status, body));
          finish(status, timedOut);
        };
        try {
          const result = await timeLimits.run(
            check.activity,
            (context) => bot.handleTurn(context),
            (logic) =>
              adapter.handle(typeof authorization === 'string' ? authorization : '', check.activity, logic),
          );
          if (result.timedOut) {
            if (result.answer.retryAfter) res.header('Retry-After', result.answer.retryAfter);
            send(result.answer.status, result.answer.body, true);
            return;
          }
          const invokeResponse = result.invokeResponse;
          // An invoke no route handles gets 501 from botbuilder; for a caller that is a request we
          // do not support, answered with the defined 400 (nothing ran, nothing was written).
          if (invokeResponse?.status === 501) send(400, { error: 'unsupported_invoke' });
          else send(invokeResponse?.status ?? 200, invokeResponse?.body);
        } catch (err) {
          const auth = authenticationFailure(err);
          if (auth?.status === 401) {
            logger.warn(
              { activityId: check.activity.id, reason: (err as Error).message },
              'http: unauthenticated request refused',
            );
            if (!res.headersSent) send(401, { error: 'unauthorized' });
          } else if (auth?.status === 503) {
            logger.error({ reason: (err as Error).message }, 'http: cannot load token signing keys');
            if (!res.headersSent) {
              res.header('Retry-After', '5');
              send(503, { error: 'unavailable' });
            }
          } else {
            logger.error(
              { activityId: check.activity.id, err: (err as Error)?.message },
              'http: activity processing failed',
            );
            if (!res.headersSent) send(500, { error: 'internal' });
          }
        }
      });
    } finally {
      inflight--;
    }
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  // Answered from a ping made every second in the background, never waiting on the database.
  const readiness = new Readiness((timeoutMs) => services.database.ping(timeoutMs));
  readiness.start();
  server.server.on('close', () => readiness.stop());
  server.get('/readyz', async (_req, res) => {
    const ok = readiness.ready();
    res.send(ok ? 200 : 503, { status: ok ? 'ready' : 'database unavailable' });
  });

  if (config.ENABLE_TEST_CLOCK && services.clock instanceof ControllableClock)
    registerTestControls(server, services, services.clock);
  for (const feature of features) feature.registerHttp?.(server, services);

  return { server, inflight: () => inflight, lingering: () => timeLimits.lingering(), timings };
}

/** Only with ENABLE_TEST_CLOCK (refused by config when an app id is set): e2e tests drive time. */
function registerTestControls(server: Server, services: Services, clock: ControllableClock) {
  server.post('/test/clock', async (req, res) => {
    const body = (req.body ?? {}) as { now?: unknown; advanceMs?: unknown };
    if (typeof body.now === 'string' && !Number.isNaN(Date.parse(body.now))) clock.set(new Date(body.now));
    else if (typeof body.advanceMs === 'number') clock.advance(body.advanceMs);
    else return res.send(400, { error: 'give now (ISO) or advanceMs' });
    res.send(200, { now: clock.now().toISOString() });
  });
  server.post('/test/jobs/run-due', async (_req, res) => {
    const ran = await services.scheduler.runDueSettled();
    res.send(200, { ran, now: services.clock.now().toISOString() });
  });
  server.post('/test/outbox/drain', async (_req, res) => {
    await services.sender.drain(30_000);
    res.send(200, { drained: true });
  });
}
