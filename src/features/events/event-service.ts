/**
 * Placement events: a lead creates an event for a cohort (preceptorship study day,
 * reflective workshop, careers expo, senior AHP meeting); its students get an invite card
 * with RSVP, a reminder the day before (unless they said no), and afterwards, if they
 * attended, a reflection prompt tagged to the event's topic. The lead sees RSVPs and
 * records attendance. An event day can be a non-placement day: the date goes on the
 * cohort's non-placement dates, so the check-in planner moves that day's prompts.
 *
 * Every message goes through services.outbox (dedupe keys per person and event), every
 * timed step through services.scheduler. Races are settled by inserts: the event id comes
 * from the card's request id; each edit takes the claim for its revision, a cancel its own.
 */
import { randomUUID } from 'node:crypto';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Action } from '../../domain/authorization.js';
import type { ReflectionTopicId } from '../../domain/catalogues.js';
import { currentCohort, currentCohortFirst } from '../../domain/current-cohort.js';
import { formatDate, isValidTimeZone, localInstant, offsetInstant } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY } from '../../domain/validation.js';
import type { JobDoc } from '../../jobs/scheduler.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CoreServices } from '../../services.js';
import { Claims } from '../../storage/claims.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import {
  cohortErrors,
  parseAttendance,
  parseEditRef,
  parseEvent,
  parseRef,
  parseRsvp,
  rawEventFields,
  type EventValues,
} from './event-input.js';
import {
  EVENT_KINDS,
  eventId as makeEventId,
  EventsRepository,
  type EventDoc,
  type InvitationDoc,
  type Rsvp,
} from './events-repository.js';

export const JOB_REMIND = 'events.remind';
export const JOB_AFTER = 'events.after';
/** The reflection prompt goes this long after the event ends (attendance may be recorded later: then at once). */
export const AFTER_END_MS = 30 * 60_000;
/** `events` lists events that ended up to this long ago (to record attendance) and all upcoming ones. */
export const RECENT_MS = 14 * 24 * 60 * 60_000;

export type CardResult = AdaptiveCard | string;

export const NOT_ALLOWED = 'Only the placement lead of that cohort, or an administrator, can do that.';
export const NOT_FOUND = 'I could not find that event.';
const NOT_INVITED = 'That invitation is not for you.';
const FIELDS = [
  'cohortId',
  'title',
  'kind',
  'date',
  'startTime',
  'endTime',
  'location',
  'onlineLink',
  'description',
  'nonPlacement',
] as const;

export const remindKey = (e: Pick<EventDoc, '_id' | 'startsAt'>) =>
  `${JOB_REMIND}|${e._id}|${e.startsAt.toISOString()}`;
export const afterKey = (e: Pick<EventDoc, '_id' | 'endsAt'>) =>
  `${JOB_AFTER}|${e._id}|${e.endsAt.toISOString()}`;

/** What this feature uses of services.reflections (duck-typed, as the conversations feature does). */
export interface EventReflectionPrompt {
  promptReflection(
    tenantId: string,
    personId: string,
    options: { topic: ReflectionTopicId; linkId: string; message?: string; dedupeKey?: string },
  ): Promise<boolean>;
}
/** What this feature uses of services.checkins: re-plan a cohort's prompts after its calendar changed. */
export interface CohortPlanner {
  planOne(cohort: CohortDoc, now: Date): Promise<number>;
}

export type EventDeps = Pick<
  CoreServices,
  'db' | 'config' | 'clock' | 'logger' | 'cards' | 'people' | 'cohorts' | 'outbox' | 'scheduler' | 'audit'
>;

const kindOf = (id: string) => EVENT_KINDS.find((k) => k.id === id) ?? EVENT_KINDS[EVENT_KINDS.length - 1]!;
const RSVP_LABEL: Record<Rsvp, string> = { yes: 'Going', maybe: 'Maybe', no: 'Not going' };

function errorFields(errors: Record<string, string>) {
  const out: Record<string, string> = {};
  for (const f of FIELDS) out[`${f}Error`] = errors[f] ?? '';
  return out;
}

export class EventService {
  readonly repo: EventsRepository;
  private readonly claims: Claims;
  private reflections: EventReflectionPrompt | null = null;
  private planner: CohortPlanner | null = null;

  constructor(private readonly s: EventDeps) {
    this.repo = new EventsRepository(s.db);
    this.claims = new Claims(s.db);
  }

  /** Wires the reflections and check-ins capabilities when the service container has them. */
  usePeers(peers: { reflections?: unknown; checkins?: unknown }): void {
    const r = peers.reflections as Partial<EventReflectionPrompt> | undefined;
    this.reflections = typeof r?.promptReflection === 'function' ? (r as EventReflectionPrompt) : null;
    const c = peers.checkins as Partial<CohortPlanner> | undefined;
    this.planner = typeof c?.planOne === 'function' ? (c as CohortPlanner) : null;
  }

