/** `announcements`: the recent announcements of the cohorts the caller leads, with their counts. */
import { formatLocal } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { listCard, type CardOrText } from './announcement-cards.js';
import type { AnnouncementViews } from './announcement-views.js';
import { NOT_ALLOWED, type AnnouncementsContext } from './announcements-context.js';

export class ListAnnouncements {
  constructor(
    private readonly ctx: AnnouncementsContext,
    private readonly views: AnnouncementViews,
  ) {}

  async list(tenantId: string, person: PersonDoc): Promise<CardOrText> {
    const cohorts = await this.ctx.manageableCohorts(tenantId, person, 'announcement.status.view');
    if (cohorts.length === 0 && !this.ctx.hasLeadRole(person)) return NOT_ALLOWED;
    const names = new Map(cohorts.map((c) => [c._id, c.name]));
    const recent = await this.ctx.repo.recent(
      tenantId,
      cohorts.map((c) => c._id),
    );
    const items = [];
    for (const ann of recent) {
      const when = (d: Date) => `${formatLocal(d, ann.timeZone)} (${ann.timeZone})`;
      const parts = [names.get(ann.cohortId) ?? 'cohort'];
      if (ann.state === 'scheduled') parts.push(`scheduled for ${ann.sendAt ? when(ann.sendAt) : 'now'}`);
      else if (ann.state === 'cancelled') parts.push('scheduled send cancelled');
      else {
        parts.push(
          `${ann.state === 'recalled' ? 'recalled' : 'sent'} ${ann.sentAt ? when(ann.sentAt) : ''}`.trim(),
        );
        const full = (await this.ctx.repo.byId(tenantId, ann._id))!;
        const r = await this.views.report(tenantId, full);
        if (ann.content.ackRequired) parts.push(`${r.acknowledged} of ${full.audience.length} acknowledged`);
        if (r.unreachable.length) parts.push(`${r.unreachable.length} unreachable`);
      }
      items.push({ announcementId: ann._id, title: ann.content.title, summary: parts.join(' · ') });
    }
    return listCard(this.ctx.deps.cards, items);
  }
}
