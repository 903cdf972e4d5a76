/**
 * Placement events: `new event` and `events` (leads: create, RSVPs, attendance, edit,
 * cancel; students: their invitations), the invite card's RSVP, and the reminder and
 * after-event jobs on the shared scheduler.
 */
import type { TurnContext } from 'botbuilder';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import type { Feature } from '../feature.js';
import { JOB_AFTER, JOB_REMIND, type CardResult } from './event-service.js';

export { EventService } from './event-service.js';

async function reply(context: TurnContext, result: CardResult): Promise<void> {
  if (typeof result === 'string') await context.sendActivity(result);
  else
    await context.sendActivity({
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: result }],
    });
}

const PERSONAL_ONLY = 'Type **events** in your personal chat with me to see the events you are invited to.';
const isPersonal = (context: TurnContext) =>
  (context.activity.conversation?.conversationType ?? 'personal') === 'personal';
const staffRole = (roles: readonly string[]) => roles.includes('lead') || roles.includes('admin');

export const eventsFeature: Feature = {
  name: 'events',
  registerOnApp(app, services) {
    const events = services.events;
    const peers = services as unknown as { reflections?: unknown; checkins?: unknown };
    events.usePeers({ reflections: peers.reflections, checkins: peers.checkins });

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

    app.message(/^\s*(new|create|add)\s+(an\s+)?event\s*$/i, async (context) => {
      await reply(context, await events.composeCard(turnTenantId(context), turnPerson(context)));
    });
    app.message(/^\s*(my\s+)?events\s*$/i, async (context) => {
      const person = turnPerson(context);
      // In a channel everyone sees the answer: only a lead's list belongs there.
      if (!isPersonal(context) && !staffRole(person.roles)) return reply(context, PERSONAL_ONLY);
      await reply(context, await events.listCard(turnTenantId(context), person));
    });

    const execute = (
      verb: string,
      run: (t: string, p: ReturnType<typeof turnPerson>, d: unknown) => Promise<CardResult>,
    ) =>
      app.adaptiveCards.actionExecute(verb, async (context, _state, data) =>
        run(turnTenantId(context), turnPerson(context), data),
      );
    execute('event.new', (t, p) => events.composeCard(t, p));
    execute('event.create', (t, p, d) => events.create(t, p, d));
    execute('event.edit', (t, p, d) => events.editStart(t, p, d));
    execute('event.update', (t, p, d) => events.update(t, p, d));
    execute('event.cancel', (t, p, d) => events.cancel(t, p, d));
    execute('event.rsvp', (t, p, d) => events.rsvp(t, p, d));
    execute('event.open', (t, p, d) => events.openInvite(t, p, d));
    execute('event.list', (t, p) => events.listCard(t, p));
    execute('event.status', (t, p, d) => events.status(t, p, d));
    execute('event.attendance', (t, p, d) => events.attendanceCard(t, p, d));
    execute('event.attendance.save', (t, p, d) => events.saveAttendance(t, p, d));

    services.scheduler.define(JOB_REMIND, (job) => events.runRemind(job));
    services.scheduler.define(JOB_AFTER, (job) => events.runAfter(job));
  },
};
