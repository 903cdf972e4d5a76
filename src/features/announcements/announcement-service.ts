/**
 * Cohort announcements: compose → preview → send now or at a time in the cohort's zone →
 * fan-out through the one outbox (channel post and/or a personal copy per member) →
 * acknowledgements, live counts for the lead, reminders, edit and recall everywhere it was
 * posted, and an audit trail.
 *
 * Every decision that two requests could race for (send vs. send, fire vs. cancel, two edits
 * of one revision, two recalls) is settled by a claim (insert-if-absent); every outbox item
 * has a deterministic dedupe key, so a re-run (job retry after a crash, double click) never
 * enqueues a second copy.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Db } from 'mongodb';
import type { AdaptiveCard } from '../../cards/cards.js';
import { Cards } from '../../cards/cards.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { can, type Action as PolicyAction } from '../../domain/authorization.js';
import { currentCohort, currentCohortFirst } from '../../domain/current-cohort.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import { reminderTime } from '../../domain/working-hours.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { Logger } from '../../logger.js';
import { outboxItemId, type EnqueueRequest, type Outbox, type OutboxItem } from '../../proactive/outbox.js';
import { AuditRepository } from '../../storage/audit-repository.js';
import { Claims } from '../../storage/claims.js';
import { CohortsRepository, type CohortDoc } from '../../storage/cohorts-repository.js';
import {
  channelKey,
  ConversationReferencesRepository,
} from '../../storage/conversation-references-repository.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import {
  AnnouncementsRepository,
  type AnnouncementContent,
  type AnnouncementDoc,
} from './announcements-repository.js';
import { ensureChannelReference } from './channel-link.js';
import { parseCompose, parseEdit, rawFields } from './compose-input.js';

export const PURPOSE = 'announcement';
export const JOB_SEND = 'announcement.send';
export const JOB_REMIND = 'announcement.remind';
/** Safety net for a send-now whose fan-out was interrupted: the job re-runs it (idempotent). */
const SEND_NOW_SAFETY_MS = 2 * 60 * 1000;
const MAX_NAMES = 25;
const MAX_REFRESH_USERS = 60;

export const batchOf = (announcementId: string) => `announcement:${announcementId}`;
export const reminderBatchOf = (announcementId: string) => `announcement:${announcementId}:remind`;
export const sendJobKey = (announcementId: string) => `announcement.send:${announcementId}`;
export const remindJobKey = (announcementId: string) => `announcement.remind:${announcementId}`;
export const personDedupeKey = (announcementId: string, personId: string) =>
  `announcement:${announcementId}:send:person:${personId}`;
export const channelDedupeKey = (announcementId: string) => `announcement:${announcementId}:send:channel`;

export type CardOrText = AdaptiveCard | string;

export interface Where {
  /** The Teams channel the request came from, or null in personal chat. */
  channelId: string | null;
  /** The turn's Bot Connector address and the bot's account: a channel linked by roster import has no stored reference yet. */
  serviceUrl?: string | null;
  bot?: { id: string; name?: string } | null;
}

export interface AnnouncementDeps {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  people: PeopleRepository;
  outbox: Outbox;
  scheduler: Scheduler;
}

const NOT_ALLOWED = 'Only a placement lead of this cohort or an administrator can do that.';
const NOT_FOUND = 'I could not find that announcement.';

export class AnnouncementService {
  readonly repo: AnnouncementsRepository;
  private readonly cohorts: CohortsRepository;
  private readonly audit: AuditRepository;
  private readonly references: ConversationReferencesRepository;
  private readonly claims: Claims;
  readonly cards = new Cards();

  constructor(private readonly deps: AnnouncementDeps) {
    this.repo = new AnnouncementsRepository(deps.db);
    this.cohorts = new CohortsRepository(deps.db);
    this.audit = new AuditRepository(deps.db);
    this.references = new ConversationReferencesRepository(deps.db);
    this.claims = new Claims(deps.db);
  }

  private get now() {
    return this.deps.clock.now();
  }

  // ------------------------------------------------------------------ who may do what

  /** The policy's decision (src/domain/authorization.ts) for an action on a cohort's announcements. */
  may(person: PersonDoc, action: PolicyAction, cohortId: string): boolean {
    return can(person, action, { cohortId });
  }

  /** Has the lead or admin role (chooses a refusal's wording; decisions are the policy's). */
  hasLeadRole(person: PersonDoc): boolean {
    return person.roles.includes('admin') || person.roles.includes('lead');
  }

  async manageableCohorts(
    tenantId: string,
    person: PersonDoc,
    action: PolicyAction = 'announcement.compose',
  ): Promise<CohortDoc[]> {
    const all = await this.cohorts.all(tenantId);
    return all.filter((c) => this.may(person, action, c._id));
  }

