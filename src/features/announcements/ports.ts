/**
 * Announcements and the other features. It needs nothing from them: it works on the shared
 * repositories (people, cohorts, conversation references, audit, claims), the outbox and the
 * scheduler, all given to AnnouncementService by src/services.ts.
 */

/** What announcements needs from other features. */
export type AnnouncementsNeeds = Record<string, never>;

/**
 * What it offers: the outbox purpose of its messages. Housekeeping keeps these items after
 * delivery, because an edit or a recall needs the id Teams gave each posted copy.
 */
export { PURPOSE as ANNOUNCEMENT_PURPOSE } from './announcement-keys.js';
