/**
 * Announcements: `announce` (compose → preview → send now or schedule), `announcements`
 * (recent ones with acknowledgement counts), and the card actions: acknowledge, live status
 * refresh (Universal Actions), edit, recall, cancel. Delivery is the outbox's job; the send
 * and reminder jobs run on the shared scheduler.
 */
import type { Reply, Turn } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { Feature } from '../feature.js';
import { registerDeliveryReportHttp } from './delivery-report-http.js';
import { JOB_REMIND, JOB_SEND, PURPOSE } from './announcement-keys.js';
import type { Where } from './compose-announcement.js';

function whereOf(turn: Turn): Where {
  const { serviceUrl, bot } = turn.address;
  return {
    channelId: turn.teamsChannelId,
    serviceUrl: serviceUrl ?? null,
    bot: bot?.id ? { id: bot.id, name: bot.name } : null,
  };
}

/** Verbs answered on the posted announcement itself (members see it). */
const MEMBER_FACING = new Set(['announcement.ack', 'announcement.refresh']);

export const announcementsFeature: Feature = {
  name: 'announcements',
  register(routes, services) {
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

    routes.message(/^\s*announce\s*$/i, async (turn) =>
      turn.send(await service.composeCard(turn.tenantId, turn.person, whereOf(turn))),
    );
    routes.message(/^\s*announcements\s*$/i, async (turn) =>
      turn.send(await service.list(turn.tenantId, turn.person)),
    );

    const execute = (
      verb: string,
      handler: (tenantId: string, person: PersonDoc, data: unknown, turn: Turn) => Promise<Reply>,
    ) =>
      routes.cardAction(verb, async (turn, data) => {
        const result = await handler(turn.tenantId, turn.person, data, turn);
        // Answers go to the clicker only (src/bot/card-actions.ts), so no answer replaces the
        // posted message for others. Member-facing answers (acknowledge, refresh) and every
        // answer in a channel still drop `refresh`: the clicker keeps the view they were given,
        // and the lead's own status cards refresh through `announcement.live` instead.
        if (typeof result === 'string' || (turn.scope === 'personal' && !MEMBER_FACING.has(verb)))
          return result;
        const { refresh: _refresh, ...forInteractor } = result as typeof result & { refresh?: unknown };
        return forInteractor as typeof result;
      });
    execute('announcement.preview', (t, p, d, turn) => service.preview(t, p, d, whereOf(turn)));
    execute('announcement.change', (t, p, d, turn) => service.change(t, p, d, whereOf(turn)));
    execute('announcement.send', (t, p, d) => service.send(t, p, d));
    execute('announcement.cancel', (t, p, d) => service.cancel(t, p, d));
    execute('announcement.ack', (t, p, d) => service.acknowledge(t, p, d));
    execute('announcement.refresh', (t, p, d) => service.refresh(t, p, d));
    execute('announcement.status', (t, p, d) => service.statusCard(t, p, d));
    execute('announcement.live', (t, p, d) => service.statusCard(t, p, d));
    execute('announcement.edit', (t, p, d) => service.editCard(t, p, d));
    execute('announcement.update', (t, p, d) => service.update(t, p, d));
    execute('announcement.recall', (t, p, d) => service.recall(t, p, d));
    execute('announcement.delivery', (t, p, d) => service.deliveryCard(t, p, d));
    execute('announcement.resend', (t, p, d) => service.resend(t, p, d));

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
  registerHttp(server, services) {
    registerDeliveryReportHttp(server, services.announcements);
  },
};
