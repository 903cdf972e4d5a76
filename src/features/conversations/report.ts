/** `conversations report`: per cohort the lead may see, what was held, which professions, who has not booked. */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { currentCohortFirst } from '../../domain/current-cohort.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConversationDeps } from './conversation-deps.js';
import type { BookingDoc } from './conversations-repository.js';

/** "Physiotherapy (3), Dietetics (1)": most first, then by name. */
function counted(list: string[]): string {
  const m = new Map<string, number>();
  for (const k of list) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} (${n})`)
    .join(', ');
}

export async function report(
  deps: ConversationDeps,
  tenantId: string,
  person: PersonDoc,
): Promise<AdaptiveCard | string> {
  const all = await deps.cohorts.all(tenantId);
  // The lead's current cohort first (running, else next, else latest ended).
  const cohorts = currentCohortFirst(
    all.filter((c) => can(person, 'conversation.cohort.report', { cohortId: c._id })),
    deps.clock.now(),
  );
  if (cohorts.length === 0) {
    if (!person.roles.some((r) => r === 'lead' || r === 'admin'))
      return 'The conversations report is for placement leads.';
    return all.length === 0
      ? 'There are no cohorts yet.'
      : 'You are not attached to a cohort yet, so there is no report to show. Ask an administrator to add you to the cohort you lead.';
  }
  const now = deps.clock.now();
  const rows = [];
  for (const cohort of cohorts) {
    const [bookings, students] = await Promise.all([
      deps.conversations.byCohort(tenantId, cohort._id),
      deps.people.inCohort(tenantId, cohort._id, 'student'),
    ]);
    const held = bookings.filter((b) => b.state === 'held');
    const inState = (state: BookingDoc['state']) => bookings.filter((b) => b.state === state);
    const booked = new Set(
      bookings
        .filter((b) => b.state === 'booked' || b.state === 'held' || b.state === 'no-show')
        .map((b) => b.studentId),
    );
    const notBooked = students.filter((s) => !booked.has(s._id));
    rows.push({
      name: cohort.name,
      facts: [
        { title: 'Held', value: String(held.length) },
        { title: 'Coming up', value: String(inState('booked').filter((b) => b.startsAt > now).length) },
        {
          title: 'Awaiting outcome',
          value: String(inState('booked').filter((b) => b.startsAt <= now).length),
        },
        { title: 'No-shows', value: String(inState('no-show').length) },
        { title: 'Cancelled', value: String(inState('cancelled').length) },
      ],
      professions: held.length ? counted(held.map((b) => b.profession)) : 'none yet',
      roleTypes: held.length ? counted(held.map((b) => b.roleType)) : 'none yet',
      notBooked: notBooked.length
        ? notBooked.map((s) => s.displayName).join(', ')
        : 'Everyone has booked at least one.',
      notBookedTitle: `Students who have not booked any (${notBooked.length} of ${students.length})`,
    });
  }
  await deps.audit.record(tenantId, { actorId: person._id, action: 'conversation.report' }, now);
  return deps.cards.render('conversation-report', { cohorts: rows });
}
