/**
 * Placement events: `new event` and `events` (leads: create, RSVPs, attendance, edit,
 * cancel; students: their invitations), the invite card's RSVP, and the reminder and
 * after-event jobs on the shared scheduler.
 */
import type { Feature } from '../feature.js';
import { JOB_AFTER, JOB_REMIND } from './reminders.js';

export { EventService } from './event-service.js';

const PERSONAL_ONLY = 'Type **events** in your personal chat with me to see the events you are invited to.';
const staffRole = (roles: readonly string[]) => roles.includes('lead') || roles.includes('admin');

export const eventsFeature: Feature = {
  name: 'events',
  register(routes, services) {
    const events = services.events;

    services.commands.add({
      command: 'new event',
      description: 'Invite a cohort to a study day, workshop, careers expo or senior AHP meeting',
      roles: ['lead', 'admin'],
      scopes: ['personal', 'team'],
    });
    services.commands.add({
      command: 'events',
      description: 'Placement events: RSVPs, attendance, changes',
      roles: ['lead', 'admin'],
      scopes: ['personal', 'team'],
    });
    services.commands.add({
      command: 'events',
      description: 'Events you are invited to: answer, or change your answer',
      roles: ['student'],
      scopes: ['personal'],
    });

    routes.message(/^\s*(new|create|add)\s+(an\s+)?event\s*$/i, async (turn) => {
      await turn.send(await events.composeCard(turn.tenantId, turn.person));
    });
    routes.message(/^\s*(my\s+)?events\s*$/i, async (turn) => {
      // In a channel everyone sees the answer: only a lead's list belongs there.
      if (turn.scope !== 'personal' && !staffRole(turn.person.roles)) return turn.send(PERSONAL_ONLY);
      await turn.send(await events.listCard(turn.tenantId, turn.person));
    });

    const verbs = {
      'event.new': (t, p) => events.composeCard(t, p),
      'event.create': events.create,
      'event.edit': events.editStart,
      'event.update': events.update,
      'event.cancel': events.cancel,
      'event.rsvp': events.rsvp,
      'event.open': events.openInvite,
      'event.list': (t, p) => events.listCard(t, p),
      'event.status': events.status,
      'event.attendance': events.attendanceCard,
      'event.attendance.save': events.saveAttendance,
    } satisfies Record<string, typeof events.create>;
    for (const [verb, run] of Object.entries(verbs))
      routes.cardAction(verb, async (turn, data) => run(turn.tenantId, turn.person, data));

    services.scheduler.define(JOB_REMIND, (job) => events.runRemind(job));
    services.scheduler.define(JOB_AFTER, (job) => events.runAfter(job));
  },
};
