/**
 * 20-minute conversations: hosts publish slots, students book them, both sides get
 * confirmations, reminders and follow-ups, leads see what their cohort covered.
 *
 * A thin facade over the use-case modules of this folder (booking.ts, booking-changes.ts,
 * host-slots.ts, host-profile.ts, follow-ups.ts, report.ts, calendar-link.ts, …): it holds the
 * deps given by src/services.ts, so the routes in index.ts and other features (ports.ts) call
 * one object.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { JobDoc } from '../../jobs/scheduler.js';
import type { HostWish } from '../../domain/host-wish.js';
import type { AhpHostDoc } from '../../storage/ahp-hosts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { freeSlots } from './availability.js';
import { book, bookFromCard, type BookOutcome } from './booking.js';
import { bookingCard, browse } from './booking-cards.js';
import { cancelFromCard, markOutcome, rescheduleStart, saveNote } from './booking-changes.js';
import { ics, icsUrl } from './calendar-link.js';
import type { ConversationDeps } from './conversation-deps.js';
import type { BookingDoc, ConversationsRepository } from './conversations-repository.js';
import { runAfter, runReminder } from './follow-ups.js';
import { heldBy } from './held-conversations.js';
import { hostProfileCard, saveHostProfile } from './host-profile.js';
import { blockDate, publishSlots, withdrawSlot } from './host-slots.js';
import { slotsCard } from './host-slots-card.js';
import { myBookingsCard } from './my-bookings.js';
import { nextConversationOf } from './next-conversation.js';
import type {
  HeldConversation,
  HeldConversations,
  NextConversation,
  UpcomingConversations,
} from './ports.js';
import { report } from './report.js';
import { zoneOf } from './time-zones.js';

export type { ConversationDeps } from './conversation-deps.js';

type Answer = Promise<AdaptiveCard | string>;

export class ConversationService implements HeldConversations, UpcomingConversations {
  /** Slots, bookings and holds (the same repository as createRepositories' `conversations`). */
  readonly repo: ConversationsRepository;
  /** The AHP directory. */
  readonly hosts: ConversationDeps['ahpHosts'];

  constructor(private readonly deps: ConversationDeps) {
    this.repo = deps.conversations;
    this.hosts = deps.ahpHosts;
  }

  // --- students ------------------------------------------------------------------------
  /** `book a conversation`; with a wish ("physiotherapy", "EDI lead"), the hosts who fit it. */
  bookingCard(tenantId: string, student: PersonDoc, wish: HostWish | null = null): Answer {
    return bookingCard(this.deps, tenantId, student, { wish });
  }
  browse(tenantId: string, student: PersonDoc, data: unknown): Answer {
    return browse(this.deps, tenantId, student, data);
  }
  bookFromCard(tenantId: string, actor: PersonDoc, data: unknown): Answer {
    return bookFromCard(this.deps, tenantId, actor, data);
  }
  book(tenantId: string, actor: PersonDoc, data: unknown): Promise<BookOutcome> {
    return book(this.deps, tenantId, actor, data);
  }
  myBookings(tenantId: string, person: PersonDoc): Answer {
    return myBookingsCard(this.deps, tenantId, person);
  }
  freeSlots(tenantId: string, options: { hostId?: string; hosts?: AhpHostDoc[] } = {}) {
    return freeSlots(this.deps, tenantId, options);
  }
  zoneOf(tenantId: string, person: Pick<PersonDoc, 'timeZone' | 'cohortId'> | null): Promise<string> {
    return zoneOf(this.deps, tenantId, person);
  }

  // --- either participant --------------------------------------------------------------
  cancelFromCard(tenantId: string, actor: PersonDoc, data: unknown): Answer {
    return cancelFromCard(this.deps, tenantId, actor, data);
  }
  rescheduleStart(tenantId: string, actor: PersonDoc, data: unknown): Answer {
    return rescheduleStart(this.deps, tenantId, actor, data);
  }
  markOutcome(tenantId: string, actor: PersonDoc, data: unknown, outcome: 'held' | 'no-show'): Answer {
    return markOutcome(this.deps, tenantId, actor, data, outcome);
  }
  saveNote(tenantId: string, actor: PersonDoc, data: unknown): Answer {
    return saveNote(this.deps, tenantId, actor, data);
  }
  /** The .ics behind a booking card's "Add to calendar" link, if the token matches. */
  ics(bookingId: string, token: string): Promise<string | null> {
    return ics(this.deps, bookingId, token);
  }
  icsUrl(booking: BookingDoc): string {
    return icsUrl(this.deps, booking);
  }

  // --- hosts ---------------------------------------------------------------------------
  hostProfileCard(tenantId: string, person: PersonDoc): Answer {
    return hostProfileCard(this.deps, tenantId, person);
  }
  saveHostProfile(tenantId: string, person: PersonDoc, data: unknown): Answer {
    return saveHostProfile(this.deps, tenantId, person, data);
  }
  slotsCard(tenantId: string, person: PersonDoc, message = ''): Answer {
    return slotsCard(this.deps, tenantId, person, message);
  }
  publishSlots(tenantId: string, person: PersonDoc, data: unknown) {
    return publishSlots(this.deps, tenantId, person, data);
  }
  withdrawSlot(tenantId: string, person: PersonDoc, data: unknown): Answer {
    return withdrawSlot(this.deps, tenantId, person, data);
  }
  blockDate(tenantId: string, person: PersonDoc, data: unknown, unblock = false): Answer {
    return blockDate(this.deps, tenantId, person, data, unblock);
  }

  // --- leads, jobs, other features -----------------------------------------------------
  report(tenantId: string, person: PersonDoc): Answer {
    return report(this.deps, tenantId, person);
  }
  runReminder(job: JobDoc): Promise<void> {
    return runReminder(this.deps, job);
  }
  runAfter(job: JobDoc): Promise<void> {
    return runAfter(this.deps, job);
  }
  nextConversationOf(tenantId: string, studentId: string, now: Date): Promise<NextConversation | null> {
    return nextConversationOf(this.deps, tenantId, studentId, now);
  }
  heldBy(tenantId: string, studentId: string): Promise<HeldConversation[]> {
    return heldBy(this.deps, tenantId, studentId);
  }
}
