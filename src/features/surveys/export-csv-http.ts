/**
 * The CSV behind the results card's signed, 15-minute link. The link names the lead; their
 * role is checked again here, and the same minimum-group rules apply.
 */
import type { Server } from 'restify';
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { can } from '../../domain/authorization.js';
import type { Services } from '../../services.js';
import { LEAD_ONLY, SurveyError } from './survey-policy.js';

export function registerSurveyExport(server: Server, services: Services): void {
  server.get('/surveys/export', async (req, res) => {
    const token = typeof req.query?.token === 'string' ? req.query.token : '';
    const claims = services.surveys.verifyExportToken(token);
    if (!claims) {
      res.send(403, { error: 'forbidden', message: 'This link is not valid or has expired.' });
      return;
    }
    const person = await services.people.byId(claims.tenantId, claims.personId);
    const run = await services.surveys.repo.runById(claims.tenantId, claims.runId);
    if (!person || !can(person, 'survey.results.view', { cohortId: run?.cohortId ?? null })) {
      await services.audit.record(
        claims.tenantId,
        {
          actorId: person?._id ?? null,
          action: 'survey.export',
          targetId: claims.runId,
          outcome: 'refused',
        },
        services.clock.now(),
      );
      res.send(403, { error: 'forbidden', message: LEAD_ONLY });
      return;
    }
    try {
      const csv = await services.surveys.exportCsv(claims.tenantId, claims.runId, claims.filter);
      await services.audit.record(
        claims.tenantId,
        { actorId: person._id, action: 'survey.export', targetId: claims.runId },
        services.clock.now(),
      );
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      res.setHeader('content-disposition', 'attachment; filename="survey-results.csv"');
      res.setHeader('cache-control', 'no-store');
      res.sendRaw(200, csv);
    } catch (err) {
      if (err instanceof GroupTooSmallError)
        res.send(409, { error: 'group_too_small', message: err.message });
      else if (err instanceof SurveyError) res.send(404, { error: err.code, message: err.message });
      else throw err;
    }
  });
}
