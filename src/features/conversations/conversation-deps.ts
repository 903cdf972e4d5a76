/**
 * What the conversation use cases are given (by src/services.ts through ConversationService),
 * and the few questions of the authorisation policy they all ask.
 */
import type { Cards } from '../../cards/cards.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { can } from '../../domain/authorization.js';
import type { Scheduler } from '../../jobs/scheduler.js';
import type { Logger } from '../../logger.js';
import type { Outbox } from '../../proactive/outbox.js';
import type { AhpHostsRepository } from '../../storage/ahp-hosts-repository.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { CohortsRepository } from '../../storage/cohorts-repository.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { BookingDoc, ConversationsRepository } from './conversations-repository.js';
import type { ReflectionPrompter } from './ports.js';

export interface ConversationDeps {
  clock: Clock;
  config: Pick<Config, 'DEFAULT_TIME_ZONE' | 'PUBLIC_BASE_URL'>;
  logger: Logger;
  cards: Cards;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  audit: AuditRepository;
  /** Slots, bookings, holds and blocked days (conversations-repository.ts). */
  conversations: ConversationsRepository;
  /** The AHP directory. */
  ahpHosts: AhpHostsRepository;
  outbox: Outbox;
  scheduler: Scheduler;
  /** The reflections feature, asked when a job runs (it is built after this one). */
  reflections: () => ReflectionPrompter | null;
}

/** Who may do what is the policy's (src/domain/authorization.ts); these name its questions. */
export const booksForSelf = (p: PersonDoc) => can(p, 'conversation.book', { studentId: p._id });
export const offersAsHost = (p: PersonDoc) => can(p, 'conversation.host.offer', { hostId: p._id });
export const bookingTarget = (b: BookingDoc) => ({
  studentId: b.studentId,
  hostId: b.hostPersonId,
  cohortId: b.cohortId,
});
/** Cancel or move: the booking's student or host ('conversation.booking.change'). */
export const isParticipant = (person: PersonDoc, booking: BookingDoc): boolean =>
  can(person, 'conversation.booking.change', bookingTarget(booking));

export const STUDENTS_ONLY = 'Booking a 20-minute conversation is for students on placement.';
