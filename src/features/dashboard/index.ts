/**
 * The placement dashboard: a personal "My placement" tab (students, supervisors) and a
 * configurable "Cohort dashboard" channel tab (leads), served with their JSON API. The lead
 * overview is served from per-cohort rollups that a recurring job recomputes (rollups.ts).
 */
import type { Feature } from '../feature.js';
import { registerDashboardHttp } from './http.js';
import { ROLLUP_EVERY_MS, ROLLUP_JOB } from './rollups.js';

export const dashboardFeature: Feature = {
  name: 'dashboard',
  register(_routes, services) {
    // No bot routes: the dashboard lives in tabs. Its job keeps the per-cohort rollups fresh
    // (one instance runs each slot).
    services.scheduler.every(ROLLUP_JOB, ROLLUP_EVERY_MS, async ({ now }) => {
      await services.dashboard.rollups.refreshAll(now);
    });
  },
  registerHttp(server, services) {
    registerDashboardHttp(server, services.dashboard);
  },
};
