/**
 * The dashboard over HTTP: the tab pages (a static front-end build from src/web, built into
 * dist/web by `npm run build:web`) and the JSON API under /api/dashboard/. Every API call
 * authenticates the caller (tab SSO or, in development only, the dev sign-in), validates its
 * query with zod, and checks tenant and role before reading anything.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { can } from '../../domain/authorization.js';
import { currentCohort } from '../../domain/current-cohort.js';
import { formatZodIssues } from '../../domain/validation.js';
import { packageRoot } from '../../package-root.js';
import type { Services } from '../../services.js';
import { MAX_COMPARED } from '../surveys/compare-cohorts.js';
import {
  cohortForLead,
  cohortsToCompare,
  ForbiddenError,
  isLead,
  isStudent,
  isSupervisor,
  NotFoundError,
  studentForSupervisor,
  viewableCohorts,
} from './access.js';
import { createExportToken, EXPORT_LINK_TTL_MS } from '../reflections/export-links.js';
import { registerManageApi, type ApiAnswer } from './manage-api.js';
import { exportAvailable } from './sources.js';
import { leadTable, LEAD_TABLES, toCsv } from './tables.js';
import { AuthError, TabAuthenticator, type Viewer } from './tab-auth.js';
import { cohortComparison, leadOverview, studentView, summariseCohort, supervisorView } from './views.js';

/** The tab's build (npm run build:web), from the sources and from the compiled service alike. */
export const WEB_DIST = path.join(packageRoot, 'dist', 'web');

const PAGES = ['/tabs/my-placement', '/tabs/cohort', '/tabs/config'];
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};
/** Teams (web, desktop, mobile) and Outlook/Office hosts may frame the tab. */
const FRAME_ANCESTORS =
  "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.teams.microsoft.us https://*.skype.com https://*.office.com https://*.office365.com https://*.microsoft365.com https://*.cloud.microsoft https://outlook.office.com https://outlook.live.com";
const CSP = `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' https://res.cdn.office.net; ${FRAME_ANCESTORS}`;

