/**
 * Acceptance for guided reflection and the learning-journey export (issue 5), through the real
 * HTTP endpoint with the fake Bot Connector, a controllable clock and the real local database.
 *
 * Cohort: Mon 2025-02-03, 6 weeks, Mon/Tue clinical, Wed–Fri leadership. The clock starts at
 * Tue 11 Feb 2025 09:00Z (week 2). Priya and Ben are students; Sam supervises Priya; Olu
 * supervises Ben only (an unrelated supervisor for Priya); Wendy is the placement lead.
 */
import { reflectionsWorld } from './reflections-world.js';
import { draftsAndSharing } from './reflections-drafts.js';
import { journeyAndPrompts } from './reflections-journey.js';

describe('e2e: guided reflection, sharing and the journey export (acceptance)', function () {
  this.timeout(180_000);
  const w = reflectionsWorld();
  draftsAndSharing(w);
  journeyAndPrompts(w);
});
