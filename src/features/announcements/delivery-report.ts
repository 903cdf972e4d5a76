/** A delivery report to the author when someone could not be reached (once per announcement). */
import type { OutboxItem } from '../../proactive/outbox.js';
import { withoutSchema } from './announcement-cards.js';
import { REPORT_PURPOSE } from './announcement-keys.js';
import type { AnnouncementViews } from './announcement-views.js';
import type { AnnouncementsContext } from './announcements-context.js';

/** Let the rest of the fan-out finish first, so the report is nearly complete. */
export const REPORT_DELAY_MS = 3_000;

export class DeliveryReport {
  constructor(
    private readonly ctx: AnnouncementsContext,
    private readonly views: AnnouncementViews,
  ) {}

  async reportUnreachable(item: OutboxItem): Promise<void> {
    const match = /^announcement:(.+)$/.exec(item.batchId ?? '');
    if (!match || item.op !== 'send') return;
    const ann = await this.ctx.repo.byId(item.tenantId, match[1]!);
    if (!ann) return;
    const author = await this.ctx.deps.people.byId(item.tenantId, ann.authorId);
    if (!author) return;
    const now = this.ctx.now;
    await this.ctx.deps.audit.record(
      item.tenantId,
      {
        actorId: null,
        action: 'announcement.unreachable',
        targetId: ann._id,
        details: { outboxItemId: item._id },
      },
      now,
    );
    const card = await this.views.status(item.tenantId, author, ann, {
      note: 'Some people could not be reached: they blocked or removed the app. The delivery report for each person lists them and can send it to them again; you may also want to contact them another way.',
    });
    await this.ctx.deps.outbox.enqueue(item.tenantId, [
      {
        dedupeKey: `announcement:${ann._id}:unreachable-report`,
        purpose: REPORT_PURPOSE,
        target: { kind: 'person', personId: author._id },
        activity: {
          type: 'message',
          summary: 'Delivery report',
          attachments: [
            { contentType: 'application/vnd.microsoft.card.adaptive', content: withoutSchema(card) },
          ],
        },
        notBefore: new Date(now.getTime() + REPORT_DELAY_MS),
      },
    ]);
  }
}
