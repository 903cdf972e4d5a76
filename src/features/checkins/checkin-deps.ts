/**
 * What the check-in use cases are given (src/services.ts builds it once), and the small
 * readings of a student's setting that several of them share.
 */
import type { Cards } from '../../cards/cards.js';
import type { Clock } from '../../clock.js';
import { can } from '../../domain/authorization.js';
import { localDateOf, weekDates } from '../../domain/placement-calendar.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { Outbox } from '../../proactive/outbox.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { Claims } from '../../storage/claims.js';
import type { CohortDoc, CohortsRepository } from '../../storage/cohorts-repository.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../storage/supervision-links-repository.js';
import { checkinSettings } from './checkin-schedule.js';
import type { CheckinsRepository } from './checkins-repository.js';
import type { CheckinFollowUps, CheckinSavedHook, StudentProjectTitle } from './ports.js';

/** The shared engines and repositories every check-in use case may use. */
export interface CheckinCore {
  clock: Clock;
  cards: Cards;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  supervisions: SupervisionLinksRepository;
  audit: AuditRepository;
  outbox: Outbox;
  scheduler: Scheduler;
  claims: Claims;
  /** The check-ins and pauses (built once: it remembers pauses briefly). */
  repo: CheckinsRepository;
}

/** CheckinService's constructor deps: the core, and what it needs from other features (ports.ts). */
export interface CheckinDeps extends CheckinCore {
  /** Supervision's open actions and escalation marks on the cards. */
  followUps: () => CheckinFollowUps;
  /** Told after the built-in ones (safeguarding alert, late notice), in this order. */
  savedHooks: CheckinSavedHook[];
  /** Names the student's project on the form's project question. */
  projectTitles: () => StudentProjectTitle;
}

export const NOT_A_STUDENT =
  'Check-ins are for students on placement. If you are one, ask your placement lead to add you to a cohort.';

export const hasRole = (p: PersonDoc, ...roles: PersonDoc['roles']) => p.roles.some((r) => roles.includes(r));

export function zoneOf(person: Pick<PersonDoc, 'timeZone'>, cohort: CohortDoc): string {
  return person.timeZone ?? cohort.timeZone;
}

/** The student's cohort, pauses, zone and settings; null for someone who has no check-ins. */
export async function studentSetting(s: CheckinCore, tenantId: string, person: PersonDoc) {
  if (!can(person, 'checkin.submit.self', { studentId: person._id }) || !person.cohortId) return null;
  // Both reads at once: they do not depend on each other.
  const [cohort, pauses] = await Promise.all([
    s.cohorts.byId(tenantId, person.cohortId),
    s.repo.pausesOf(tenantId, person._id),
  ]);
  if (!cohort) return null;
  return { cohort, pauses, zone: zoneOf(person, cohort), settings: checkinSettings(cohort) };
}

export type StudentSetting = NonNullable<Awaited<ReturnType<typeof studentSetting>>>;

/** Whether the week exists and has begun for the student. */
export function weekOpen(cohort: CohortDoc, week: number, zone: string, now: Date): boolean {
  if (week < 1 || week > cohort.weeks) return false;
  return weekDates(cohort, week)[0]! <= localDateOf(now, zone);
}
