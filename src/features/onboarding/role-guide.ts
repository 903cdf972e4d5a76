/** What the bot does for each role, in words a person would use. */
import type { CommandInfo } from '../../feature-kit/commands.js';
import type { PersonDoc, Role } from '../../storage/people-repository.js';

const ROLE_ORDER: Role[] = ['lead', 'admin', 'supervisor', 'ahp-host', 'student'];

export const ROLE_LABELS: Record<Role, string> = {
  student: 'Student',
  supervisor: 'Supervisor',
  'ahp-host': 'AHP host',
  lead: 'Placement lead',
  admin: 'Administrator',
};

const ROLE_SUMMARIES: Record<Role, string> = {
  student:
    "Each week I'll send you a short check-in before supervision, help you write reflections mapped to the HCPC standards and the four pillars, book 20-minute conversations with AHPs you haven't met yet, and build your learning journey for your final presentation.",
  supervisor:
    "Before each supervision I'll send you a summary of your students' check-ins: who has checked in, how they're doing and what they want to talk about. You can comment, countersign and record the supervision you held.",
  'ahp-host':
    "I'll look after your 20-minute conversations with students: publishing slots, confirming bookings, reminders, and a quick feedback question afterwards.",
  lead: "I'll help you run your cohorts: link each cohort's channel, send announcements people acknowledge, run surveys with anonymised results, compare the cohorts you lead, and see who is keeping up with check-ins.",
  admin: 'You can import rosters and the AHP directory with the admin tool, and manage cohorts.',
};

/** The few commands the welcome card starts each role with; `help` / "Show all commands" lists the rest. */
const STARTERS: Record<Role, string[]> = {
  student: ['check in', 'reflect', 'book a conversation', 'my journey'],
  supervisor: ['shared reflections', 'pause check-ins'],
  'ahp-host': ['my slots', 'my bookings', 'my host profile'],
  lead: ['manage cohorts', 'link cohort', 'cohort status', 'announce', 'run survey', 'conversations report'],
  admin: ['manage cohorts', 'cohort status'],
};
export const MAX_STARTERS = 6;

export const JUST_WRITE =
  'You can also just write to me in your own words, like "can I do my check in?" or "book me a chat with someone from physio".';

export function primaryRole(person: PersonDoc): Role {
  return ROLE_ORDER.find((r) => person.roles.includes(r)) ?? 'student';
}

/**
 * The welcome card: a short start for the person's roles and "Show all commands" when there
 * is more; with `all`, every command they can use here (the answer to that button).
 */
export function welcomeCardData(person: PersonDoc, commands: CommandInfo[], options: { all?: boolean } = {}) {
  const roles = ROLE_ORDER.filter((r) => person.roles.includes(r));
  const starters = new Set(roles.flatMap((r) => STARTERS[r]));
  const picked = commands.filter((c) => starters.has(c.command)).slice(0, MAX_STARTERS);
  const start = picked.length > 0 ? picked : commands.slice(0, MAX_STARTERS);
  const shown = options.all ? commands : start;
  return {
    heading: options.all ? 'Everything you can type to me here' : 'Things you can type to me',
    showAll: !options.all && shown.length < commands.length,
    name: person.displayName.split(' ')[0] || person.displayName,
    role: primaryRole(person),
    roleLabel: roles.map((r) => ROLE_LABELS[r]).join(' · '),
    summary: roles.map((r) => ROLE_SUMMARIES[r]).join('\n\n'),
    commands: shown.map((c) => ({ command: c.command, description: c.description })),
    justWrite: JUST_WRITE,
    privacyNote:
      'Your reflections are private unless you choose to share them. Type "export my data" or "delete my data" at any time.',
  };
}
