/**
 * A lead writes their own survey (`survey.author`, `survey.template.save`; policy
 * 'survey.run.manage' for a cohort they lead): up to 12 questions, one a line (own-questions.ts),
 * kept for the tenant and offered on the `run survey` card from then on. Audited.
 */
import { randomBytes } from 'node:crypto';
import type { Turn } from '../../feature-kit/turn.js';
import type { Services } from '../../services.js';
import { tenantDocId } from '../../storage/documents.js';
import { MAX_OWN_QUESTIONS, parseOwnQuestions } from './own-questions.js';
import { hasLeadRole, LEAD_ONLY, OWN_COHORT_ONLY, type SurveyReply as Reply } from './survey-policy.js';
import { managedCohorts } from './survey-runs-card.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export const OWN_QUESTIONS_HELP = `Up to ${MAX_OWN_QUESTIONS} questions, one a line, each starting with its kind: **scale:** (1 to 5), **choice:** (one answer), **multi:** (any number of answers) or **text:** (a short answer). Separate the options of a choice or multi question with |, for example: choice: Which day suits? | Monday | Wednesday`;

async function mayAuthor(turn: Turn, services: Services): Promise<string | null> {
  const cohorts = await managedCohorts(services, turn.tenantId, turn.person);
  if (cohorts.length > 0) return null;
  return hasLeadRole(turn.person) ? OWN_COHORT_ONLY : LEAD_ONLY;
}

export async function authorCard(
  turn: Turn,
  services: Services,
  values: Record<string, unknown> = {},
  errors: { title?: string; questions?: string } = {},
): Promise<Reply> {
  const refused = await mayAuthor(turn, services);
  if (refused) return refused;
  return {
    name: 'survey-author',
    data: {
      help: OWN_QUESTIONS_HELP,
      title: str(values.title),
      questions: str(values.questions),
      titleError: errors.title ?? '',
      questionsError: errors.questions ?? '',
    },
  };
}

export async function saveTemplate(
  turn: Turn,
  services: Services,
  data: Record<string, unknown>,
): Promise<Reply> {
  const { person, tenantId } = turn;
  const refused = await mayAuthor(turn, services);
  const now = services.clock.now();
  if (refused) {
    await services.audit.record(
      tenantId,
      { actorId: person._id, action: 'survey.template.save', targetId: null, outcome: 'refused' },
      now,
    );
    return refused;
  }
  const parsed = parseOwnQuestions(str(data.title), str(data.questions));
  if (!parsed.ok) return authorCard(turn, services, data, parsed.errors);
  const slug = `own-${randomBytes(6).toString('hex')}`;
  const _id = tenantDocId(tenantId, 'stpl', slug);
  await services.surveys.repo.saveTemplate({
    _id,
    tenantId,
    definition: { ...parsed.definition, id: slug },
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  await services.audit.record(
    tenantId,
    { actorId: person._id, action: 'survey.template.save', targetId: _id },
    now,
  );
  return {
    name: 'notice',
    data: {
      title: `${parsed.definition.title} is saved`,
      message: `${parsed.definition.questions.length} questions. It is now one of the surveys on the **Run a survey** card, for you and the other leads, as often as you like.`,
    },
  };
}
