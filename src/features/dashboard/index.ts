/**
 * The placement dashboard: a personal "My placement" tab (students, supervisors) and a
 * configurable "Cohort dashboard" channel tab (leads), served with their JSON API.
 */
import type { Feature } from '../feature.js';
import { registerDashboardHttp } from './http.js';

export const dashboardFeature: Feature = {
  name: 'dashboard',
  register() {
    // No bot routes: the dashboard lives in tabs.
  },
  registerHttp(server, services) {
    registerDashboardHttp(server, services);
  },
};
