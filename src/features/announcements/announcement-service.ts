/**
 * Cohort announcements: compose → preview → send now or at a time in the cohort's zone →
 * fan-out through the one outbox (channel post and/or a personal copy per member) →
 * acknowledgements, live counts for the lead, reminders, edit and recall everywhere it was
 * posted, and an audit trail. One use case per module; this class puts them together for the
 * routes (index.ts) and the wiring (src/services.ts).
 */
import type { OutboxItem } from '../../proactive/outbox.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { AcknowledgeAnnouncement } from './acknowledge-announcement.js';
import type { CardOrText } from './announcement-cards.js';
import { AnnouncementViews } from './announcement-views.js';
import { AnnouncementsContext, NOT_ALLOWED, type AnnouncementDeps } from './announcements-context.js';
import { verifyDeliveryReportToken } from './delivery-report-link.js';
import type { AnnouncementsRepository } from './announcements-repository.js';
import { ComposeAnnouncement, type Where } from './compose-announcement.js';
import { DeliveryReport } from './delivery-report.js';
import { EditAndRecall } from './edit-and-recall.js';
import { ListAnnouncements } from './list-announcements.js';
import { RecipientReport } from './recipient-report.js';
import { RemindNonAcknowledgers } from './remind-non-acknowledgers.js';
import { ResendToUnreachable } from './resend-to-unreachable.js';
import { SendAnnouncement } from './send-announcement.js';

export type { AnnouncementDeps } from './announcements-context.js';
export type { CardOrText } from './announcement-cards.js';
export type { Where } from './compose-announcement.js';

export class AnnouncementService {
  readonly repo: AnnouncementsRepository;
  private readonly views: AnnouncementViews;
  private readonly composing: ComposeAnnouncement;
  private readonly sending: SendAnnouncement;
  private readonly acks: AcknowledgeAnnouncement;
  private readonly listing: ListAnnouncements;
  private readonly reminders: RemindNonAcknowledgers;
  private readonly changes: EditAndRecall;
  private readonly reports: DeliveryReport;
  readonly recipients: RecipientReport;
  private readonly resending: ResendToUnreachable;
  private readonly ctx: AnnouncementsContext;

  constructor(deps: AnnouncementDeps) {
    const ctx = new AnnouncementsContext(deps);
    this.ctx = ctx;
    this.repo = deps.announcements;
    this.views = new AnnouncementViews(ctx);
    this.composing = new ComposeAnnouncement(ctx, this.views);
    this.sending = new SendAnnouncement(ctx, this.views);
    this.acks = new AcknowledgeAnnouncement(ctx, this.views);
    this.listing = new ListAnnouncements(ctx, this.views);
    this.reminders = new RemindNonAcknowledgers(ctx, this.views);
    this.changes = new EditAndRecall(ctx, this.views);
    this.reports = new DeliveryReport(ctx, this.views);
    this.recipients = new RecipientReport(ctx);
    this.resending = new ResendToUnreachable(ctx, this.views, this.recipients);
  }

  composeCard(tenantId: string, person: PersonDoc, where: Where): Promise<CardOrText> {
    return this.composing.composeCard(tenantId, person, where);
  }

  preview(tenantId: string, person: PersonDoc, data: unknown, where: Where): Promise<CardOrText> {
    return this.composing.preview(tenantId, person, data, where);
  }

  change(tenantId: string, person: PersonDoc, data: unknown, where: Where): Promise<CardOrText> {
    return this.composing.change(tenantId, person, data, where);
  }

  send(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.sending.send(tenantId, person, data);
  }

  cancel(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.sending.cancel(tenantId, person, data);
  }

  runSendJob(tenantId: string, announcementId: string): Promise<void> {
    return this.sending.runSendJob(tenantId, announcementId);
  }

  acknowledge(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.acks.acknowledge(tenantId, person, data);
  }

  refresh(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.acks.refresh(tenantId, person, data);
  }

  statusCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.views.statusCard(tenantId, person, data);
  }

  list(tenantId: string, person: PersonDoc): Promise<CardOrText> {
    return this.listing.list(tenantId, person);
  }

  runReminderJob(tenantId: string, announcementId: string): Promise<number> {
    return this.reminders.run(tenantId, announcementId);
  }

  editCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.changes.editCard(tenantId, person, data);
  }

  update(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.changes.update(tenantId, person, data);
  }

  recall(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.changes.recall(tenantId, person, data);
  }

  /** `announcement.delivery`: who it reached, who acknowledged, who it did not reach. */
  deliveryCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.recipients.card(tenantId, person, data);
  }

  /** `announcement.resend`: one more copy to those it did not reach. */
  resend(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    return this.resending.resend(tenantId, person, data);
  }

  /** The delivery report CSV behind a signed link, or why not (a bad or expired link, a person who may no longer see it). */
  async deliveryCsv(token: unknown): Promise<{ csv: string } | { refused: string; status: number }> {
    const claims = verifyDeliveryReportToken(this.ctx.deps.config, token, this.ctx.now);
    if (!claims) return { refused: 'This link is not valid or has expired.', status: 403 };
    const { tenantId } = claims;
    const person = await this.ctx.deps.people.byId(tenantId, claims.personId);
    const ann = await this.repo.byId(tenantId, claims.announcementId);
    if (!ann) return { refused: 'I could not find that announcement.', status: 404 };
    if (!person || !this.ctx.may(person, 'announcement.status.view', ann.cohortId)) {
      await this.ctx.deps.audit.record(
        tenantId,
        {
          actorId: person?._id ?? null,
          action: 'announcement.delivery.export',
          targetId: ann._id,
          outcome: 'refused',
        },
        this.ctx.now,
      );
      return { refused: NOT_ALLOWED, status: 403 };
    }
    const csv = await this.recipients.csv(tenantId, ann);
    await this.ctx.deps.audit.record(
      tenantId,
      { actorId: person._id, action: 'announcement.delivery.export', targetId: ann._id },
      this.ctx.now,
    );
    return { csv };
  }

  reportUnreachable(item: OutboxItem): Promise<void> {
    return this.reports.reportUnreachable(item);
  }
}
