/**
 * The lead's workspace and the other features. It needs the check-ins feature to re-plan a
 * cohort's prompts after a change, to read a cohort's check-in times and to show its pause card,
 * and the roster's all-or-nothing import for CSV uploads. It offers the workspace itself, which
 * the dashboard's Manage page uses.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';

export type { RosterImporter } from '../roster/ports.js';

/** Re-plans a cohort's check-ins after its calendar or roster changed. */
export interface CheckinPlanner {
  planOne(cohort: CohortDoc, now: Date): Promise<unknown>;
}

/** A cohort's check-in times as they apply (defaults filled in). */
export type CheckinSettingsOf = (cohort: Pick<CohortDoc, 'checkins'>) => {
  promptTime: string;
  reminderHoursBeforeDue: number;
  digestHoursBeforeSupervision: number;
};

/** The check-ins feature's "pause check-ins" card, with the student already chosen. */
export interface CheckinPauseCard {
  pauseCard(
    tenantId: string,
    viewer: PersonDoc,
    error?: string,
    values?: Record<string, string>,
  ): Promise<AdaptiveCard | string>;
}

/** How often the kind answer to distress was shown in the tenant (support): counts only. */
export interface SupportAnswerCounts {
  shownPerMonth(tenantId: string): Promise<{ month: string; count: number | null }[]>;
}

/** What the workspace offers: the same use cases behind the chat cards and the Manage page. */
export type { LeadWorkspaceService as LeadWorkspace } from './lead-workspace-service.js';
export type { CohortView } from './cohort-views.js';
export type { Outcome } from './workspace-context.js';

/** The forms' field labels and error summaries, for the Manage page's answers. */
export { errorSummary, LABELS, labelledErrors } from './workspace-input.js';
