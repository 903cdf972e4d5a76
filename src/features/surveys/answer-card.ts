/** The survey form card and its submit (`survey.answer`, `survey.submit`). */
import { can } from '../../domain/authorization.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import type { Turn } from '../../feature-kit/turn.js';
import type { Services } from '../../services.js';
import { SurveyError, surveyRefusal, type SurveyReply as Reply } from './survey-policy.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export async function formCard(
  turn: Turn,
  services: Services,
  data: Record<string, unknown>,
  errors: Record<string, string> = {},
  typed?: Record<string, unknown>,
): Promise<Reply> {
  const { person, tenantId } = turn;
  const run = await services.surveys.run(tenantId, str(data.surveyRunId));
  const status = services.surveys.status(run);
  if (!can(person, 'survey.respond', { cohortId: run.cohortId })) return surveyRefusal(person);
  if (status !== 'open')
    return status === 'closed'
      ? 'This survey has closed.'
      : status === 'cancelled'
        ? 'This survey was cancelled, so there is nothing to answer.'
        : 'This survey is not open yet.';
  const values = typed ?? (await services.surveys.myAnswers(tenantId, person, run._id)) ?? {};
  const cohort = await services.cohorts.byId(tenantId, run.cohortId);
  return {
    name: 'survey-form',
    data: services.surveys.formCardData(run, services.surveys.definitionOf(run), cohort, values, errors),
  };
}

export async function submit(turn: Turn, services: Services, data: Record<string, unknown>): Promise<Reply> {
  const { person, tenantId } = turn;
  const { surveyRunId, ...answers } = data;
  try {
    const outcome = await services.surveys.submit(tenantId, person, str(surveyRunId), answers);
    const run = await services.surveys.run(tenantId, str(surveyRunId));
    const cohort = await services.cohorts.byId(tenantId, run.cohortId);
    return {
      name: 'notice',
      data: {
        title: outcome === 'created' ? 'Thank you: your answers are saved' : 'Your answers are updated',
        message: `You can change them until ${formatLocal(run.closesAt, cohort?.timeZone ?? services.config.DEFAULT_TIME_ZONE)} by typing **surveys**.`,
      },
    };
  } catch (err) {
    if (err instanceof SurveyError && err.code === 'invalid')
      return formCard(turn, services, data, err.fields, answers);
    throw err;
  }
}
