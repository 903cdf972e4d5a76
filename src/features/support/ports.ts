/**
 * Support: the kind answer to distress (who can help now) and its monthly count. It needs
 * nothing from other features (people, supervision links and the AHP directory are shared
 * repositories). It offers the answer to the free-text path in src/bot, which decides when
 * a message reads as distress.
 */
import type { PersonDoc } from '../../storage/people-repository.js';

/** What support needs from other features. */
export type SupportNeeds = Record<string, never>;

/** What it offers: the help card's data, and a count of answers shown (tenant and month only). */
export interface SupportAnswer {
  helpCardData(tenantId: string, person: PersonDoc): Promise<object>;
  countShown(tenantId: string, now: Date): Promise<void>;
}

/** How often the answer was shown, per month ('2026-12'); null under the minimum group size. */
export interface SupportAnswerCounts {
  shownPerMonth(tenantId: string): Promise<{ month: string; count: number | null }[]>;
}
