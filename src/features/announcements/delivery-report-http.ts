/** `GET /announcements/delivery.csv?token=…`: the per-recipient delivery report behind the card's signed link. */
import type { Server } from 'restify';
import type { AnnouncementService } from './announcement-service.js';

export function registerDeliveryReportHttp(server: Server, service: AnnouncementService): void {
  server.get('/announcements/delivery.csv', async (req, res) => {
    const token = typeof req.query?.token === 'string' ? req.query.token : '';
    const result = await service.deliveryCsv(token);
    res.setHeader('cache-control', 'no-store');
    if ('refused' in result) {
      res.send(result.status, { error: 'forbidden', message: result.refused });
      return;
    }
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="announcement-delivery.csv"');
    res.sendRaw(200, result.csv);
  });
}
