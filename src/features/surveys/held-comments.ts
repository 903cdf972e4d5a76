/**
 * Comments held back from a run's shared results (the results card and its CSV): those that
 * name someone on the roster or use the words of a safety concern (src/domain/comment-screen.ts).
 * The lead of the run's cohort reads them on a card of their own (`survey.comments`, audited),
 * under the same release rules as the results; the "closed" notice says how many wait for them.
 */
import { holdReasons, nameIndex, type HoldReason, type NameIndex } from '../../domain/comment-screen.js';
import { can } from '../../domain/authorization.js';
import type { Turn } from '../../feature-kit/turn.js';
import type { Services } from '../../services.js';
import type { SurveyRunDoc, TextAnswer } from './survey-repository.js';
import { hasLeadRole, LEAD_ONLY, type SurveyReply as Reply } from './survey-policy.js';
import type { SurveyService } from './survey-service.js';

export interface HeldComment {
  text: string;
  reasons: HoldReason[];
}

/** The names a comment might use: the run's cohort (students and staff) and every supervisor, host and lead. */
export async function rosterNames(
  survey: SurveyService,
  tenantId: string,
  run: SurveyRunDoc,
): Promise<NameIndex> {
  const { people } = survey.deps;
  const groups = await Promise.all([
    people.inCohort(tenantId, run.cohortId),
    people.withRole(tenantId, 'supervisor'),
    people.withRole(tenantId, 'ahp-host'),
    people.withRole(tenantId, 'lead'),
  ]);
  return nameIndex([...new Set(groups.flat().map((p) => p.displayName))]);
}

/** Splits free text into what the shared results may show and what is held back for the lead. */
export function screenTexts(texts: TextAnswer[], names: NameIndex) {
  const shared: TextAnswer[] = [];
  const held: (TextAnswer & { reasons: HoldReason[] })[] = [];
  for (const t of texts) {
    const reasons = holdReasons(t.text, names);
    if (reasons.length > 0) held.push({ ...t, reasons });
    else shared.push(t);
  }
  return { shared, held };
}

const WHY: Record<HoldReason, string> = {
  'names-person': 'names someone',
  safety: 'may describe a safety concern',
};

/** `survey.comments`: the held-back comments of a run, for its cohort's lead (or an admin). */
export async function heldCommentsCard(
  turn: Turn,
  services: Services,
  data: Record<string, unknown>,
): Promise<Reply> {
  const { person, tenantId } = turn;
  const runId = typeof data.surveyRunId === 'string' ? data.surveyRunId : '';
  const run = runId ? await services.surveys.repo.runById(tenantId, runId) : null;
  // Nothing found is nothing read: audited as refused, never as a view.
  const allowed = run !== null && can(person, 'survey.comments.review', { cohortId: run.cohortId });
  await services.audit.record(
    tenantId,
    {
      actorId: person._id,
      action: 'survey.comments',
      targetId: run?._id ?? null,
      ...(allowed ? {} : { outcome: 'refused' as const }),
    },
    services.clock.now(),
  );
  if (!allowed || !run) return hasLeadRole(person) && !run ? 'I could not find that survey.' : LEAD_ONLY;
  const r = await services.surveys.results(tenantId, run._id, {}, { held: true });
  const items = r.questions.flatMap((q) =>
    q.held.map((h) => ({
      question: q.text,
      text: h.text,
      why: `Held back because it ${h.reasons.map((x) => WHY[x]).join(' and ')}.`,
    })),
  );
  return {
    name: 'survey-held-comments',
    data: {
      title: r.title,
      runId: r.runId,
      intro: !r.shown
        ? `Fewer than ${r.minGroupSize} responses so far, so no comments are shown yet.`
        : items.length === 0
          ? 'No comments are held back: every comment is in the shared results.'
          : `${items.length === 1 ? 'This comment names someone or may describe a safety concern, so it is' : `These ${items.length} comments name someone or may describe a safety concern, so they are`} shown only to you, not in the shared results or the CSV.${r.anonymous ? ' The survey is anonymous: no one can tell who wrote them. If one describes harm or risk, follow your trust’s safeguarding and Freedom to Speak Up routes, and remind the cohort how to raise a concern.' : ''}`,
      items,
    },
  };
}