  private now() {
    return this.s.clock.now();
  }

  private zoneOf(cohort: Pick<CohortDoc, 'timeZone'>): string {
    return cohort.timeZone && isValidTimeZone(cohort.timeZone)
      ? cohort.timeZone
      : this.s.config.DEFAULT_TIME_ZONE;
  }

  private may(person: PersonDoc, action: Action, cohortId: string) {
    return can(person, action, { cohortId });
  }

  /** The cohorts the person may run events for (all of them for an admin). */
  async manageableCohorts(tenantId: string, person: PersonDoc): Promise<CohortDoc[]> {
    return (await this.s.cohorts.all(tenantId)).filter((c) => this.may(person, 'event.manage', c._id));
  }

  // -------------------------------------------------------------------------------------
  // Creating and changing an event (lead)
  // -------------------------------------------------------------------------------------

  async composeCard(tenantId: string, person: PersonDoc): Promise<CardResult> {
    const cohorts = await this.manageableCohorts(tenantId, person);
    if (cohorts.length === 0)
      return person.roles.includes('lead')
        ? 'You do not lead a cohort yet, so there is no one to invite.'
        : NOT_ALLOWED;
    return this.renderCompose(cohorts, null, {}, {});
  }

  private renderCompose(
    cohorts: CohortDoc[],
    event: EventDoc | null,
    values: Record<string, string>,
    errors: Record<string, string>,
    requestId: string = randomUUID(),
  ): AdaptiveCard {
    const selected =
      cohorts.find((c) => c._id === (values.cohortId || event?.cohortId)) ??
      currentCohort(cohorts, this.now()) ??
      cohorts[0]!;
    const zone = this.zoneOf(selected);
    const v = (key: (typeof FIELDS)[number], fallback: string) => values[key] ?? fallback;
    return this.s.cards.render('event-compose', {
      heading: event ? 'Change event' : 'New placement event',
      mode: event ? 'edit' : 'new',
      formError:
        errors[FORM_ERROR_KEY] ??
        (Object.keys(errors).length ? 'Please correct the fields marked below.' : ''),
      showCohortChoice: !event && cohorts.length > 1,
      cohortChoices: currentCohortFirst(cohorts, this.now()).map((c) => ({ title: c.name, value: c._id })),
      cohortId: selected._id,
      cohortName: selected.name,
      kindChoices: EVENT_KINDS.map((k) => ({ title: k.label, value: k.id })),
      title: v('title', event?.title ?? ''),
      kind: v('kind', event?.kind ?? 'preceptorship-study-day'),
      date: v('date', event?.date ?? ''),
      startTime: v('startTime', event?.startTime ?? '09:30'),
      endTime: v('endTime', event?.endTime ?? '16:30'),
      location: v('location', event?.location ?? ''),
      onlineLink: v('onlineLink', event?.onlineLink ?? ''),
      description: v('description', event?.description ?? ''),
      nonPlacement: v('nonPlacement', String(event?.nonPlacement ?? false)),
      zoneText: zone === 'Europe/London' ? 'UK time' : zone,
      submitTitle: event ? 'Save and tell the invited' : 'Create and invite the cohort',
      verb: event ? 'event.update' : 'event.create',
      requestId,
      eventId: event?._id ?? '',
      revision: String(event?.revision ?? 0),
      fixedCohortId: event?.cohortId ?? (cohorts.length === 1 ? selected._id : ''),
      ...errorFields(errors),
    });
  }

  /** Validates everything; returns the values and the cohort, or the field errors. */
  private async validate(
    person: PersonDoc,
    data: Record<string, unknown>,
    cohorts: CohortDoc[],
  ): Promise<
    { ok: true; value: EventValues; cohort: CohortDoc } | { ok: false; errors: Record<string, string> }
  > {
    const parsed = parseEvent(data);
    if (!parsed.ok) {
      // Also report a date outside the placement when the date itself is readable.
      const errors = { ...parsed.errors };
      const cohort = cohorts.find((c) => c._id === data.cohortId);
      if (cohort && !errors.date && typeof data.date === 'string')
        Object.assign(
          errors,
          cohortErrors({ date: data.date.trim(), startTime: '23:59' }, cohort, new Date(0)),
        );
      return { ok: false, errors };
    }
    const cohort = cohorts.find((c) => c._id === parsed.value.cohortId);
    if (!cohort || !this.may(person, 'event.manage', cohort._id))
      return { ok: false, errors: { cohortId: 'Choose one of your cohorts' } };
    const errors = cohortErrors(parsed.value, { ...cohort, timeZone: this.zoneOf(cohort) }, this.now());
    if (Object.keys(errors).length) return { ok: false, errors };
    return { ok: true, value: parsed.value, cohort };
  }

