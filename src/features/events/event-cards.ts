/**
 * The events feature's card layer: view data in, card templates (cards/event-*.json) out.
 * The use cases read and decide; only this module knows the templates' fields.
 */
import type { AdaptiveCard, Cards } from '../../cards/cards.js';
import { currentCohort, currentCohortFirst } from '../../domain/current-cohort.js';
import { formatDate } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY } from '../../domain/validation.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { EVENT_FIELDS } from './event-input.js';
import { EVENT_KINDS, type EventDoc, type InvitationDoc, type Rsvp } from './events-repository.js';

export const kindOf = (id: string) =>
  EVENT_KINDS.find((k) => k.id === id) ?? EVENT_KINDS[EVENT_KINDS.length - 1]!;
export const RSVP_LABEL: Record<Rsvp, string> = { yes: 'Going', maybe: 'Maybe', no: 'Not going' };

/** The day and times, with the zone unless it is UK time. */
export function whenText(event: EventDoc): string {
  const zone = event.timeZone === 'Europe/London' ? '' : ` (${event.timeZone})`;
  return `${formatDate(event.date)}, ${event.startTime}–${event.endTime}${zone}`;
}

/** The kind under the title, unless the title already says it. */
function subtitle(event: EventDoc): string {
  const label = kindOf(event.kind).label;
  return event.title.trim().toLowerCase() === label.toLowerCase() ? '' : label;
}

function errorFields(errors: Record<string, string>) {
  const out: Record<string, string> = {};
  for (const f of EVENT_FIELDS) out[`${f}Error`] = errors[f] ?? '';
  return out;
}

/** The new-event form, or the change form for `event`, with what was typed and its errors. */
export function composeCard(
  cards: Cards,
  view: {
    cohorts: CohortDoc[];
    event: EventDoc | null;
    values: Record<string, string>;
    errors: Record<string, string>;
    requestId: string;
    now: Date;
    zoneOf: (cohort: CohortDoc) => string;
  },
): AdaptiveCard {
  const { cohorts, event, values, errors, now } = view;
  const selected =
    cohorts.find((c) => c._id === (values.cohortId || event?.cohortId)) ??
    currentCohort(cohorts, now) ??
    cohorts[0]!;
  const zone = view.zoneOf(selected);
  const v = (key: (typeof EVENT_FIELDS)[number], fallback: string) => values[key] ?? fallback;
  return cards.render('event-compose', {
    heading: event ? 'Change event' : 'New placement event',
    mode: event ? 'edit' : 'new',
    formError:
      errors[FORM_ERROR_KEY] ?? (Object.keys(errors).length ? 'Please correct the fields marked below.' : ''),
    showCohortChoice: !event && cohorts.length > 1,
    cohortChoices: currentCohortFirst(cohorts, now).map((c) => ({ title: c.name, value: c._id })),
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
    requestId: view.requestId,
    eventId: event?._id ?? '',
    revision: String(event?.revision ?? 0),
    fixedCohortId: event?.cohortId ?? (cohorts.length === 1 ? selected._id : ''),
    ...errorFields(errors),
  });
}

/** The invite card's data (sent through the outbox, or shown again after an RSVP). */
export function inviteData(
  event: EventDoc,
  invitation: InvitationDoc | null,
  banner: string,
  now: Date,
  calendarUrl = '',
) {
  const finished = event.endsAt.getTime() <= now.getTime();
  const open = event.state === 'scheduled' && !finished && invitation !== null;
  const rsvp = invitation?.rsvp ?? null;
  return {
    banner,
    kindLabel: subtitle(event),
    title: event.title,
    when: whenText(event),
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
    calendarUrl,
    calendarTitle: event.state === 'cancelled' ? 'Remove from your calendar' : 'Add to calendar',
  };
}

export function inviteCard(
  cards: Cards,
  event: EventDoc,
  invitation: InvitationDoc | null,
  banner: string,
  now: Date,
  calendarUrl = '',
): AdaptiveCard {
  return cards.render('event-invite', inviteData(event, invitation, banner, now, calendarUrl));
}

/** The lead's view of one event: RSVPs by answer, attendance, and what can be done next. */
export function statusCard(
  cards: Cards,
  view: { event: EventDoc; invitations: InvitationDoc[]; people: PersonDoc[]; message: string; now: Date },
): AdaptiveCard {
  const { event, invitations, people } = view;
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
  const started = event.startsAt.getTime() <= view.now.getTime();
  return cards.render('event-status', {
    message: view.message,
    kindLabel: subtitle(event),
    title: event.title,
    state: event.state === 'cancelled' ? 'Cancelled' : '',
    when: whenText(event),
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

export function rsvpSummary(invitations: InvitationDoc[]): string {
  const n = (rsvp: Rsvp | null) => invitations.filter((i) => i.rsvp === rsvp).length;
  const attended = invitations.filter((i) => i.attended === true).length;
  const recorded = invitations.some((i) => i.attended !== null);
  return `${invitations.length} invited · ${n('yes')} going · ${n('maybe')} maybe · ${n('no')} not going${recorded ? ` · ${attended} attended` : ''}`;
}

export interface EventListItem {
  title: string;
  when: string;
  summary: string;
  eventId: string;
  openVerb: string;
  openTitle: string;
}

export function eventListCard(
  cards: Cards,
  view: { heading: string; intro: string; canCreate: boolean; items: EventListItem[] },
): AdaptiveCard {
  return cards.render('event-list', view);
}

/** The title as listed: cancelled events say so. */
export const listTitle = (e: EventDoc) => `${e.state === 'cancelled' ? 'Cancelled: ' : ''}${e.title}`;

/** Who came: everyone invited, by name; ticked are those recorded (or, at first, those going). */
export function attendanceCard(
  cards: Cards,
  view: {
    event: EventDoc;
    invitations: InvitationDoc[];
    people: PersonDoc[];
    error: string;
    ticked?: string[];
  },
): AdaptiveCard {
  const { event, invitations, people } = view;
  const rows = invitations
    .map((i) => ({
      name: people.find((p) => p._id === i.personId)?.displayName ?? 'Someone',
      invitation: i,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const recorded = invitations.some((i) => i.attended !== null);
  return cards.render('event-attendance', {
    title: `Who came to ${event.title}?`,
    when: whenText(event),
    error: view.error,
    hint: recorded
      ? 'Attendance was recorded; change it below if needed.'
      : 'Tick everyone who attended. Those who said they were going are ticked to start with.',
    choices: rows.map((r) => ({
      title: `${r.name}${r.invitation.rsvp ? ` (said ${RSVP_LABEL[r.invitation.rsvp].toLowerCase()})` : ''}`,
      value: r.invitation.personId,
    })),
    selected: rows
      .filter((r) =>
        view.ticked
          ? view.ticked.includes(r.invitation.personId)
          : recorded
            ? r.invitation.attended === true
            : r.invitation.rsvp === 'yes',
      )
      .map((r) => r.invitation.personId)
      .join(','),
    eventId: event._id,
  });
}
