/**
 * The surveys feature's errors and the wording of its refusals. Who may do what is the
 * policy's (src/domain/authorization.ts); these only choose the sentence.
 */
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { can } from '../../domain/authorization.js';
import type { PersonDoc } from '../../storage/people-repository.js';

export class SurveyError extends Error {
  override readonly name = 'SurveyError';
  constructor(
    message: string,
    readonly code: 'not-found' | 'forbidden' | 'closed' | 'not-open' | 'invalid' | 'needs-confirmation',
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * A cut refused for being too small. Its message and `size` never disclose the group's size
 * (the size is itself a figure about a small group).
 */
export class SmallGroupRefused extends GroupTooSmallError {
  constructor(minimum: number, what = 'this selection') {
    super(Number.NaN, minimum);
    this.message = `Results are not shown for ${what}: it would describe a group smaller than ${minimum} people.`;
  }
}

/** Has the lead or admin role (for choosing a reply's wording; decisions are the policy's). */
export const hasLeadRole = (p: PersonDoc) => p.roles.includes('lead') || p.roles.includes('admin');

/** Results of a run of `cohortId`: the cohort's lead, or an admin ('survey.results.view'). */
export function assertCanViewResults(person: PersonDoc, cohortId: string | null): void {
  if (!can(person, 'survey.results.view', { cohortId }))
    throw new SurveyError('Only a placement lead or an administrator can see survey results.', 'forbidden');
}

/** Why `person` may not answer a survey run, true for them (a supervisor is on no "other cohort"). */
export function surveyRefusal(person: Pick<PersonDoc, 'roles'>): string {
  return person.roles.includes('student')
    ? 'This survey is for the students of another cohort.'
    : 'Surveys are answered by the students on placement, not by staff, so there is nothing here for you to fill in.';
}

export const LEAD_ONLY = 'Only a placement lead or an administrator can do that.';
export const OWN_COHORT_ONLY =
  'You are not attached to a cohort yet. Ask an administrator to add you to the cohort you lead.';

/** What a surveys handler answers: a line of text, or a card by template name and data. */
export type SurveyReply = string | { name: string; data: object };
