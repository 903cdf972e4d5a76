/**
 * Telling people about the final presentation: when it is booked, moved or cancelled, each
 * student and supervisor on the project and each invited rater gets one message with an
 * "Add to calendar" link; the calendar entry is the same one throughout, so a move updates it
 * and a cancellation removes it. A rater taken off the invitation is told once that they are
 * no longer invited. A repeated save with nothing changed sends nothing new.
 */
import { formatDate } from '../../domain/placement-calendar.js';
import type { ProjectContext } from './project-context.js';
import type { PresentationSlot, ProjectDoc } from './projects-repository.js';

export type PresentationNotice = 'booked' | 'moved' | 'cancelled';

export const presentationCalendarKey = (projectId: string) => `presentation|${projectId}`;

const whenOf = (slot: PresentationSlot) => `${formatDate(slot.date)}, ${slot.time} (${slot.minutes} minutes)`;

/**
 * Publishes (or cancels) the calendar entry and queues one message per person; the number queued.
 * `before` is who had been told about the slot before this change (they hear "moved", others "booked").
 */
export async function tellPresentation(
  ctx: ProjectContext,
  tenantId: string,
  project: ProjectDoc,
  slot: PresentationSlot,
  kind: PresentationNotice,
  options: {
    before?: readonly string[];
    previous?: PresentationSlot | null;
    /** Raters taken off the invitation by this change: each is told once. */
    removed?: readonly string[];
  } = {},
): Promise<number> {
  const calendar = ctx.s.calendar();
  const key = presentationCalendarKey(project._id);
  const entry =
    kind === 'cancelled'
      ? await calendar?.cancel(tenantId, key)
      : await calendar?.publish(tenantId, key, {
          cohortId: project.cohortId,
          startsAt: slot.startsAt,
          endsAt: new Date(slot.startsAt.getTime() + slot.minutes * 60_000),
          summary: `Final presentation: ${project.title}`,
          description: `The project team presents their quality-improvement project (${project.clinicalTeam}).`,
          location: slot.place ?? '',
          url: slot.teamsLink,
        });
  const members = await ctx.repo.membersOf(tenantId, project._id);
  const raters = (await ctx.repo.attendeesOf(tenantId, project._id)).map((a) => a.personId);
  const team = members.map((m) => m.personId);
  const everyone = [...new Set([...team, ...raters])];
  const before = new Set(options.before ?? []);
  const sequence = entry?.sequence ?? 0;
  const moved = options.previous ? whenOf(options.previous) : '';
  const now = ctx.now();
  const requests = everyone.map((personId) => {
    const step = kind === 'cancelled' ? 'cancelled' : before.has(personId) ? 'moved' : 'booked';
    const rater = raters.includes(personId) && !team.includes(personId);
    const banner = {
      booked: 'Final presentation booked',
      moved: 'The final presentation has changed: please check the new details',
      cancelled: 'Cancelled: the final presentation will not take place at this time',
    }[step];
    const note =
      step === 'cancelled'
        ? 'The project team will let you know when it is booked again.'
        : rater
          ? 'You are invited to give feedback: when it ends you get a short card to rate it (1 to 5) and comment.'
          : 'The people invited to give feedback get a card to rate it when it ends; your team sees what they say.';
    return {
      // Keyed by the entry's sequence: a repeated save with nothing changed sends nothing new.
      dedupeKey: `presentation:${project._id}:${step === 'cancelled' ? 'cancelled:' : ''}seq${sequence}:${personId}`,
      purpose: `project.presentation.${step}`,
      target: { kind: 'person' as const, personId },
      activity: ctx.s.cards.activity(
        'presentation-invite',
        {
          banner,
          title: project.title,
          clinicalTeam: project.clinicalTeam,
          when: whenOf(slot),
          wasWhen: step === 'moved' && moved !== whenOf(slot) ? moved : '',
          where: [slot.place, slot.teamsLink ? 'online (Teams)' : ''].filter(Boolean).join(' and '),
          note,
          teamsLink: step === 'cancelled' ? '' : slot.teamsLink,
          calendarUrl: entry?.url ?? '',
          calendarTitle: step === 'cancelled' ? 'Remove from your calendar' : 'Add to calendar',
        },
        `${banner}: ${project.title}`,
      ),
    };
  });
  const removed = kind === 'cancelled' ? [] : (options.removed ?? []).filter((id) => !everyone.includes(id));
  for (const personId of removed)
    requests.push({
      // Once per removal: a repeated save finds them no longer invited and sends nothing.
      dedupeKey: `presentation:${project._id}:removed:seq${sequence}:${personId}`,
      purpose: 'project.presentation.removed',
      target: { kind: 'person' as const, personId },
      activity: ctx.s.cards.activity(
        'presentation-invite',
        {
          banner: 'You are no longer invited to give feedback on this presentation',
          title: project.title,
          clinicalTeam: project.clinicalTeam,
          when: whenOf(slot),
          wasWhen: '',
          where: [slot.place, slot.teamsLink ? 'online (Teams)' : ''].filter(Boolean).join(' and '),
          note: 'The project team changed who gives feedback, so no feedback card will come to you. You can take it out of your calendar.',
          teamsLink: '',
          calendarUrl: '',
          calendarTitle: '',
        },
        `No longer invited: ${project.title}`,
      ),
    });
  await ctx.s.outbox.enqueue(tenantId, requests, now);
  return requests.length;
}
