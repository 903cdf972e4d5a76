/** Answering a survey: the runs open to a student, their own answers, and submitting them. */
import { releaseStep } from '../../domain/anonymity.js';
import { can } from '../../domain/authorization.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { AnswerError, validateAnswers } from './definitions.js';
import type { SurveyRunDoc } from './survey-repository.js';
import { SurveyError, surveyRefusal } from './survey-policy.js';
import type { SurveyService } from './survey-service.js';

const when = (survey: SurveyService, instant: Date) =>
  formatLocal(instant, survey.deps.config.DEFAULT_TIME_ZONE);

/** Runs a student can answer now, with whether they already have. */
export async function openRunsFor(
  survey: SurveyService,
  tenantId: string,
  person: PersonDoc,
): Promise<{ run: SurveyRunDoc; answered: boolean }[]> {
  if (!person.cohortId) return [];
  const runs = (await survey.repo.runsForCohort(tenantId, person.cohortId)).filter(
    (r) => survey.status(r) === 'open' && can(person, 'survey.respond', { cohortId: r.cohortId }),
  );
  return Promise.all(
    runs.map(async (run) => ({
      run,
      answered:
        (await survey.repo.responseById(tenantId, survey.responseId(tenantId, run._id, person._id))) !== null,
    })),
  );
}

async function assertCanAnswer(
  survey: SurveyService,
  tenantId: string,
  person: PersonDoc,
  runId: string,
): Promise<SurveyRunDoc> {
  const run = await survey.run(tenantId, runId);
  if (!can(person, 'survey.respond', { cohortId: run.cohortId }))
    throw new SurveyError(surveyRefusal(person), 'forbidden');
  const status = survey.status(run);
  if (status === 'cancelled')
    throw new SurveyError('This survey was cancelled, so it can no longer be answered.', 'closed');
  if (status === 'scheduled')
    throw new SurveyError(`This survey opens ${when(survey, run.opensAt)}.`, 'not-open');
  if (status === 'closed')
    throw new SurveyError(
      `This survey closed ${when(survey, run.closesAt)}; answers can no longer be changed.`,
      'closed',
    );
  return run;
}

/** The person's own current answers (to prefill the form), or null. */
export async function myAnswers(
  survey: SurveyService,
  tenantId: string,
  person: PersonDoc,
  runId: string,
): Promise<Record<string, string> | null> {
  const run = await survey.run(tenantId, runId);
  const doc = await survey.repo.responseById(tenantId, survey.responseId(tenantId, run._id, person._id));
  if (!doc) return null;
  const values: Record<string, string[]> = {};
  for (const item of doc.items) {
    if (item.startsWith('#') || item.startsWith('?')) continue;
    const eq = item.indexOf('=');
    const tilde = item.indexOf('~');
    if (tilde >= 0 && (eq < 0 || tilde < eq)) values[item.slice(0, tilde)] = [item.slice(tilde + 1)];
    else (values[item.slice(0, eq)] ??= []).push(item.slice(eq + 1));
  }
  return Object.fromEntries(Object.entries(values).map(([q, v]) => [q, v.join(',')]));
}

/**
 * Stores the person's answers, replacing any earlier response to the same run. Throws
 * SurveyError with per-question messages for unknown question ids, out-of-range or unknown
 * answers, missing required answers; and for a run that is closed or not yet open.
 */
export async function submitAnswers(
  survey: SurveyService,
  tenantId: string,
  person: PersonDoc,
  runId: string,
  raw: Record<string, unknown>,
): Promise<'created' | 'replaced'> {
  const run = await assertCanAnswer(survey, tenantId, person, runId);
  const def = survey.definitionOf(run);
  let answers;
  try {
    answers = validateAnswers(def, raw);
  } catch (err) {
    if (err instanceof AnswerError)
      throw new SurveyError(`Some answers need another look: ${err.message}`, 'invalid', err.errors);
    throw err;
  }
  const now = survey.deps.clock.now();
  // Anonymous responses: times coarsened to the day so arrival order cannot be matched
  // against delivery or activity logs.
  const stamp = run.anonymous
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
    : now;
  const responseId = survey.responseId(tenantId, run._id, person._id);
  // A first response is counted into its release step (results of an open run move in steps).
  const batch =
    (await survey.repo.responseById(tenantId, responseId)) === null
      ? Math.floor(
          ((await survey.repo.nextResponseNumber(tenantId, run._id)) - 1) / releaseStep(survey.minGroupSize),
        )
      : undefined;
  const outcome = await survey.repo.saveResponse(
    tenantId,
    responseId,
    {
      runId: run._id,
      cohortId: run.cohortId,
      profession: person.profession,
      items: [
        '#',
        ...answers.flatMap((a) => [
          `?${a.q}`,
          ...(a.k ?? []).map((k) => `${a.q}=${k}`),
          ...(a.t !== undefined ? [`${a.q}~${a.t}`] : []),
        ]),
      ],
      updatedAt: stamp,
      ...(run.anonymous ? {} : { respondentId: person._id }),
    },
    stamp,
    batch,
  );
  if (!run.anonymous)
    await survey.deps.audit.record(
      tenantId,
      { actorId: person._id, action: 'survey.respond', targetId: run._id, details: { outcome } },
      now,
    );
  return outcome;
}
