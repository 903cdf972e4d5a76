/**
 * Calendar entries for placement events and final presentations: the "Add to calendar" link
 * in their invitations downloads the entry's current .ics (a change or a cancellation
 * replaces the same entry). No commands: the events and projects features publish entries.
 */
import type { Feature } from '../feature.js';

export { CalendarService } from './calendar-service.js';

export const calendarFeature: Feature = {
  name: 'calendar',
  registerHttp(server, services) {
    server.get('/calendar/:entryId/invite.ics', async (req, res) => {
      const entryId = String(req.params.entryId ?? '');
      const token = typeof req.query?.t === 'string' ? req.query.t : '';
      const ics = await services.calendar.ics(entryId, token).catch(() => null);
      if (!ics) {
        res.send(404, { error: 'not_found' });
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/calendar; charset=utf-8',
        'content-disposition': 'attachment; filename="invite.ics"',
        'cache-control': 'no-store',
      });
      res.end(ics);
    });
  },
};
