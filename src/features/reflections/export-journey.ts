/**
 * The learning-journey export behind a short-lived signed link (export-links.ts) that opens as
 * often as needed until it expires (a link preview or a second look does not burn it). A student exports their own journey, with their check-in confidence, conversations held,
 * project and events from the features that keep them; a supervisor exports a student they
 * supervise and gets only what that student shared. The document itself is journey-document.ts.
 */
import { can } from '../../domain/authorization.js';
import { localDateOf } from '../../domain/placement-calendar.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import {
  createExportToken,
  EXPORT_LINK_TTL_MS,
  verifyExportToken,
  type ExportFormat,
} from './export-links.js';
import { renderJourneyCsv, renderJourneyHtml, type JourneyExportData } from './journey-document.js';
import { journeySummary, reflectionWeek } from './journey.js';
import type { MyJourney } from './my-journey.js';
import { sharedWith } from './peer-audience.js';
import type { JourneyExportLinks } from './ports.js';
import { zoneOf, type ReflectionDeps } from './reflection-deps.js';
import { cardId } from './reflection-input.js';

export interface HttpExportResponse {
  status: number;
  contentType: string;
  body: string;
  filename?: string;
}

type ExportDeps = Pick<
  ReflectionDeps,
  | 'config'
  | 'clock'
  | 'cards'
  | 'people'
  | 'supervisions'
  | 'audit'
  | 'repo'
  | 'confidenceTrends'
  | 'conversationsHeld'
  | 'projectJourneys'
  | 'eventsAttended'
>;

export class ExportJourney implements JourneyExportLinks {
  constructor(
    private readonly deps: ExportDeps,
    private readonly journey: MyJourney,
  ) {}

  exportLinks(tenantId: string, requesterId: string, subjectId: string, now: Date) {
    const { EXPORT_LINK_SECRET: secret, PUBLIC_BASE_URL } = this.deps.config;
    const base = PUBLIC_BASE_URL.replace(/\/+$/, '');
    const link = (format: ExportFormat) =>
      `${base}/exports/${createExportToken(secret, { tenantId, requesterId, subjectId, format, now }).token}`;
    return {
      htmlUrl: link('html'),
      csvUrl: link('csv'),
      expiresAt: new Date(now.getTime() + EXPORT_LINK_TTL_MS),
    };
  }

  /** `export my journey`, `export journey <email>`, the journey.export verb: the card with the links. */
  async exportCard(
    tenantId: string,
    person: PersonDoc,
    target: { email?: string; studentId?: unknown } = {},
  ): Promise<Reply> {
    let subject: PersonDoc | null = person;
    if (target.email !== undefined || target.studentId !== undefined) {
      if (target.studentId !== undefined && !cardId.safeParse(target.studentId).success) subject = null;
      else
        subject =
          target.email !== undefined
            ? await this.deps.people.byEmail(tenantId, target.email)
            : await this.deps.people.byId(tenantId, target.studentId as string);
      if (subject && !(await this.mayExport(tenantId, person, subject))) subject = null;
      if (!subject) {
        await this.deps.audit.record(
          tenantId,
          { actorId: person._id, action: 'journey.export', outcome: 'refused' },
          this.deps.clock.now(),
        );
        return 'I can only export the journey of a student you supervise.';
      }
    } else if (!(await this.mayExport(tenantId, person, person))) {
      return 'Type **export journey <student email>** to export what a student you supervise has shared with you.';
    }
    const now = this.deps.clock.now();
    const links = this.exportLinks(tenantId, person._id, subject._id, now);
    await this.deps.audit.record(
      tenantId,
      { actorId: person._id, action: 'journey.export', targetId: subject._id },
      now,
    );
    const own = subject._id === person._id;
    return this.deps.cards.render('journey-export', {
      title: own ? 'Your learning journey export' : `${subject.displayName}'s shared reflections`,
      message: own
        ? 'Your document is ready: reflections grouped by pillar and HCPC standard, your check-in confidence trend and the conversations you held. Print it or save it as PDF from your browser.'
        : `This export contains only the reflections ${subject.displayName} chose to share with their supervisors.`,
      htmlUrl: links.htmlUrl,
      csvUrl: links.csvUrl,
      expiry: `You can open these links again until ${formatTime(links.expiresAt, zoneOf(this.deps, person))}. They are for you only: ask for new ones after that.`,
    });
  }

