/** The reminder job: one more copy to each reachable member who has not acknowledged yet. */
import { PURPOSE, reminderBatchOf } from './announcement-keys.js';
import type { AnnouncementViews } from './announcement-views.js';
import type { AnnouncementsContext } from './announcements-context.js';

export class RemindNonAcknowledgers {
  constructor(
    private readonly ctx: AnnouncementsContext,
    private readonly views: AnnouncementViews,
  ) {}

  async run(tenantId: string, announcementId: string): Promise<number> {
    const ann = await this.ctx.repo.byId(tenantId, announcementId);
    if (!ann || ann.state !== 'sent' || !ann.content.ackRequired) return 0;
    const ackers = await this.ctx.repo.ackers(tenantId, ann._id);
    const pending = ann.audience.filter((id) => !ackers.has(id));
    const people = await this.ctx.deps.people.byIds(tenantId, pending);
    const reachable = people.filter((p) => !p.unreachableSince).map((p) => p._id);
    const activity = await this.views.messageActivity(tenantId, ann, { reminder: true });
    const added = await this.ctx.deps.outbox.enqueue(
      tenantId,
      reachable.map((personId) => ({
        dedupeKey: `announcement:${ann._id}:remind:${personId}`,
        purpose: PURPOSE,
        batchId: reminderBatchOf(ann._id),
        target: { kind: 'person' as const, personId },
        activity,
      })),
    );
    await this.ctx.deps.audit.record(
      tenantId,
      {
        actorId: null,
        action: 'announcement.remind',
        targetId: ann._id,
        details: { reminded: reachable.length, newlyQueued: added },
      },
      this.ctx.now,
    );
    return reachable.length;
  }
}