  private withCohort(data: unknown): Record<string, unknown> {
    const record = { ...((data && typeof data === 'object' ? data : {}) as Record<string, unknown>) };
    if ((record.cohortId === undefined || record.cohortId === '') && typeof record.fixedCohortId === 'string')
      record.cohortId = record.fixedCohortId;
    return record;
  }

  async create(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const cohorts = await this.manageableCohorts(tenantId, person);
    if (cohorts.length === 0) return NOT_ALLOWED;
    const record = this.withCohort(data);
    const requestId = typeof record.requestId === 'string' ? record.requestId.slice(0, 100) : '';
    if (!/^[A-Za-z0-9-]{8,100}$/.test(requestId))
      return this.renderCompose(cohorts, null, rawEventFields(record), {
        [FORM_ERROR_KEY]: 'That card is out of date. Please fill it in again.',
      });
    const checked = await this.validate(person, record, cohorts);
    if (!checked.ok) {
      await this.s.audit.record(
        tenantId,
        {
          actorId: person._id,
          action: 'event.create',
          outcome: 'refused',
          details: { fields: Object.keys(checked.errors).join(',') },
        },
        this.now(),
      );
      return this.renderCompose(cohorts, null, rawEventFields(record), checked.errors, requestId);
    }
    const { value, cohort } = checked;
    const now = this.now();
    const zone = this.zoneOf(cohort);
    const id = makeEventId(tenantId, requestId);
    const event: EventDoc = {
      _id: id,
      tenantId,
      cohortId: cohort._id,
      kind: value.kind,
      title: value.title,
      date: value.date,
      startTime: value.startTime,
      endTime: value.endTime,
      timeZone: zone,
      startsAt: localInstant(value.date, value.startTime, zone),
      endsAt: localInstant(value.date, value.endTime, zone),
      location: value.location,
      onlineLink: value.onlineLink,
      description: value.description,
      nonPlacement: value.nonPlacement,
      addedNonPlacementDate: false,
      state: 'scheduled',
      revision: 1,
      createdBy: person._id,
      cancelledAt: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    };
    const { tenantId: _t, ...doc } = event;
    const inserted = await this.repo.insertEvent(tenantId, doc);
    const stored = inserted ? event : await this.repo.eventById(tenantId, id);
    if (!stored) return NOT_FOUND;
    // A repeated submit carries on where the first one may have stopped: every step is idempotent.
    if (stored.nonPlacement && inserted) await this.markNonPlacement(tenantId, stored, cohort);
    const students = await this.studentsOf(tenantId, cohort._id);
    await this.repo.invite(
      tenantId,
      stored,
      students.map((s) => s._id),
      now,
    );
    await this.notifyInvited(tenantId, stored, 'invite');
    await this.scheduleJobs(tenantId, stored);
    if (inserted)
      await this.s.audit.record(
        tenantId,
        {
          actorId: person._id,
          action: 'event.create',
          targetId: stored._id,
          details: {
            cohortId: cohort._id,
            kind: stored.kind,
            invited: students.length,
            nonPlacement: stored.nonPlacement,
          },
        },
        now,
      );
    return this.statusCard(
      tenantId,
      stored,
      inserted
        ? `Created. ${students.length} student${students.length === 1 ? '' : 's'} invited.`
        : 'This event was already created.',
    );
  }

  async editStart(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const ref = parseRef(data);
    if (!ref.ok) return NOT_FOUND;
    const event = await this.repo.eventById(tenantId, ref.value.eventId);
    if (!event) return NOT_FOUND;
    if (!this.may(person, 'event.manage', event.cohortId)) return NOT_ALLOWED;
    if (event.state === 'cancelled') return this.statusCard(tenantId, event, 'This event was cancelled.');
    const cohort = await this.s.cohorts.byId(tenantId, event.cohortId);
    if (!cohort) return NOT_FOUND;
    return this.renderCompose([cohort], event, {}, {});
  }

