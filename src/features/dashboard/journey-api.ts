/**
 * The supervisor's and the student's API: their views, links (reusable until they expire) to the
 * learning-journey export (a supervisor: only what the student shared), and the supervisor's
 * "Open check-in".
 */
import { can } from '../../domain/authorization.js';
import { ForbiddenError, isStudent, isSupervisor, NotFoundError, studentForSupervisor } from './access.js';
import { emptyQuery, idParam, openCheckinBody, parse, type ApiRoute } from './api-input.js';
import type { DashboardDeps } from './dashboard-service.js';
import { studentView } from './student-view.js';
import { supervisorView } from './supervisor-view.js';

export function registerJourneyApi(api: ApiRoute, apiPost: ApiRoute, d: DashboardDeps): void {
  api('/api/dashboard/supervisor', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!isSupervisor(viewer.person)) throw new ForbiddenError('This view is for supervisors.');
    return { body: await supervisorView(d, viewer) };
  });

  api('/api/dashboard/supervisor/students/:studentId', async (req, viewer) => {
    parse(emptyQuery, req.query);
    const studentId = parse(idParam, req.params.studentId);
    const student = await studentForSupervisor(d, viewer, studentId);
    const view = await studentView(d, { tenantId: viewer.tenantId, person: student }, 'supervisor');
    return { body: { ...view, exportAvailable: false } };
  });

  // "Open check-in" on the supervisor's My students table: the supervisor check-in card, sent
  // to their chat with the bot (a tab cannot show a card). Refused as the card's button is.
  apiPost('/api/dashboard/supervisor/students/:studentId/open-checkin', async (req, viewer) => {
    parse(emptyQuery, req.query);
    const studentId = parse(idParam, req.params.studentId);
    const { week } = parse(openCheckinBody, req.body ?? {});
    const sent = await d.checkinToChat.send(viewer.tenantId, viewer.person, { studentId, week });
    if (!sent.ok) throw new ForbiddenError(sent.message);
    return { body: { message: sent.message } };
  });

  // "Export journey" on the supervisor's My students table: only what the student shared.
  api('/api/dashboard/supervisor/students/:studentId/export-link', async (req, viewer) => {
    parse(emptyQuery, req.query);
    const studentId = parse(idParam, req.params.studentId);
    const student = await studentForSupervisor(d, viewer, studentId);
    const target = {
      studentId: student._id,
      supervisorIds: await d.supervisions.supervisorIdsOf(viewer.tenantId, student._id),
      cohortId: student.cohortId,
    };
    if (!can(viewer.person, 'journey.export.supervised', target))
      throw new ForbiddenError('You can only export the journey of a student you supervise.');
    const links = d.sources.journeyExport;
    if (!links) throw new NotFoundError('The learning-journey export is not set up yet on this service.');
    const now = d.clock.now();
    const base = d.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    const link = (format: 'html' | 'csv') =>
      `${base}/exports/${links.token({ tenantId: viewer.tenantId, requesterId: viewer.person._id, subjectId: student._id, format, now })}`;
    await d.audit.record(
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
        expiresAt: new Date(now.getTime() + links.ttlMs).toISOString(),
      },
    };
  });

  api('/api/dashboard/student', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!isStudent(viewer.person)) throw new ForbiddenError('This view is for students.');
    return { body: await studentView(d, viewer) };
  });

  api('/api/dashboard/student/export-link', async (req, viewer) => {
    parse(emptyQuery, req.query);
    if (!isStudent(viewer.person)) throw new ForbiddenError('This view is for students.');
    const links = d.sources.journeyExport;
    if (!links) throw new NotFoundError('The learning-journey export is not set up yet on this service.');
    const now = d.clock.now();
    const base = d.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    const link = (format: 'html' | 'csv') =>
      `${base}/exports/${links.token({ tenantId: viewer.tenantId, requesterId: viewer.person._id, subjectId: viewer.person._id, format, now })}`;
    await d.audit.record(
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
        expiresAt: new Date(now.getTime() + links.ttlMs).toISOString(),
      },
    };
  });
}
