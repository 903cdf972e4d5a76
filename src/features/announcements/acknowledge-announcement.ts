/**
 * Members acknowledge (once, however often they press: the acknowledgement's _id is derived
 * from the announcement and the person), and the Universal Actions refresh: the cohort's leads
 * get the live status, everyone else their own copy.
 */
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { recalledCard, type CardOrText } from './announcement-cards.js';
import type { AnnouncementViews } from './announcement-views.js';
import { NOT_FOUND, type AnnouncementsContext } from './announcements-context.js';

export class AcknowledgeAnnouncement {
  constructor(
    private readonly ctx: AnnouncementsContext,
    private readonly views: AnnouncementViews,
  ) {}

  async acknowledge(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann || ann.state === 'draft') return NOT_FOUND;
    if (ann.state === 'recalled' || ann.state === 'cancelled') return recalledCard(this.ctx.deps.cards, ann);
    if (
      !ann.content.ackRequired ||
      !can(person, 'announcement.acknowledge', { cohortId: ann.cohortId, audienceIds: ann.audience })
    ) {
      if (this.ctx.may(person, 'announcement.status.view', ann.cohortId))
        return this.views.status(tenantId, person, ann);
      return this.views.memberCard(tenantId, ann, person, {
        note: ann.content.ackRequired
          ? 'This announcement is for members of the cohort; nothing was recorded.'
          : '',
      });
    }
    await this.ctx.repo.acknowledge(tenantId, ann._id, person._id, this.ctx.now);
    return this.views.memberCard(tenantId, ann, person);
  }

  async refresh(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann || ann.state === 'draft') return NOT_FOUND;
    if (this.ctx.may(person, 'announcement.status.view', ann.cohortId))
      return this.views.status(tenantId, person, ann);
    if (ann.state === 'recalled') return recalledCard(this.ctx.deps.cards, ann);
    return this.views.memberCard(tenantId, ann, person);
  }
}
