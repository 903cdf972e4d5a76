/** The lead overview's roster, conversations and surveys panels. */
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConversationCounts, CountRow, SurveyResult } from '../../web/api-types.js';
import type { DashboardDeps } from './dashboard-service.js';
import { empty, notSetUp, ok, type Group, type Panel } from './panels.js';

const CONVERSATIONS = '20-minute conversations';
const SURVEYS = 'Surveys';

/** Students of a cohort grouped by profession (roster data, always available). */
export async function studentsByProfession(
  d: DashboardDeps,
  tenantId: string,
  cohortId: string,
): Promise<CountRow[]> {
  const rows = await d.sources.roster.studentsByProfession(tenantId, cohortId);
  return rows.map((r) => ({ key: r._id, label: r._id, count: r.count }));
}

/** The cohort's students (lean: id, name, zone), optionally one profession. */
export function cohortStudents(
  d: DashboardDeps,
  tenantId: string,
  cohortId: string,
  profession: string | null,
): Promise<PersonDoc[]> {
  return d.sources.roster.cohortStudents(tenantId, cohortId, profession);
}

export type ConversationsPanel = Panel<ConversationCounts>;

/** 20-minute conversations of the cohort (collection `conversation_bookings`), by host profession and role type. */
export async function conversationsByHost(
  d: DashboardDeps,
  tenantId: string,
  cohort: CohortDoc,
  group: Group,
  students: PersonDoc[],
): Promise<ConversationsPanel> {
  const conversations = d.sources.conversations;
  if (!conversations) return notSetUp(CONVERSATIONS);
  const rows = await conversations.countByHost(
    tenantId,
    cohort._id,
    group.profession ? students.map((s) => s._id) : null,
  );
  if (rows.length === 0)
    return empty(
      'No 20-minute conversations booked yet. Students book them by typing "book a conversation" to the bot.',
    );
  const tally = (key: 'p' | 'r') => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r._id[key], (m.get(r._id[key]) ?? 0) + r.n);
    return [...m]
      .map(([k, count]) => ({ key: k, label: k, count }))
      .sort((x, y) => y.count - x.count || x.label.localeCompare(y.label));
  };
  const count = (state: string) => rows.filter((r) => r._id.s === state).reduce((n, r) => n + r.n, 0);
  return ok({
    byProfession: tally('p'),
    byRoleType: tally('r'),
    held: count('held'),
    booked: count('booked'),
  });
}

/**
 * Survey results: the cohort's latest confidence-baseline vs confidence-end survey means, from
 * the surveys feature (which applies the minimum group size itself and hides small runs).
 * Survey responses are anonymous, so they cannot be cut by profession.
 */
export async function surveyResults(
  d: DashboardDeps,
  tenantId: string,
  _c: CohortDoc,
  group: Group,
): Promise<Panel<SurveyResult>> {
  const surveys = d.surveys;
  if (!surveys) return notSetUp(SURVEYS);
  if (group.profession)
    return empty(
      'Survey answers are anonymous, so they cannot be shown for one profession. Choose all professions.',
    );
  const deltas = await surveys.confidenceDeltas(tenantId, group.cohortId);
  if (!deltas.baselineRunId && !deltas.endRunId)
    return empty(
      'No confidence survey has been run for this cohort yet. Start the baseline survey from the bot ("surveys") in week 1.',
    );
  if (!deltas.shown)
    return {
      state: 'suppressed',
      message: `Hidden to protect anonymity: survey results are shown once both surveys have at least ${d.config.MIN_GROUP_SIZE} responses.`,
    };
  return ok({
    baselineResponses: deltas.preResponses ?? 0,
    endResponses: deltas.postResponses ?? 0,
    rows: deltas.rows.map((r) => ({
      measure: r.measure,
      label: r.label,
      pre: r.pre,
      post: r.post,
      delta: r.delta,
    })),
  });
}
