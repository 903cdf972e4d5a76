/**
 * Fellow students read what was shared with them (`peer reflections`, the peer card) and reply
 * with a short comment, once per card nonce; the author is told.
 */
import { can } from '../../domain/authorization.js';
import { formatZodIssues } from '../../domain/validation.js';
import { cardData } from '../../feature-kit/card-input.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { PeerAudience } from './peer-audience.js';
import type { PeerCards } from './peer-cards.js';
import type { ReflectionAccess } from './reflection-access.js';
import { listCardData } from './reflection-cards.js';
import { hash, STUDENTS_ONLY, titleOf, writesOwn, zoneOf, type ReflectionDeps } from './reflection-deps.js';
import { PEER_REPLY_MAX, peerReplyInput } from './reflection-input.js';
import type { ReflectionDoc } from './reflections-repository.js';
import type { ViewReflection } from './view-reflection.js';

export class PeerReplies {
  constructor(
    private readonly deps: Pick<
      ReflectionDeps,
      'config' | 'clock' | 'cards' | 'people' | 'outbox' | 'audit' | 'repo'
    >,
    private readonly access: ReflectionAccess,
    private readonly audience: PeerAudience,
    private readonly peerCards: PeerCards,
    private readonly view: ViewReflection,
  ) {}

  /** `peer reflections`: what fellow students shared with the caller. */
  async peerListCard(tenantId: string, person: PersonDoc): Promise<Reply> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    const shared = await this.audience.sharedWithMe(tenantId, person);
    const zone = zoneOf(this.deps, person);
    return this.deps.cards.render(
      'reflection-list',
      listCardData(
        'Shared by fellow students',
        shared.length > 20 ? `The 20 most recently shared of ${shared.length}.` : '',
        shared.slice(0, 20).map(({ reflection: r, author }) => ({
          reflectionId: r._id,
          title: titleOf(r, zone),
          subtitle: `${author} · ${r.peerShare === 'project' ? 'your project team' : 'your cohort'}`,
        })),
      ),
    );
  }

  /**
   * A peer opens (or their card refreshes): the reflection while it is shared with them,
   * otherwise a card that says so and shows nothing of it.
   */
  async peerView(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const found = await this.access.readable(tenantId, person, raw.reflectionId);
    if (!found) {
      await this.access.refuse(tenantId, person, 'reflection.peer.view', raw.reflectionId);
      return this.peerCards.goneCard(raw.reflectionId, raw.seen === true || raw.seen === 'true');
    }
    return this.view.viewCard(tenantId, person, found.reflection._id);
  }

  /** A peer's short reply (verb 'reflection.peer.reply'). */
  async peerReply(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const found = await this.access.readable(tenantId, person, raw.reflectionId);
    if (
      !found ||
      found.as !== 'peer' ||
      !can(person, 'reflection.peer.reply', await this.audience.target(tenantId, found.reflection))
    ) {
      await this.access.refuse(tenantId, person, 'reflection.peer.reply', raw.reflectionId);
      return this.peerCards.goneCard(raw.reflectionId, raw.seen === true || raw.seen === 'true');
    }
    return this.reply(tenantId, person, found.reflection, raw);
  }

  private async reply(tenantId: string, replier: PersonDoc, r: ReflectionDoc, raw: Record<string, unknown>) {
    const parsed = peerReplyInput.safeParse(raw);
    if (!parsed.success)
      return this.peerCards.peerCard(tenantId, replier, r, {
        error: Object.values(formatZodIssues(parsed.error)).join(' '),
        replyDraft: typeof raw.reply === 'string' ? raw.reply.slice(0, PEER_REPLY_MAX) : '',
      });
    const now = this.deps.clock.now();
    const id = `${r._id}|peer|${replier._id}|${parsed.data.nonce}`;
    const inserted = await this.deps.repo.addPeerReply(tenantId, {
      _id: id,
      reflectionId: r._id,
      authorId: r.personId,
      replierId: replier._id,
      text: parsed.data.reply,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) {
      await this.deps.audit.record(
        tenantId,
        { actorId: replier._id, action: 'reflection.peer.reply', targetId: r._id },
        now,
      );
      const author = await this.deps.people.byId(tenantId, r.personId);
      await this.deps.outbox.enqueue(
        tenantId,
        [
          {
            dedupeKey: `reflection.peer.reply|${hash(id)}`,
            purpose: 'reflection.peer.reply',
            target: { kind: 'person', personId: r.personId },
            activity: this.deps.cards.activity(
              'reflection-list',
              listCardData(
                'A reply to your reflection',
                `${replier.displayName} replied to a reflection you shared with fellow students.`,
                [
                  {
                    reflectionId: r._id,
                    title: titleOf(r, zoneOf(this.deps, author)),
                    subtitle: 'Open it to read the reply.',
                  },
                ],
              ),
              'A reply to your reflection',
            ),
          },
        ],
        now,
      );
    }
    return this.peerCards.peerCard(tenantId, replier, r, { notice: 'Reply sent.' });
  }
}
