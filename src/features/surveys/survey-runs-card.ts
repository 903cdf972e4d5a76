/** `surveys`: a lead's runs of the cohorts they manage; everyone else the runs open to them. */
import { can } from '../../domain/authorization.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { Turn } from '../../feature-kit/turn.js';
import type { Services } from '../../services.js';
import type { SurveyReply as Reply } from './survey-policy.js';
import type { RunStatus } from './survey-service.js';

export const STATUS_LABEL: Record<RunStatus, string> = {
  scheduled: 'Scheduled',
  open: 'Open',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

/** The cohorts whose runs this person manages ('survey.run.manage'): the one they lead; all for an admin. */
export async function managedCohorts(
  services: Services,
  tenantId: string,
  person: PersonDoc,
): Promise<CohortDoc[]> {
  const all = await services.cohorts.all(tenantId);
  return all.filter((c) => can(person, 'survey.run.manage', { cohortId: c._id }));
}

async function studentList(turn: Turn, services: Services): Promise<Reply> {
  const { person, tenantId } = turn;
  const open = await services.surveys.openRunsFor(tenantId, person);
  const cohort = person.cohortId ? await services.cohorts.byId(tenantId, person.cohortId) : null;
  const zone = cohort?.timeZone ?? services.config.DEFAULT_TIME_ZONE;
  return {
    name: 'survey-list',
    data: {
      empty: open.length === 0 ? 'There are no open surveys for you right now.' : '',
      surveys: open.map(({ run, answered }) => ({
        title: run.title,
        closes: formatLocal(run.closesAt, zone),
        state: answered ? 'Answered: you can change your answers until it closes.' : 'Not answered yet.',
        button: answered ? 'Change my answers' : 'Answer',
        runId: run._id,
      })),
    },
  };
}

export async function runsCard(turn: Turn, services: Services): Promise<Reply> {
  const { person, tenantId } = turn;
  const cohorts = await managedCohorts(services, tenantId, person);
  if (cohorts.length === 0) return studentList(turn, services);
  const managed = new Set(cohorts.map((c) => c._id));
  const runs = (await services.surveys.repo.runsForTenant(tenantId)).filter((r) => managed.has(r.cohortId));
  const min = services.surveys.minGroupSize;
  const rows = await Promise.all(
    runs.slice(0, 20).map(async (run) => {
      const cohort = cohorts.find((c) => c._id === run.cohortId);
      const zone = cohort?.timeZone ?? services.config.DEFAULT_TIME_ZONE;
      const n = await services.surveys.repo.count(tenantId, { runId: run._id });
      const status = services.surveys.status(run);
      return {
        title: run.title,
        cohort: cohort?.name ?? 'unknown cohort',
        status: STATUS_LABEL[status],
        canClose: status === 'open',
        canCancel: status === 'open' || status === 'scheduled',
        opens: formatLocal(run.opensAt, zone),
        closes: formatLocal(run.closesAt, zone),
        privacy: run.anonymous ? 'anonymous' : 'named',
        responses: n >= min ? `${n} responses` : `fewer than ${min} responses so far`,
        runId: run._id,
      };
    }),
  );
  return {
    name: 'survey-runs',
    data: {
      empty: rows.length === 0 ? 'No surveys yet. Choose **Run a survey** to schedule one.' : '',
      runs: rows,
    },
  };
}