const weekParam = z.coerce.number().int().min(1).max(52);
const idParam = z.string().min(1).max(200).regex(/^[^$]/, 'must not start with $');
const leadQuery = z
  .object({
    cohortId: idParam,
    fromWeek: weekParam.optional(),
    toWeek: weekParam.optional(),
    profession: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((q) => q.fromWeek === undefined || q.toWeek === undefined || q.fromWeek <= q.toWeek, {
    message: 'fromWeek must not be after toWeek',
    path: ['fromWeek'],
  });
const tableQuery = z
  .object({
    cohortId: idParam,
    fromWeek: weekParam.optional(),
    toWeek: weekParam.optional(),
    profession: z.string().trim().min(1).max(100).optional(),
    table: z.enum(LEAD_TABLES),
  })
  .strict();
const compareQuery = z
  .object({
    cohortIds: z
      .string()
      .max(2000)
      .transform((v) => [
        ...new Set(
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(
        z
          .array(idParam)
          .min(2, 'choose at least two cohorts to compare')
          .max(MAX_COMPARED, `choose up to ${MAX_COMPARED} cohorts`),
      ),
  })
  .strict();
const devTokenQuery = z.object({ as: z.string().trim().email().max(200) }).strict();
const emptyQuery = z.object({}).strict();

class BadRequest extends Error {
  constructor(readonly fields: Record<string, string>) {
    super('Some query parameters are not valid.');
  }
}

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, query: unknown): T {
  const result = schema.safeParse(query ?? {});
  if (!result.success) throw new BadRequest(formatZodIssues(result.error));
  return result.data;
}

function isDatabaseDown(err: unknown): boolean {
  const name = (err as { name?: string })?.name ?? '';
  return /MongoServerSelectionError|MongoNetworkError|MongoNotConnectedError|MongoTopologyClosedError|PoolClosedError/.test(
    name,
  );
}

export function registerDashboardHttp(server: Server, services: Services): TabAuthenticator {
  const auth = new TabAuthenticator(services.config, services.people);
  const { logger } = services;

  const api = (
    route: string,
    handler: (
      req: Request,
      viewer: Viewer,
    ) => Promise<{ status?: number; body: unknown; csv?: string; filename?: string }>,
  ) => {
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

  const apiPost = (route: string, handler: (req: Request, viewer: Viewer) => Promise<ApiAnswer>) => {
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

  // --- pages and assets --------------------------------------------------------------------
  for (const page of PAGES) {
    server.get(page, async (_req: Request, res: Response) => {
      const index = path.join(WEB_DIST, 'index.html');
      res.header('Content-Security-Policy', CSP);
      res.header('X-Content-Type-Options', 'nosniff');
      res.header('Cache-Control', 'no-cache');
      if (!existsSync(index)) {
        res.header('Content-Type', 'text/html; charset=utf-8');
        res.writeHead(503);
        res.end(
          '<!doctype html><html lang="en"><title>Dashboard not built</title><p>The dashboard is not available on this server yet. Please tell whoever runs Placement Companion for your organisation, and try again later.</p></html>',
        );
        return;
      }
      res.header('Content-Type', 'text/html; charset=utf-8');
      res.writeHead(200);
      res.end(readFileSync(index));
    });
  }
  server.get('/tabs/assets/:file', async (req: Request, res: Response) => {
    const file = String(req.params.file ?? '');
    const ext = path.extname(file);
    const full = path.join(WEB_DIST, 'assets', file);
    if (!/^[A-Za-z0-9._-]+$/.test(file) || !CONTENT_TYPES[ext] || !existsSync(full)) {
      res.send(404, { error: 'not_found' });
      return;
    }
    res.header('Content-Type', CONTENT_TYPES[ext]!);
    res.header('X-Content-Type-Options', 'nosniff');
    res.header('Cache-Control', 'public, max-age=31536000, immutable');
    res.writeHead(200);
    res.end(readFileSync(full));
  });

  // --- development sign-in ------------------------------------------------------------------
  server.get('/api/dashboard/dev-token', async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    if (!auth.devLoginEnabled) {
      res.send(404, { error: 'not_found', message: 'Development sign-in is not enabled.' });
      return;
    }
    try {
      const { as } = parse(devTokenQuery, req.query);
      const token = await auth.mintDevToken(as, services.config.DEFAULT_TENANT_ID);
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
  api('/api/dashboard/me', async (req, viewer) => {
    parse(emptyQuery, req.query);
    const { person } = viewer;
    const cohorts = await viewableCohorts(services, viewer);
    const now = services.clock.now();
    const views: string[] = [];
    if (isStudent(person)) views.push('student');
    if (isSupervisor(person)) views.push('supervisor');
    if (isLead(person)) views.push('lead');
    return {
      body: {
        name: person.displayName,
        roles: person.roles,
        views,
        cohortId: person.cohortId,
        cohorts: cohorts.map((c) => summariseCohort(c, now)),
        /** The cohort view opens on it: running today, else the next to start, else the latest ended. */
        currentCohortId: currentCohort(cohorts, now)?._id ?? null,
        canManage: services.workspace.isLead(person),
        minGroupSize: services.config.MIN_GROUP_SIZE,
      },
    };
  });

  api('/api/dashboard/cohorts', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!isLead(viewer.person)) throw new ForbiddenError('The cohort view is for placement leads.');
    const now = services.clock.now();
    const cohorts = await viewableCohorts(services, viewer);
    return {
      body: {
        cohorts: cohorts.map((c) => summariseCohort(c, now)),
        currentCohortId: currentCohort(cohorts, now)?._id ?? null,
      },
    };
  });

  api('/api/dashboard/lead/overview', async (req, viewer) => {
    const q = parse(leadQuery, req.query);
    const cohort = await cohortForLead(services, viewer, q.cohortId);
    return { body: await leadOverview(services, viewer.tenantId, cohort, q) };
  });

  api('/api/dashboard/lead/table.csv', async (req, viewer) => {
    const q = parse(tableQuery, req.query);
    const cohort = await cohortForLead(services, viewer, q.cohortId);
    const overview = await leadOverview(services, viewer.tenantId, cohort, q);
    const table = leadTable(overview, q.table);
    await services.audit.record(
      viewer.tenantId,
      {
        actorId: viewer.person._id,
        action: 'dashboard.csv',
        targetId: cohort._id,
        outcome: 'ok',
        details: { table: q.table, rows: table.rows.length },
      },
      services.clock.now(),
    );
    return { body: null, csv: toCsv(table), filename: `${q.table}-${slug(cohort.name)}.csv` };
  });

  // Cohort-vs-cohort confidence deltas for a lead of several cohorts (or an admin).
  api('/api/dashboard/lead/compare', async (req, viewer) => {
    const q = parse(compareQuery, req.query);
    const cohorts = await cohortsToCompare(services, viewer, q.cohortIds);
    return { body: await cohortComparison(services, viewer.tenantId, cohorts) };
  });

  api('/api/dashboard/supervisor', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!isSupervisor(viewer.person)) throw new ForbiddenError('This view is for supervisors.');
    return { body: await supervisorView(services, viewer) };
  });

  api('/api/dashboard/supervisor/students/:studentId', async (req, viewer) => {
    parse(emptyQuery, req.query);
    const studentId = parse(idParam, req.params.studentId);
    const student = await studentForSupervisor(services, viewer, studentId);
    const view = await studentView(services, { tenantId: viewer.tenantId, person: student });
    return { body: { ...view, exportAvailable: false } };
  });

  // "Export journey" on the supervisor's My students table: only what the student shared.
  api('/api/dashboard/supervisor/students/:studentId/export-link', async (req, viewer) => {
    parse(emptyQuery, req.query);
    const studentId = parse(idParam, req.params.studentId);
    const student = await studentForSupervisor(services, viewer, studentId);
    const target = {
      studentId: student._id,
      supervisorIds: await services.supervisions.supervisorIdsOf(viewer.tenantId, student._id),
      cohortId: student.cohortId,
    };
    if (!can(viewer.person, 'journey.export.supervised', target))
      throw new ForbiddenError('You can only export the journey of a student you supervise.');
    if (!exportAvailable())
      throw new NotFoundError('The learning-journey export is not set up yet on this service.');
    const now = services.clock.now();
    const base = services.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    const link = (format: 'html' | 'csv') =>
      `${base}/exports/${createExportToken(services.config.EXPORT_LINK_SECRET, { tenantId: viewer.tenantId, requesterId: viewer.person._id, subjectId: student._id, format, now }).token}`;
    await services.audit.record(
      viewer.tenantId,
      {
        actorId: viewer.person._id,
        action: 'journey.export',
        targetId: student._id,
        details: { via: 'dashboard' },
      },
      now,
    );
    return {
      body: {
        htmlUrl: link('html'),
        csvUrl: link('csv'),
        expiresAt: new Date(now.getTime() + EXPORT_LINK_TTL_MS).toISOString(),
      },
    };
  });

  api('/api/dashboard/student', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!isStudent(viewer.person)) throw new ForbiddenError('This view is for students.');
    return { body: await studentView(services, viewer) };
  });

  api('/api/dashboard/student/export-link', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!isStudent(viewer.person)) throw new ForbiddenError('This view is for students.');
    if (!exportAvailable())
      throw new NotFoundError('The learning-journey export is not set up yet on this service.');
    const now = services.clock.now();
    const base = services.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    const link = (format: 'html' | 'csv') =>
      `${base}/exports/${createExportToken(services.config.EXPORT_LINK_SECRET, { tenantId: viewer.tenantId, requesterId: viewer.person._id, subjectId: viewer.person._id, format, now }).token}`;
    await services.audit.record(
      viewer.tenantId,
      {
        actorId: viewer.person._id,
        action: 'journey.export',
        targetId: viewer.person._id,
        details: { via: 'dashboard' },
      },
      now,
    );
    return {
      body: {
        htmlUrl: link('html'),
        csvUrl: link('csv'),
        expiresAt: new Date(now.getTime() + EXPORT_LINK_TTL_MS).toISOString(),
      },
    };
  });

  // The Manage page: the lead's workspace (cohort set-up, roster changes) over HTTP.
  registerManageApi({ get: api, post: apiPost }, services, parse);

  return auth;
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'cohort'
  );
}
