/**
 * The final presentation: a slot on a placement day, inside the placement and in working hours;
 * a Teams link; the staff and peers invited to rate it and the criteria they score. Booking (or
 * moving) it schedules the feedback request for when it ends.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import {
  formatDate,
  formatLocalWithYear,
  lastPlacementDate,
  localInstant,
  type CohortCalendar,
} from '../../domain/placement-calendar.js';
import { isWorkingDate, WORKING_HOURS } from '../../domain/working-hours.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { feedbackJobKey, JOB_FEEDBACK } from './feedback-job.js';
import { NOT_FOUND, type CardResult, type ProjectContext } from './project-context.js';
import { formErrorOf, plural } from './project-cards.js';
import {
  DEFAULT_CRITERIA,
  errorsFor,
  PRESENTATION_FIELDS,
  presentationInput,
  safeData,
  typedValues,
} from './project-input.js';
import { showProject } from './project-view.js';
import { tellPresentation } from './presentation-invitations.js';
import { attendeeId, type ProjectDoc } from './projects-repository.js';

type FormOptions = { values?: Record<string, string>; errors?: Record<string, string> };

/**
 * Who can be invited to rate: staff (supervisors, AHP hosts, leads) of the tenant, and peers
 * (the cohort's students who are not on this project).
 */
