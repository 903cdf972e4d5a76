/**
 * Supervision sessions with agreed actions: `record supervision`, `my students`, the
 * session card, Done / Not yet / Carry over on actions (check-in card, summary, my students),
 * and the hourly escalation job on the shared scheduler.
 */
import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/cards.js';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import type { Feature } from '../feature.js';

const HOUR_MS = 60 * 60 * 1000;

const attachment = (card: AdaptiveCard) => ({
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
});

async function reply(context: TurnContext, answer: AdaptiveCard | string) {
  await context.sendActivity(typeof answer === 'string' ? answer : attachment(answer));
}

/** Student ids a button names ("id" or "id1,id2"), as strings only. */
function idsOf(data: unknown): string[] {
  const raw = (data as { studentIds?: unknown } | null)?.studentIds;
  return typeof raw === 'string' && raw.length < 4000
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export const supervisionFeature: Feature = {
  name: 'supervision',
  registerOnApp(app, services) {
    const supervision = services.supervision;
    services.commands.add({
      command: 'record supervision',
      description: 'Record a supervision session (one student or a group) and the actions agreed',
      roles: ['supervisor'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'my students',
      description: "Your students: this week's check-in, open actions and shared reflections",
      roles: ['supervisor'],
      scopes: ['personal'],
    });
    const who = (context: TurnContext) => [turnTenantId(context), turnPerson(context)] as const;

    app.message(/^\s*record\s+(a\s+)?(group\s+)?supervision(\s+session)?\s*$/i, async (context) =>
      reply(context, await supervision.sessionCard(...who(context))),
    );
    app.message(/^\s*my\s+(students|supervisees)\s*$/i, async (context) =>
      reply(context, await supervision.myStudents(...who(context))),
    );

    // From a summary or `my students`: the session card arrives as a new message, so the
    // card the button was on stays as it is.
    app.adaptiveCards.actionExecute('supervision.session.open', async (context, _s, data) => {
      const week = Number((data as { week?: unknown } | null)?.week);
      const card = await supervision.sessionCard(...who(context), {
        studentIds: idsOf(data),
        week: Number.isInteger(week) ? week : undefined,
      });
      if (typeof card === 'string') return card;
      await context.sendActivity(attachment(card));
      return 'The supervision record is below: fill it in after the session.';
    });
    app.adaptiveCards.actionExecute('supervision.session.record', async (context, _s, data) =>
      supervision.recordSession(...who(context), data),
    );
    app.adaptiveCards.actionExecute('supervision.action.update', async (context, _s, data) =>
      supervision.updateAction(...who(context), data),
    );
    app.adaptiveCards.actionExecute('supervision.action.comment', async (context, _s, data) =>
      supervision.actionComments.comment(...who(context), data),
    );
    app.adaptiveCards.actionExecute('supervision.students', async (context) =>
      supervision.myStudents(...who(context)),
    );

    // The lead's escalation card: its refresh, Mark handled, and Pause (the form below it).
    app.adaptiveCards.actionExecute('escalation.view', async (context, _s, data) =>
      supervision.escalationActions.view(...who(context), data),
    );
    app.adaptiveCards.actionExecute('escalation.handle', async (context, _s, data) =>
      supervision.escalationActions.handle(...who(context), data),
    );
    app.adaptiveCards.actionExecute('escalation.pause', async (context, _s, data) => {
      const card = await supervision.escalationActions.pauseForm(...who(context), data);
      if (typeof card === 'string') return card;
      await context.sendActivity(attachment(card));
      return 'The pause form is below, with the student chosen.';
    });

    services.scheduler.every('supervision.escalations', HOUR_MS, async ({ now }) => {
      await supervision.escalations.run(now);
    });
  },
};
