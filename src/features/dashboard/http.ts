/**
 * The dashboard over HTTP: the tab pages (tab-pages.ts) and the JSON API under /api/dashboard/.
 * Every API call authenticates the caller (tab SSO or, in development only, the dev sign-in),
 * validates its query with zod, and checks tenant and role before reading anything.
 */
import type { Request, Response, Server } from 'restify';
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { ForbiddenError, NotFoundError } from './access.js';
import { BadRequest, devTokenQuery, parse, type ApiRoute } from './api-input.js';
import type { DashboardService } from './dashboard-service.js';
import { registerJourneyApi } from './journey-api.js';
import { registerLeadApi } from './lead-api.js';
import { registerManageApi } from './manage-api.js';
import { AuthError, TabAuthenticator } from './tab-auth.js';
import { registerTabPages } from './tab-pages.js';

export { WEB_DIST } from './tab-pages.js';

function isDatabaseDown(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|PoolClosedError/.test(
    name,
  );
}

export function registerDashboardHttp(server: Server, dashboard: DashboardService): TabAuthenticator {
  const d = dashboard.deps;
  const auth = new TabAuthenticator(d.config, d.people);
  const { logger } = d;

  const api: ApiRoute = (route, handler) => {
    server.get(route, async (req: Request, res: Response) => {
      res.header('Cache-Control', 'no-store');
      try {
        const viewer = await auth.authenticate(req.header('authorization'));
        const out = await handler(req, viewer);
        if (out.csv !== undefined) {
          res.header('Content-Type', 'text/csv; charset=utf-8');
          res.header('Content-Disposition', `attachment; filename="${out.filename}"`);
          res.writeHead(200);
          res.end(out.csv);
          return;
        }
        res.send(out.status ?? 200, out.body);
      } catch (err) {
        sendError(res, err);
      }
    });
  };

  const apiPost: ApiRoute = (route, handler) => {
    server.post(route, async (req: Request, res: Response) => {
      res.header('Cache-Control', 'no-store');
      try {
        const viewer = await auth.authenticate(req.header('authorization'));
        const out = await handler(req, viewer);
        res.send(out.status ?? 200, out.body);
      } catch (err) {
        sendError(res, err);
      }
    });
  };

  const sendError = (res: Response, err: unknown) => {
    if (err instanceof AuthError) {
      res.header('WWW-Authenticate', 'Bearer');
      return res.send(401, { error: 'unauthorized', message: err.message });
    }
    if (err instanceof ForbiddenError) return res.send(403, { error: 'forbidden', message: err.message });
    if (err instanceof NotFoundError) return res.send(404, { error: 'not_found', message: err.message });
    if (err instanceof BadRequest)
      return res.send(400, { error: 'bad_request', message: err.message, fields: err.fields });
    if (err instanceof GroupTooSmallError)
      return res.send(422, {
        error: 'group_too_small',
        message: `${err.message}. Choose a wider cut (for example all professions) to see results.`,
        minimum: err.minimum,
      });
    if (isDatabaseDown(err)) {
      logger.warn({ err: (err as Error).name }, 'dashboard: database unavailable');
      return res.send(503, {
        error: 'database_unavailable',
        message:
          'The placement database is not reachable right now. Try again in a minute; if it keeps happening, tell your placement team.',
      });
    }
    logger.error({ err: (err as Error)?.message }, 'dashboard: request failed');
    res.send(500, {
      error: 'internal',
      message: 'Something went wrong loading the dashboard. Reload the tab to try again.',
    });
  };

  registerTabPages(server);

  // --- development sign-in ------------------------------------------------------------------
  server.get('/api/dashboard/dev-token', async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    if (!auth.devLoginEnabled) {
      res.send(404, { error: 'not_found', message: 'Development sign-in is not enabled.' });
      return;
    }
    try {
      const { as } = parse(devTokenQuery, req.query);
      const token = await auth.mintDevToken(as, d.config.DEFAULT_TENANT_ID);
      if (!token) {
        res.send(404, { error: 'not_found', message: 'Nobody with that email is on the roster.' });
        return;
      }
      res.send(200, { token });
    } catch (err) {
      sendError(res, err);
    }
  });

  // --- API ------------------------------------------------------------------------------------
  registerLeadApi(api, apiPost, dashboard);
  registerJourneyApi(api, apiPost, d);
  // The Manage page: the lead's workspace (cohort set-up, roster changes) over HTTP.
  registerManageApi({ get: api, post: apiPost }, d, parse);

  return auth;
}
