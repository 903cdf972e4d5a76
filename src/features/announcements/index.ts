/**
 * Announcements: `announce` (compose → preview → send now or schedule), `announcements`
 * (recent ones with acknowledgement counts), and the card actions: acknowledge, live status
 * refresh (Universal Actions), edit, recall, cancel. Delivery is the outbox's job; the send
 * and reminder jobs run on the shared scheduler.
 */
import type { TurnContext } from 'botbuilder';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import type { Services } from '../../services.js';
import type { Feature } from '../feature.js';
import {
  AnnouncementService,
  JOB_REMIND,
  JOB_SEND,
  PURPOSE,
  type CardOrText,
  type Where,
} from './announcement-service.js';

export { AnnouncementService } from './announcement-service.js';

function whereOf(context: TurnContext): Where {
  const channelId = (context.activity.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
  const { serviceUrl, recipient } = context.activity;
  return {
    channelId:
      context.activity.conversation?.conversationType === 'channel' && typeof channelId === 'string'
        ? channelId
        : null,
    serviceUrl: serviceUrl ?? null,
    bot: recipient?.id ? { id: recipient.id, name: recipient.name } : null,
  };
}

async function reply(context: TurnContext, services: Services, result: CardOrText) {
  if (typeof result === 'string') await context.sendActivity(result);
  else
    await context.sendActivity({
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: result }],
    });
}

/** Verbs answered on the posted announcement itself (members see it). */
const MEMBER_FACING = new Set(['announcement.ack', 'announcement.refresh']);

export const announcementsFeature: Feature = {
  name: 'announcements',
  registerOnApp(app, services) {
    const service = services.announcements;
    services.commands.add({
      command: 'announce',
      description: 'Write an announcement to a cohort (channel and/or each member), now or scheduled',
      roles: ['lead', 'admin'],
      scopes: ['personal', 'team'],
    });
    services.commands.add({
      command: 'announcements',
      description: 'Recent announcements: who has acknowledged, who could not be reached',
      roles: ['lead', 'admin'],
      scopes: ['personal', 'team'],
    });

    app.message(/^\s*announce\s*$/i, async (context) =>
      reply(
        context,
        services,
        await service.composeCard(turnTenantId(context), turnPerson(context), whereOf(context)),
      ),
    );
    app.message(/^\s*announcements\s*$/i, async (context) =>
      reply(context, services, await service.list(turnTenantId(context), turnPerson(context))),
    );

    const execute = (
      verb: string,
      handler: (
        tenantId: string,
        person: ReturnType<typeof turnPerson>,
        data: unknown,
        context: TurnContext,
      ) => Promise<CardOrText>,
    ) =>
      app.adaptiveCards.actionExecute(verb, async (context, _state, data) => {
        const result = await handler(turnTenantId(context), turnPerson(context), data, context);
        // Answers go to the clicker only (src/bot/card-actions.ts), so no answer replaces the
        // posted message for others. Member-facing answers (acknowledge, refresh) and every
        // answer in a channel still drop `refresh`: the clicker keeps the view they were given,
        // and the lead's own status cards refresh through `announcement.live` instead.
        if (
          typeof result === 'string' ||
          (context.activity.conversation?.conversationType === 'personal' && !MEMBER_FACING.has(verb))
        )
          return result;
        const { refresh: _refresh, ...forInteractor } = result as typeof result & { refresh?: unknown };
        return forInteractor as typeof result;
      });
    execute('announcement.preview', (t, p, d, c) => service.preview(t, p, d, whereOf(c)));
    execute('announcement.change', (t, p, d, c) => service.change(t, p, d, whereOf(c)));
    execute('announcement.send', (t, p, d) => service.send(t, p, d));
    execute('announcement.cancel', (t, p, d) => service.cancel(t, p, d));
    execute('announcement.ack', (t, p, d) => service.acknowledge(t, p, d));
    execute('announcement.refresh', (t, p, d) => service.refresh(t, p, d));
    execute('announcement.status', (t, p, d) => service.statusCard(t, p, d));
    execute('announcement.live', (t, p, d) => service.statusCard(t, p, d));
    execute('announcement.edit', (t, p, d) => service.editCard(t, p, d));
    execute('announcement.update', (t, p, d) => service.update(t, p, d));
    execute('announcement.recall', (t, p, d) => service.recall(t, p, d));

    services.scheduler.define(JOB_SEND, async (job) => {
      if (job.tenantId) await service.runSendJob(job.tenantId, String(job.payload.announcementId));
    });
    services.scheduler.define(JOB_REMIND, async (job) => {
      if (job.tenantId) await service.runReminderJob(job.tenantId, String(job.payload.announcementId));
    });
    services.sender.on({
      unreachable: async (item) => {
        if (item.purpose === PURPOSE) await service.reportUnreachable(item);
      },
    });
  },
};
