/**
 * A lead closes an open run now, or cancels a scheduled or open one (`survey.close`,
 * `survey.cancel`, from the runs card, each after a confirmation; policy 'survey.run.close';
 * audited). Closing moves the close time to now: all responses are released (subject to the
 * minimum) and the lead gets the "has closed" message at once. Cancelling stops the run's jobs
 * and any invitation or reminder still waiting in the outbox; its results are not shown.
 */
import { can } from '../../domain/authorization.js';
import type { Turn } from '../../feature-kit/turn.js';
import type { Services } from '../../services.js';
import { hasLeadRole, LEAD_ONLY, SurveyError, type SurveyReply as Reply } from './survey-policy.js';
import { runsCard } from './survey-runs-card.js';

type How = 'close' | 'cancel';

const ASK: Record<How, (title: string) => { heading: string; message: string; button: string }> = {
  close: (title) => ({
    heading: `Close ${title} now?`,
    message:
      'No one can answer or change their answers after this, and the results show every response (for groups of at least the minimum size). This cannot be undone.',
    button: 'Yes, close it now',
  }),
  cancel: (title) => ({
    heading: `Cancel ${title}?`,
    message:
      'Invitations and reminders that have not gone out yet are stopped, no one can answer it, and its results are not shown. This cannot be undone.',
    button: 'Yes, cancel the survey',
  }),
};

export async function endRunCard(
  turn: Turn,
  services: Services,
  data: Record<string, unknown>,
  how: How,
): Promise<Reply> {
  const { person, tenantId } = turn;
  const { surveys, audit, clock } = services;
  const runId = typeof data.surveyRunId === 'string' ? data.surveyRunId : '';
  const run = runId ? await surveys.repo.runById(tenantId, runId) : null;
  const action = how === 'close' ? 'survey.close' : 'survey.cancel';
  if (!can(person, 'survey.run.close', { cohortId: run?.cohortId ?? null })) {
    await audit.record(
      tenantId,
      { actorId: person._id, action, targetId: run?._id ?? null, outcome: 'refused' },
      clock.now(),
    );
    return LEAD_ONLY;
  }
  if (!run) return hasLeadRole(person) ? 'I could not find that survey.' : LEAD_ONLY;
  const status = surveys.status(run);
  if (status === 'cancelled') return `${run.title} was already cancelled.`;
  if (status === 'closed') return `${run.title} has already closed.`;
  if (how === 'close' && status === 'scheduled')
    throw new SurveyError(
      `${run.title} has not opened yet, so there is nothing to close: you can cancel it instead.`,
      'invalid',
    );
  if (data.confirm !== 'yes') {
    const ask = ASK[how](run.title);
    return {
      name: 'survey-run-confirm',
      data: { ...ask, verb: action, runId: run._id },
    };
  }
  const now = clock.now();
  if (!(await surveys.repo.endRun(tenantId, run._id, how, person._id, now)))
    return `${run.title} has already ended.`;
  const { scheduler, outbox } = services;
  if (how === 'cancel') {
    for (const job of ['survey.open', 'survey.remind', 'survey.closed'])
      await scheduler.cancel(`${job}:${run._id}`);
    for (const batch of [`survey.invite:${run._id}`, `survey.remind:${run._id}`])
      for (const item of await outbox.byBatch(tenantId, batch))
        if (item.state === 'pending') await outbox.cancelIfPending(tenantId, item._id, now);
  } else {
    await scheduler.cancel(`survey.remind:${run._id}`);
    await scheduler.cancel(`survey.closed:${run._id}`);
    await surveys.notifyClosed(tenantId, run._id);
  }
  await audit.record(tenantId, { actorId: person._id, action, targetId: run._id }, now);
  return runsCard(turn, services);
}
