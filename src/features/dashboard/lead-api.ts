/** The lead's API: who am I, their cohorts, the overview and its CSV tables, cohort vs cohort. */
import { currentCohort } from '../../domain/current-cohort.js';
import {
  cohortForLead,
  cohortsToCompare,
  ForbiddenError,
  isLead,
  isStudent,
  isSupervisor,
  viewableCohorts,
} from './access.js';
import { compareQuery, emptyQuery, leadQuery, parse, tableQuery, type ApiRoute } from './api-input.js';
import type { DashboardService } from './dashboard-service.js';
import { cohortComparison, leadOverview, summariseCohort } from './lead-overview.js';
import { leadTable, toCsv } from './tables.js';
import { wellbeingFlags } from './wellbeing-flags.js';

export function registerLeadApi(api: ApiRoute, apiPost: ApiRoute, dashboard: DashboardService): void {
  const d = dashboard.deps;
  api('/api/dashboard/me', async (req, viewer) => {
    parse(emptyQuery, req.query);
    const { person } = viewer;
    const cohorts = await viewableCohorts(d, viewer);
    const now = d.clock.now();
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
        canManage: d.workspace.isLead(person),
        minGroupSize: d.config.MIN_GROUP_SIZE,
      },
    };
  });

  api('/api/dashboard/cohorts', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!isLead(viewer.person)) throw new ForbiddenError('The cohort view is for placement leads.');
    const now = d.clock.now();
    const cohorts = await viewableCohorts(d, viewer);
    return {
      body: {
        cohorts: cohorts.map((c) => summariseCohort(c, now)),
        currentCohortId: currentCohort(cohorts, now)?._id ?? null,
      },
    };
  });

  api('/api/dashboard/lead/overview', async (req, viewer) => {
    const q = parse(leadQuery, req.query);
    const cohort = await cohortForLead(d, viewer, q.cohortId);
    return { body: await leadOverview(dashboard, viewer.tenantId, cohort, q) };
  });

  // "Refresh" on the cohort view: recompute this cohort's numbers now instead of waiting for the
  // next scheduled run; answers the overview as the page asked for it. Audited, as the CSV is.
  apiPost('/api/dashboard/lead/refresh', async (req, viewer) => {
    const q = parse(leadQuery, req.query);
    const cohort = await cohortForLead(d, viewer, q.cohortId);
    await dashboard.rollups.refresh(viewer.tenantId, cohort);
    await d.audit.record(
      viewer.tenantId,
      { actorId: viewer.person._id, action: 'dashboard.refresh', targetId: cohort._id, outcome: 'ok' },
      d.clock.now(),
    );
    return { body: await leadOverview(dashboard, viewer.tenantId, cohort, q) };
  });

  // Who is behind the low-wellbeing flags: named, so audited as the CSV download is.
  api('/api/dashboard/lead/wellbeing', async (req, viewer) => {
    const q = parse(leadQuery, req.query);
    const cohort = await cohortForLead(d, viewer, q.cohortId);
    const flags = await wellbeingFlags(d, viewer.tenantId, cohort, q);
    await d.audit.record(
      viewer.tenantId,
      {
        actorId: viewer.person._id,
        action: 'dashboard.wellbeing',
        targetId: cohort._id,
        outcome: 'ok',
        details: { students: flags.students.length },
      },
      d.clock.now(),
    );
    return { body: flags };
  });

  api('/api/dashboard/lead/table.csv', async (req, viewer) => {
    const q = parse(tableQuery, req.query);
    const cohort = await cohortForLead(d, viewer, q.cohortId);
    const overview = await leadOverview(dashboard, viewer.tenantId, cohort, q);
    const table = leadTable(overview, q.table);
    await d.audit.record(
      viewer.tenantId,
      {
        actorId: viewer.person._id,
        action: 'dashboard.csv',
        targetId: cohort._id,
        outcome: 'ok',
        details: { table: q.table, rows: table.rows.length },
      },
      d.clock.now(),
    );
    return { body: null, csv: toCsv(table), filename: `${q.table}-${slug(cohort.name)}.csv` };
  });

  const surveys = d.surveys;
  if (surveys) {
    const compare = compareQuery(surveys.maxCompared);
    // Cohort-vs-cohort confidence deltas for a lead of several cohorts (or an admin).
    api('/api/dashboard/lead/compare', async (req, viewer) => {
      const q = parse(compare, req.query);
      const cohorts = await cohortsToCompare(d, viewer, q.cohortIds);
      return { body: await cohortComparison(surveys, viewer.tenantId, cohorts) };
    });
  }
}

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'cohort'
  );
}
