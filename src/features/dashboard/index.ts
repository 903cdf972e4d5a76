/**
 * The placement dashboard: a personal "My placement" tab (students, supervisors) and a
 * configurable "Cohort dashboard" channel tab (leads), served with their JSON API. The lead
 * overview is served from per-cohort rollups that a recurring job recomputes (rollups.ts).
 */
import type { Feature } from '../feature.js';
import { registerDashboardHttp } from './http.js';
import { scheduleRollups } from './rollups.js';

export const dashboardFeature: Feature = {
  name: 'dashboard',
  register(_app, services) {
    // No bot routes: the dashboard lives in tabs. Its job keeps the per-cohort rollups fresh.
    scheduleRollups(services);
  },
  registerHttp(server, services) {
    registerDashboardHttp(server, services);
  },
};