  /** When the reminder to non-acknowledgers goes: after the configured delay, moved into working time. */
  private async reminderAt(tenantId: string, ann: AnnouncementDoc, fallback: Date): Promise<Date> {
    const cohort = await this.cohorts.byId(tenantId, ann.cohortId);
    return reminderTime(ann.sentAt ?? fallback, this.deps.config.ANNOUNCEMENT_REMINDER_MINUTES, {
      calendar: cohort ?? undefined,
      zone: this.zoneOf(cohort),
    });
  }

  private zoneOf(cohort: Pick<CohortDoc, 'timeZone'> | null): string {
    return cohort?.timeZone || this.deps.config.DEFAULT_TIME_ZONE;
  }

  /** The people asked to read it: the cohort's members, not its leads or admins, not the author. */
  async audienceOf(tenantId: string, cohortId: string, authorId: string): Promise<PersonDoc[]> {
    const members = await this.deps.people.inCohort(tenantId, cohortId);
    return members.filter(
      (p) => p._id !== authorId && !p.roles.includes('lead') && !p.roles.includes('admin'),
    );
  }

  /** Teams user ids that see the lead view when the card refreshes: the author and the cohort's leads. */
  private async refreshUserIds(tenantId: string, ann: AnnouncementDoc): Promise<string[]> {
    const leads = await this.deps.people.leadsOf(tenantId, ann.cohortId);
    const author = await this.deps.people.byId(tenantId, ann.authorId);
    const ids = [author, ...leads]
      .map((p) => p?.teamsUserId)
      .filter((id): id is string => typeof id === 'string');
    return [...new Set(ids)].slice(0, MAX_REFRESH_USERS);
  }

  // ------------------------------------------------------------------ compose and preview

  async composeCard(tenantId: string, person: PersonDoc, where: Where): Promise<CardOrText> {
    const choice = await this.cohortChoice(tenantId, person, where);
    if (typeof choice === 'string') return choice;
    return this.renderCompose(choice, { target: choice.fixed?.teamsChannelId ? 'both' : 'members' }, {});
  }

  private async cohortChoice(
    tenantId: string,
    person: PersonDoc,
    where: Where,
  ): Promise<string | { cohorts: CohortDoc[]; fixed: CohortDoc | null }> {
    const cohorts = await this.manageableCohorts(tenantId, person, 'announcement.compose');
    if (cohorts.length === 0)
      return this.hasLeadRole(person)
        ? 'You do not lead a cohort yet, so there is no one to announce to.'
        : NOT_ALLOWED;
    if (where.channelId) {
      const cohort = await this.cohorts.byChannel(tenantId, where.channelId);
      if (!cohort)
        return 'This channel is not linked to a cohort yet. Type **link cohort** here first, or type **announce** in a personal chat with me.';
      if (!this.may(person, 'announcement.compose', cohort._id)) return NOT_ALLOWED;
      return { cohorts: [cohort], fixed: cohort };
    }
    // The lead's current cohort (running, else next, else latest ended) first and chosen by default.
    return { cohorts: currentCohortFirst(cohorts, this.now), fixed: cohorts.length === 1 ? cohorts[0]! : null };
  }

