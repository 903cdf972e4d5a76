/**
 * `announce`: the compose card (the cohort fixed by the channel it was typed in, or chosen),
 * its validation, a stored draft, and the preview; "Change" goes back with what was typed.
 */
import { randomUUID } from 'node:crypto';
import { currentCohortFirst } from '../../domain/current-cohort.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import {
  composeCard,
  localParts,
  previewCard,
  type CardOrText,
  type CohortChoice,
} from './announcement-cards.js';
import type { AnnouncementViews } from './announcement-views.js';
import type { AnnouncementDoc } from './announcements-repository.js';
import { NOT_ALLOWED, NOT_FOUND, type AnnouncementsContext } from './announcements-context.js';
import { ensureChannelReference } from './channel-link.js';
import { parseCompose, rawFields } from './compose-input.js';

export interface Where {
  /** The Teams channel the request came from, or null in personal chat. */
  channelId: string | null;
  /** The turn's Bot Connector address and the bot's account: a channel linked by roster import has no stored reference yet. */
  serviceUrl?: string | null;
  bot?: { id: string; name?: string } | null;
}

export class ComposeAnnouncement {
  constructor(
    private readonly ctx: AnnouncementsContext,
    private readonly views: AnnouncementViews,
  ) {}

  async composeCard(tenantId: string, person: PersonDoc, where: Where): Promise<CardOrText> {
    const choice = await this.cohortChoice(tenantId, person, where);
    if (typeof choice === 'string') return choice;
    return this.render(choice, { target: choice.fixed?.teamsChannelId ? 'both' : 'members' }, {});
  }

  private async cohortChoice(
    tenantId: string,
    person: PersonDoc,
    where: Where,
  ): Promise<string | CohortChoice> {
    const cohorts = await this.ctx.manageableCohorts(tenantId, person, 'announcement.compose');
    if (cohorts.length === 0)
      return this.ctx.hasLeadRole(person)
        ? 'You do not lead a cohort yet, so there is no one to announce to.'
        : NOT_ALLOWED;
    if (where.channelId) {
      const cohort = await this.ctx.deps.cohorts.byChannel(tenantId, where.channelId);
      if (!cohort)
        return 'This channel is not linked to a cohort yet. Type **link cohort** here first, or type **announce** in a personal chat with me.';
      if (!this.ctx.may(person, 'announcement.compose', cohort._id)) return NOT_ALLOWED;
      return { cohorts: [cohort], fixed: cohort };
    }
    // The lead's current cohort (running, else next, else latest ended) first and chosen by default.
    return {
      cohorts: currentCohortFirst(cohorts, this.ctx.now),
      fixed: cohorts.length === 1 ? cohorts[0]! : null,
    };
  }

  private render(
    choice: CohortChoice,
    values: Record<string, string>,
    errors: Record<string, string>,
    draftId = '',
  ) {
    return composeCard(this.ctx.deps.cards, choice, values, errors, {
      zoneOf: (c) => this.ctx.zoneOf(c),
      now: this.ctx.now,
      draftId,
    });
  }

  /** Validates the compose card, stores a draft and shows the preview (or the card again, with errors). */
  async preview(tenantId: string, person: PersonDoc, data: unknown, where: Where): Promise<CardOrText> {
    const choice = await this.cohortChoice(tenantId, person, where);
    if (typeof choice === 'string') return choice;
    const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    // The cohort comes from the card's choice, or is fixed (the linked channel, or the caller's only cohort).
    const submitted =
      typeof record.cohortId === 'string' && record.cohortId
        ? record.cohortId
        : record.cohortIdFixed || choice.fixed?._id;
    const input = { ...record, cohortId: submitted };
    const draftId = typeof record.draftId === 'string' ? record.draftId : '';
    const raw = rawFields(input);
    const zone = (cohortId: string) =>
      this.ctx.zoneOf(choice.cohorts.find((c) => c._id === cohortId) ?? null);
    const parsed = parseCompose(input, zone, this.ctx.now);
    if (!parsed.ok) return this.render(choice, raw, parsed.errors, draftId);
    const v = parsed.value;
    const cohort = choice.cohorts.find((c) => c._id === v.cohortId);
    if (!cohort || !this.ctx.may(person, 'announcement.compose', cohort._id))
      return this.render(choice, raw, { cohortId: 'Choose one of your cohorts' }, draftId);
    const errors: Record<string, string> = {};
    // One source of truth for the link: the cohort's channel id (what `link cohort` shows).
    const channel = await ensureChannelReference(
      this.ctx.deps.references,
      tenantId,
      cohort,
      where,
      this.ctx.now,
    );
    if (v.target !== 'members' && !channel)
      errors.target =
        "This cohort's channel is not linked yet (type **link cohort** in it), so send to each member personally for now.";
    const audience = await this.ctx.audienceOf(tenantId, cohort._id, person._id);
    if (v.target !== 'channel' && audience.length === 0)
      errors.target = 'This cohort has no members to send to yet.';
    if (Object.keys(errors).length) return this.render(choice, raw, errors, draftId);

    const now = this.ctx.now;
    const existing = draftId ? await this.ctx.repo.byId(tenantId, draftId) : null;
    const fields = {
      cohortId: cohort._id,
      content: v.content,
      target: v.target,
      sendAt: v.sendAt,
      timeZone: this.ctx.zoneOf(cohort),
      channelKey: v.target === 'members' ? null : channel,
    };
    let ann: AnnouncementDoc;
    if (existing && existing.state === 'draft' && existing.authorId === person._id) {
      await this.ctx.repo.set(tenantId, existing._id, fields, now);
      ann = { ...existing, ...fields };
    } else {
      ann = {
        _id: tenantDocId(tenantId, 'ann', randomUUID()),
        tenantId,
        authorId: person._id,
        state: 'draft',
        audience: [],
        revision: 0,
        sentAt: null,
        editedAt: null,
        recalledAt: null,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
        ...fields,
      };
      await this.ctx.repo.insert(tenantId, ann);
    }
    return previewCard(
      this.ctx.deps.cards,
      ann,
      cohort,
      audience.length,
      this.ctx.deps.config.ANNOUNCEMENT_REMINDER_MINUTES,
    );
  }

  /** Back from the preview to the compose card, with what was typed. */
  async change(tenantId: string, person: PersonDoc, data: unknown, where: Where): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    // Anyone else's draft, or a sent one: the status card, for those who may see it.
    if (ann.authorId !== person._id || ann.state !== 'draft')
      return this.views.statusCard(tenantId, person, data);
    const choice = await this.cohortChoice(tenantId, person, where);
    if (typeof choice === 'string') return choice;
    const local = ann.sendAt ? localParts(ann.sendAt, ann.timeZone) : { date: '', time: '' };
    return this.render(
      choice,
      {
        cohortId: ann.cohortId,
        title: ann.content.title,
        body: ann.content.body,
        linkUrl: ann.content.linkUrl ?? '',
        imageUrl: ann.content.imageUrl ?? '',
        importance: ann.content.importance,
        ackRequired: String(ann.content.ackRequired),
        target: ann.target,
        when: ann.sendAt ? 'later' : 'now',
        sendDate: local.date,
        sendTime: local.time,
      },
      {},
      ann._id,
    );
  }
}
