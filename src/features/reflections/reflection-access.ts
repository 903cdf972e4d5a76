/**
 * Who may read a reflection, and how a refusal is answered. A reflection is seen by its author,
 * by the author's supervisors only once the author shared it, and by fellow students only while
 * it is shared with their project team or cohort. A refusal is audited and says no more than
 * "not found", so nobody learns that a reflection exists.
 */
import { can, type Target } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import type { PeerAudience } from './peer-audience.js';
import { NOT_FOUND, type ReflectionDeps } from './reflection-deps.js';
import { cardId } from './reflection-input.js';
import type { ReflectionDoc } from './reflections-repository.js';

export type Readable = { reflection: ReflectionDoc; as: 'owner' | 'supervisor' | 'peer' };

export class ReflectionAccess {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'clock' | 'supervisions' | 'audit' | 'repo'>,
    private readonly peers: PeerAudience,
  ) {}

  /**
   * The reflection if `person` may see it, and as whom. Anything else (unknown id, another
   * tenant, tampered input) is null.
   */
  async readable(tenantId: string, person: PersonDoc, id: unknown): Promise<Readable | null> {
    if (!cardId.safeParse(id).success || !isTenantId(id, tenantId)) return null;
    const reflection = await this.deps.repo.reflection(tenantId, id as string);
    if (!reflection) return null;
    if (can(person, 'reflection.manage.self', { studentId: reflection.personId }))
      return { reflection, as: 'owner' };
    if (
      reflection.shared &&
      can(person, 'reflection.shared.view', await this.supervisorTarget(tenantId, reflection))
    )
      return { reflection, as: 'supervisor' };
    if (
      reflection.peerShare &&
      can(person, 'reflection.peer.view', await this.peers.target(tenantId, reflection))
    )
      return { reflection, as: 'peer' };
    return null;
  }

  /** The policy target for a supervisor: the author, their supervisors, whether it is shared. */
  async supervisorTarget(tenantId: string, reflection: ReflectionDoc): Promise<Target> {
    return {
      studentId: reflection.personId,
      supervisorIds: await this.deps.supervisions.supervisorIdsOf(tenantId, reflection.personId),
      shared: reflection.shared,
    };
  }

  /** Audits the refusal and answers NOT_FOUND. */
  async refuse(tenantId: string, person: PersonDoc, action: string, id: unknown): Promise<string> {
    await this.deps.audit.record(
      tenantId,
      {
        actorId: person._id,
        action,
        targetId: typeof id === 'string' && id.length <= 300 ? id : null,
        outcome: 'refused',
      },
      this.deps.clock.now(),
    );
    return NOT_FOUND;
  }
}
