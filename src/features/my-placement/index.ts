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
    const pattern =
      /^\s*(?:my\s+placement|placement\s+(?:info|details))(?:\s+on\s+((?:next\s+)?[a-z]+|\d{1,2}\s+[a-z]+))?\s*[.!?]*\s*$/i;
    // "my placement on thursday": the day a question named (src/understanding/entities.ts).
    routes.message(pattern, async (turn) => {
      const asked = pattern.exec(turn.text)?.[1];
      await turn.send(await services.myPlacement.card(turn.tenantId, turn.person, asked));
    });
  },
};
