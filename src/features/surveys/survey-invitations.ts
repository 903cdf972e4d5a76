/** The surveys' jobs: invitations when a run opens, the reminder, and "results are ready" at close. */
import { formCardData } from './survey-form-card.js';
import type { SurveyService } from './survey-service.js';

/** Job: invite every student of the cohort (dedupe per run and person). */
export async function sendInvitations(
  survey: SurveyService,
  tenantId: string,
  runId: string,
  kind: 'invite' | 'remind',
): Promise<number> {
  const run = await survey.run(tenantId, runId);
  if (survey.status(run) !== 'open') return 0;
  const cohort = await survey.deps.cohorts.byId(tenantId, run.cohortId);
  let students = await survey.deps.people.inCohort(tenantId, run.cohortId, 'student');
  if (kind === 'remind') {
    const ids = new Map(students.map((s) => [survey.responseId(tenantId, run._id, s._id), s]));
    const answered = await survey.repo.existingResponseIds(tenantId, [...ids.keys()]);
    students = [...ids].filter(([id]) => !answered.has(id)).map(([, s]) => s);
  }
  const def = survey.definitionOf(run);
  const now = survey.deps.clock.now();
  const activity = survey.deps.cards.activity(
    'survey-form',
    formCardData(
      survey,
      run,
      def,
      cohort,
      {},
      {},
      kind === 'remind' ? 'Reminder: this survey closes soon.' : '',
    ),
    kind === 'remind' ? `Reminder: ${run.title}` : `New survey: ${run.title}`,
  );
  return survey.deps.outbox.enqueue(
    tenantId,
    students.map((s) => ({
      dedupeKey: `survey.${kind}:${run._id}:${s._id}`,
      purpose: `survey.${kind}`,
      batchId: `survey.${kind}:${run._id}`,
      target: { kind: 'person' as const, personId: s._id },
      activity,
    })),
    now,
  );
}

/** Job: tell the lead who scheduled the run that results are ready. */
export async function notifyClosed(survey: SurveyService, tenantId: string, runId: string): Promise<void> {
  const run = await survey.run(tenantId, runId);
  if (survey.status(run) === 'cancelled') return;
  // Comments held back from the shared results are flagged here, privately, without their words.
  const held = (await survey.results(tenantId, run._id)).heldBack;
  const message =
    held > 0
      ? `${held === 1 ? '1 comment was' : `${held} comments were`} held back from the shared results because ${held === 1 ? 'it names' : 'they name'} someone or may describe a safety concern; only you can read ${held === 1 ? 'it' : 'them'}, from the results card. Type **surveys** to see the results.`
      : 'Type **surveys** to see the results.';
  await survey.deps.outbox.enqueue(
    tenantId,
    [
      {
        dedupeKey: `survey.closed:${run._id}`,
        purpose: 'survey.closed',
        target: { kind: 'person', personId: run.createdBy },
        activity: survey.deps.cards.activity(
          'notice',
          { title: `${run.title} has closed`, message },
          `${run.title} has closed`,
        ),
      },
    ],
    survey.deps.clock.now(),
  );
}