  private renderCompose(
    choice: { cohorts: CohortDoc[]; fixed: CohortDoc | null },
    values: Record<string, string>,
    errors: Record<string, string>,
    draftId = '',
  ): AdaptiveCard {
    const zones = [...new Set(choice.cohorts.map((c) => this.zoneOf(c)))];
    const selected =
      choice.cohorts.find((c) => c._id === values.cohortId) ??
      choice.fixed ??
      currentCohort(choice.cohorts, this.now) ??
      choice.cohorts[0]!;
    return this.cards.render('announcement-compose', {
      heading: 'New announcement',
      mode: 'new',
      formError:
        errors._form ?? (Object.keys(errors).length ? 'Please correct the fields marked below.' : ''),
      showCohortChoice: !choice.fixed,
      cohortChoices: choice.cohorts.map((c) => ({ title: `${c.name} (${this.zoneOf(c)})`, value: c._id })),
      cohortId: selected._id,
      cohortIdFixed: choice.fixed?._id ?? '',
      cohortName: selected.name,
      title: values.title ?? '',
      body: values.body ?? '',
      linkUrl: values.linkUrl ?? '',
      imageUrl: values.imageUrl ?? '',
      importance: values.importance || 'normal',
      ackRequired: values.ackRequired || 'true',
      target: values.target || 'both',
      when: values.when || 'now',
      sendDate: values.sendDate ?? '',
      sendTime: values.sendTime ?? '',
      zoneText: zones.length === 1 ? zones[0] : 'shown next to each cohort above',
      draftId,
      announcementId: '',
      ...errorFields(errors, COMPOSE_FIELDS),
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
    const zone = (cohortId: string) => this.zoneOf(choice.cohorts.find((c) => c._id === cohortId) ?? null);
    const parsed = parseCompose(input, zone, this.now);
    if (!parsed.ok) return this.renderCompose(choice, raw, parsed.errors, draftId);
    const v = parsed.value;
    const cohort = choice.cohorts.find((c) => c._id === v.cohortId);
    if (!cohort || !this.may(person, 'announcement.compose', cohort._id))
      return this.renderCompose(choice, raw, { cohortId: 'Choose one of your cohorts' }, draftId);
    const errors: Record<string, string> = {};
    // One source of truth for the link: the cohort's channel id (what `link cohort` shows).
    const channel = await ensureChannelReference(this.references, tenantId, cohort, where, this.now);
    if (v.target !== 'members' && !channel)
      errors.target =
        "This cohort's channel is not linked yet (type **link cohort** in it), so send to each member personally for now.";
    const audience = await this.audienceOf(tenantId, cohort._id, person._id);
    if (v.target !== 'channel' && audience.length === 0)
      errors.target = 'This cohort has no members to send to yet.';
    if (Object.keys(errors).length) return this.renderCompose(choice, raw, errors, draftId);

    const now = this.now;
    const existing = draftId ? await this.repo.byId(tenantId, draftId) : null;
    const fields = {
      cohortId: cohort._id,
      content: v.content,
      target: v.target,
      sendAt: v.sendAt,
      timeZone: this.zoneOf(cohort),
      channelKey: v.target === 'members' ? null : channel,
    };
    let ann: AnnouncementDoc;
    if (existing && existing.state === 'draft' && existing.authorId === person._id) {
      await this.repo.set(tenantId, existing._id, fields, now);
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
      await this.repo.insert(tenantId, ann);
    }
    return this.renderPreview(ann, cohort, audience.length);
  }

  private renderPreview(ann: AnnouncementDoc, cohort: CohortDoc, audienceSize: number): AdaptiveCard {
    const reminder = this.deps.config.ANNOUNCEMENT_REMINDER_MINUTES;
    return this.cards.render('announcement-preview', {
      sendVerb: ann.sendAt ? 'schedule it' : 'send it',
      sendTitle: ann.sendAt ? 'Schedule' : 'Send now',
      urgent: ann.content.importance === 'urgent',
      title: ann.content.title,
      imageUrl: ann.content.imageUrl ?? '',
      body: ann.content.body,
      linkUrl: ann.content.linkUrl ?? '',
      facts: [
        { title: 'Cohort', value: cohort.name },
        { title: 'Send to', value: targetText(ann.target, audienceSize) },
        {
          title: 'When',
          value: ann.sendAt
            ? `${formatLocal(ann.sendAt, ann.timeZone)} (${ann.timeZone})`
            : 'As soon as you press Send',
        },
        {
          title: 'Acknowledgement',
          value: ann.content.ackRequired
            ? `Required; reminder to those who have not after ${durationText(reminder)}`
            : 'Not required',
        },
      ],
      announcementId: ann._id,
    });
  }

  /** Back from the preview to the compose card, with what was typed. */
  async change(tenantId: string, person: PersonDoc, data: unknown, where: Where): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    // Anyone else's draft, or a sent one: the status card, for those who may see it.
    if (ann.authorId !== person._id || ann.state !== 'draft') return this.statusCard(tenantId, person, data);
    const choice = await this.cohortChoice(tenantId, person, where);
    if (typeof choice === 'string') return choice;
    const local = ann.sendAt ? localParts(ann.sendAt, ann.timeZone) : { date: '', time: '' };
    return this.renderCompose(
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

  // ------------------------------------------------------------------ send and schedule

  async send(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.may(person, 'announcement.send', ann.cohortId))
      return this.refuse(tenantId, person, 'announcement.send', ann._id);
    if (ann.state !== 'draft') return this.status(tenantId, person, ann);
    // Exactly one Send wins, however often it is pressed.
    if (!(await this.claims.take('announcement.decide', ann._id))) {
      // The other press is sending it right now (its state may not be written yet).
      const current = (await this.repo.byId(tenantId, ann._id)) ?? ann;
      return this.status(
        tenantId,
        person,
        current.state === 'draft' ? { ...current, state: 'sending' } : current,
      );
    }
    const now = this.now;
    const audience = (await this.audienceOf(tenantId, ann.cohortId, ann.authorId)).map((p) => p._id);
    if (ann.sendAt && ann.sendAt.getTime() > now.getTime()) {
      await this.repo.set(tenantId, ann._id, { state: 'scheduled', audience }, now);
      await this.deps.scheduler.schedule({
        key: sendJobKey(ann._id),
        type: JOB_SEND,
        runAt: ann.sendAt,
        tenantId,
        payload: { announcementId: ann._id },
      });
      await this.audit.record(
        tenantId,
        {
          actorId: person._id,
          action: 'announcement.schedule',
          targetId: ann._id,
          details: { audience: audience.length, target: ann.target, sendAt: ann.sendAt.toISOString() },
        },
        now,
      );
    } else {
      await this.repo.set(tenantId, ann._id, { state: 'sending', audience, sentAt: now }, now);
      await this.deps.scheduler.schedule({
        key: sendJobKey(ann._id),
        type: JOB_SEND,
        runAt: new Date(now.getTime() + SEND_NOW_SAFETY_MS),
        tenantId,
        payload: { announcementId: ann._id },
      });
      await this.fanOut(tenantId, ann._id, person._id);
    }
    return this.status(tenantId, person, (await this.repo.byId(tenantId, ann._id))!);
  }

  /** The send job: fires a scheduled send, or finishes a send-now that was interrupted. */
  async runSendJob(tenantId: string, announcementId: string): Promise<void> {
    const ann = await this.repo.byId(tenantId, announcementId);
    if (!ann) return;
    if (ann.state === 'scheduled') {
      // Firing and cancelling race for the same claim.
      if (!(await this.claims.take('announcement.fire', ann._id))) return;
      await this.repo.set(tenantId, ann._id, { state: 'sending', sentAt: this.now }, this.now);
      await this.fanOut(tenantId, ann._id, ann.authorId);
    } else if (ann.state === 'sending') {
      await this.fanOut(tenantId, ann._id, ann.authorId);
    }
  }

  /** Enqueues every copy (idempotent: deterministic dedupe keys), then marks it sent. */
  private async fanOut(tenantId: string, announcementId: string, actorId: string): Promise<void> {
    const ann = await this.repo.byId(tenantId, announcementId);
    if (!ann || ann.state !== 'sending') return;
    const activity = await this.messageActivity(tenantId, ann, { reminder: false });
    const requests: EnqueueRequest[] = [];
    const batchId = batchOf(ann._id);
    if (ann.target !== 'members' && ann.channelKey)
      requests.push({
        dedupeKey: channelDedupeKey(ann._id),
        purpose: PURPOSE,
        batchId,
        target: { kind: 'conversation', key: ann.channelKey },
        activity,
      });
    if (ann.target !== 'channel')
      for (const personId of ann.audience)
        requests.push({
          dedupeKey: personDedupeKey(ann._id, personId),
          purpose: PURPOSE,
          batchId,
          target: { kind: 'person', personId },
          activity,
        });
    // Real time, not the (test-controllable) clock: the sender compares notBefore with real time.
    const added = await this.deps.outbox.enqueue(tenantId, requests);
    const now = this.now;
    await this.repo.set(tenantId, ann._id, { state: 'sent' }, now);
    if (ann.content.ackRequired)
      await this.deps.scheduler.schedule({
        key: remindJobKey(ann._id),
        type: JOB_REMIND,
        runAt: await this.reminderAt(tenantId, ann, now),
        tenantId,
        payload: { announcementId: ann._id },
      });
    await this.audit.record(
      tenantId,
      {
        actorId,
        action: 'announcement.send',
        targetId: ann._id,
        details: {
          messages: requests.length,
          newlyQueued: added,
          audience: ann.audience.length,
          target: ann.target,
        },
      },
      now,
    );
  }

  async cancel(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.may(person, 'announcement.send', ann.cohortId))
      return this.refuse(tenantId, person, 'announcement.cancel', ann._id);
    if (ann.state !== 'scheduled') return this.status(tenantId, person, ann);
    if (!(await this.claims.take('announcement.fire', ann._id)))
      return this.status(tenantId, person, (await this.repo.byId(tenantId, ann._id)) ?? ann, {
        note: 'It is being sent right now, so it can no longer be cancelled; recall it instead.',
      });
    const now = this.now;
    await this.repo.set(tenantId, ann._id, { state: 'cancelled' }, now);
    await this.deps.scheduler.cancel(sendJobKey(ann._id));
    await this.audit.record(
      tenantId,
      { actorId: person._id, action: 'announcement.cancel', targetId: ann._id },
      now,
    );
    return this.status(tenantId, person, (await this.repo.byId(tenantId, ann._id))!);
  }

  // ------------------------------------------------------------------ acknowledge, refresh, status

  async acknowledge(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann || ann.state === 'draft') return NOT_FOUND;
    if (ann.state === 'recalled' || ann.state === 'cancelled') return this.recalledCard(ann);
    if (
      !ann.content.ackRequired ||
      !can(person, 'announcement.acknowledge', { cohortId: ann.cohortId, audienceIds: ann.audience })
    ) {
      if (this.may(person, 'announcement.status.view', ann.cohortId))
        return this.status(tenantId, person, ann);
      return this.memberCard(tenantId, ann, person, {
        note: ann.content.ackRequired
          ? 'This announcement is for members of the cohort; nothing was recorded.'
          : '',
      });
    }
    await this.repo.acknowledge(tenantId, ann._id, person._id, this.now);
    return this.memberCard(tenantId, ann, person);
  }

