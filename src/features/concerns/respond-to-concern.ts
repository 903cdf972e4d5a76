/**
 * A receiver acknowledges a concern or replies to it from its card. Only its receivers may
 * (concern.acknowledge / concern.reply). The sender is reached through deliverToSender, the one
 * place that reads the sealed mapping of an anonymous concern; what it sends is addressed to
 * the sender alone and its key carries only a hash.
 */
import { createHash } from 'node:crypto';
import { can } from '../../domain/authorization.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { concernCardData, replyCardData } from './concern-cards.js';
import { namesOn, type ConcernDeps } from './concern-deps.js';
import { ConcernRef, ReplyInput } from './concern-input.js';
import type { ConcernDoc } from './concerns-repository.js';

const receiversOf = (c: ConcernDoc) => c.receiverIds.filter((id): id is string => id !== null);

export const CONCERN_REFUSED = 'Only the people this concern was sent to can acknowledge it or reply to it.';
const NOT_FOUND = 'I could not find that concern. It may have been removed.';

export class RespondToConcern {
  constructor(private readonly d: ConcernDeps) {}

  /** The card as it is now (its refresh, so every receiver sees who acknowledged and the replies). */
  async view(tenantId: string, person: PersonDoc, data: unknown) {
    const ref = parseCardInput(ConcernRef, data);
    if (!ref.ok) return NOT_FOUND;
    const concern = await this.d.repo.byId(tenantId, ref.value.concernId);
    if (!concern) return NOT_FOUND;
    if (!can(person, 'concern.view', { audienceIds: receiversOf(concern) }))
      return this.refuse(tenantId, person, 'concern.view');
    return this.card(tenantId, concern);
  }

  async acknowledge(tenantId: string, person: PersonDoc, data: unknown) {
    const ref = parseCardInput(ConcernRef, data);
    if (!ref.ok) return NOT_FOUND;
    const concern = await this.d.repo.byId(tenantId, ref.value.concernId);
    if (!concern) return NOT_FOUND;
    const now = this.d.clock.now();
    if (!can(person, 'concern.acknowledge', { audienceIds: receiversOf(concern) }))
      return this.refuse(tenantId, person, 'concern.acknowledge');
    const first = concern.acknowledgedAt === null;
    const after = (await this.d.repo.acknowledge(tenantId, concern._id, person._id, now)) ?? concern;
    await this.d.audit.record(
      tenantId,
      { actorId: person._id, action: 'concern.acknowledge', targetId: concern._id, details: { first } },
      now,
    );
    if (first && after.acknowledgedBy === person._id)
      await this.deliverToSender(tenantId, after, person.displayName, null, 'ack', now);
    return this.card(tenantId, after);
  }

  async reply(tenantId: string, person: PersonDoc, data: unknown) {
    const ref = parseCardInput(ConcernRef.passthrough(), data);
    if (!ref.ok) return NOT_FOUND;
    const concern = await this.d.repo.byId(tenantId, ref.value.concernId);
    if (!concern) return NOT_FOUND;
    const now = this.d.clock.now();
    if (!can(person, 'concern.reply', { audienceIds: receiversOf(concern) }))
      return this.refuse(tenantId, person, 'concern.reply');
    const input = parseCardInput(ReplyInput, data);
    if (!input.ok) return this.card(tenantId, concern, 'Please write a reply before sending it.');
    const reply = { authorId: person._id, text: input.value.reply, at: now };
    const after = (await this.d.repo.addReply(tenantId, concern._id, reply, now)) ?? concern;
    const delivered = await this.deliverToSender(
      tenantId,
      after,
      person.displayName,
      reply,
      `r${after.replies.length}`,
      now,
    );
    await this.d.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'concern.reply',
        targetId: concern._id,
        details: { replies: after.replies.length, senderReachable: delivered },
      },
      now,
    );
    return this.card(tenantId, after);
  }

  /** The receiver's card as it is now. */
  private async card(tenantId: string, concern: ConcernDoc, error = '') {
    const cohort = concern.cohortId ? await this.d.cohorts.byId(tenantId, concern.cohortId) : null;
    const names = await namesOn(this.d, tenantId, concern);
    return this.d.cards.render(
      'concern-received',
      concernCardData(concern, { cohortName: cohort?.name ?? '', names, zone: cohort?.timeZone, error }),
    );
  }

  private async refuse(tenantId: string, person: PersonDoc, action: string) {
    await this.d.audit.record(
      tenantId,
      // Neither the presser nor the concern: a refused press by the anonymous sender on their
      // own concern's card must not link them to it (only their roles are kept).
      {
        actorId: null,
        action,
        targetId: null,
        outcome: 'refused',
        details: { roles: person.roles.join(',') },
      },
      this.d.clock.now(),
    );
    return CONCERN_REFUSED;
  }

  /**
   * The reply path: the only reader of an anonymous concern's sealed sender. Sends the
   * acknowledgement or a reply to the sender; false when the sender is gone (erased).
   */
  private async deliverToSender(
    tenantId: string,
    concern: ConcernDoc,
    by: string,
    reply: { text: string } | null,
    step: string,
    now: Date,
  ): Promise<boolean> {
    const senderId = await this.d.repo.senderOf(tenantId, concern);
    if (!senderId) return false;
    const key = createHash('sha256').update(`${concern._id}|${step}`).digest('hex').slice(0, 32);
    const data = replyCardData(concern, by, reply);
    await this.d.outbox.enqueue(
      tenantId,
      [
        {
          dedupeKey: `concern.to-sender|${key}`,
          purpose: 'concern.to-sender',
          target: { kind: 'person', personId: senderId },
          activity: this.d.cards.activity('concern-reply', data, data.title),
        },
      ],
      now,
    );
    return true;
  }
}
