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
import { loadExportData, type ExportDataDeps, type ExportDataOptions } from './export-data.js';
import {
  createExportToken,
  EXPORT_LINK_TTL_MS,
  verifyExportToken,
  type ExportClaims,
  type ExportFormat,
} from './export-links.js';
import { renderJourneyCsv, renderJourneyHtml, type JourneyExportData } from './journey-document.js';
import { buildPresentation } from './presentation-starter.js';
import type { MyJourney } from './my-journey.js';
import type { JourneyExportLinks } from './ports.js';
import { newNonce, zoneOf, type ReflectionDeps } from './reflection-deps.js';
import { cardId } from './reflection-input.js';
import { SHARE_HELP, type ShareJourney } from './share-journey.js';

export interface HttpExportResponse {
  status: number;
  contentType: string;
  body: string | Buffer;
  filename?: string;
}

type ExportDeps = ExportDataDeps & Pick<ReflectionDeps, 'clock' | 'cards' | 'supervisions' | 'audit'>;

/** What the export card shows besides the links (the student's own card). */
export interface ExportCardOptions {
  includeCheckins?: boolean;
  notice?: string;
  error?: string;
  assessorEmail?: string;
}

export class ExportJourney implements JourneyExportLinks {
  constructor(
    private readonly deps: ExportDeps,
    private readonly journey: MyJourney,
    private readonly shares: () => ShareJourney,
  ) {}

  exportLinks(tenantId: string, requesterId: string, subjectId: string, now: Date, includeCheckins = false) {
    const { EXPORT_LINK_SECRET: secret, PUBLIC_BASE_URL } = this.deps.config;
    const base = PUBLIC_BASE_URL.replace(/\/+$/, '');
    const link = (format: ExportFormat) =>
      `${base}/exports/${createExportToken(secret, { tenantId, requesterId, subjectId, format, now, includeCheckins }).token}`;
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
    options: ExportCardOptions = {},
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
    const own = subject._id === person._id;
    const includeCheckins = own && options.includeCheckins === true;
    const links = this.exportLinks(tenantId, person._id, subject._id, now, includeCheckins);
    await this.deps.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'journey.export',
        targetId: subject._id,
        ...(includeCheckins ? { details: { includeCheckins } } : {}),
      },
      now,
    );
    return this.deps.cards.render('journey-export', {
      own,
      title: own ? 'Your learning journey export' : `${subject.displayName}'s shared reflections`,
      notice: options.notice ?? '',
      error: options.error ?? '',
      message: own
        ? `Your document is ready: reflections grouped by pillar and HCPC standard, your supervisor's comments and countersignatures, supervision sessions and actions, your project, events and your confidence from start to end${includeCheckins ? ', with your check-in notes' : ''}. Print it or save it as PDF from your browser.`
        : `This export contains only the reflections ${subject.displayName} chose to share with their supervisors.`,
      htmlUrl: links.htmlUrl,
      csvUrl: links.csvUrl,
      includeCheckins: includeCheckins ? 'true' : 'false',
      shareHelp: SHARE_HELP,
      assessorEmail: options.assessorEmail ?? '',
      nonce: newNonce(),
      shares: own ? await this.shares().rows(tenantId, person, now) : [],
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
            'Please ask for a new link: a student types <strong>export my journey</strong> in Teams; an assessor asks the student who shared it.',
          )
        : page(
            404,
            'This link is not valid',
            'Check that you copied the whole link, or ask for a new one in Teams.',
          );
    if (verified.claims.sh !== undefined) return this.openShared(verified.claims, now, page);
    const { t: tenantId, for: requesterId, of: subjectId, f: format, c, p } = verified.claims;
    const requester = await this.deps.people.byId(tenantId, requesterId);
    const subject = requesterId === subjectId ? requester : await this.deps.people.byId(tenantId, subjectId);
    const allowed =
      requester !== null &&
      subject !== null &&
      // The presentation starter is the student's own.
      (format !== 'pptx' || requester._id === subject._id) &&
      (await this.mayExport(tenantId, requester, subject));
    if (!allowed) {
      await this.deps.audit.record(
        tenantId,
        { actorId: requesterId, action: 'journey.export.open', outcome: 'refused' },
        now,
      );
      return page(403, 'Not available', 'This export is no longer available to you.');
    }
    const data = await this.exportData(tenantId, requester, subject, now, { includeCheckins: c === 1 });
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
    return respond(data, format, now, p ?? []);
  }

  /** An assessor's read-only view: the share must still be there, not revoked, not expired. */
  private async openShared(
    claims: ExportClaims,
    now: Date,
    page: (status: number, title: string, message: string) => HttpExportResponse,
  ): Promise<HttpExportResponse> {
    const { t: tenantId, of: studentId, f: format, sh: shareId } = claims;
    const share = await this.deps.repo.journeyShare(tenantId, shareId!);
    const subject = share ? await this.deps.people.byId(tenantId, share.studentId) : null;
    const live =
      share !== null &&
      subject !== null &&
      share.studentId === studentId &&
      share.revokedAt === null &&
      share.expiresAt.getTime() > now.getTime() &&
      can(subject, 'journey.share', { studentId: subject._id });
    if (!live) {
      await this.deps.audit.record(
        tenantId,
        {
          actorId: share?.assessorId ?? null,
          action: 'journey.share.open',
          targetId: share?.studentId ?? null,
          outcome: 'refused',
          details: { shareId: shareId! },
        },
        now,
      );
      return page(
        403,
        'No longer shared',
        'The student has stopped sharing this learning journey, or the share has ended. Ask them to share it again if you still need it.',
      );
    }
    const data = await this.exportData(tenantId, subject, subject, now, {
      assessor: share.assessorName ?? share.assessorEmail,
      includeCheckins: share.includeCheckins,
    });
    await this.deps.audit.record(
      tenantId,
      {
        actorId: share.assessorId,
        action: 'journey.share.open',
        targetId: share.studentId,
        details: { shareId: share._id, format, reflections: data.reflections.length },
      },
      now,
    );
    return respond(data, format, now);
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

  /** Everything the export shows, already filtered for the audience (export-data.ts). */
  exportData(
    tenantId: string,
    requester: PersonDoc,
    subject: PersonDoc,
    now: Date,
    options: ExportDataOptions = {},
  ): Promise<JourneyExportData> {
    return loadExportData(this.deps, this.journey, tenantId, requester, subject, now, options);
  }
}

function formatTime(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(
    instant,
  );
}

/** The document in the format the link names. */
async function respond(
  data: JourneyExportData,
  format: ExportFormat,
  now: Date,
  picks: readonly string[] = [],
): Promise<HttpExportResponse> {
  const stamp = localDateOf(now, data.timeZone);
  if (format === 'pptx')
    return {
      status: 200,
      contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      body: await buildPresentation(data, picks),
      filename: `journey-slides-${stamp}.pptx`,
    };
  return format === 'csv'
    ? {
        status: 200,
        contentType: 'text/csv; charset=utf-8',
        body: renderJourneyCsv(data),
        filename: `learning-journey-${stamp}.csv`,
      }
    : { status: 200, contentType: 'text/html; charset=utf-8', body: renderJourneyHtml(data) };
}
