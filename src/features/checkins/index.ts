/**
 * Weekly supervision check-ins on the placement calendar: `check in`, `my check-ins`,
 * `pause check-ins`, `cohort status`; the check-in card's actions; supervisors' digest
 * actions; and the recurring planner + prompt / reminder / digest jobs on the shared scheduler.
 */
import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/cards.js';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import type { Services } from '../../services.js';
import type { Feature } from '../feature.js';
import type { JobPayload } from './checkin-service.js';

const HOUR_MS = 60 * 60 * 1000;

async function reply(context: TurnContext, services: Services, answer: AdaptiveCard | string) {
  if (typeof answer === 'string') await context.sendActivity(answer);
  else
    await context.sendActivity({
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: answer }],
    });
}

export const checkinsFeature: Feature = {
  name: 'checkins',
  registerOnApp(app, services) {
    const checkins = services.checkins;
    services.commands.add({
      command: 'check in',
      description: "Fill in this week's supervision check-in",
      roles: ['student'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'my check-ins',
      description: 'Your check-ins so far, with comments',
      roles: ['student'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'pause check-ins',
      description: "Pause a student's check-ins (sickness, study leave)",
      roles: ['supervisor', 'lead', 'admin'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'cohort status',
      description: "This week's check-in rate and who is overdue",
      roles: ['lead', 'admin'],
      scopes: ['personal', 'team'],
    });

    const who = (context: TurnContext) => [turnTenantId(context), turnPerson(context)] as const;

    app.message(/^\s*check[\s-]*in\s*$/i, async (context) =>
      reply(context, services, await checkins.open(...who(context))),
    );
    app.message(/^\s*my\s+check[\s-]*ins\s*$/i, async (context) =>
      reply(context, services, await checkins.mine(...who(context))),
    );
    app.message(/^\s*pause\s+(check[\s-]*ins|student)\s*$/i, async (context) =>
      reply(context, services, await checkins.pauseCard(...who(context))),
    );
    app.message(/^\s*cohort\s+status\s*$/i, async (context) =>
      reply(context, services, await checkins.cohortStatus(...who(context))),
    );

    app.adaptiveCards.actionExecute('checkin.submit', async (context, _s, data) =>
      checkins.submit(...who(context), data),
    );
    app.adaptiveCards.actionExecute('checkin.refresh', async (context, _s, data) =>
      checkins.refresh(...who(context), data),
    );
    app.adaptiveCards.actionExecute('checkin.open', async (context, _s, data) =>
      checkins.refresh(...who(context), data),
    );
    app.adaptiveCards.actionExecute('checkin.edit', async (context, _s, data) =>
      checkins.edit(...who(context), data),
    );
    // From a list (my students, the summary) the check-in arrives as a new message, so the list
    // stays; its own refresh (no `as`) updates it in place.
    app.adaptiveCards.actionExecute('checkin.view', async (context, _s, data) => {
      const answer = await checkins.supervisor.view(...who(context), data);
      if (typeof answer === 'string' || (data as { as?: unknown } | null)?.as !== 'message') return answer;
      await reply(context, services, answer);
      return `${String(answer.body?.[0]?.text ?? 'The check-in')} is below.`;
    });
    app.adaptiveCards.actionExecute('checkin.comment', async (context, _s, data) =>
      checkins.supervisor.comment(...who(context), data),
    );
    app.adaptiveCards.actionExecute('checkin.countersign', async (context, _s, data) =>
      checkins.supervisor.countersign(...who(context), data),
    );
    app.adaptiveCards.actionExecute('checkin.nudge', async (context, _s, data) =>
      checkins.nudges.nudge(...who(context), data),
    );
    app.adaptiveCards.actionExecute('checkin.pause.add', async (context, _s, data) =>
      checkins.addPause(...who(context), data),
    );

    const { scheduler } = services;
    scheduler.every('checkins.plan', HOUR_MS, async ({ now }) => {
      await checkins.planAll(now);
    });
    // Missed deadlines: one nudge per student per missed week, in the student's working hours.
    scheduler.every('checkins.nudges', HOUR_MS, async ({ now }) => {
      await checkins.nudges.runAll(now);
    });
    const payloadOf = (job: { payload: Record<string, unknown> }) => job.payload as unknown as JobPayload;
    scheduler.define('checkins.prompt', async (job, { now }) => {
      await checkins.runStudentJob('prompt', job.tenantId!, payloadOf(job), now);
    });
    scheduler.define('checkins.reminder', async (job, { now }) => {
      await checkins.runStudentJob('reminder', job.tenantId!, payloadOf(job), now);
    });
    scheduler.define('checkins.digest', async (job, { now }) => {
      await checkins.runDigest(job.tenantId!, payloadOf(job), now);
    });
  },
};
