/**
 * The delivery report per recipient: for each person an announcement was sent to, whether their
 * personal copy was delivered (by the first send or a later resend), whether they acknowledged
 * it, or why it did not arrive (unreachable: they blocked or removed the app; failed: Teams
 * refused it). Read from the outbox and the acknowledgements at the time of asking; shown as a
 * card and as a CSV (cells a spreadsheet would run as formulas are neutralised).
 */
import { stringify } from 'csv-stringify/sync';
import type { AdaptiveCard } from '../../cards/cards.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import { spreadsheetSafe } from '../../domain/spreadsheet-cell.js';
import type { OutboxItem } from '../../proactive/outbox.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CardOrText } from './announcement-cards.js';
import { batchOf, resendBatchesOf } from './announcement-keys.js';
import type { AnnouncementDoc } from './announcements-repository.js';
import { NOT_ALLOWED, NOT_FOUND, type AnnouncementsContext } from './announcements-context.js';
import { deliveryReportUrl } from './delivery-report-link.js';

export type DeliveryOutcome = 'delivered' | 'waiting' | 'unreachable' | 'failed' | 'channel only';

export interface RecipientRow {
  personId: string;
  name: string;
  email: string;
  delivery: DeliveryOutcome;
  acknowledgedAt: Date | null;
  /** Copies sent to them so far (the first send and resends). */
  attempts: number;
}

const OUTCOME_TEXT: Record<DeliveryOutcome, string> = {
  delivered: 'Delivered',
  waiting: 'Waiting to send',
  unreachable: 'Unreachable (blocked or removed the app)',
  failed: 'Failed (Teams refused it)',
  'channel only': 'In the channel only',
};
const MAX_ROWS_ON_CARD = 40;

/** The best outcome over a person's copies: delivered beats waiting beats failed beats unreachable. */
function outcomeOf(items: OutboxItem[]): DeliveryOutcome {
  if (items.length === 0) return 'channel only';
  const states = new Set(items.map((i) => i.state));
  if (states.has('sent')) return 'delivered';
  if (states.has('pending') || states.has('sending')) return 'waiting';
  // The latest copy says why it did not arrive.
  const latest = [...items].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0]!;
  return latest.state === 'failed' ? 'failed' : 'unreachable';
}

export class RecipientReport {
  constructor(private readonly ctx: AnnouncementsContext) {}

  /** One row per person the announcement was sent to, sorted by name. */
  async rows(tenantId: string, ann: AnnouncementDoc): Promise<RecipientRow[]> {
    const batches = [batchOf(ann._id), ...resendBatchesOf(ann._id, ann.resends ?? 0)];
    const items: OutboxItem[] = [];
    for (const batch of batches) items.push(...(await this.ctx.deps.outbox.byBatch(tenantId, batch)));
    const byPerson = new Map<string, OutboxItem[]>();
    for (const item of items) {
      if (item.op !== 'send' || !item.personId || item.state === 'cancelled') continue;
      byPerson.set(item.personId, [...(byPerson.get(item.personId) ?? []), item]);
    }
    const acks = await this.ctx.repo.ackTimes(tenantId, ann._id);
    const people = new Map(
      (await this.ctx.deps.people.byIds(tenantId, ann.audience)).map((p) => [p._id, p] as const),
    );
    return ann.audience
      .map((id) => {
        const person = people.get(id);
        const copies = byPerson.get(id) ?? [];
        return {
          personId: id,
          name: person?.displayName ?? 'A person no longer on the roster',
          email: person?.email ?? '',
          delivery: ann.target === 'channel' ? 'channel only' : outcomeOf(copies),
          acknowledgedAt: acks.get(id) ?? null,
          attempts: copies.length,
        } satisfies RecipientRow;
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** `announcement.delivery`: the per-recipient card, for those who may see the status. */
  async card(tenantId: string, viewer: PersonDoc, data: unknown, note = ''): Promise<CardOrText> {
    const ann = await this.ctx.load(tenantId, data);
    if (!ann || ann.state === 'draft') return NOT_FOUND;
    if (!this.ctx.may(viewer, 'announcement.status.view', ann.cohortId)) return NOT_ALLOWED;
    return this.render(tenantId, viewer, ann, note);
  }

  async render(tenantId: string, viewer: PersonDoc, ann: AnnouncementDoc, note = ''): Promise<AdaptiveCard> {
    const notSent = ann.state === 'scheduled' || ann.state === 'cancelled';
    const rows = notSent ? [] : await this.rows(tenantId, ann);
    const count = (o: DeliveryOutcome) => rows.filter((r) => r.delivery === o).length;
    const zone = viewer.timeZone || ann.timeZone;
    const notReached = count('unreachable') + count('failed');
    const parts = [
      `${count('delivered')} delivered`,
      `${count('waiting')} waiting`,
      `${count('unreachable')} unreachable`,
      `${count('failed')} failed`,
    ];
    if (ann.content.ackRequired)
      parts.push(`${rows.filter((r) => r.acknowledgedAt).length} of ${rows.length} acknowledged`);
    const canResend =
      ann.state === 'sent' && notReached > 0 && this.ctx.may(viewer, 'announcement.resend', ann.cohortId);
    return this.ctx.deps.cards.render('announcement-delivery', {
      announcementId: ann._id,
      title: ann.content.title,
      summary: notSent
        ? 'It has not been sent yet, so there is nothing to report.'
        : ann.target === 'channel'
          ? `Posted in the channel only: no personal copies. ${parts.at(-1) ?? ''}`.trim()
          : `${rows.length} people: ${parts.join(', ')}.`,
      rows: rows.slice(0, MAX_ROWS_ON_CARD).map((r) => ({
        name: r.name,
        status: [
          OUTCOME_TEXT[r.delivery],
          r.acknowledgedAt ? `acknowledged ${formatLocal(r.acknowledgedAt, zone)}` : '',
        ]
          .filter(Boolean)
          .join(' · '),
      })),
      more:
        rows.length > MAX_ROWS_ON_CARD
          ? `The first ${MAX_ROWS_ON_CARD} of ${rows.length} are shown; everyone is in the CSV.`
          : '',
      csvUrl: rows.length
        ? deliveryReportUrl(this.ctx.deps.config, tenantId, viewer._id, ann._id, this.ctx.now)
        : '',
      canResend,
      resendTitle: `Resend to the ${notReached} not reached`,
      round: (ann.resends ?? 0) + 1,
      note,
    });
  }

  /** The CSV: one row per recipient; every text cell neutralised against formulas. */
  async csv(tenantId: string, ann: AnnouncementDoc): Promise<string> {
    const rows = await this.rows(tenantId, ann);
    const table: (string | number)[][] = [
      ['name', 'email', 'delivery', 'copies_sent', 'acknowledged', 'acknowledged_at'],
    ];
    for (const r of rows)
      table.push([
        r.name,
        r.email,
        r.delivery,
        r.attempts,
        ann.content.ackRequired ? (r.acknowledgedAt ? 'yes' : 'no') : 'not asked',
        r.acknowledgedAt ? r.acknowledgedAt.toISOString() : '',
      ]);
    return (
      '\ufeff' +
      stringify(
        table.map((row) => row.map(spreadsheetSafe)),
        { record_delimiter: '\r\n' },
      )
    );
  }
}
