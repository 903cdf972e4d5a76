/**
 * "Resend to those not reached": one more personal copy to each person whose copy was not
 * delivered (unreachable or failed; not those still waiting, not those who have it). Each press
 * names its round (the card carries it): the first press of a round wins a claim, so a double
 * click or a Teams retry sends nothing twice; every resend is audited.
 */
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CardOrText } from './announcement-cards.js';
import { PURPOSE, resendBatchOf } from './announcement-keys.js';
import type { AnnouncementViews } from './announcement-views.js';
import { NOT_FOUND, type AnnouncementsContext } from './announcements-context.js';
import type { RecipientReport } from './recipient-report.js';

export class ResendToUnreachable {
  constructor(
    private readonly ctx: AnnouncementsContext,
    private readonly views: AnnouncementViews,
    private readonly report: RecipientReport,
  ) {}

  async resend(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.ctx.may(person, 'announcement.resend', ann.cohortId))
      return this.ctx.refuse(tenantId, person, 'announcement.resend', ann._id);
    if (ann.state !== 'sent' || ann.target === 'channel')
      return this.report.render(
        tenantId,
        person,
        ann,
        'Only a sent announcement with personal copies can be resent.',
      );
    const round = Number((data as { round?: unknown }).round);
    if (!Number.isInteger(round) || round !== (ann.resends ?? 0) + 1)
      return this.report.render(
        tenantId,
        person,
        ann,
        'This was resent already; here is the report as it is now.',
      );
    if (!(await this.ctx.deps.claims.take('announcement.resend', `${ann._id}#${round}`))) {
      const current = (await this.ctx.repo.byId(tenantId, ann._id)) ?? ann;
      return this.report.render(
        tenantId,
        person,
        current,
        'This was resent already; here is the report as it is now.',
      );
    }
    const rows = await this.report.rows(tenantId, ann);
    const targets = rows.filter((r) => r.delivery === 'unreachable' || r.delivery === 'failed');
    const now = this.ctx.now;
    const activity = await this.views.messageActivity(tenantId, ann, { reminder: false });
    const queued = await this.ctx.deps.outbox.enqueue(
      tenantId,
      targets.map((r) => ({
        dedupeKey: `announcement:${ann._id}:resend:${round}:person:${r.personId}`,
        purpose: PURPOSE,
        batchId: resendBatchOf(ann._id, round),
        target: { kind: 'person' as const, personId: r.personId },
        activity,
      })),
    );
    await this.ctx.repo.set(tenantId, ann._id, { resends: round }, now);
    await this.ctx.deps.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'announcement.resend',
        targetId: ann._id,
        details: { round, recipients: targets.length, newlyQueued: queued },
      },
      now,
    );
    const updated = { ...ann, resends: round };
    const note =
      targets.length === 0
        ? 'Everyone has it or it is still on its way: nothing was resent.'
        : `Sending it again to ${targets.length} ${targets.length === 1 ? 'person' : 'people'} not reached. Refresh in a moment to see how it went.`;
    return this.report.render(tenantId, person, updated, note);
  }
}
