/**
 * What the announcement cards show, read from the database at the time of asking: the posted
 * message (for members, with their own acknowledgement), and the lead's live status (delivery
 * and acknowledgement counts, who could not be reached, when the reminder goes).
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import { outboxItemId } from '../../proactive/outbox.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { channelStateText, statusCard, targetText, type CardOrText } from './announcement-cards.js';
import { batchOf, channelDedupeKey } from './announcement-keys.js';
import type { AnnouncementDoc } from './announcements-repository.js';
import { NOT_ALLOWED, NOT_FOUND, type AnnouncementsContext } from './announcements-context.js';

const MAX_NAMES = 25;

export class AnnouncementViews {
  constructor(private readonly ctx: AnnouncementsContext) {}

  private get deps() {
    return this.ctx.deps;
  }

  /** The posted message as an outbox activity (the first send, a reminder, an edit). */
  async messageActivity(tenantId: string, ann: AnnouncementDoc, opts: { reminder: boolean }) {
    const data = await this.messageData(tenantId, ann, {
      reminder: opts.reminder,
      showAck: ann.content.ackRequired,
      ackText: '',
    });
    return this.deps.cards.activity('announcement', data, ann.content.title);
  }

  private async messageData(
    tenantId: string,
    ann: AnnouncementDoc,
    opts: { reminder: boolean; showAck: boolean; ackText: string },
  ) {
    const cohort = await this.deps.cohorts.byId(tenantId, ann.cohortId);
    const author = await this.deps.people.byId(tenantId, ann.authorId);
    const sent = ann.sentAt ?? ann.sendAt ?? this.ctx.now;
    return {
      announcementId: ann._id,
      refreshUserIds: await this.ctx.refreshUserIds(tenantId, ann),
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

  /** A member's own copy: acknowledged (when), or with the Acknowledge button if they are asked to. */
  async memberCard(
    tenantId: string,
    ann: AnnouncementDoc,
    person: PersonDoc,
    extra: { note?: string } = {},
  ): Promise<AdaptiveCard> {
    const ack = ann.content.ackRequired ? await this.ctx.repo.ackOf(tenantId, ann._id, person._id) : null;
    const zone = person.timeZone || ann.timeZone;
    const ackText = ack ? `✔ You acknowledged this on ${formatLocal(ack.at, zone)}.` : (extra.note ?? '');
    const data = await this.messageData(tenantId, ann, {
      reminder: false,
      showAck: ann.content.ackRequired && !ack && ann.audience.includes(person._id),
      ackText,
    });
    return this.deps.cards.render('announcement', data);
  }

  /** `announcement.status` / `announcement.live`: the status card, for those who may see it. */
  async statusCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann || ann.state === 'draft') return NOT_FOUND;
    if (!this.ctx.may(person, 'announcement.status.view', ann.cohortId)) return NOT_ALLOWED;
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
    const unreachable = await this.deps.outbox.unreachablePersonIds(tenantId, batchOf(ann._id));
    const ackers = await this.ctx.repo.ackers(tenantId, ann._id);
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
    const cohort = await this.deps.cohorts.byId(tenantId, ann.cohortId);
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
        const at = await this.ctx.reminderAt(tenantId, ann, ann.sentAt);
        notes.push(
          at > this.ctx.now
            ? `Reminder to those who have not acknowledged: ${when(at)}.`
            : `Reminder sent to those who had not acknowledged by ${when(at)}.`,
        );
      }
    }
    return statusCard(this.deps.cards, {
      announcementId: ann._id,
      refreshUserIds: await this.ctx.refreshUserIds(tenantId, ann),
      state: ann.state,
      title: ann.content.title,
      ackSummary,
      facts,
      notAckedText,
      unreachableText,
      note: notes.join(' '),
      canReport: ann.state === 'sent' || ann.state === 'recalled',
      canEdit: ann.state === 'sent' && this.ctx.may(viewer, 'announcement.edit', ann.cohortId),
      canRecall: ann.state === 'sent' && this.ctx.may(viewer, 'announcement.recall', ann.cohortId),
      canCancel: ann.state === 'scheduled' && this.ctx.may(viewer, 'announcement.send', ann.cohortId),
    });
  }

  private async namesText(tenantId: string, ids: string[]): Promise<string> {
    if (ids.length === 0) return '';
    const shown = await this.deps.people.byIds(tenantId, ids.slice(0, MAX_NAMES));
    const names = shown.map((p) => p.displayName).sort((a, b) => a.localeCompare(b));
    const more = ids.length - names.length;
    return more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
  }
}