  /** GET /exports/:token */
  async openExport(token: unknown): Promise<HttpExportResponse> {
    const now = this.deps.clock.now();
    const page = (status: number, title: string, message: string): HttpExportResponse => ({
      status,
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1><p>${message}</p></main></body></html>`,
    });
    const verified = verifyExportToken(this.deps.config.EXPORT_LINK_SECRET, token, now);
    if (!verified.ok)
      return verified.reason === 'expired'
        ? page(
            410,
            'This link has expired',
            'Export links last 15 minutes. Type <strong>export my journey</strong> in Teams for a new one.',
          )
        : page(
            404,
            'This link is not valid',
            'Check that you copied the whole link, or ask for a new one in Teams.',
          );
    const { t: tenantId, for: requesterId, of: subjectId, f: format } = verified.claims;
    const requester = await this.deps.people.byId(tenantId, requesterId);
    const subject = requesterId === subjectId ? requester : await this.deps.people.byId(tenantId, subjectId);
    const allowed =
      requester !== null && subject !== null && (await this.mayExport(tenantId, requester, subject));
    if (!allowed) {
      await this.deps.audit.record(
        tenantId,
        { actorId: requesterId, action: 'journey.export.open', outcome: 'refused' },
        now,
      );
      return page(403, 'Not available', 'This export is no longer available to you.');
    }
    const data = await this.exportData(tenantId, requester, subject, now);
    await this.deps.audit.record(
      tenantId,
      {
        actorId: requesterId,
        action: 'journey.export.open',
        targetId: subjectId,
        details: { format, reflections: data.reflections.length },
      },
      now,
    );
    const stamp = localDateOf(now, data.timeZone);
    return format === 'csv'
      ? {
          status: 200,
          contentType: 'text/csv; charset=utf-8',
          body: renderJourneyCsv(data),
          filename: `learning-journey-${stamp}.csv`,
        }
      : { status: 200, contentType: 'text/html; charset=utf-8', body: renderJourneyHtml(data) };
  }

  /** A student's own journey ('journey.export.self'), or what a supervised student shared ('journey.export.supervised'). */
  private async mayExport(tenantId: string, requester: PersonDoc, subject: PersonDoc): Promise<boolean> {
    if (requester._id === subject._id)
      return can(requester, 'journey.export.self', { studentId: subject._id });
    return can(requester, 'journey.export.supervised', {
      studentId: subject._id,
      supervisorIds: await this.deps.supervisions.supervisorIdsOf(tenantId, subject._id),
      cohortId: subject.cohortId,
    });
  }

  /** Everything the export shows, already filtered for the audience. */
  async exportData(
    tenantId: string,
    requester: PersonDoc,
    subject: PersonDoc,
    now: Date,
  ): Promise<JourneyExportData> {
    const audience = requester._id === subject._id ? 'student' : 'supervisor';
    const all = await this.deps.repo.reflectionsOf(tenantId, subject._id);
    const visible = audience === 'student' ? all : all.filter((r) => r.shared);
    const calendar = await this.journey.calendarOf(tenantId, subject);
    const feedback = await this.deps.repo.feedbackOn(
      tenantId,
      visible.map((r) => r._id),
    );
    const supervisors = await this.deps.people.byIds(tenantId, [
      ...new Set(feedback.map((f) => f.supervisorId)),
    ]);
    const own = audience === 'student';
    return {
      student: {
        displayName: subject.displayName,
        profession: subject.profession,
        cohortName: calendar?.name ?? null,
      },
      audience,
      generatedAt: now,
      timeZone: subject.timeZone ?? calendar?.timeZone ?? this.deps.config.DEFAULT_TIME_ZONE,
      reflections: visible.map((r) => ({
        createdAt: r.createdAt,
        week: calendar ? reflectionWeek(calendar, r.createdAt) : null,
        model: r.model,
        answers: r.answers,
        pillars: r.pillars,
        standards: r.standards,
        standardsVersion: r.standardsVersion,
        topic: r.topic,
        shared: r.shared,
        sharedWith: sharedWith(r),
        feedback: feedback
          .filter((f) => f.reflectionId === r._id)
          .map((f) => ({
            from: supervisors.find((s) => s._id === f.supervisorId)?.displayName ?? 'Supervisor',
            text: f.text,
            at: f.createdAt,
          })),
      })),
      summary: journeySummary(visible, calendar, now),
      // What other features keep goes into the student's own export only.
      confidence: own ? await this.deps.confidenceTrends().confidenceTrend(tenantId, subject._id) : null,
      conversations: own ? await this.deps.conversationsHeld().heldBy(tenantId, subject._id) : null,
      project: own ? ((await this.deps.projectJourneys().journeyOf(tenantId, subject._id)) ?? 'none') : null,
      events: own ? await this.deps.eventsAttended().attendedBy(tenantId, subject._id) : null,
    };
  }
}

function formatTime(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(
    instant,
  );
}
