/**
 * Data protection in chat: `export my data` (a one-time download link to everything stored
 * about the caller) and `delete my data` (a confirmation card, then erasure), both in the
 * personal chat only; the download link's HTTP route; the daily retention purge of ended
 * cohorts and of expired links on the scheduler.
 */
import type { Server } from 'restify';
import type { Services } from '../../services.js';
import type { Feature } from '../feature.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const PERSONAL_CHAT_ONLY =
  'For your privacy I only do that in our personal chat. Open a chat with me and ask there.';
export { ERASE_CANCELLED, ERASED_MESSAGE, ERASING_MESSAGE } from './data-protection-service.js';

export const dataProtectionFeature: Feature = {
  name: 'data-protection',
  register(routes, services) {
    const service = services.dataProtection;
    services.commands.add({
      command: 'export my data',
      description: 'A download of everything I hold about you',
      roles: 'any',
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'delete my data',
      description: 'Delete everything I hold about you (asks first)',
      roles: 'any',
      scopes: ['personal'],
    });

    routes.message(/^\s*export\s+my\s+data\s*$/i, async (turn) => {
      if (turn.scope !== 'personal') return void (await turn.send(PERSONAL_CHAT_ONLY));
      const card = await service.exportCard(turn.tenantId, turn.person, services.clock.now());
      if (card) await turn.send(card);
    });

    routes.message(/^\s*delete\s+my\s+data\s*$/i, async (turn) => {
      if (turn.scope !== 'personal') return void (await turn.send(PERSONAL_CHAT_ONLY));
      await turn.send(await service.eraseConfirmCard(turn.tenantId, turn.person));
    });

    routes.cardAction('data.erase.cancel', async () => service.eraseCancelledCard());
    routes.cardAction('data.erase.confirm', async (turn) => {
      if (turn.scope !== 'personal') return PERSONAL_CHAT_ONLY;
      const { serviceUrl, conversation } = turn.address;
      const address = conversation ? { serviceUrl, conversationId: conversation.id } : null;
      return service.eraseSelf(turn.tenantId, turn.person, services.clock.now(), address);
    });

    if (services.config.RETENTION_MONTHS > 0) {
      services.scheduler.every('retention.purge', DAY_MS, async ({ now }) => {
        await service.purgeEndedCohorts(services.config.RETENTION_MONTHS, now);
      });
    }
    services.scheduler.every('data-erasure.resume', 15 * 60 * 1000, async ({ now }) => {
      await service.erasures.resumeStale(now);
    });
    services.scheduler.every('data-exports.purge', DAY_MS, async ({ now }) => {
      await service.purgeExpiredLinks(now);
    });
  },

  registerHttp(server: Server, services: Services) {
    server.get('/data-export/:token', async (req, res) => {
      const result = await services.dataProtection.download(
        (req.params as { token?: unknown }).token,
        services.clock.now(),
      );
      if (!result.ok) {
        res.send(404, { error: 'not_found', message: result.message });
        return;
      }
      res.header('content-disposition', 'attachment; filename="my-placement-companion-data.json"');
      res.header('cache-control', 'no-store');
      res.send(200, result.data);
    });
  },
};
