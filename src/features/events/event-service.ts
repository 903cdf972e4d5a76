/**
 * Placement events: a lead creates an event for a cohort (preceptorship study day,
 * reflective workshop, careers expo, senior AHP meeting); its students get an invite card
 * with RSVP, a reminder the day before (unless they said no), and afterwards, if they
 * attended, a reflection prompt tagged to the event's topic. The lead sees RSVPs and
 * records attendance. An event day can be a non-placement day (non-placement-days.ts).
 *
 * This class is the feature's one entry point: it holds the shared context and hands each
 * request to its use-case module. Every message goes through the outbox (dedupe keys per
 * person and event), every timed step through the scheduler. Other features see it only as
 * the interfaces in ports.ts.
 */
import type { JobDoc } from '../../jobs/scheduler.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { attendanceCard, attendedBy, saveAttendance } from './attendance.js';
import { cancelEvent, editEventCard, updateEvent } from './change-event.js';
import { createEvent, newEventCard } from './create-event.js';
import { EventContext, type CardResult, type EventDeps } from './event-context.js';
import { listCard, status } from './event-status.js';
import type { EventsRepository } from './events-repository.js';
import type { AttendedEvent, EventAttendance, NonPlacementEvent, NonPlacementEvents } from './ports.js';
import { runAfter } from './reflection-prompts.js';
import { runRemind } from './reminders.js';
import { openInvite, rsvp } from './rsvp.js';

export { NOT_ALLOWED, NOT_FOUND, type CardResult, type EventDeps } from './event-context.js';

type CardVerb = (tenantId: string, person: PersonDoc, data?: unknown) => Promise<CardResult>;

export class EventService implements EventAttendance, NonPlacementEvents {
  readonly repo: EventsRepository;
  private readonly ctx: EventContext;

  constructor(deps: EventDeps) {
    this.ctx = new EventContext(deps);
    this.repo = this.ctx.repo;
  }

  // What other features read (ports.ts).
  attendedBy(tenantId: string, personId: string): Promise<AttendedEvent[]> {
    return attendedBy(this.ctx, tenantId, personId);
  }
  async nonPlacementEventsOf(tenantId: string, cohortId: string): Promise<NonPlacementEvent[]> {
    const events = await this.repo.eventsOfCohorts(tenantId, [cohortId]);
    return events
      .filter((e) => e.state === 'scheduled' && e.nonPlacement)
      .map((e) => ({ date: e.date, title: e.title }));
  }

  // Commands and card verbs (index.ts).
  readonly composeCard = (t: string, p: PersonDoc) => newEventCard(this.ctx, t, p);
  readonly create: CardVerb = (t, p, d) => createEvent(this.ctx, t, p, d);
  readonly editStart: CardVerb = (t, p, d) => editEventCard(this.ctx, t, p, d);
  readonly update: CardVerb = (t, p, d) => updateEvent(this.ctx, t, p, d);
  readonly cancel: CardVerb = (t, p, d) => cancelEvent(this.ctx, t, p, d);
  readonly rsvp: CardVerb = (t, p, d) => rsvp(this.ctx, t, p, d);
  readonly openInvite: CardVerb = (t, p, d) => openInvite(this.ctx, t, p, d);
  readonly listCard = (t: string, p: PersonDoc) => listCard(this.ctx, t, p);
  readonly status: CardVerb = (t, p, d) => status(this.ctx, t, p, d);
  readonly attendanceCard: CardVerb = (t, p, d) => attendanceCard(this.ctx, t, p, d);
  readonly saveAttendance: CardVerb = (t, p, d) => saveAttendance(this.ctx, t, p, d);

  // Jobs.
  readonly runRemind = (job: JobDoc) => runRemind(this.ctx, job);
  readonly runAfter = (job: JobDoc) => runAfter(this.ctx, job);
}
