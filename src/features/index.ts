/** The feature registry: every capability the bot has, in route-matching order. */
import type { Feature } from './feature.js';
import { announcementsFeature } from './announcements/index.js';
import { concernsFeature } from './concerns/index.js';
import { checkinsFeature } from './checkins/index.js';
import { conversationsFeature } from './conversations/index.js';
import { dashboardFeature } from './dashboard/index.js';
import { dataProtectionFeature } from './data-protection/index.js';
import { leadWorkspaceFeature } from './lead-workspace/index.js';
import { myPlacementFeature } from './my-placement/index.js';
import { eventsFeature } from './events/index.js';
import { calendarFeature } from './calendar/index.js';
import { onboardingFeature } from './onboarding/index.js';
import { projectsFeature } from './projects/index.js';
import { reflectionsFeature } from './reflections/index.js';
import { supervisionFeature } from './supervision/index.js';
import { surveysFeature } from './surveys/index.js';

export const features: Feature[] = [
  onboardingFeature,
  dashboardFeature,
  checkinsFeature,
  myPlacementFeature,
  supervisionFeature,
  reflectionsFeature,
  surveysFeature,
  conversationsFeature,
  announcementsFeature,
  leadWorkspaceFeature,
  projectsFeature,
  eventsFeature,
  calendarFeature,
  concernsFeature,
  dataProtectionFeature,
];
