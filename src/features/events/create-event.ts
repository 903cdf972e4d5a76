/**
 * `new event` and its submit: a lead creates an event for a cohort and its students are
 * invited. Races are settled by inserts: the event id comes from the card's request id, and
 * a repeated submit carries on where the first one may have stopped (every step is idempotent).
 */
import { randomUUID } from 'node:crypto';
import { localInstant } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY } from '../../domain/validation.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_ALLOWED, NOT_FOUND, type CardResult, type EventContext } from './event-context.js';
import { composeCard } from './event-cards.js';
import { cohortErrors, parseEvent, rawEventFields, type EventValues } from './event-input.js';
import { eventStatusCard } from './event-status.js';
import { eventId as makeEventId, type EventDoc } from './events-repository.js';
import { notifyInvited } from './invitations.js';
import { markNonPlacement } from './non-placement-days.js';
import { scheduleJobs } from './reminders.js';
import { tellSupervisorsOfAwayDay } from './supervisor-notices.js';

/** The compose card (new when `event` is null, else the change form). */
export function renderCompose(
  ctx: EventContext,
  cohorts: CohortDoc[],
  event: EventDoc | null,
  values: Record<string, string>,
  errors: Record<string, string>,
  requestId: string = randomUUID(),
) {
  return composeCard(ctx.s.cards, {
    cohorts,
    event,
    values,
    errors,
    requestId,
    now: ctx.now(),
    zoneOf: (c) => ctx.zoneOf(c),
  });
}

export async function newEventCard(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
): Promise<CardResult> {
  const cohorts = await ctx.manageableCohorts(tenantId, person);
  if (cohorts.length === 0)
    return person.roles.includes('lead')
      ? 'You do not lead a cohort yet, so there is no one to invite.'
      : NOT_ALLOWED;
  return renderCompose(ctx, cohorts, null, {}, {});
}

/** Validates everything; returns the values and the cohort, or the field errors. */
export async function validateEvent(
  ctx: EventContext,
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
  if (!cohort || !ctx.may(person, 'event.manage', cohort._id))
    return { ok: false, errors: { cohortId: 'Choose one of your cohorts' } };
  const errors = cohortErrors(parsed.value, { ...cohort, timeZone: ctx.zoneOf(cohort) }, ctx.now());
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, value: parsed.value, cohort };
}

/** The card's data, with the fixed cohort (a lead of one cohort sees no choice) as the cohort. */
export function withCohort(data: unknown): Record<string, unknown> {
  const record = { ...((data && typeof data === 'object' ? data : {}) as Record<string, unknown>) };
  if ((record.cohortId === undefined || record.cohortId === '') && typeof record.fixedCohortId === 'string')
    record.cohortId = record.fixedCohortId;
  return record;
}

export async function createEvent(
  ctx: EventContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const cohorts = await ctx.manageableCohorts(tenantId, person);
  if (cohorts.length === 0) return NOT_ALLOWED;
  const record = withCohort(data);
  const requestId = typeof record.requestId === 'string' ? record.requestId.slice(0, 100) : '';
  if (!/^[A-Za-z0-9-]{8,100}$/.test(requestId))
    return renderCompose(ctx, cohorts, null, rawEventFields(record), {
      [FORM_ERROR_KEY]: 'That card is out of date. Please fill it in again.',
    });
  const checked = await validateEvent(ctx, person, record, cohorts);
  if (!checked.ok) {
    await ctx.s.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'event.create',
        outcome: 'refused',
        details: { fields: Object.keys(checked.errors).join(',') },
      },
      ctx.now(),
    );
    return renderCompose(ctx, cohorts, null, rawEventFields(record), checked.errors, requestId);
  }
  const { value, cohort } = checked;
  const now = ctx.now();
  const zone = ctx.zoneOf(cohort);
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
  const inserted = await ctx.repo.insertEvent(tenantId, doc);
  const stored = inserted ? event : await ctx.repo.eventById(tenantId, id);
  if (!stored) return NOT_FOUND;
  if (stored.nonPlacement && inserted) await markNonPlacement(ctx, tenantId, stored, cohort);
  const students = await ctx.s.people.studentsOfCohort(tenantId, cohort._id, ['displayName']);
  await ctx.repo.invite(
    tenantId,
    stored,
    students.map((s) => s._id),
    now,
  );
  await notifyInvited(ctx, tenantId, stored, 'invite');
  await tellSupervisorsOfAwayDay(ctx, tenantId, stored, cohort, false);
  await scheduleJobs(ctx, tenantId, stored);
  if (inserted)
    await ctx.s.audit.record(
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
  return eventStatusCard(
    ctx,
    tenantId,
    stored,
    inserted
      ? `Created. ${students.length} student${students.length === 1 ? '' : 's'} invited.`
      : 'This event was already created.',
  );
}
