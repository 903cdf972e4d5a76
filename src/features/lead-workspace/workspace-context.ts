/**
 * What every workspace use case shares: its dependencies, the policy checks (which cohorts and
 * students the actor may manage; refusals are audited), the audit entry, and the outcome shape
 * both surfaces (chat cards, the dashboard's Manage page) turn into answers.
 */
import type { Cards } from '../../cards/cards.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Action } from '../../domain/authorization.js';
import { can } from '../../domain/authorization.js';
import { safeText } from '../../domain/validation.js';
import type { AhpHostsRepository } from '../../storage/ahp-hosts-repository.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { CohortDoc, CohortsRepository } from '../../storage/cohorts-repository.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../storage/supervision-links-repository.js';
import type {
  CheckinPauseCard,
  CheckinPlanner,
  CheckinSettingsOf,
  RosterImporter,
  SupportAnswerCounts,
} from './ports.js';
import type { FieldErrors } from './workspace-input.js';

/** What the lead's workspace is built with (src/services.ts): only what it uses. */
export interface WorkspaceDeps {
  clock: Clock;
  cards: Cards;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  supervisions: SupervisionLinksRepository;
  audit: AuditRepository;
  hosts: AhpHostsRepository;
  /** Re-plans a cohort's check-ins after its calendar or roster changed. */
  checkins: CheckinPlanner & CheckinPauseCard;
  checkinSettings: CheckinSettingsOf;
  roster: RosterImporter;
  /** How often the support answer was shown in the tenant, for the lead's cohort list. */
  supportCounts: SupportAnswerCounts;
  config: Pick<Config, 'MicrosoftAppId' | 'MIN_GROUP_SIZE'>;
}

export type Outcome<T> =
  | { ok: true; value: T; notice: string }
  | { ok: false; kind: 'invalid'; errors: FieldErrors }
  | { ok: false; kind: 'forbidden' | 'not-found'; message: string };

export const NOT_A_LEAD =
  'Managing cohorts is for placement leads. If you run a placement, ask an administrator to give you the lead role.';
export const NOT_YOUR_COHORT = 'You can only manage the cohorts you lead.';
const NO_SUCH_PERSON = 'That person is not on this cohort any more. Open the cohort again to see who is.';

export const forbidden = (message = NOT_YOUR_COHORT) => ({
  ok: false as const,
  kind: 'forbidden' as const,
  message,
});
export const invalid = (errors: FieldErrors) => ({ ok: false as const, kind: 'invalid' as const, errors });

const idText = safeText(300, { min: 1 });
export const idOf = (data: unknown, key: string): string | null => {
  const v = (data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined) ?? '';
  const r = idText.safeParse(v);
  return r.success && !r.data.startsWith('$') ? r.data : null;
};

export class WorkspaceContext {
  constructor(readonly deps: WorkspaceDeps) {}

  now() {
    return this.deps.clock.now();
  }

  async audit(
    tenantId: string,
    actor: PersonDoc,
    action: string,
    targetId: string | null,
    details: Record<string, string | number | boolean | null> = {},
    outcome: 'ok' | 'refused' = 'ok',
  ) {
    await this.deps.audit.record(
      tenantId,
      { actorId: actor._id, action, targetId, outcome, details },
      this.now(),
    );
  }

  /** A cohort the actor may do `action` on; a refusal is audited. */
  async cohortFor(
    tenantId: string,
    actor: PersonDoc,
    cohortId: string | null,
    action: Action,
    auditAction: string,
  ): Promise<{ ok: true; cohort: CohortDoc } | { ok: false; kind: 'forbidden'; message: string }> {
    const cohort = cohortId ? await this.deps.cohorts.byId(tenantId, cohortId) : null;
    if (!cohort || !can(actor, action, { cohortId: cohort._id })) {
      await this.audit(tenantId, actor, auditAction, cohortId, {}, 'refused');
      return forbidden(this.isLead(actor) ? NOT_YOUR_COHORT : NOT_A_LEAD);
    }
    return { ok: true, cohort };
  }

  isLead(actor: PersonDoc): boolean {
    return can(actor, 'cohort.create');
  }

  /** The cohorts the actor may manage, in start-date order. */
  async manageableCohorts(tenantId: string, actor: PersonDoc): Promise<CohortDoc[]> {
    if (!this.isLead(actor)) return [];
    return (await this.deps.cohorts.all(tenantId)).filter((c) =>
      can(actor, 'cohort.manage', { cohortId: c._id }),
    );
  }

  /** A student of a cohort the actor manages. */
  async studentFor(tenantId: string, actor: PersonDoc, data: unknown, auditAction: string) {
    const studentId = idOf(data, 'studentId');
    const student = studentId ? await this.deps.people.byId(tenantId, studentId) : null;
    if (!student || !student.roles.includes('student') || !student.cohortId) {
      if (student) await this.audit(tenantId, actor, auditAction, student._id, {}, 'refused');
      return { ok: false as const, kind: 'not-found' as const, message: NO_SUCH_PERSON };
    }
    const found = await this.cohortFor(
      tenantId,
      actor,
      student.cohortId,
      'cohort.roster.manage',
      auditAction,
    );
    if (!found.ok) return found;
    return { ok: true as const, student, cohort: found.cohort };
  }
}
