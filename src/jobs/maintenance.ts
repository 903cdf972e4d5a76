/** Housekeeping that every deployment needs, on the shared scheduler. */
import type { Services } from '../services.js';
import { ANNOUNCEMENT_PURPOSE as ANNOUNCEMENT } from '../features/announcements/ports.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export function registerMaintenanceJobs(services: Services): void {
  const { claims } = services;
  // Claims only settle races that last seconds; a week-old claim can no longer be contested.
  services.scheduler.every('claims.purge', DAY_MS, async () => {
    const removed = await claims.purgeOlderThan(new Date(Date.now() - 7 * DAY_MS));
    services.logger.info({ removed }, 'maintenance: purged old claims');
  });
  services.scheduler.every('outbox.purge', DAY_MS, async () => {
    const cutoff = new Date(services.clock.now().getTime() - services.config.OUTBOX_RETENTION_DAYS * DAY_MS);
    const removed = await services.outbox.purgeFinished(cutoff, [ANNOUNCEMENT]);
    services.logger.info(removed, 'maintenance: purged finished outbox items');
  });
}