  async update(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const ref = parseEditRef(data);
    if (!ref.ok) return NOT_FOUND;
    const event = await this.repo.eventById(tenantId, ref.value.eventId);
    if (!event) return NOT_FOUND;
    if (!this.may(person, 'event.manage', event.cohortId)) return NOT_ALLOWED;
    if (event.state === 'cancelled') return this.statusCard(tenantId, event, 'This event was cancelled.');
    const cohort = await this.s.cohorts.byId(tenantId, event.cohortId);
    if (!cohort) return NOT_FOUND;
    const record = { ...this.withCohort(data), cohortId: event.cohortId };
    const checked = await this.validate(person, record, [cohort]);
    if (!checked.ok) return this.renderCompose([cohort], event, rawEventFields(record), checked.errors);
    if (ref.value.revision !== event.revision)
      return this.statusCard(
        tenantId,
        event,
        'Someone changed this event since you opened it. Here it is now.',
      );
    // One winner per revision: two leads saving at once, or a double click, change it once.
    if (!(await this.claims.take('event.edit', `${event._id}#${event.revision + 1}`)))
      return this.statusCard(
        tenantId,
        (await this.repo.eventById(tenantId, event._id)) ?? event,
        'Someone changed this event at the same moment. Here it is now.',
      );
    const { value } = checked;
    const zone = event.timeZone;
    const now = this.now();
    const next: EventDoc = {
      ...event,
      kind: value.kind,
      title: value.title,
      date: value.date,
      startTime: value.startTime,
      endTime: value.endTime,
      startsAt: localInstant(value.date, value.startTime, zone),
      endsAt: localInstant(value.date, value.endTime, zone),
      location: value.location,
      onlineLink: value.onlineLink,
      description: value.description,
      nonPlacement: value.nonPlacement,
      revision: event.revision + 1,
      updatedAt: now,
    };
    const dayChanged = next.date !== event.date || next.nonPlacement !== event.nonPlacement;
    if (dayChanged && event.addedNonPlacementDate) await this.unmarkNonPlacement(tenantId, event, cohort);
    if (dayChanged) next.addedNonPlacementDate = false;
    const { _id, tenantId: _t, createdAt: _c, ...set } = next;
    await this.repo.updateEvent(tenantId, event._id, set);
    if (dayChanged && next.nonPlacement) await this.markNonPlacement(tenantId, next, cohort);
    if (next.startsAt.getTime() !== event.startsAt.getTime()) await this.s.scheduler.cancel(remindKey(event));
    if (next.endsAt.getTime() !== event.endsAt.getTime()) await this.s.scheduler.cancel(afterKey(event));
    await this.scheduleJobs(tenantId, next);
    const told = await this.notifyInvited(tenantId, next, 'changed');
    await this.s.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'event.edit',
        targetId: event._id,
        details: { revision: next.revision, told },
      },
      now,
    );
    return this.statusCard(
      tenantId,
      next,
      `Saved. ${told} invited ${told === 1 ? 'person was' : 'people were'} told about the change.`,
    );
  }

  async cancel(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const ref = parseRef(data);
    if (!ref.ok) return NOT_FOUND;
    const event = await this.repo.eventById(tenantId, ref.value.eventId);
    if (!event) return NOT_FOUND;
    if (!this.may(person, 'event.manage', event.cohortId)) return NOT_ALLOWED;
    if (event.state === 'cancelled' || !(await this.claims.take('event.cancel', event._id)))
      return this.statusCard(tenantId, { ...event, state: 'cancelled' }, 'This event is cancelled.');
    const now = this.now();
    const cancelled: EventDoc = { ...event, state: 'cancelled', cancelledAt: now, updatedAt: now };
    await this.repo.updateEvent(tenantId, event._id, {
      state: 'cancelled',
      cancelledAt: now,
      updatedAt: now,
    });
    await this.s.scheduler.cancel(remindKey(event));
    await this.s.scheduler.cancel(afterKey(event));
    const cohort = await this.s.cohorts.byId(tenantId, event.cohortId);
    if (cohort && event.addedNonPlacementDate) await this.unmarkNonPlacement(tenantId, event, cohort);
    const told = await this.notifyInvited(tenantId, cancelled, 'cancelled');
    await this.s.audit.record(
      tenantId,
      { actorId: person._id, action: 'event.cancel', targetId: event._id, details: { told } },
      now,
    );
    return this.statusCard(
      tenantId,
      cancelled,
      `Cancelled. ${told} invited ${told === 1 ? 'person was' : 'people were'} told.`,
    );
  }

  // -------------------------------------------------------------------------------------
  // Non-placement day
  // -------------------------------------------------------------------------------------

  private async markNonPlacement(tenantId: string, event: EventDoc, cohort: CohortDoc): Promise<void> {
    const now = this.now();
    // Whether this event put the date there (a study day the lead already set stays when it is cancelled).
    const added = !cohort.nonPlacementDates.includes(event.date);
    await this.s.cohorts.addNonPlacementDates(tenantId, cohort._id, [event.date], now);
    if (added)
      await this.repo.updateEvent(tenantId, event._id, { addedNonPlacementDate: true, updatedAt: now });
    event.addedNonPlacementDate = added || event.addedNonPlacementDate;
    await this.replan(tenantId, cohort._id);
  }

  /** Takes the date off again, unless another event of the cohort still needs that day off. */
  private async unmarkNonPlacement(tenantId: string, event: EventDoc, cohort: CohortDoc): Promise<void> {
    const others = (await this.repo.eventsOfCohorts(tenantId, [cohort._id])).filter(
      (e) => e._id !== event._id && e.state === 'scheduled' && e.nonPlacement && e.date === event.date,
    );
    if (others.length > 0) return;
    await this.s.cohorts.removeNonPlacementDates(tenantId, cohort._id, [event.date], this.now());
    await this.replan(tenantId, cohort._id);
  }

  /** The check-in planner runs hourly; after a calendar change it plans the cohort at once. */
  private async replan(tenantId: string, cohortId: string): Promise<void> {
    if (!this.planner) return;
    const cohort = await this.s.cohorts.byId(tenantId, cohortId);
    if (cohort) await this.planner.planOne(cohort, this.now());
  }

  // -------------------------------------------------------------------------------------
  // Invitations, RSVPs, reminders
  // -------------------------------------------------------------------------------------

  private studentsOf(tenantId: string, cohortId: string) {
    return this.s.people
      .scope(tenantId)
      .find({ cohortId, roles: 'student' }, { projection: { _id: 1, displayName: 1 } })
      .toArray() as Promise<Pick<PersonDoc, '_id' | 'displayName'>[]>;
  }

  private when(event: EventDoc): string {
    const zone = event.timeZone === 'Europe/London' ? '' : ` (${event.timeZone})`;
    return `${formatDate(event.date)}, ${event.startTime}–${event.endTime}${zone}`;
  }

  private inviteData(event: EventDoc, invitation: InvitationDoc | null, banner: string, now: Date) {
    const finished = event.endsAt.getTime() <= now.getTime();
    const open = event.state === 'scheduled' && !finished && invitation !== null;
    const rsvp = invitation?.rsvp ?? null;
    return {
      banner,
      kindLabel: subtitle(event),
      title: event.title,
      when: this.when(event),
      where: event.location ?? '',
      onlineLink: event.onlineLink ?? '',
      description: event.description,
      nonPlacementNote: event.nonPlacement ? 'This is a non-placement day: no check-in is due that day.' : '',
      answer:
        event.state === 'cancelled'
          ? ''
          : rsvp
            ? `Your answer: **${RSVP_LABEL[rsvp]}**${open ? '. You can change it below.' : ''}`
            : open
              ? 'Will you come?'
              : '',
      open,
      eventId: event._id,
      goingTitle: rsvp === 'yes' ? '✓ Going' : 'Going',
      maybeTitle: rsvp === 'maybe' ? '✓ Maybe' : 'Maybe',
      notGoingTitle: rsvp === 'no' ? '✓ Not going' : 'Not going',
    };
  }

  private async notifyInvited(
    tenantId: string,
    event: EventDoc,
    kind: 'invite' | 'changed' | 'cancelled' | 'reminder',
  ): Promise<number> {
    const now = this.now();
    let invitations = await this.repo.invitationsOf(tenantId, event._id);
    if (kind === 'reminder') invitations = invitations.filter((i) => i.rsvp !== 'no');
    const banner = {
      invite: 'You are invited',
      changed: 'This event has changed: please check the new details',
      cancelled: 'Cancelled: this event will not take place',
      reminder: 'Reminder: this event is tomorrow',
    }[kind];
    const summary = {
      invite: `You are invited: ${event.title}`,
      changed: `Changed: ${event.title}`,
      cancelled: `Cancelled: ${event.title}`,
      reminder: `Tomorrow: ${event.title}`,
    }[kind];
    const key = (i: InvitationDoc) =>
      ({
        invite: `event:${event._id}:invite:${i.personId}`,
        changed: `event:${event._id}:rev${event.revision}:${i.personId}`,
        cancelled: `event:${event._id}:cancelled:${i.personId}`,
        reminder: `event:${event._id}:remind:${event.startsAt.toISOString()}:${i.personId}`,
      })[kind];
    const requests: EnqueueRequest[] = invitations.map((i) => ({
      dedupeKey: key(i),
      purpose: `event.${kind}`,
      target: { kind: 'person', personId: i.personId },
      activity: this.s.cards.activity('event-invite', this.inviteData(event, i, banner, now), summary),
    }));
    await this.s.outbox.enqueue(tenantId, requests, now);
    return requests.length;
  }

  private async scheduleJobs(tenantId: string, event: EventDoc): Promise<void> {
    const now = this.now();
    const remindAt = offsetInstant(event.startsAt, { days: -1 }, event.timeZone);
    if (remindAt.getTime() > now.getTime())
      await this.s.scheduler.schedule({
        key: remindKey(event),
        type: JOB_REMIND,
        runAt: remindAt,
        tenantId,
        payload: { eventId: event._id, startsAt: event.startsAt.toISOString() },
      });
    await this.s.scheduler.schedule({
      key: afterKey(event),
      type: JOB_AFTER,
      runAt: new Date(event.endsAt.getTime() + AFTER_END_MS),
      tenantId,
      payload: { eventId: event._id, endsAt: event.endsAt.toISOString() },
    });
  }

  /** Job: the day-before reminder to everyone invited who has not said no (once each). */
  async runRemind(job: JobDoc): Promise<void> {
    const tenantId = job.tenantId!;
    const event = await this.repo.eventById(tenantId, String(job.payload.eventId));
    if (!event || event.state !== 'scheduled' || event.startsAt.toISOString() !== job.payload.startsAt)
      return;
    await this.notifyInvited(tenantId, event, 'reminder');
  }

  /** Job: after the event, reflection prompts to those recorded as attending. */
  async runAfter(job: JobDoc): Promise<void> {
    const tenantId = job.tenantId!;
    const event = await this.repo.eventById(tenantId, String(job.payload.eventId));
    if (!event || event.state !== 'scheduled' || event.endsAt.toISOString() !== job.payload.endsAt) return;
    await this.promptAttendees(tenantId, event);
  }

  /** One reflection prompt per attendee (dedupe key per event and person), none to the rest. */
  private async promptAttendees(tenantId: string, event: EventDoc): Promise<number> {
    if (!this.reflections) return 0;
    const attended = (await this.repo.invitationsOf(tenantId, event._id)).filter((i) => i.attended === true);
    let sent = 0;
    for (const i of attended)
      if (
        await this.reflections.promptReflection(tenantId, i.personId, {
          topic: kindOf(event.kind).topic,
          linkId: event._id,
          dedupeKey: `event:reflect:${event._id}:${i.personId}`,
          message: `Take five minutes to reflect on "${event.title}" (${formatDate(event.date)}) while it is fresh: what did you learn, and what will you do with it?`,
        })
      )
        sent++;
    return sent;
  }

  async rsvp(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const parsed = parseRsvp(data);
    if (!parsed.ok) return 'Choose going, maybe or not going.';
    const event = await this.repo.eventById(tenantId, parsed.value.eventId);
    if (!event) return NOT_FOUND;
    const invitation = await this.repo.invitation(tenantId, event._id, person._id);
    if (
      !can(person, 'event.rsvp', {
        cohortId: event.cohortId,
        audienceIds: invitation ? [invitation.personId] : [],
      })
    )
      return NOT_INVITED;
    const now = this.now();
    if (event.state !== 'scheduled')
      return this.s.cards.render(
        'event-invite',
        this.inviteData(event, invitation, 'Cancelled: this event will not take place', now),
      );
    if (event.endsAt.getTime() <= now.getTime())
      return this.s.cards.render(
        'event-invite',
        this.inviteData(event, invitation, 'This event has finished', now),
      );
    await this.repo.setRsvp(tenantId, event._id, person._id, parsed.value.rsvp, now);
    const banner =
      parsed.value.rsvp === 'yes'
        ? 'Thanks, see you there'
        : parsed.value.rsvp === 'maybe'
          ? 'Thanks: we will remind you the day before'
          : 'Thanks for letting us know';
    return this.s.cards.render(
      'event-invite',
      this.inviteData(event, { ...invitation!, rsvp: parsed.value.rsvp, rsvpAt: now }, banner, now),
    );
  }

  /** The invite card again (from the student's `events` list). */
  async openInvite(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const ref = parseRef(data);
    if (!ref.ok) return NOT_FOUND;
    const event = await this.repo.eventById(tenantId, ref.value.eventId);
    if (!event) return NOT_FOUND;
    const invitation = await this.repo.invitation(tenantId, event._id, person._id);
    if (
      !invitation ||
      !can(person, 'event.rsvp', { cohortId: event.cohortId, audienceIds: [invitation.personId] })
    )
      return NOT_INVITED;
    const banner =
      event.state === 'cancelled' ? 'Cancelled: this event will not take place' : kindOf(event.kind).label;
    return this.s.cards.render('event-invite', this.inviteData(event, invitation, banner, this.now()));
  }

  // -------------------------------------------------------------------------------------
  // The lead's views: list, RSVPs, attendance
  // -------------------------------------------------------------------------------------

  async listCard(tenantId: string, person: PersonDoc): Promise<CardResult> {
    const now = this.now();
    const cohorts = (await this.s.cohorts.all(tenantId)).filter((c) =>
      this.may(person, 'event.rsvps.view', c._id),
    );
    const recent = (e: EventDoc) => e.endsAt.getTime() > now.getTime() - RECENT_MS;
    if (cohorts.length > 0) {
      const events = (
        await this.repo.eventsOfCohorts(
          tenantId,
          cohorts.map((c) => c._id),
        )
      ).filter(recent);
      const counts = await Promise.all(events.map((e) => this.repo.invitationsOf(tenantId, e._id)));
      return this.s.cards.render('event-list', {
        heading: 'Placement events',
        intro: events.length ? 'Upcoming events and those of the last two weeks.' : 'No events yet.',
        canCreate: cohorts.some((c) => this.may(person, 'event.manage', c._id)),
        items: events.map((e, i) => ({
          title: `${e.state === 'cancelled' ? 'Cancelled: ' : ''}${e.title}`,
          when: `${this.when(e)} · ${cohorts.find((c) => c._id === e.cohortId)?.name ?? ''}`,
          summary: rsvpSummary(counts[i]!),
          eventId: e._id,
          openVerb: 'event.status',
          openTitle: 'RSVPs and attendance',
        })),
      });
    }
    if (!can(person, 'event.invitations.view.self', { studentId: person._id }))
      return 'Placement events are for students and placement leads. Type **help** to see what I can do for you.';
    const invitations = await this.repo.invitationsOfPerson(tenantId, person._id);
    const events = (
      await this.repo.eventsByIds(
        tenantId,
        invitations.map((i) => i.eventId),
      )
    ).filter(recent);
    return this.s.cards.render('event-list', {
      heading: 'Your placement events',
      intro: events.length ? 'Events you are invited to.' : 'You have no events coming up.',
      canCreate: false,
      items: events.map((e) => {
        const rsvp = invitations.find((i) => i.eventId === e._id)?.rsvp ?? null;
        return {
          title: `${e.state === 'cancelled' ? 'Cancelled: ' : ''}${e.title}`,
          when: this.when(e),
          summary: rsvp ? `Your answer: ${RSVP_LABEL[rsvp]}` : 'You have not answered yet',
          eventId: e._id,
          openVerb: 'event.open',
          openTitle: 'Open',
        };
      }),
    });
  }

  async status(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const ref = parseRef(data);
    if (!ref.ok) return NOT_FOUND;
    const event = await this.repo.eventById(tenantId, ref.value.eventId);
    if (!event) return NOT_FOUND;
    if (!this.may(person, 'event.rsvps.view', event.cohortId)) return NOT_ALLOWED;
    return this.statusCard(tenantId, event, '');
  }

  async statusCard(tenantId: string, event: EventDoc, message: string): Promise<AdaptiveCard> {
    const now = this.now();
    const invitations = await this.repo.invitationsOf(tenantId, event._id);
    const people = await this.s.people.byIds(
      tenantId,
      invitations.map((i) => i.personId),
    );
    const nameOf = (id: string) => people.find((p) => p._id === id)?.displayName ?? 'Someone';
    const group = (pred: (i: InvitationDoc) => boolean) =>
      invitations
        .filter(pred)
        .map((i) => nameOf(i.personId))
        .sort((a, b) => a.localeCompare(b));
    const groups = [
      { label: 'Going', names: group((i) => i.rsvp === 'yes') },
      { label: 'Maybe', names: group((i) => i.rsvp === 'maybe') },
      { label: 'Not going', names: group((i) => i.rsvp === 'no') },
      { label: 'No answer yet', names: group((i) => i.rsvp === null) },
    ];
    const recorded = invitations.some((i) => i.attended !== null);
    const attended = group((i) => i.attended === true);
    const started = event.startsAt.getTime() <= now.getTime();
    return this.s.cards.render('event-status', {
      message,
      kindLabel: subtitle(event),
      title: event.title,
      state: event.state === 'cancelled' ? 'Cancelled' : '',
      when: this.when(event),
      where: [event.location, event.onlineLink ? 'online' : null].filter(Boolean).join(' and '),
      nonPlacementNote: event.nonPlacement ? 'Non-placement day: no check-in that day.' : '',
      invited: `${invitations.length} invited`,
      counts: groups.map((g) => ({ title: g.label, value: String(g.names.length) })),
      groups: groups
        .filter((g) => g.names.length > 0)
        .map((g) => ({ text: `**${g.label}:** ${g.names.join(', ')}` })),
      attendance: recorded
        ? `**Attended (${attended.length} of ${invitations.length}):** ${attended.join(', ') || 'nobody'}`
        : started
          ? 'Attendance not recorded yet.'
          : '',
      active: event.state === 'scheduled',
      canRecord: event.state === 'scheduled' && started,
      eventId: event._id,
    });
  }

  async attendanceCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const ref = parseRef(data);
    if (!ref.ok) return NOT_FOUND;
    const event = await this.repo.eventById(tenantId, ref.value.eventId);
    if (!event) return NOT_FOUND;
    if (!this.may(person, 'event.attendance.record', event.cohortId)) return NOT_ALLOWED;
    return this.renderAttendance(tenantId, event, '');
  }

  private async renderAttendance(tenantId: string, event: EventDoc, error: string): Promise<CardResult> {
    if (event.state !== 'scheduled') return this.statusCard(tenantId, event, 'This event was cancelled.');
    if (event.startsAt.getTime() > this.now().getTime())
      return this.statusCard(tenantId, event, 'You can record attendance once the event has started.');
    const invitations = await this.repo.invitationsOf(tenantId, event._id);
    const people = await this.s.people.byIds(
      tenantId,
      invitations.map((i) => i.personId),
    );
    const rows = invitations
      .map((i) => ({
        name: people.find((p) => p._id === i.personId)?.displayName ?? 'Someone',
        invitation: i,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const recorded = invitations.some((i) => i.attended !== null);
    return this.s.cards.render('event-attendance', {
      title: `Who came to ${event.title}?`,
      when: this.when(event),
      error,
      hint: recorded
        ? 'Attendance was recorded; change it below if needed.'
        : 'Tick everyone who attended. Those who said they were going are ticked to start with.',
      choices: rows.map((r) => ({
        title: `${r.name}${r.invitation.rsvp ? ` (said ${RSVP_LABEL[r.invitation.rsvp].toLowerCase()})` : ''}`,
        value: r.invitation.personId,
      })),
      selected: rows
        .filter((r) => (recorded ? r.invitation.attended === true : r.invitation.rsvp === 'yes'))
        .map((r) => r.invitation.personId)
        .join(','),
      eventId: event._id,
    });
  }

  async saveAttendance(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const parsed = parseAttendance(data);
    if (!parsed.ok) return NOT_FOUND;
    const event = await this.repo.eventById(tenantId, parsed.value.eventId);
    if (!event) return NOT_FOUND;
    if (!this.may(person, 'event.attendance.record', event.cohortId)) return NOT_ALLOWED;
    if (event.state !== 'scheduled' || event.startsAt.getTime() > this.now().getTime())
      return this.renderAttendance(tenantId, event, '');
    const invited = new Set((await this.repo.invitationsOf(tenantId, event._id)).map((i) => i.personId));
    const ids = [...new Set(parsed.value.attended)];
    if (ids.some((id) => !invited.has(id)))
      return this.renderAttendance(tenantId, event, 'Tick only people on the list.');
    const now = this.now();
    await this.repo.setAttendance(tenantId, event._id, ids, now);
    // Recorded after the event: the attendees are prompted now (the after-event job did nobody).
    const prompted =
      event.endsAt.getTime() + AFTER_END_MS <= now.getTime()
        ? await this.promptAttendees(tenantId, event)
        : 0;
    await this.s.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'event.attendance',
        targetId: event._id,
        details: { attended: ids.length, invited: invited.size, prompted },
      },
      now,
    );
    return this.statusCard(tenantId, event, `Attendance saved: ${ids.length} of ${invited.size} attended.`);
  }

  /** For the learning-journey export: the events the student attended, oldest first. */
  async attendedBy(
    tenantId: string,
    personId: string,
  ): Promise<{ date: string; title: string; kind: string }[]> {
    const attended = (await this.repo.invitationsOfPerson(tenantId, personId)).filter(
      (i) => i.attended === true,
    );
    if (attended.length === 0) return [];
    const events = await this.repo.eventsByIds(
      tenantId,
      attended.map((i) => i.eventId),
    );
    return events
      .filter((e) => e.state === 'scheduled')
      .map((e) => ({ date: formatDate(e.date), title: e.title, kind: kindOf(e.kind).label }));
  }
}

/** The kind under the title, unless the title already says it. */
function subtitle(event: EventDoc): string {
  const label = kindOf(event.kind).label;
  return event.title.trim().toLowerCase() === label.toLowerCase() ? '' : label;
}

function rsvpSummary(invitations: InvitationDoc[]): string {
  const n = (rsvp: Rsvp | null) => invitations.filter((i) => i.rsvp === rsvp).length;
  const attended = invitations.filter((i) => i.attended === true).length;
  const recorded = invitations.some((i) => i.attended !== null);
  return `${invitations.length} invited · ${n('yes')} going · ${n('maybe')} maybe · ${n('no')} not going${recorded ? ` · ${attended} attended` : ''}`;
}
