/**
 * The escalation card the placement lead gets (cards/supervision-escalation.json): what is
 * going on, and what the lead can do about it from the card: message the student, contact
 * the supervisor (Teams chats), pause the student's check-ins, mark it handled. The handled
 * state shows on every copy (the card refreshes) and in the supervisor's views. Pure.
 */
import type { Episode } from '../../domain/escalation.js';
import { formatDate, formatLocal, weekDates } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';

const firstName = (name: string) => name.split(' ')[0] ?? name;

function nameList(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function episodeLine(e: Pick<Episode, 'kind' | 'weeks'>): string {
  const weeks = `week${e.weeks.length === 1 ? '' : 's'} ${nameList(e.weeks.map(String))}`;
  return e.kind === 'missed'
    ? `has missed ${e.weeks.length} check-ins in a row (${weeks})`
    : `reported wellbeing of 2 or less out of 5 ${e.weeks.length} weeks running (${weeks})`;
}

/** A Teams 1:1 chat with these people (their sign-in emails), opened from a card. */
export function teamsChatUrl(emails: string[], message = ''): string {
  const users = emails.map(encodeURIComponent).join(',');
  return `https://teams.microsoft.com/l/chat/0/0?users=${users}${message ? `&message=${encodeURIComponent(message)}` : ''}`;
}

/** "Handled by Wendy Marsh, Tue 18 Feb, 10:00". */
export function handledText(handlerName: string, at: Date, zone: string): string {
  return `Handled by ${handlerName}, ${formatLocal(at, zone)}`;
}

export function escalationCardData(p: {
  escalationId: string;
  episode: Pick<Episode, 'kind' | 'weeks' | 'startWeek'>;
  student: Pick<PersonDoc, '_id' | 'displayName' | 'email'>;
  cohort: Pick<CohortDoc, 'name' | 'weeks'> & Parameters<typeof weekDates>[0];
  supervisors: Pick<PersonDoc, 'displayName' | 'email'>[];
  handledBy: string | null;
  handledAt: Date | null;
  zone: string;
  notice?: string;
}) {
  const { episode, student, cohort, supervisors } = p;
  const lastWeek = episode.weeks[episode.weeks.length - 1]!;
  const first = firstName(student.displayName);
  const handled = p.handledBy !== null && p.handledAt !== null;
  return {
    escalationId: p.escalationId,
    title:
      episode.kind === 'missed'
        ? `${student.displayName} has missed ${episode.weeks.length} check-ins in a row`
        : `${student.displayName} has reported low wellbeing ${episode.weeks.length} weeks running`,
    message: `${first} ${episodeLine(episode)}. Their supervisor has been told you were sent this card, and their summary marks it too. You will not get another card for this unless it stops and starts again.`,
    facts: [
      { title: 'Cohort', value: `${cohort.name}, week ${lastWeek} of ${cohort.weeks}` },
      {
        title: 'Supervisor',
        value: supervisors.length ? nameList(supervisors.map((s) => s.displayName)) : 'none linked',
      },
      {
        title: 'Since',
        value: `week ${episode.startWeek} (${formatDate(weekDates(cohort, episode.startWeek)[0]!)})`,
      },
    ],
    studentId: student._id,
    week: lastWeek,
    canView: episode.kind === 'wellbeing',
    firstName: first,
    messageStudentUrl: teamsChatUrl([student.email]),
    contactSupervisorUrl: supervisors.length ? teamsChatUrl(supervisors.map((s) => s.email)) : '',
    hasSupervisor: supervisors.length > 0,
    handled,
    handledText: handled ? handledText(p.handledBy!, p.handledAt!, p.zone) : 'Not handled yet',
    notice: p.notice ?? '',
  };
}
