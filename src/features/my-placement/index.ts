/**
 * `my placement`: a student's own placement on one card (week, today and tomorrow, dates,
 * supervisor and placement lead, next 20-minute conversation). Staff who type it are pointed
 * to their own views.
 */
import type { Feature } from '../feature.js';

export const myPlacementFeature: Feature = {
  name: 'my-placement',
  register(routes, services) {
    services.commands.add({
      command: 'my placement',
      description: 'Your placement: this week, today and tomorrow, your dates, supervisor and placement lead',
      roles: ['student'],
      scopes: ['personal'],
    });
    routes.message(/^\s*(my\s+placement|placement\s+(info|details))\s*[.!?]*\s*$/i, async (turn) =>
      turn.send(await services.myPlacement.card(turn.tenantId, turn.person)),
    );
  },
};
