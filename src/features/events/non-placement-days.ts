/**
 * An event day can be a non-placement day: the date goes on the cohort's non-placement dates,
 * and the check-in planner moves that day's prompts at once.
 */
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { EventContext } from './event-context.js';
import type { EventDoc } from './events-repository.js';

export async function markNonPlacement(
  ctx: EventContext,
  tenantId: string,
  event: EventDoc,
  cohort: CohortDoc,
): Promise<void> {
  const now = ctx.now();
  // Whether this event put the date there (a study day the lead already set stays when it is cancelled).
  const added = !cohort.nonPlacementDates.includes(event.date);
  await ctx.s.cohorts.addNonPlacementDates(tenantId, cohort._id, [event.date], now);
  if (added) await ctx.repo.updateEvent(tenantId, event._id, { addedNonPlacementDate: true, updatedAt: now });
  event.addedNonPlacementDate = added || event.addedNonPlacementDate;
  await replan(ctx, tenantId, cohort._id);
}

/** Takes the date off again, unless another event of the cohort still needs that day off. */
export async function unmarkNonPlacement(
  ctx: EventContext,
  tenantId: string,
  event: EventDoc,
  cohort: CohortDoc,
): Promise<void> {
  const others = (await ctx.repo.eventsOfCohorts(tenantId, [cohort._id])).filter(
    (e) => e._id !== event._id && e.state === 'scheduled' && e.nonPlacement && e.date === event.date,
  );
  if (others.length > 0) return;
  await ctx.s.cohorts.removeNonPlacementDates(tenantId, cohort._id, [event.date], ctx.now());
  await replan(ctx, tenantId, cohort._id);
}

/** The check-in planner runs hourly; after a calendar change it plans the cohort at once. */
async function replan(ctx: EventContext, tenantId: string, cohortId: string): Promise<void> {
  const planner = ctx.s.planner();
  if (!planner) return;
  const cohort = await ctx.s.cohorts.byId(tenantId, cohortId);
  if (cohort) await planner.planOne(cohort, ctx.now());
}
