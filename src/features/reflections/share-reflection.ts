/**
 * The author shares a reflection with their supervisors (who are told once, and can then read
 * it and give feedback), or makes it private again.
 */
import { cardData } from '../../feature-kit/card-input.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ReflectionAccess } from './reflection-access.js';
import { listCardData } from './reflection-cards.js';
import { sopList, titleOf, zoneOf, type ReflectionDeps } from './reflection-deps.js';
import type { ViewReflection } from './view-reflection.js';

export class ShareReflection {
  constructor(
    private readonly deps: Pick<
      ReflectionDeps,
      'config' | 'clock' | 'cards' | 'supervisions' | 'outbox' | 'audit' | 'repo'
    >,
    private readonly access: ReflectionAccess,
    private readonly view: ViewReflection,
  ) {}

  async share(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const found = await this.access.readable(tenantId, person, raw.reflectionId);
    if (!found || found.as !== 'owner')
      return this.access.refuse(tenantId, person, 'reflection.share', raw.reflectionId);
    const share = raw.share === true || raw.share === 'true';
    const r = found.reflection;
    const now = this.deps.clock.now();
    const supervisors = await this.deps.supervisions.supervisorIdsOf(tenantId, person._id);
    if (share && supervisors.length === 0)
      return this.view.viewCard(tenantId, person, r._id, {
        error:
          'You have no supervisor linked yet, so there is no one to share with. Ask your placement lead.',
      });
    if (r.shared !== share) {
      await this.deps.repo.updateReflection(
        tenantId,
        r._id,
        { shared: share, sharedAt: share ? now : null },
        now,
      );
      await this.deps.audit.record(
        tenantId,
        { actorId: person._id, action: share ? 'reflection.share' : 'reflection.unshare', targetId: r._id },
        now,
      );
      if (share) {
        // Notified once per supervisor per reflection (re-sharing after unsharing is quiet).
        await this.deps.outbox.enqueue(
          tenantId,
          supervisors.map((supervisorId) => ({
            dedupeKey: `reflection.shared|${r._id}|${supervisorId}`,
            purpose: 'reflection.shared',
            target: { kind: 'person' as const, personId: supervisorId },
            activity: this.deps.cards.activity(
              'reflection-list',
              listCardData(
                'A reflection was shared with you',
                `${person.displayName} shared a reflection with you. You can read it and give written feedback.`,
                [
                  {
                    reflectionId: r._id,
                    title: titleOf(r, zoneOf(this.deps, person)),
                    subtitle: sopList(r.standards),
                  },
                ],
              ),
              'A reflection was shared with you',
            ),
          })),
          now,
        );
      }
    }
    return this.view.viewCard(tenantId, person, r._id, {
      notice: share
        ? 'Shared with your supervisors. They can read it and give feedback.'
        : 'This reflection is private again.',
    });
  }
}
