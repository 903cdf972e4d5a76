/**
 * Supervisors are told when an event takes their students away on a placement day: one
 * message per supervisor naming their invited students, once per event and date (so again
 * when the event moves to another placement day, and not for a change that keeps the day).
 */
import { dayKind, formatDate } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { EventContext } from './event-context.js';
import type { EventDoc } from './events-repository.js';

const names = (list: string[]) =>
  list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;

/**
 * `cohort` as it was before this event marked its day off (a non-placement event day was a
 * placement day for the students until the event made it one off). The number of supervisors told.
 */
export async function tellSupervisorsOfAwayDay(
  ctx: EventContext,
  tenantId: string,
  event: EventDoc,
  cohort: CohortDoc,
  moved: boolean,
): Promise<number> {
  const before = {
    ...cohort,
    nonPlacementDates: event.addedNonPlacementDate
      ? cohort.nonPlacementDates.filter((d) => d !== event.date)
      : cohort.nonPlacementDates,
  };
  const kind = dayKind(before, event.date);
  if (kind !== 'clinical' && kind !== 'leadership') return 0;
  const invited = (await ctx.repo.invitationsOf(tenantId, event._id)).map((i) => i.personId);
  const links = await ctx.s.supervisions.linksOfStudents(tenantId, invited);
  const bySupervisor = new Map<string, string[]>();
  for (const l of links)
    bySupervisor.set(l.supervisorId, [...(bySupervisor.get(l.supervisorId) ?? []), l.studentId]);
  if (bySupervisor.size === 0) return 0;
  const people = await ctx.s.people.byIds(tenantId, [...new Set(links.map((l) => l.studentId))]);
  const nameOf = (id: string) => people.find((p) => p._id === id)?.displayName ?? 'A student';
  const when = `${formatDate(event.date)}, ${event.startTime}–${event.endTime}`;
  const day = kind === 'clinical' ? 'a clinical placement day' : 'a leadership placement day';
  const requests = [...bySupervisor].map(([supervisorId, studentIds]) => {
    const who = names(studentIds.map(nameOf).sort((a, b) => a.localeCompare(b)));
    const text = moved
      ? `${event.title} has moved to ${when}, ${day}. ${who} ${studentIds.length === 1 ? 'is' : 'are'} invited, so may be away from placement then.`
      : `${who} ${studentIds.length === 1 ? 'is' : 'are'} invited to ${event.title} on ${when}, ${day}, so may be away from placement then.`;
    return {
      dedupeKey: `event:${event._id}:away:${event.date}:${supervisorId}`,
      purpose: 'event.supervisor-away',
      target: { kind: 'person' as const, personId: supervisorId },
      activity: { type: 'message', text, summary: `${event.title}: your students may be away` },
    };
  });
  await ctx.s.outbox.enqueue(tenantId, requests, ctx.now());
  return requests.length;
}
