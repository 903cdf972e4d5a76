/** Every row of the authorisation matrix, in the order the runner reports them. */
import type { Row } from './kit.js';
import { generalRows } from './rows-general.js';
import { checkinsSupervisionRows } from './rows-checkins-supervision.js';
import { reflectionsConversationsRows } from './rows-reflections-conversations.js';
import { surveysAnnouncementsRows } from './rows-surveys-announcements.js';
import { concernsWorkspaceRows } from './rows-concerns-workspace.js';
import { projectsPeerRows } from './rows-projects-peer.js';

export const rows: Row[] = [
  ...generalRows,
  ...checkinsSupervisionRows,
  ...reflectionsConversationsRows,
  ...surveysAnnouncementsRows,
  ...concernsWorkspaceRows,
  ...projectsPeerRows,
];
