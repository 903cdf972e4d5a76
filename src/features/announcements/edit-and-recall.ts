/**
 * Edit a sent announcement (every posted copy is updated in place) and recall it (every copy
 * removed, those not yet sent cancelled). Two leads editing one revision, or recalling twice,
 * race for a claim: one wins, the other is told.
 */
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { editCard, rawContent, type CardOrText } from './announcement-cards.js';
import {
  batchOf,
  editBatchOf,
  PURPOSE,
  recallBatchOf,
  reminderBatchOf,
  remindJobKey,
  resendBatchesOf,
} from './announcement-keys.js';
import type { AnnouncementViews } from './announcement-views.js';
import type { AnnouncementContent, AnnouncementDoc } from './announcements-repository.js';
import { NOT_FOUND, type AnnouncementsContext } from './announcements-context.js';
import { parseEdit, rawFields } from './compose-input.js';

/** Every batch that posted a copy: the first send, the reminder, each resend. */
const sentBatches = (ann: AnnouncementDoc) => [
  batchOf(ann._id),
  reminderBatchOf(ann._id),
  ...resendBatchesOf(ann._id, ann.resends ?? 0),
];

export class EditAndRecall {
  constructor(
    private readonly ctx: AnnouncementsContext,
    private readonly views: AnnouncementViews,
  ) {}

  private get deps() {
    return this.ctx.deps;
  }

  async editCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.ctx.may(person, 'announcement.edit', ann.cohortId))
      return this.ctx.refuse(tenantId, person, 'announcement.edit', ann._id);
    if (ann.state !== 'sent') return this.views.status(tenantId, person, ann);
    return editCard(this.deps.cards, ann, rawContent(ann.content), {});
  }

  async update(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.ctx.may(person, 'announcement.edit', ann.cohortId))
      return this.ctx.refuse(tenantId, person, 'announcement.edit', ann._id);
    if (ann.state !== 'sent') return this.views.status(tenantId, person, ann);
    const parsed = parseEdit(data);
    if (!parsed.ok) return editCard(this.deps.cards, ann, rawFields(data), parsed.errors);
    const revision = ann.revision + 1;
    // Two leads editing the same revision: one wins, the other is told.
    if (!(await this.deps.claims.take('announcement.edit', `${ann._id}#${revision}`)))
      return this.views.status(tenantId, person, (await this.ctx.repo.byId(tenantId, ann._id)) ?? ann, {
        note: 'Someone else changed this announcement just now. Check it and edit again if needed.',
      });
    const now = this.ctx.now;
    const content: AnnouncementContent = { ...parsed.value, ackRequired: ann.content.ackRequired };
    await this.ctx.repo.set(tenantId, ann._id, { content, revision, editedAt: now }, now);
    const updated: AnnouncementDoc = { ...ann, content, revision, editedAt: now };
    // An older edit still waiting must not land after this one.
    for (const old of await this.ctx.items(tenantId, [editBatchOf(ann._id, ann.revision)]))
      if (old.state === 'pending') await this.deps.outbox.cancelIfPending(tenantId, old._id);
    const originals = (await this.ctx.items(tenantId, sentBatches(ann))).filter(
      (i) => i.op === 'send' && !['failed', 'unreachable', 'cancelled'].includes(i.state),
    );
    const message = await this.views.messageActivity(tenantId, updated, { reminder: false });
    const reminder = await this.views.messageActivity(tenantId, updated, { reminder: true });
    const queued = await this.deps.outbox.enqueue(
      tenantId,
      originals.map((o) => ({
        dedupeKey: `announcement:${ann._id}:edit:${revision}:${o._id}`,
        purpose: PURPOSE,
        batchId: editBatchOf(ann._id, revision),
        op: 'update' as const,
        originalItemId: o._id,
        target: o.target,
        activity: o.batchId === reminderBatchOf(ann._id) ? reminder : message,
      })),
    );
    await this.deps.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'announcement.edit',
        targetId: ann._id,
        details: { revision, messages: originals.length, newlyQueued: queued },
      },
      now,
    );
    return this.views.status(tenantId, person, updated, {
      note: `Updating ${originals.length} posted copies.`,
    });
  }

  async recall(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann) return NOT_FOUND;
    if (!this.ctx.may(person, 'announcement.recall', ann.cohortId))
      return this.ctx.refuse(tenantId, person, 'announcement.recall', ann._id);
    if (ann.state === 'sending')
      return this.views.status(tenantId, person, ann, {
        note: 'It is still being queued; recall it in a moment.',
      });
    if (ann.state !== 'sent') return this.views.status(tenantId, person, ann);
    if (!(await this.deps.claims.take('announcement.recall', ann._id)))
      return this.views.status(tenantId, person, (await this.ctx.repo.byId(tenantId, ann._id)) ?? ann);
    const now = this.ctx.now;
    await this.ctx.repo.set(tenantId, ann._id, { state: 'recalled', recalledAt: now }, now);
    await this.deps.scheduler.cancel(remindJobKey(ann._id));
    const originals = (await this.ctx.items(tenantId, sentBatches(ann))).filter((i) => i.op === 'send');
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
        batchId: recallBatchOf(ann._id),
        op: 'delete',
        originalItemId: o._id,
        target: o.target,
      });
    }
    await this.deps.outbox.enqueue(tenantId, deletes);
    await this.deps.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'announcement.recall',
        targetId: ann._id,
        details: { removed: deletes.length, notSentCancelled: cancelled },
      },
      now,
    );
    return this.views.status(
      tenantId,
      person,
      { ...ann, state: 'recalled', recalledAt: now },
      {
        note: `Removing ${deletes.length} posted copies; ${cancelled} not yet sent were cancelled.`,
      },
    );
  }
}
