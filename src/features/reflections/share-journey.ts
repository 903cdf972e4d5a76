/**
 * A student shares a read-only, expiring view of their learning journey with a named assessor
 * (an email; a person on the roster is named by their name), and can stop sharing at any time.
 * The view is the journey export behind a signed link that names the share: every open checks
 * the share is still there, not revoked and not expired (export-journey.ts). Sharing, stopping
 * and every open are audited. The assessor sees the reflections the student shared with their
 * supervisors and the rest of the document, never the private ones.
 */
import { z } from 'zod';
import { can } from '../../domain/authorization.js';
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { ASSESSOR_SHARE_DAYS, ASSESSOR_SHARE_MS, createExportToken } from './export-links.js';
import type { ExportCardOptions, ExportJourney } from './export-journey.js';
import { zoneOf, type ReflectionDeps } from './reflection-deps.js';
import { cardId, nonce, parseInput } from './reflection-input.js';
import { journeyShareId, type JourneyShareDoc } from './reflections-repository.js';

type ShareDeps = Pick<ReflectionDeps, 'config' | 'clock' | 'people' | 'audit' | 'repo'>;

const shareInput = z.object({
  nonce,
  assessorEmail: z
    .string({ required_error: 'Type the assessor’s email address.' })
    .trim()
    .toLowerCase()
    .max(254, 'That email address is too long.')
    .email('That does not look like an email address.'),
  /** The share card's own toggle: include the check-in notes in the assessor's view. */
  shareCheckins: z.enum(['true', 'false']).optional().default('false'),
});
const revokeInput = z.object({ shareId: cardId });

export const SHARE_HELP = `They can read it, without signing in, for ${ASSESSOR_SHARE_DAYS} days or until you stop sharing. It holds the reflections you shared with your supervisors and the rest of this document.`;

/** One active share as the export card lists it. */
export interface ShareRow {
  shareId: string;
  who: string;
  until: string;
  url: string;
}

export class ShareJourney {
  constructor(
    private readonly deps: ShareDeps,
    private readonly exporter: () => ExportJourney,
  ) {}

  /** The signed link to an assessor's view (html): valid until the share expires. */
  shareUrl(tenantId: string, share: JourneyShareDoc, now: Date): string {
    const base = this.deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    const { token } = createExportToken(
      this.deps.config.EXPORT_LINK_SECRET,
      {
        tenantId,
        requesterId: share.studentId,
        subjectId: share.studentId,
        format: 'html',
        now,
        shareId: share._id,
        includeCheckins: share.includeCheckins,
      },
      share.expiresAt.getTime() - now.getTime(),
    );
    return `${base}/exports/${token}`;
  }

  /** The student's active shares, for their export card. */
  async rows(tenantId: string, student: PersonDoc, now: Date): Promise<ShareRow[]> {
    const zone = zoneOf(this.deps, student);
    const shares = await this.deps.repo.activeJourneyShares(tenantId, student._id, now);
    return shares.map((s) => ({
      shareId: s._id,
      who: s.assessorName ? `${s.assessorName} (${s.assessorEmail})` : s.assessorEmail,
      until: `Until ${formatDate(localDateOf(s.expiresAt, zone))}${s.includeCheckins ? ' · with check-in notes' : ''}`,
      url: this.shareUrl(tenantId, s, now),
    }));
  }

  /** journey.share: a new read-only view for the assessor named on the card. */
  async share(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const now = this.deps.clock.now();
    if (!can(person, 'journey.share', { studentId: person._id })) {
      await this.refused(tenantId, person, 'journey.share', now);
      return 'Only students can share their learning journey with an assessor.';
    }
    const parsed = parseInput(shareInput, data);
    const raw = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
    const again = (error: string): Promise<Reply> =>
      this.exporter().exportCard(tenantId, person, {}, {
        error,
        assessorEmail: typeof raw.assessorEmail === 'string' ? raw.assessorEmail.slice(0, 254) : '',
        includeCheckins: raw.includeCheckins === 'true',
      } satisfies ExportCardOptions);
    if (!parsed.ok) return again(Object.values(parsed.errors)[0] ?? 'Check the form and try again.');
    const { assessorEmail, shareCheckins } = parsed.value;
    if (assessorEmail === person.email.toLowerCase())
      return again('That is your own email: type your assessor’s email address.');
    const assessor = await this.deps.people.byEmail(tenantId, assessorEmail);
    const { share, created } = await this.deps.repo.insertJourneyShare(tenantId, {
      _id: journeyShareId(tenantId, person._id, parsed.value.nonce),
      studentId: person._id,
      assessorEmail,
      assessorName: assessor?.displayName ?? null,
      assessorId: assessor?._id ?? null,
      includeCheckins: shareCheckins === 'true',
      expiresAt: new Date(now.getTime() + ASSESSOR_SHARE_MS),
      revokedAt: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (created)
      await this.deps.audit.record(
        tenantId,
        {
          actorId: person._id,
          action: 'journey.share',
          targetId: share.assessorId,
          details: { shareId: share._id, includeCheckins: share.includeCheckins },
        },
        now,
      );
    const who = share.assessorName ?? share.assessorEmail;
    const until = formatDate(localDateOf(share.expiresAt, zoneOf(this.deps, person)));
    return this.exporter().exportCard(
      tenantId,
      person,
      {},
      {
        notice: `Shared with ${who} until ${until}. Send them the link below; you can stop sharing at any time.`,
        includeCheckins: share.includeCheckins,
      },
    );
  }

  /** journey.share.revoke: the student stops sharing; the assessor's link is refused from now on. */
  async revoke(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const now = this.deps.clock.now();
    const parsed = parseInput(revokeInput, data);
    const share = parsed.ok ? await this.deps.repo.journeyShare(tenantId, parsed.value.shareId) : null;
    if (!share || !can(person, 'journey.share.revoke', { studentId: share.studentId })) {
      await this.refused(tenantId, person, 'journey.share.revoke', now);
      return 'I could not find that share, or it is not yours to stop.';
    }
    const revoked = await this.deps.repo.revokeJourneyShare(tenantId, share._id, now);
    if (revoked)
      await this.deps.audit.record(
        tenantId,
        {
          actorId: person._id,
          action: 'journey.share.revoke',
          targetId: share.assessorId,
          details: { shareId: share._id },
        },
        now,
      );
    const who = share.assessorName ?? share.assessorEmail;
    return this.exporter().exportCard(
      tenantId,
      person,
      {},
      { notice: `You stopped sharing your journey with ${who}. Their link no longer opens.` },
    );
  }

  private refused(tenantId: string, person: PersonDoc, action: string, now: Date) {
    return this.deps.audit.record(tenantId, { actorId: person._id, action, outcome: 'refused' }, now);
  }
}
