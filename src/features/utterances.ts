/**
 * Every feature's phrasing lists, by typed command: what the intent classifier
 * (src/understanding) is trained on at start-up. A feature with typed commands adds its list
 * here, beside its entry in ./index.ts; test/understanding checks that every registered
 * command has phrasings.
 */
import type { Utterances } from '../understanding/utterances.js';
import { announcementsUtterances } from './announcements/utterances.js';
import { concernsUtterances } from './concerns/utterances.js';
import { checkinsUtterances } from './checkins/utterances.js';
import { conversationsUtterances } from './conversations/utterances.js';
import { dataProtectionUtterances } from './data-protection/utterances.js';
import { eventsUtterances } from './events/utterances.js';
import { leadWorkspaceUtterances } from './lead-workspace/utterances.js';
import { myPlacementUtterances } from './my-placement/utterances.js';
import { onboardingUtterances } from './onboarding/utterances.js';
import { projectsUtterances } from './projects/utterances.js';
import { reflectionsUtterances } from './reflections/utterances.js';
import { supervisionUtterances } from './supervision/utterances.js';
import { surveysUtterances } from './surveys/utterances.js';

export const featureUtterances: Utterances = {
  ...onboardingUtterances,
  ...checkinsUtterances,
  ...myPlacementUtterances,
  ...supervisionUtterances,
  ...reflectionsUtterances,
  ...surveysUtterances,
  ...conversationsUtterances,
  ...announcementsUtterances,
  ...leadWorkspaceUtterances,
  ...projectsUtterances,
  ...eventsUtterances,
  ...dataProtectionUtterances,
  ...concernsUtterances,
};
