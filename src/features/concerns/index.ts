/**
 * Concerns: `raise a concern` (and the support answer's "Raise a concern" button) opens the
 * form; its submit reaches the receivers; their card's buttons acknowledge and reply.
 */
import type { Feature } from '../feature.js';

export const concernsFeature: Feature = {
  name: 'concerns',
  register(routes, services) {
    services.commands.add({
      command: 'raise a concern',
      description: 'Raise a concern about safety, conduct or your placement, with your name or anonymously',
      roles: 'any',
      scopes: ['personal'],
    });
    routes.message(/^\s*raise\s+a\s+concern\s*$/i, async (turn) => {
      if (turn.scope !== 'personal') {
        await turn.send('Please raise a concern in a personal chat with me, so that only you see it.');
        return;
      }
      await turn.send(await services.concerns.formCard(turn.tenantId, turn.person));
    });
    routes.cardAction('concern.start', (turn) => services.concerns.formCard(turn.tenantId, turn.person));
    routes.cardAction('concern.submit', (turn, data) =>
      services.concerns.submit(turn.tenantId, turn.person, data),
    );
    routes.cardAction('concern.view', (turn, data) =>
      services.concerns.view(turn.tenantId, turn.person, data),
    );
    routes.cardAction('concern.acknowledge', (turn, data) =>
      services.concerns.acknowledge(turn.tenantId, turn.person, data),
    );
    routes.cardAction('concern.reply', (turn, data) =>
      services.concerns.reply(turn.tenantId, turn.person, data),
    );
  },
};
