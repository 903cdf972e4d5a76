/**
 * The card a fellow student sees (reflection-peer): the reflection with its author, replies and
 * a reply box, refreshed in place; or, once it is not shared with them, a card with nothing of it.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { GROUP_LABEL, type PeerAudience } from './peer-audience.js';
import { newNonce, titleOf, zoneOf, type ReflectionDeps } from './reflection-deps.js';
import { PEER_REPLY_MAX } from './reflection-input.js';
import { formatCount, readerTitle, reflectionModel } from './reflection-models.js';
import type { ReflectionDoc } from './reflections-repository.js';

export const NO_LONGER_SHARED = 'This reflection is no longer shared with you.';
/** For someone it was never shared with (or an id that is not a reflection): no more than that. */
export const NOT_SHARED = 'This reflection is not shared with you.';

export class PeerCards {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'config' | 'cards' | 'people'>,
    private readonly audience: PeerAudience,
  ) {}

  /** A peer's view: the reflection with its author, replies and a reply box; refreshes in place. */
  async peerCard(
    tenantId: string,
    viewer: PersonDoc,
    r: ReflectionDoc,
    options: { notice?: string; error?: string; replyDraft?: string } = {},
  ): Promise<AdaptiveCard> {
    const author = await this.deps.people.byId(tenantId, r.personId);
    const model = reflectionModel(r.model);
    const replies = await this.audience.repliesData(tenantId, viewer, r._id);
    return this.deps.cards.render('reflection-peer', {
      gone: false,
      goneText: '',
      // The card's own actions say it was shown to this person (so a later refusal says "no longer").
      seen: true,
      reflectionId: r._id,
      title: titleOf(r, zoneOf(this.deps, viewer)),
      byline: `Shared with ${r.peerShare ? GROUP_LABEL[r.peerShare] : 'you'} by ${author?.displayName ?? 'a fellow student'}`,
      sections: model.steps
        .filter((step) => (r.answers[step.key] ?? '') !== '')
        .map((step) => ({ title: readerTitle(step, author?.displayName), text: r.answers[step.key]! })),
      replies,
      hasReplies: replies.length > 0,
      nonce: newNonce(),
      replyDraft: options.replyDraft ?? '',
      replyLabel: `Reply to ${author?.displayName.split(' ')[0] ?? 'them'} (up to ${formatCount(PEER_REPLY_MAX)} characters)`,
      replyMax: PEER_REPLY_MAX,
      notice: options.notice ?? '',
      error: options.error ?? '',
    });
  }

  /**
   * What a peer sees once it is not (or never was) shared with them: no content at all. `seen`:
   * the request came from a card that showed it to them, so it is "no longer" shared.
   */
  goneCard(reflectionId: unknown, seen: boolean): AdaptiveCard {
    return this.deps.cards.render('reflection-peer', {
      gone: true,
      goneText: seen ? NO_LONGER_SHARED : NOT_SHARED,
      seen,
      reflectionId: typeof reflectionId === 'string' && reflectionId.length <= 300 ? reflectionId : '',
      title: 'Reflection',
      byline: '',
      sections: [],
      replies: [],
      hasReplies: false,
      nonce: '',
      replyDraft: '',
      replyLabel: 'Reply',
      replyMax: PEER_REPLY_MAX,
      notice: '',
      error: '',
    });
  }
}
