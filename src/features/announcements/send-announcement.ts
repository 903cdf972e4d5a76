/**
 * Send now or at the scheduled time, and cancel a scheduled send. Every decision two requests
 * could race for (send vs. send, fire vs. cancel) is settled by a claim (insert-if-absent);
 * every copy has a deterministic dedupe key, so a re-run of the fan-out enqueues nothing twice.
 */
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CardOrText } from './announcement-cards.js';
import {
  batchOf,
  channelDedupeKey,
  JOB_REMIND,
  JOB_SEND,
  personDedupeKey,
  PURPOSE,
  remindJobKey,
  sendJobKey,
} from './announcement-keys.js';
import type { AnnouncementViews } from './announcement-views.js';
import { NOT_FOUND, type AnnouncementsContext } from './announcements-context.js';

/** Safety net for a send-now whose fan-out was interrupted: the job re-runs it (idempotent). */
const SEND_NOW_SAFETY_MS = 2 * 60 * 1000;

export class SendAnnouncement {
  constructor(
    private readonly ctx: AnnouncementsContext,
    private readonly views: AnnouncementViews,
  ) {}

  private get deps() {
    return this.ctx.deps;
  }

  async send(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.ctx.may(person, 'announcement.send', ann.cohortId))
      return this.ctx.refuse(tenantId, person, 'announcement.send', ann._id);
    if (ann.state !== 'draft') return this.views.status(tenantId, person, ann);
    // Exactly one Send wins, however often it is pressed.
    if (!(await this.deps.claims.take('announcement.decide', ann._id))) {
      // The other press is sending it right now (its state may not be written yet).
      const current = (await this.ctx.repo.byId(tenantId, ann._id)) ?? ann;
      return this.views.status(
        tenantId,
        person,
        current.state === 'draft' ? { ...current, state: 'sending' } : current,
      );
    }
    const now = this.ctx.now;
    const audience = (await this.ctx.audienceOf(tenantId, ann.cohortId, ann.authorId)).map((p) => p._id);
    if (ann.sendAt && ann.sendAt.getTime() > now.getTime()) {
      await this.ctx.repo.set(tenantId, ann._id, { state: 'scheduled', audience }, now);
      await this.deps.scheduler.schedule({
        key: sendJobKey(ann._id),
        type: JOB_SEND,
        runAt: ann.sendAt,
        tenantId,
        payload: { announcementId: ann._id },
      });
      await this.deps.audit.record(
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
      await this.ctx.repo.set(tenantId, ann._id, { state: 'sending', audience, sentAt: now }, now);
      await this.deps.scheduler.schedule({
        key: sendJobKey(ann._id),
        type: JOB_SEND,
        runAt: new Date(now.getTime() + SEND_NOW_SAFETY_MS),
        tenantId,
        payload: { announcementId: ann._id },
      });
      await this.fanOut(tenantId, ann._id, person._id);
    }
    return this.views.status(tenantId, person, (await this.ctx.repo.byId(tenantId, ann._id))!);
  }

  /** The send job: fires a scheduled send, or finishes a send-now that was interrupted. */
  async runSendJob(tenantId: string, announcementId: string): Promise<void> {
    const ann = await this.ctx.repo.byId(tenantId, announcementId);
    if (!ann) return;
    if (ann.state === 'scheduled') {
      // Firing and cancelling race for the same claim.
      if (!(await this.deps.claims.take('announcement.fire', ann._id))) return;
      await this.ctx.repo.set(tenantId, ann._id, { state: 'sending', sentAt: this.ctx.now }, this.ctx.now);
      await this.fanOut(tenantId, ann._id, ann.authorId);
    } else if (ann.state === 'sending') {
      await this.fanOut(tenantId, ann._id, ann.authorId);
    }
  }

  /** Enqueues every copy (idempotent: deterministic dedupe keys), then marks it sent. */
  private async fanOut(tenantId: string, announcementId: string, actorId: string): Promise<void> {
    const ann = await this.ctx.repo.byId(tenantId, announcementId);
    if (!ann || ann.state !== 'sending') return;
    const activity = await this.views.messageActivity(tenantId, ann, { reminder: false });
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
    const now = this.ctx.now;
    await this.ctx.repo.set(tenantId, ann._id, { state: 'sent' }, now);
    if (ann.content.ackRequired)
      await this.deps.scheduler.schedule({
        key: remindJobKey(ann._id),
        type: JOB_REMIND,
        runAt: await this.ctx.reminderAt(tenantId, ann, now),
        tenantId,
        payload: { announcementId: ann._id },
      });
    await this.deps.audit.record(
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
    const ann = await this.ctx.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.ctx.may(person, 'announcement.send', ann.cohortId))
      return this.ctx.refuse(tenantId, person, 'announcement.cancel', ann._id);
    if (ann.state !== 'scheduled') return this.views.status(tenantId, person, ann);
    if (!(await this.deps.claims.take('announcement.fire', ann._id)))
      return this.views.status(tenantId, person, (await this.ctx.repo.byId(tenantId, ann._id)) ?? ann, {
        note: 'It is being sent right now, so it can no longer be cancelled; recall it instead.',
      });
    const now = this.ctx.now;
    await this.ctx.repo.set(tenantId, ann._id, { state: 'cancelled' }, now);
    await this.deps.scheduler.cancel(sendJobKey(ann._id));
    await this.deps.audit.record(
      tenantId,
      { actorId: person._id, action: 'announcement.cancel', targetId: ann._id },
      now,
    );
    return this.views.status(tenantId, person, (await this.ctx.repo.byId(tenantId, ann._id))!);
  }
}