  /** Universal Actions refresh: the cohort's leads get the live status, everyone else their own copy. */
  async refresh(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann || ann.state === 'draft') return NOT_FOUND;
    if (this.may(person, 'announcement.status.view', ann.cohortId)) return this.status(tenantId, person, ann);
    if (ann.state === 'recalled') return this.recalledCard(ann);
    return this.memberCard(tenantId, ann, person);
  }

  async statusCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann || ann.state === 'draft') return NOT_FOUND;
    if (!this.may(person, 'announcement.status.view', ann.cohortId)) return NOT_ALLOWED;
    return this.status(tenantId, person, ann);
  }

  /** The numbers behind the status card: counts from the database at the time of asking. */
  async report(tenantId: string, ann: AnnouncementDoc) {
    const counts = await this.deps.outbox.batchCounts(tenantId, batchOf(ann._id));
    const channelItem =
      ann.target !== 'members'
        ? await this.deps.outbox.byId(tenantId, outboxItemId(tenantId, channelDedupeKey(ann._id)))
        : null;
    if (channelItem) counts[channelItem.state] -= 1;
    const unreachableItems = await this.deps.outbox
      .scope(tenantId)
      .find({ batchId: batchOf(ann._id), state: 'unreachable' }, { projection: { personId: 1 } })
      .toArray();
    const unreachable = unreachableItems.map((i) => i.personId).filter((id): id is string => !!id);
    const ackers = await this.repo.ackers(tenantId, ann._id);
    const audience = new Set(ann.audience);
    const acknowledged = [...ackers].filter((id) => audience.has(id)).length;
    const notAcknowledged = ann.audience.filter((id) => !ackers.has(id));
    return {
      personal: counts,
      channel: channelItem?.state ?? null,
      unreachable,
      acknowledged,
      notAcknowledged,
    };
  }

  async status(
    tenantId: string,
    viewer: PersonDoc,
    ann: AnnouncementDoc,
    extra: { note?: string } = {},
  ): Promise<AdaptiveCard> {
    const cohort = await this.cohorts.byId(tenantId, ann.cohortId);
    const author = await this.deps.people.byId(tenantId, ann.authorId);
    const zone = ann.timeZone;
    const when = (d: Date) => `${formatLocal(d, zone)} (${zone})`;
    const facts = [{ title: 'Cohort', value: cohort?.name ?? 'unknown cohort' }];
    let ackSummary = '';
    let notAckedText = '';
    let unreachableText = '';
    const notes: string[] = extra.note ? [extra.note] : [];
    if (ann.state === 'scheduled' || ann.state === 'cancelled') {
      facts.push({ title: 'Scheduled for', value: ann.sendAt ? when(ann.sendAt) : 'now' });
      facts.push({ title: 'Send to', value: targetText(ann.target, ann.audience.length) });
    } else {
      const r = await this.report(tenantId, ann);
      facts.push({
        title: 'Sent',
        value: `${ann.sentAt ? when(ann.sentAt) : 'now'} by ${author?.displayName ?? 'a former lead'}`,
      });
      if (ann.target !== 'members') facts.push({ title: 'Channel', value: channelStateText(r.channel) });
      if (ann.target !== 'channel') {
        const p = r.personal;
        facts.push({
          title: 'Personal copies',
          value: `${p.sent} of ${ann.audience.length} delivered, ${p.pending + p.sending} waiting, ${p.unreachable} unreachable, ${p.failed} failed`,
        });
      }
      if (ann.content.ackRequired) {
        ackSummary = `${r.acknowledged} of ${ann.audience.length} acknowledged`;
        notAckedText = await this.namesText(tenantId, r.notAcknowledged);
      }
      unreachableText = await this.namesText(tenantId, r.unreachable);
      if (ann.editedAt)
        facts.push({ title: 'Edited', value: `${when(ann.editedAt)} (revision ${ann.revision})` });
      if (ann.state === 'recalled' && ann.recalledAt)
        notes.push(`Recalled ${when(ann.recalledAt)}: removed everywhere it was delivered.`);
      if (ann.state === 'sent' && ann.content.ackRequired && ann.sentAt) {
        const at = await this.reminderAt(tenantId, ann, ann.sentAt);
        notes.push(
          at > this.now
            ? `Reminder to those who have not acknowledged: ${when(at)}.`
            : `Reminder sent to those who had not acknowledged by ${when(at)}.`,
        );
      }
    }
    return this.cards.render('announcement-status', {
      announcementId: ann._id,
      refreshUserIds: await this.refreshUserIds(tenantId, ann),
      heading: HEADINGS[ann.state],
      title: ann.content.title,
      ackSummary,
      facts,
      notAckedText,
      unreachableText,
      note: notes.join(' '),
      canEdit: ann.state === 'sent' && this.may(viewer, 'announcement.edit', ann.cohortId),
      canRecall: ann.state === 'sent' && this.may(viewer, 'announcement.recall', ann.cohortId),
      canCancel: ann.state === 'scheduled' && this.may(viewer, 'announcement.send', ann.cohortId),
    });
  }

  private async namesText(tenantId: string, ids: string[]): Promise<string> {
    if (ids.length === 0) return '';
    const shown = await this.deps.people.byIds(tenantId, ids.slice(0, MAX_NAMES));
    const names = shown.map((p) => p.displayName).sort((a, b) => a.localeCompare(b));
    const more = ids.length - names.length;
    return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
  }

  /** `announcements`: the recent announcements of the cohorts the caller leads. */
  async list(tenantId: string, person: PersonDoc): Promise<CardOrText> {
    const cohorts = await this.manageableCohorts(tenantId, person, 'announcement.status.view');
    if (cohorts.length === 0 && !this.hasLeadRole(person)) return NOT_ALLOWED;
    const names = new Map(cohorts.map((c) => [c._id, c.name]));
    const recent = await this.repo.recent(
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
        const full = (await this.repo.byId(tenantId, ann._id))!;
        const r = await this.report(tenantId, full);
        if (ann.content.ackRequired) parts.push(`${r.acknowledged} of ${full.audience.length} acknowledged`);
        if (r.unreachable.length) parts.push(`${r.unreachable.length} unreachable`);
      }
      items.push({ announcementId: ann._id, title: ann.content.title, summary: parts.join(' · ') });
    }
    return this.cards.render('announcement-list', { items });
  }

  // ------------------------------------------------------------------ reminders

  async runReminderJob(tenantId: string, announcementId: string): Promise<number> {
    const ann = await this.repo.byId(tenantId, announcementId);
    if (!ann || ann.state !== 'sent' || !ann.content.ackRequired) return 0;
    const ackers = await this.repo.ackers(tenantId, ann._id);
    const pending = ann.audience.filter((id) => !ackers.has(id));
    const people = await this.deps.people.byIds(tenantId, pending);
    const reachable = people.filter((p) => !p.unreachableSince).map((p) => p._id);
    const activity = await this.messageActivity(tenantId, ann, { reminder: true });
    const added = await this.deps.outbox.enqueue(
      tenantId,
      reachable.map((personId) => ({
        dedupeKey: `announcement:${ann._id}:remind:${personId}`,
        purpose: PURPOSE,
        batchId: reminderBatchOf(ann._id),
        target: { kind: 'person' as const, personId },
        activity,
      })),
    );
    await this.audit.record(
      tenantId,
      {
        actorId: null,
        action: 'announcement.remind',
        targetId: ann._id,
        details: { reminded: reachable.length, newlyQueued: added },
      },
      this.now,
    );
    return reachable.length;
  }

  // ------------------------------------------------------------------ edit and recall

  async editCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.may(person, 'announcement.edit', ann.cohortId))
      return this.refuse(tenantId, person, 'announcement.edit', ann._id);
    if (ann.state !== 'sent') return this.status(tenantId, person, ann);
    return this.renderEdit(ann, rawContent(ann.content), {});
  }

  private renderEdit(ann: AnnouncementDoc, values: Record<string, string>, errors: Record<string, string>) {
    return this.cards.render('announcement-compose', {
      heading: 'Edit the announcement (changes every copy already posted)',
      mode: 'edit',
      formError:
        errors._form ?? (Object.keys(errors).length ? 'Please correct the fields marked below.' : ''),
      showCohortChoice: false,
      cohortChoices: [],
      cohortId: ann.cohortId,
      cohortIdFixed: ann.cohortId,
      cohortName: '',
      title: values.title ?? '',
      body: values.body ?? '',
      linkUrl: values.linkUrl ?? '',
      imageUrl: values.imageUrl ?? '',
      importance: values.importance || 'normal',
      ackRequired: String(ann.content.ackRequired),
      target: ann.target,
      when: 'now',
      sendDate: '',
      sendTime: '',
      zoneText: ann.timeZone,
      draftId: '',
      announcementId: ann._id,
      ...errorFields(errors, COMPOSE_FIELDS),
    });
  }

  async update(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.may(person, 'announcement.edit', ann.cohortId))
      return this.refuse(tenantId, person, 'announcement.edit', ann._id);
    if (ann.state !== 'sent') return this.status(tenantId, person, ann);
    const parsed = parseEdit(data);
    if (!parsed.ok) return this.renderEdit(ann, rawFields(data), parsed.errors);
    const revision = ann.revision + 1;
    // Two leads editing the same revision: one wins, the other is told.
    if (!(await this.claims.take('announcement.edit', `${ann._id}#${revision}`)))
      return this.status(tenantId, person, (await this.repo.byId(tenantId, ann._id)) ?? ann, {
        note: 'Someone else changed this announcement just now. Check it and edit again if needed.',
      });
    const now = this.now;
    const content: AnnouncementContent = { ...parsed.value, ackRequired: ann.content.ackRequired };
    await this.repo.set(tenantId, ann._id, { content, revision, editedAt: now }, now);
    const updated: AnnouncementDoc = { ...ann, content, revision, editedAt: now };
    // An older edit still waiting must not land after this one.
    for (const old of await this.items(tenantId, [`announcement:${ann._id}:edit:${ann.revision}`]))
      if (old.state === 'pending') await this.deps.outbox.cancelIfPending(tenantId, old._id);
    const originals = (await this.items(tenantId, [batchOf(ann._id), reminderBatchOf(ann._id)])).filter(
      (i) => i.op === 'send' && !['failed', 'unreachable', 'cancelled'].includes(i.state),
    );
    const message = await this.messageActivity(tenantId, updated, { reminder: false });
    const reminder = await this.messageActivity(tenantId, updated, { reminder: true });
    const queued = await this.deps.outbox.enqueue(
      tenantId,
      originals.map((o) => ({
        dedupeKey: `announcement:${ann._id}:edit:${revision}:${o._id}`,
        purpose: PURPOSE,
        batchId: `announcement:${ann._id}:edit:${revision}`,
        op: 'update' as const,
        originalItemId: o._id,
        target: o.target,
        activity: o.batchId === reminderBatchOf(ann._id) ? reminder : message,
      })),
    );
    await this.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'announcement.edit',
        targetId: ann._id,
        details: { revision, messages: originals.length, newlyQueued: queued },
      },
      now,
    );
    return this.status(tenantId, person, updated, { note: `Updating ${originals.length} posted copies.` });
  }

  async recall(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.may(person, 'announcement.recall', ann.cohortId))
      return this.refuse(tenantId, person, 'announcement.recall', ann._id);
    if (ann.state === 'sending')
      return this.status(tenantId, person, ann, { note: 'It is still being queued; recall it in a moment.' });
    if (ann.state !== 'sent') return this.status(tenantId, person, ann);
    if (!(await this.claims.take('announcement.recall', ann._id)))
      return this.status(tenantId, person, (await this.repo.byId(tenantId, ann._id)) ?? ann);
    const now = this.now;
    await this.repo.set(tenantId, ann._id, { state: 'recalled', recalledAt: now }, now);
    await this.deps.scheduler.cancel(remindJobKey(ann._id));
    const originals = (await this.items(tenantId, [batchOf(ann._id), reminderBatchOf(ann._id)])).filter(
      (i) => i.op === 'send',
    );
    let cancelled = 0;
    const deletes: EnqueueRequest[] = [];
    for (const o of originals) {
      if (['failed', 'unreachable', 'cancelled'].includes(o.state)) continue;
      if (o.state === 'pending' && (await this.deps.outbox.cancelIfPending(tenantId, o._id))) {
        cancelled++;
        continue;
      }
      deletes.push({
        dedupeKey: `announcement:${ann._id}:recall:${o._id}`,
        purpose: PURPOSE,
        batchId: `announcement:${ann._id}:recall`,
        op: 'delete',
        originalItemId: o._id,
        target: o.target,
      });
    }
    await this.deps.outbox.enqueue(tenantId, deletes);
    await this.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'announcement.recall',
        targetId: ann._id,
        details: { removed: deletes.length, notSentCancelled: cancelled },
      },
      now,
    );
    return this.status(
      tenantId,
      person,
      { ...ann, state: 'recalled', recalledAt: now },
      {
        note: `Removing ${deletes.length} posted copies; ${cancelled} not yet sent were cancelled.`,
      },
    );
  }

  /** A delivery report to the author when someone could not be reached (once per announcement). */
  async reportUnreachable(item: OutboxItem): Promise<void> {
    const match = /^announcement:(.+)$/.exec(item.batchId ?? '');
    if (!match || item.op !== 'send') return;
    const ann = await this.repo.byId(item.tenantId, match[1]!);
    if (!ann) return;
    const author = await this.deps.people.byId(item.tenantId, ann.authorId);
    if (!author) return;
    await this.audit.record(
      item.tenantId,
      {
        actorId: null,
        action: 'announcement.unreachable',
        targetId: ann._id,
        details: { outboxItemId: item._id },
      },
      this.now,
    );
    const card = await this.status(item.tenantId, author, ann, {
      note: 'Some people could not be reached: they blocked or removed the app. Please contact them another way.',
    });
    await this.deps.outbox.enqueue(item.tenantId, [
      {
        dedupeKey: `announcement:${ann._id}:unreachable-report`,
        purpose: 'announcement.report',
        target: { kind: 'person', personId: author._id },
        // Stored documents may not have keys starting with '$'.
        activity: {
          type: 'message',
          summary: 'Delivery report',
          attachments: [
            { contentType: 'application/vnd.microsoft.card.adaptive', content: withoutSchema(card) },
          ],
        },
        // Let the rest of the fan-out finish first, so the report is nearly complete.
        notBefore: new Date(Date.now() + 3_000),
      },
    ]);
  }

  // ------------------------------------------------------------------ cards

  private async messageActivity(tenantId: string, ann: AnnouncementDoc, opts: { reminder: boolean }) {
    const data = await this.messageData(tenantId, ann, {
      reminder: opts.reminder,
      showAck: ann.content.ackRequired,
      ackText: '',
    });
    return this.cards.activity('announcement', data, ann.content.title);
  }

  private async messageData(
    tenantId: string,
    ann: AnnouncementDoc,
    opts: { reminder: boolean; showAck: boolean; ackText: string },
  ) {
    const cohort = await this.cohorts.byId(tenantId, ann.cohortId);
    const author = await this.deps.people.byId(tenantId, ann.authorId);
    const sent = ann.sentAt ?? ann.sendAt ?? this.now;
    return {
      announcementId: ann._id,
      refreshUserIds: await this.refreshUserIds(tenantId, ann),
      reminder: opts.reminder,
      urgent: ann.content.importance === 'urgent',
      title: ann.content.title,
      byline: `From ${author?.displayName ?? 'your placement lead'} to ${cohort?.name ?? 'the cohort'} · ${formatLocal(sent, ann.timeZone)}${ann.revision > 0 ? ' · edited' : ''}`,
      imageUrl: ann.content.imageUrl ?? '',
      body: ann.content.body,
      ackText: opts.ackText,
      linkUrl: ann.content.linkUrl ?? '',
      showAck: opts.showAck,
    };
  }

  private async memberCard(
    tenantId: string,
    ann: AnnouncementDoc,
    person: PersonDoc,
    extra: { note?: string } = {},
  ): Promise<AdaptiveCard> {
    const ack = ann.content.ackRequired ? await this.repo.ackOf(tenantId, ann._id, person._id) : null;
    const zone = person.timeZone || ann.timeZone;
    const ackText = ack ? `✔ You acknowledged this on ${formatLocal(ack.at, zone)}.` : (extra.note ?? '');
    const data = await this.messageData(tenantId, ann, {
      reminder: false,
      showAck: ann.content.ackRequired && !ack && ann.audience.includes(person._id),
      ackText,
    });
    return this.cards.render('announcement', data);
  }

  private recalledCard(ann: AnnouncementDoc): AdaptiveCard {
    return this.cards.render('notice', {
      title: 'Announcement recalled',
      message: `"${ann.content.title}" was recalled by the placement team.`,
    });
  }

  // ------------------------------------------------------------------ helpers

  private async load(tenantId: string, data: unknown): Promise<AnnouncementDoc | null> {
    const id = (data as { announcementId?: unknown } | null)?.announcementId;
    if (typeof id !== 'string' || id.length > 300 || !id.startsWith(`${tenantId}|ann|`)) return null;
    return this.repo.byId(tenantId, id);
  }

  private items(tenantId: string, batchIds: string[]) {
    return this.deps.outbox
      .scope(tenantId)
      .find({ batchId: { $in: batchIds } }, { projection: { activity: 0 } })
      .toArray();
  }

  private async refuse(tenantId: string, person: PersonDoc, action: string, targetId: string) {
    await this.audit.record(
      tenantId,
      { actorId: person._id, action, targetId, outcome: 'refused' },
      this.now,
    );
    return NOT_ALLOWED;
  }
}

