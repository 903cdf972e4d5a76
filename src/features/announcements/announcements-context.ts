/**
 * What every announcement use case shares: its dependencies, the policy questions (who may
 * compose, send, see the status of a cohort's announcements), and lookups several of them make.
 */
import type { Cards } from '../../cards/cards.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { can, type Action as PolicyAction } from '../../domain/authorization.js';
import { reminderTime } from '../../domain/working-hours.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { Outbox } from '../../proactive/outbox.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { Claims } from '../../storage/claims.js';
import type { CohortDoc, CohortsRepository } from '../../storage/cohorts-repository.js';
import type { ConversationReferencesRepository } from '../../storage/conversation-references-repository.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { AnnouncementDoc, AnnouncementsRepository } from './announcements-repository.js';

export interface AnnouncementDeps {
  clock: Clock;
  config: Pick<
    Config,
    'ANNOUNCEMENT_REMINDER_MINUTES' | 'DEFAULT_TIME_ZONE' | 'EXPORT_LINK_SECRET' | 'PUBLIC_BASE_URL'
  >;
  cards: Cards;
  announcements: AnnouncementsRepository;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  references: ConversationReferencesRepository;
  audit: AuditRepository;
  claims: Claims;
  outbox: Pick<
    Outbox,
    | 'enqueue'
    | 'cancelIfPending'
    | 'batchCounts'
    | 'byId'
    | 'byBatch'
    | 'itemsOfBatches'
    | 'unreachablePersonIds'
  >;
  scheduler: Pick<Scheduler, 'schedule' | 'cancel'>;
}

export const NOT_ALLOWED = 'Only a placement lead of this cohort or an administrator can do that.';
export const NOT_FOUND = 'I could not find that announcement.';
const MAX_REFRESH_USERS = 60;

export class AnnouncementsContext {
  constructor(readonly deps: AnnouncementDeps) {}

  get repo(): AnnouncementsRepository {
    return this.deps.announcements;
  }

  get now(): Date {
    return this.deps.clock.now();
  }

  /** The policy's decision (src/domain/authorization.ts) for an action on a cohort's announcements. */
  may(person: PersonDoc, action: PolicyAction, cohortId: string): boolean {
    return can(person, action, { cohortId });
  }

  /** Has the lead or admin role (chooses a refusal's wording; decisions are the policy's). */
  hasLeadRole(person: PersonDoc): boolean {
    return person.roles.includes('admin') || person.roles.includes('lead');
  }

  async manageableCohorts(
    tenantId: string,
    person: PersonDoc,
    action: PolicyAction = 'announcement.compose',
  ): Promise<CohortDoc[]> {
    const all = await this.deps.cohorts.all(tenantId);
    return all.filter((c) => this.may(person, action, c._id));
  }

  /** When the reminder to non-acknowledgers goes: after the configured delay, moved into working time. */
  async reminderAt(tenantId: string, ann: AnnouncementDoc, fallback: Date): Promise<Date> {
    const cohort = await this.deps.cohorts.byId(tenantId, ann.cohortId);
    return reminderTime(ann.sentAt ?? fallback, this.deps.config.ANNOUNCEMENT_REMINDER_MINUTES, {
      calendar: cohort ?? undefined,
      zone: this.zoneOf(cohort),
    });
  }

  zoneOf(cohort: Pick<CohortDoc, 'timeZone'> | null): string {
    return cohort?.timeZone || this.deps.config.DEFAULT_TIME_ZONE;
  }

  /** The people asked to read it: the cohort's members, not its leads or admins, not the author. */
  async audienceOf(tenantId: string, cohortId: string, authorId: string): Promise<PersonDoc[]> {
    const members = await this.deps.people.inCohort(tenantId, cohortId);
    return members.filter(
      (p) => p._id !== authorId && !p.roles.includes('lead') && !p.roles.includes('admin'),
    );
  }

  /** Teams user ids that see the lead view when the card refreshes: the author and the cohort's leads. */
  async refreshUserIds(tenantId: string, ann: AnnouncementDoc): Promise<string[]> {
    const leads = await this.deps.people.leadsOf(tenantId, ann.cohortId);
    const author = await this.deps.people.byId(tenantId, ann.authorId);
    const ids = [author, ...leads]
      .map((p) => p?.teamsUserId)
      .filter((id): id is string => typeof id === 'string');
    return [...new Set(ids)].slice(0, MAX_REFRESH_USERS);
  }

  /** The announcement a card names, if it is one of this tenant's. */
  async load(tenantId: string, data: unknown): Promise<AnnouncementDoc | null> {
    const id = (data as { announcementId?: unknown } | null)?.announcementId;
    if (typeof id !== 'string' || id.length > 300 || !id.startsWith(`${tenantId}|ann|`)) return null;
    return this.repo.byId(tenantId, id);
  }

  /** The outbox items of these batches, without their activities. */
  items(tenantId: string, batchIds: string[]) {
    return this.deps.outbox.itemsOfBatches(tenantId, batchIds);
  }

  async refuse(tenantId: string, person: PersonDoc, action: string, targetId: string) {
    await this.deps.audit.record(
      tenantId,
      { actorId: person._id, action, targetId, outcome: 'refused' },
      this.now,
    );
    return NOT_ALLOWED;
  }
}
