/** What every events use case shares: dependencies, the clock, time zones and the policy check. */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Action } from '../../domain/authorization.js';
import { isValidTimeZone } from '../../domain/placement-calendar.js';
import type { CoreServices } from '../../services.js';
import type { Claims } from '../../storage/claims.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { EventDoc, EventsRepository } from './events-repository.js';
import type { CohortPlanner, EventCalendar, EventReflectionPrompt } from './ports.js';

export type CardResult = AdaptiveCard | string;

export const NOT_ALLOWED = 'Only the placement lead of that cohort, or an administrator, can do that.';
export const NOT_FOUND = 'I could not find that event.';
export const NOT_INVITED = 'That invitation is not for you.';

export type EventDeps = Pick<
  CoreServices,
  'config' | 'clock' | 'cards' | 'people' | 'cohorts' | 'supervisions' | 'outbox' | 'scheduler' | 'audit'
> & {
  /** The feature's collections (from createRepositories). */
  events: EventsRepository;
  claims: Claims;
  /** The reflections feature, for the prompt after an event (null: no prompts). */
  reflections: () => EventReflectionPrompt | null;
  /** The check-ins planner, to re-plan a cohort when its calendar changes (null: the hourly run does it). */
  planner: () => CohortPlanner | null;
  /** "Add to calendar" entries (null: invitations go without the link). */
  calendar: () => EventCalendar | null;
};

export class EventContext {
  readonly repo: EventsRepository;

  constructor(readonly s: EventDeps) {
    this.repo = s.events;
  }

  now() {
    return this.s.clock.now();
  }

  zoneOf(cohort: Pick<CohortDoc, 'timeZone'>): string {
    return cohort.timeZone && isValidTimeZone(cohort.timeZone)
      ? cohort.timeZone
      : this.s.config.DEFAULT_TIME_ZONE;
  }

  may(person: PersonDoc, action: Action, cohortId: string) {
    return can(person, action, { cohortId });
  }

  /**
   * The event a card action names, when the person may do `action` on it; otherwise the
   * answer to give (not found, or not allowed).
   */
  async permittedEvent(
    tenantId: string,
    person: PersonDoc,
    ref: { ok: true; value: { eventId: string } } | { ok: false },
    action: Action,
  ): Promise<EventDoc | string> {
    if (!ref.ok) return NOT_FOUND;
    const event = await this.repo.eventById(tenantId, ref.value.eventId);
    if (!event) return NOT_FOUND;
    return this.may(person, action, event.cohortId) ? event : NOT_ALLOWED;
  }

  /** The cohorts the person may run events for (all of them for an admin). */
  async manageableCohorts(tenantId: string, person: PersonDoc): Promise<CohortDoc[]> {
    return (await this.s.cohorts.all(tenantId)).filter((c) => this.may(person, 'event.manage', c._id));
  }
}
