/**
 * A cohort that has finished has nothing overdue: its last stored rollup (from while it ran)
 * must not keep listing students "overdue week 5" months later. Applied when the overview is
 * served, at the clock's now.
 */
import { cohortPhase } from '../../domain/current-cohort.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { empty } from './panels.js';
import type { LeadOverview } from '../../web/api-types.js';

export const FINISHED_NOTHING_OVERDUE = 'This cohort has finished, so no check-in is overdue any more.';

export function withoutOverdueWhenFinished(
  overview: LeadOverview,
  cohort: CohortDoc,
  now: Date,
): LeadOverview {
  if (cohortPhase(cohort, now) !== 'ended') return overview;
  return { ...overview, overdue: empty(FINISHED_NOTHING_OVERDUE) };
}
