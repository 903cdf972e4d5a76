/**
 * Projects (issue 17, part 1) through the real HTTP endpoint, the fake Bot Connector, a
 * controllable clock and the real local database.
 *
 * Cohort: Mon 2025-02-03, 6 weeks, Thu 14:00 supervision. The clock starts at Tue 11 Feb 2025
 * 09:00Z (week 2). Wendy leads the cohort; Sam and Olu are supervisors attached to it; Amira is
 * an AHP host. Priya, Ben and Cara are the "Falls huddle" team; Dan is on another team.
 */
import { projectsWorld } from './projects-world.js';
import { creationAndMilestones } from './projects-creation.js';
import { presentationToErasure } from './projects-presentation.js';

describe('e2e: projects (issue 17)', function () {
  this.timeout(180_000);
  const w = projectsWorld();
  creationAndMilestones(w);
  presentationToErasure(w);
});
