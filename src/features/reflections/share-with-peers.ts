/**
 * The author shares a reflection with fellow students (opt-in, private by default, revocable):
 * nobody, their project team or their cohort. Peers newly sharing it are told once; a revoke
 * (or a change of group) deletes those notifications from their chats (outbox delete items).
 */
import { can } from '../../domain/authorization.js';
import { formatZodIssues } from '../../domain/validation.js';
import { cardData } from '../../feature-kit/card-input.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { GROUP_LABEL, type PeerAudience } from './peer-audience.js';
import type { ReflectionAccess } from './reflection-access.js';
import { listCardData } from './reflection-cards.js';
import { hash, titleOf, zoneOf, type ReflectionDeps } from './reflection-deps.js';
import { peerShareInput } from './reflection-input.js';
import { reflectionModel } from './reflection-models.js';
import type { ReflectionDoc } from './reflections-repository.js';
import type { ViewReflection } from './view-reflection.js';

export const peerBatchOf = (reflectionId: string, sharedAt: Date) =>
  `reflection.peer:${hash(reflectionId)}:${sharedAt.getTime()}`;

export class ShareWithPeers {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'config' | 'clock' | 'cards' | 'outbox' | 'audit' | 'repo'>,
    private readonly access: ReflectionAccess,
    private readonly audience: PeerAudience,
    private readonly view: ViewReflection,
  ) {}

  /** Verb 'reflection.peer.share': the author's choice, then their own view with the outcome. */
  async peerShare(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const found = await this.access.readable(tenantId, person, raw.reflectionId);
    if (
      !found ||
      found.as !== 'owner' ||
      !can(person, 'reflection.peer.share', { studentId: found.reflection.personId })
    )
      return this.access.refuse(tenantId, person, 'reflection.peer.share', raw.reflectionId);
    const outcome = await this.setShare(tenantId, person, found.reflection, raw);
    return this.view.viewCard(tenantId, person, found.reflection._id, outcome);
  }

  /** Returns the notice (or an error) for the author's card. */
  private async setShare(
    tenantId: string,
    author: PersonDoc,
    r: ReflectionDoc,
    data: unknown,
  ): Promise<{ notice?: string; error?: string }> {
    const parsed = peerShareInput.safeParse(data);
    if (!parsed.success) return { error: Object.values(formatZodIssues(parsed.error)).join(' ') };
    const wanted = parsed.data.peerShare === 'none' ? null : parsed.data.peerShare;
    const current = r.peerShare ?? null;
    if (wanted === current)
      return {
        notice: wanted ? `Already shared with ${GROUP_LABEL[wanted]}.` : 'Not shared with fellow students.',
      };
    if (wanted === 'project' && !(await this.audience.projectOf(tenantId, author)))
      return { error: 'You are not on a project yet, so there is no project team to share with.' };
    if (wanted && !author.cohortId)
      return { error: 'You are not on a cohort, so there is no one to share with.' };
    const now = this.deps.clock.now();
    if (current && r.peerSharedAt) await this.withdrawNotifications(tenantId, r._id, r.peerSharedAt);
    await this.deps.repo.updateReflection(
      tenantId,
      r._id,
      { peerShare: wanted, peerSharedAt: wanted ? now : null },
      now,
    );
    await this.deps.audit.record(
      tenantId,
      {
        actorId: author._id,
        action: wanted ? 'reflection.peer.share' : 'reflection.peer.unshare',
        targetId: r._id,
        details: { group: wanted ?? 'none' },
      },
      now,
    );
    if (!wanted) return { notice: 'No longer shared with fellow students: it is gone from their view.' };
    const peers = await this.audience.peerIdsOf(tenantId, { ...r, peerShare: wanted, peerSharedAt: now });
    const title = titleOf(r, zoneOf(this.deps, author));
    await this.deps.outbox.enqueue(
      tenantId,
      peers.map((personId) => ({
        dedupeKey: `${peerBatchOf(r._id, now)}:${personId}`,
        purpose: 'reflection.peer.shared',
        batchId: peerBatchOf(r._id, now),
        target: { kind: 'person' as const, personId },
        activity: this.deps.cards.activity(
          'reflection-list',
          listCardData(
            `A reflection from ${GROUP_LABEL[wanted]}`,
            `${author.displayName} shared a reflection with ${GROUP_LABEL[wanted]}. You can read it and reply.`,
            [{ reflectionId: r._id, title, subtitle: reflectionModel(r.model).label }],
          ),
          'A reflection was shared with you',
        ),
      })),
      now,
    );
    return {
      notice: `Shared with ${GROUP_LABEL[wanted]} (${peers.length} ${peers.length === 1 ? 'student' : 'students'}). You can stop sharing at any time.`,
    };
  }

  /** Cancels notifications not sent yet and deletes delivered ones from the peers' chats. */
  private async withdrawNotifications(tenantId: string, reflectionId: string, sharedAt: Date) {
    const outbox = this.deps.outbox;
    const items = (await outbox.byBatch(tenantId, peerBatchOf(reflectionId, sharedAt))).filter(
      (i) => i.op === 'send',
    );
    const deletes: EnqueueRequest[] = [];
    for (const item of items) {
      if (['failed', 'unreachable', 'cancelled'].includes(item.state)) continue;
      if (
        item.state === 'pending' &&
        (await outbox.cancelIfPending(tenantId, item._id, this.deps.clock.now()))
      )
        continue;
      deletes.push({
        dedupeKey: `${peerBatchOf(reflectionId, sharedAt)}:withdraw:${item._id}`,
        purpose: 'reflection.peer.withdrawn',
        op: 'delete',
        originalItemId: item._id,
        target: item.target,
      });
    }
    await outbox.enqueue(tenantId, deletes, this.deps.clock.now());
  }
}
