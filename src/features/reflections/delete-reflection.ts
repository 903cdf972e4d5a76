/** The author deletes a reflection for good (after confirming), with its feedback and any edit draft. */
import { cardData } from '../../feature-kit/card-input.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ReflectionAccess } from './reflection-access.js';
import type { ReflectionDeps } from './reflection-deps.js';
import { draftId as makeDraftId } from './reflections-repository.js';
import type { ViewReflection } from './view-reflection.js';

export class DeleteReflection {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'clock' | 'cards' | 'audit' | 'repo'>,
    private readonly access: ReflectionAccess,
    private readonly view: ViewReflection,
  ) {}

  async delete(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const found = await this.access.readable(tenantId, person, raw.reflectionId);
    if (!found || found.as !== 'owner')
      return this.access.refuse(tenantId, person, 'reflection.delete', raw.reflectionId);
    if (raw.confirm !== true && raw.confirm !== 'true')
      return this.view.viewCard(tenantId, person, found.reflection._id, { confirmDelete: true });
    const now = this.deps.clock.now();
    await this.deps.repo.deleteReflection(tenantId, found.reflection._id);
    await this.deps.repo.deleteDraft(
      tenantId,
      makeDraftId(tenantId, person._id, `edit-${found.reflection.flowId}`),
    );
    await this.deps.audit.record(
      tenantId,
      { actorId: person._id, action: 'reflection.delete', targetId: found.reflection._id },
      now,
    );
    return this.deps.cards.render('notice', {
      title: 'Reflection deleted',
      message: 'The reflection and any feedback on it have been deleted for good.',
    });
  }
}
