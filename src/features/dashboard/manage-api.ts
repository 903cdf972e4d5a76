/**
 * The dashboard's Manage page API (/api/dashboard/manage/...): the lead's workspace over
 * HTTP, the same service as the chat cards (the ManageWorkspace port). Reads are GETs; every change
 * is a POST with a JSON body. Answers: 200 with the cohort as the page shows it and a notice;
 * 422 with one message per field (`fields`, keyed by input name), their human labels and a
 * summary; 403 for a cohort the caller does not lead; 404 for a student no longer there.
 */
import { z } from 'zod';
import { currentCohortFirst } from '../../domain/current-cohort.js';
import { ForbiddenError, NotFoundError } from './access.js';
import type { ApiRoute } from './api-input.js';
import type { DashboardDeps } from './dashboard-service.js';
import type { ManageAction, WorkspaceOutcome } from './ports.js';
import type { Viewer } from './tab-auth.js';

export interface ManageRoutes {
  get: ApiRoute;
  post: ApiRoute;
}

const cohortQuery = z.object({ cohortId: z.string().min(1).max(300).regex(/^[^$]/) }).strict();
const emptyQuery = z.object({}).strict();

/** The POST actions: each takes the JSON body as a card's data would be. */
const ACTIONS: Record<string, ManageAction> = {
  cohort: 'saveCohort',
  'non-placement-days': 'addNonPlacementDay',
  'non-placement-days/remove': 'removeNonPlacementDay',
  students: 'addStudent',
  'students/supervisors': 'setSupervisors',
  'students/move': 'moveStudent',
  'students/remove': 'removeStudent',
  supervisors: 'addSupervisor',
  hosts: 'addHost',
};

export function registerManageApi(
  routes: ManageRoutes,
  d: DashboardDeps,
  parse: <T>(schema: z.ZodType<T>, query: unknown) => T,
) {
  const workspace = d.workspace;

  const answer = async <T>(viewer: Viewer, outcome: WorkspaceOutcome<T>, cohortId: string | null) => {
    if (!outcome.ok) {
      if (outcome.kind !== 'invalid') {
        if (outcome.kind === 'forbidden') throw new ForbiddenError(outcome.message);
        throw new NotFoundError(outcome.message);
      }
      return {
        status: 422,
        body: {
          error: 'invalid',
          message: workspace.errorSummary(outcome.errors),
          fields: outcome.errors,
          labels: Object.fromEntries(Object.keys(outcome.errors).map((k) => [k, workspace.label(k)])),
          lines: workspace.errorLines(outcome.errors),
        },
      };
    }
    const view = cohortId ? await workspace.view(viewer.tenantId, viewer.person, cohortId) : null;
    return { body: { notice: outcome.notice, cohort: view?.ok ? view.value : null } };
  };

  routes.get('/api/dashboard/manage/cohorts', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!workspace.isLead(viewer.person)) throw new ForbiddenError('The Manage page is for placement leads.');
    // The lead's current cohort first: the Manage page opens on it.
    const cohorts = currentCohortFirst(
      await workspace.manageableCohorts(viewer.tenantId, viewer.person),
      d.clock.now(),
    );
    return {
      body: {
        cohorts: cohorts.map((c) => ({ id: c._id, name: c.name, startDate: c.startDate, weeks: c.weeks })),
      },
    };
  });

  routes.get('/api/dashboard/manage/cohort', async (req, viewer) => {
    const { cohortId } = parse(cohortQuery, req.query);
    const outcome = await workspace.view(viewer.tenantId, viewer.person, cohortId);
    if (!outcome.ok)
      throw new ForbiddenError(outcome.kind === 'forbidden' ? outcome.message : 'No such cohort.');
    return { body: { cohort: outcome.value } };
  });

  // A roster / directory CSV chosen on the page: the files' text, imported all or nothing.
  const uploadBody = z
    .object({
      cohortId: z.string().max(300).optional(),
      files: z
        .array(
          z.object({ name: z.string().trim().min(1).max(120), text: z.string().max(1024 * 1024) }).strict(),
        )
        .min(1)
        .max(2),
    })
    .strict();
  routes.post('/api/dashboard/manage/upload', async (req, viewer) => {
    const parsed = uploadBody.safeParse(req.body ?? {});
    if (!parsed.success)
      return {
        status: 422,
        body: {
          error: 'invalid',
          message: 'Choose one or two CSV files of at most 1 MB.',
          fields: { file: 'Choose a CSV file' },
          lines: [],
        },
      };
    const outcome = await workspace.upload(viewer.tenantId, viewer.person, parsed.data.files);
    if (!outcome.ok) {
      if (outcome.kind === 'forbidden') throw new ForbiddenError(outcome.message);
      return {
        status: 422,
        body: {
          error: 'invalid',
          message: 'Nothing was saved. Fix these rows and upload again.',
          fields: { file: outcome.errors[0] ?? '' },
          lines: outcome.errors,
        },
      };
    }
    const view = parsed.data.cohortId
      ? await workspace.view(viewer.tenantId, viewer.person, parsed.data.cohortId)
      : null;
    return { body: { notice: outcome.summary, cohort: view?.ok ? view.value : null } };
  });

  for (const [path, method] of Object.entries(ACTIONS)) {
    routes.post(`/api/dashboard/manage/${path}`, async (req, viewer) => {
      const body: unknown = req.body ?? {};
      if (typeof body !== 'object' || Array.isArray(body))
        return { status: 400, body: { error: 'bad_request', message: 'Send the form as a JSON object.' } };
      const outcome = await workspace.change(method, viewer.tenantId, viewer.person, body);
      // The page shows the cohort the change was made on (a new cohort: the one just created).
      const given = (body as Record<string, unknown>).cohortId;
      const cohortId =
        typeof given === 'string' && given
          ? given
          : method === 'saveCohort' && outcome.ok
            ? (outcome.value as { _id: string })._id
            : null;
      return answer(viewer, outcome, cohortId);
    });
  }
}