const HEADINGS: Record<AnnouncementDoc['state'], string> = {
  draft: 'Draft',
  scheduled: 'Announcement scheduled',
  sending: 'Sending the announcement…',
  sent: 'Announcement sent',
  cancelled: 'Scheduled send cancelled',
  recalled: 'Announcement recalled',
};

function targetText(target: AnnouncementDoc['target'], audience: number): string {
  const people = `${audience} member${audience === 1 ? '' : 's'}`;
  if (target === 'channel') return `The cohort's channel (${people} asked to read it)`;
  if (target === 'members') return `Each of ${people} personally`;
  return `The cohort's channel and each of ${people} personally`;
}

function channelStateText(state: string | null): string {
  if (state === 'sent') return 'Posted';
  if (state === 'pending' || state === 'sending') return 'Waiting to post';
  if (state === 'cancelled') return 'Not posted (cancelled)';
  return state ? `Not posted (${state})` : 'Not a target';
}

function durationText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function withoutSchema(card: AdaptiveCard): Record<string, unknown> {
  const { $schema: _schema, ...rest } = card as Record<string, unknown>;
  return rest;
}

/** The compose card's inputs, each of which can carry an error message back to the card. */
const COMPOSE_FIELDS = ['cohortId', 'title', 'body', 'linkUrl', 'imageUrl', 'target', 'sendDate', 'sendTime'];

function errorFields(errors: Record<string, string>, fields: string[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [`${f}Error`, errors[f] ?? '']));
}

function rawContent(c: AnnouncementContent): Record<string, string> {
  return {
    title: c.title,
    body: c.body,
    linkUrl: c.linkUrl ?? '',
    imageUrl: c.imageUrl ?? '',
    importance: c.importance,
  };
}

function localParts(instant: Date, zone: string): { date: string; time: string } {
  const local = DateTime.fromJSDate(instant, { zone });
  return { date: local.toFormat('yyyy-MM-dd'), time: local.toFormat('HH:mm') };
}
