/**
 * "Open check-in" on the supervisor's My placement tab: a tab cannot show a card, so the one
 * supervisor check-in card (the same as from my students, the summary or an alert) is sent
 * into the supervisor's chat with the bot, where Comment, Countersign and Record session work.
 * Authorised and audited as `checkin.view`; a second press within the minute sends nothing new.
 */
import { createHash } from 'node:crypto';
import { cardAttachment, type AdaptiveCard } from '../../cards/cards.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CheckinCore } from './checkin-deps.js';
import type { CheckinToChatOutcome, SupervisorCheckinToChat } from './ports.js';
import type { SupervisorCheckins } from './supervisor-checkins.js';

export const CHECKIN_TO_CHAT_PURPOSE = 'checkin.to-chat';

export class CheckinToChat implements SupervisorCheckinToChat {
  constructor(
    private readonly s: Pick<CheckinCore, 'clock' | 'outbox'>,
    private readonly supervisor: SupervisorCheckins,
  ) {}

  async send(
    tenantId: string,
    viewer: PersonDoc,
    ask: { studentId: string; week: number },
  ): Promise<CheckinToChatOutcome> {
    const card = await this.supervisor.view(tenantId, viewer, ask);
    if (typeof card === 'string') return { ok: false, message: card };
    const now = this.s.clock.now();
    const minute = Math.floor(now.getTime() / 60_000);
    const hash = createHash('sha256').update(`${ask.studentId}|${ask.week}`).digest('hex').slice(0, 24);
    const { $schema: _schema, ...content } = card as AdaptiveCard & { $schema?: string };
    const title = String((content.body?.[0] as { text?: unknown } | undefined)?.text ?? 'The check-in');
    await this.s.outbox.enqueue(
      tenantId,
      [
        {
          dedupeKey: `${CHECKIN_TO_CHAT_PURPOSE}|${hash}|${viewer._id}|${minute}`,
          purpose: CHECKIN_TO_CHAT_PURPOSE,
          target: { kind: 'person', personId: viewer._id },
          activity: {
            type: 'message',
            summary: title,
            attachments: [cardAttachment(content as AdaptiveCard)],
          },
        },
      ],
      now,
    );
    return {
      ok: true,
      message: `Sent to your chat with Placement Companion: ${title}. Comment, countersign or record the session from there.`,
    };
  }
}