async function audienceChoices(ctx: ProjectContext, tenantId: string, project: ProjectDoc) {
  const { people } = ctx.s;
  const team = (await ctx.membersOf(tenantId, project._id))?.studentIds ?? [];
  const staff = [
    ...(await people.withRole(tenantId, 'supervisor')),
    ...(await people.withRole(tenantId, 'ahp-host')),
    ...(await people.leadsOf(tenantId, project.cohortId)),
  ];
  const peers = (await people.inCohort(tenantId, project.cohortId, 'student')).filter(
    (p) => !team.includes(p._id),
  );
  const unique = [...new Map([...staff, ...peers].map((p) => [p._id, p])).values()];
  return unique.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export async function presentationCard(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
  options: FormOptions = {},
): Promise<CardResult> {
  const found = await ctx.allowed(tenantId, person, 'project.manage', safeData(data).projectId);
  if (!found) return NOT_FOUND;
  return renderPresentation(ctx, tenantId, found.project, options);
}

async function renderPresentation(
  ctx: ProjectContext,
  tenantId: string,
  project: ProjectDoc,
  options: FormOptions,
): Promise<AdaptiveCard> {
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const choices = await audienceChoices(ctx, tenantId, project);
  const attendees = await ctx.repo.attendeesOf(tenantId, project._id);
  const slot = project.presentation;
  const values = options.values ?? {};
  const errors = options.errors ?? {};
  return ctx.s.cards.render('project-presentation', {
    projectId: project._id,
    title: `Final presentation: ${project.title}`,
    intro: `Time in ${ctx.zone(cohort)}, on a placement day between ${WORKING_HOURS.start} and ${WORKING_HOURS.end}. After it, the staff and peers you invite get a card to score it against the criteria below (1 to 5) and comment, and can change theirs for a week; the team sees their feedback.`,
    date: values.date ?? slot?.date ?? '',
    time: values.time ?? slot?.time ?? '',
    // Input.Number needs a number to show it.
    minutes: Number(values.minutes ?? slot?.minutes ?? 30) || 30,
    teamsLink: values.teamsLink ?? slot?.teamsLink ?? '',
    place: values.place ?? slot?.place ?? '',
    audienceIds: values.audienceIds ?? attendees.map((a) => a.personId).join(','),
    audienceChoices: choices.map((p) => ({
      title: `${p.displayName} (${p.roles.includes('student') ? `student, ${p.profession}` : p.profession})`,
      value: p._id,
    })),
    criteria: values.criteria ?? (slot?.criteria ?? DEFAULT_CRITERIA).join('\n'),
    minDate: cohort?.startDate ?? '',
    maxDate: cohort ? lastPlacementDate(cohort) : '',
    formError: formErrorOf(errors),
    errors: errorsFor(PRESENTATION_FIELDS, errors),
    canCancel: !!slot,
  });
}

export async function savePresentation(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const raw = safeData(data);
  const found = await ctx.allowed(tenantId, person, 'project.manage', raw.projectId);
  if (!found) return NOT_FOUND;
  const { project } = found;
  const values = typedValues(raw, PRESENTATION_FIELDS);
  const parsed = parseCardInput(presentationInput, raw);
  if (!parsed.ok) return renderPresentation(ctx, tenantId, project, { values, errors: parsed.errors });
  const input = parsed.value;
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const zone = ctx.zone(cohort);
  const startsAt = localInstant(input.date, input.time, zone);
  const errors = slotErrors(input, startsAt, zone, cohort, ctx.now());
  const choices = await audienceChoices(ctx, tenantId, project);
  if (input.audienceIds.some((id) => !choices.some((p) => p._id === id)))
    errors.audienceIds = 'Choose people from the list';
  if (input.audienceIds.length === 0) errors.audienceIds = 'Invite at least one person to give feedback';
  if (Object.keys(errors).length) return renderPresentation(ctx, tenantId, project, { values, errors });
  const now = ctx.now();
  // Who had been told about the slot before (they hear that it changed; newcomers that it is booked).
  const invitedBefore = (await ctx.repo.attendeesOf(tenantId, project._id)).map((a) => a.personId);
  const before = project.presentation
    ? [...(await ctx.repo.membersOf(tenantId, project._id)).map((m) => m.personId), ...invitedBefore]
    : [];
  // Raters taken off a booked presentation (they were told it was booked): told once.
  const removed = project.presentation ? invitedBefore.filter((id) => !input.audienceIds.includes(id)) : [];
  for (const personId of input.audienceIds)
    await ctx.repo.insertAttendee(tenantId, {
      _id: attendeeId(tenantId, project._id, personId),
      projectId: project._id,
      personId,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
  await ctx.repo.removeAttendees(tenantId, project._id, input.audienceIds);
  const jobKey = feedbackJobKey(project._id, startsAt, input.minutes);
  const old = project.presentation;
  // A moved or lengthened slot cancels the old job; the same slot saved again keeps it.
  if (old)
    for (const key of [
      feedbackJobKey(project._id, old.startsAt),
      feedbackJobKey(project._id, old.startsAt, old.minutes),
    ])
      if (key !== jobKey) await ctx.s.scheduler.cancel(key);
  await ctx.repo.setPresentation(
    tenantId,
    project._id,
    {
      date: input.date,
      time: input.time,
      startsAt,
      minutes: input.minutes,
      teamsLink: input.teamsLink ?? '',
      place: input.place ?? '',
      feedbackRequestedAt: null,
      criteria: input.criteria,
    },
    now,
  );
  await ctx.s.scheduler.schedule({
    key: jobKey,
    type: JOB_FEEDBACK,
    runAt: new Date(startsAt.getTime() + input.minutes * 60_000),
    tenantId,
    payload: { projectId: project._id, startsAt: startsAt.toISOString() },
  });
  await ctx.s.audit.record(
    tenantId,
    { actorId: person._id, action: 'project.presentation.set', targetId: project._id },
    now,
  );
  const saved = (await ctx.repo.project(tenantId, project._id))!;
  await tellPresentation(
    ctx,
    tenantId,
    saved,
    saved.presentation!,
    project.presentation ? 'moved' : 'booked',
    {
      before,
      previous: project.presentation,
      removed,
    },
  );
  return showProject(ctx, tenantId, person, saved, {
    notice: `Presentation booked for ${formatLocalWithYear(startsAt, zone)}. ${
      input.audienceIds.length === 1
        ? 'The person invited gets a feedback card when it ends.'
        : `The ${plural(input.audienceIds.length, 'person', 'people')} invited get a feedback card when it ends.`
    }`,
  });
}

/**
 * A slot the team can keep: a placement day (not a weekend, bank holiday or day off the
 * placement) inside the placement, starting and ending in working hours, still to come.
 */
export function slotErrors(
  input: { date: string; time: string; minutes: number },
  startsAt: Date,
  zone: string,
  cohort: CohortCalendar | null,
  now: Date,
): Record<string, string> {
  if (cohort) {
    const last = lastPlacementDate(cohort);
    if (input.date < cohort.startDate || input.date > last)
      return {
        date: `Choose a date during the placement: ${formatDate(cohort.startDate)} to ${formatDate(last)}`,
      };
  }
  if (!isWorkingDate(input.date, { calendar: cohort ?? undefined }))
    return {
      date: `${formatDate(input.date)} is not a placement day: choose a weekday the team is on placement (not a bank holiday or a day off the placement)`,
    };
  const endsAt = new Date(startsAt.getTime() + input.minutes * 60_000);
  const opens = localInstant(input.date, WORKING_HOURS.start, zone);
  const closes = localInstant(input.date, WORKING_HOURS.end, zone);
  if (startsAt < opens || endsAt > closes)
    return {
      time: `Choose a time in working hours, ${WORKING_HOURS.start} to ${WORKING_HOURS.end}: ${input.minutes} minutes from ${input.time} does not fit`,
    };
  if (startsAt.getTime() <= now.getTime()) return { date: 'Choose a date and time in the future' };
  return {};
}
