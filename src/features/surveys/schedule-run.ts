/**
 * `run survey`: a lead schedules a run of a survey definition for one of their cohorts, with
 * its open, reminder and close jobs.
 */
import { z } from 'zod';
import { can } from '../../domain/authorization.js';
import {
  localInstant,
  offsetInstant,
  placementDaysInWeek,
  weekStartInstant,
} from '../../domain/placement-calendar.js';
import { isoDate, safeText } from '../../domain/validation.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { SurveyRunDoc } from './survey-repository.js';
import { hasLeadRole, SurveyError } from './survey-policy.js';
import type { SurveyService } from './survey-service.js';

const scheduleSchema = z
  .object({
    requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'Invalid request id'),
    definitionId: safeText(60, { min: 1 }),
    cohortId: safeText(200, { min: 1 }),
    opensOn: isoDate.optional(),
    opensWeek: z.coerce.number().int().min(1).max(52).optional(),
    closesOn: isoDate,
    anonymous: z.boolean(),
    remind: z.boolean(),
  })
  .strict()
  .refine((v) => (v.opensOn === undefined) !== (v.opensWeek === undefined), {
    message: 'Give either an opening date or a placement week',
    path: ['opensOn'],
  });
export type ScheduleInput = z.input<typeof scheduleSchema>;

const OPEN_TIME = '09:00';
const CLOSE_TIME = '17:00';

/**
 * Schedules a run (lead/admin only). Idempotent on `requestId`: a retried or double-clicked
 * submit returns the run it created the first time. Opens at 09:00 local on the date (or on
 * the first day of the placement week), closes at 17:00 local on the close date; the reminder
 * to non-responders goes one day before close.
 */
export async function scheduleRun(
  survey: SurveyService,
  tenantId: string,
  actor: PersonDoc,
  input: unknown,
): Promise<{ run: SurveyRunDoc; created: boolean }> {
  const now = survey.deps.clock.now();
  const requested = (input as { cohortId?: unknown } | null)?.cohortId;
  const cohortId = typeof requested === 'string' && requested.length <= 200 ? requested : null;
  if (!can(actor, 'survey.run.manage', { cohortId })) {
    await survey.deps.audit.record(
      tenantId,
      { actorId: actor._id, action: 'survey.schedule', targetId: cohortId, outcome: 'refused' },
      now,
    );
    throw new SurveyError(
      hasLeadRole(actor)
        ? 'You can only run a survey for a cohort you lead.'
        : 'Only a placement lead or an administrator can run a survey.',
      'forbidden',
    );
  }
  const parsed = scheduleSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.join('.') || '_form'] ??= issue.message;
    throw new SurveyError('Please check the highlighted fields.', 'invalid', fields);
  }
  const v = parsed.data;
  const def = survey.definitions.get(v.definitionId);
  if (!def)
    throw new SurveyError('Please check the highlighted fields.', 'invalid', {
      definitionId: 'Unknown survey',
    });
  const cohort = await survey.deps.cohorts.byId(tenantId, v.cohortId);
  if (!cohort)
    throw new SurveyError('Please check the highlighted fields.', 'invalid', {
      cohortId: 'Unknown cohort',
    });
  const zone = cohort.timeZone;
  let opensAt: Date;
  if (v.opensWeek !== undefined) {
    if (v.opensWeek > cohort.weeks)
      throw new SurveyError('Please check the highlighted fields.', 'invalid', {
        opensWeek: `${cohort.name} has ${cohort.weeks} weeks`,
      });
    const first = placementDaysInWeek(cohort, v.opensWeek)[0];
    opensAt = first
      ? localInstant(first.date, OPEN_TIME, zone)
      : weekStartInstant(cohort, v.opensWeek, OPEN_TIME);
  } else {
    opensAt = localInstant(v.opensOn!, OPEN_TIME, zone);
  }
  const closesAt = localInstant(v.closesOn, CLOSE_TIME, zone);
  if (closesAt <= opensAt)
    throw new SurveyError('Please check the highlighted fields.', 'invalid', {
      closesOn: 'The survey must close after it opens',
    });
  if (closesAt <= now)
    throw new SurveyError('Please check the highlighted fields.', 'invalid', {
      closesOn: 'The close date has already passed',
    });
  const reminder = offsetInstant(closesAt, { days: -1 }, zone);
  const reminderAt = v.remind && reminder > opensAt && reminder > now ? reminder : null;

  const run: SurveyRunDoc = {
    _id: tenantDocId(tenantId, 'srun', v.requestId),
    tenantId,
    definitionId: def.id,
    definitionVersion: def.version,
    purpose: def.purpose,
    title: def.title,
    cohortId: cohort._id,
    anonymous: v.anonymous,
    opensAt,
    closesAt,
    reminderAt,
    createdBy: actor._id,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  const created = await survey.repo.insertRun(run);
  const stored = created ? run : await survey.run(tenantId, run._id);
  // Jobs are insert-if-absent, so scheduling again after a crash between the two is safe.
  const { scheduler } = survey.deps;
  await scheduler.schedule({
    key: `survey.open:${stored._id}`,
    type: 'survey.open',
    runAt: stored.opensAt,
    tenantId,
    payload: { runId: stored._id },
  });
  if (stored.reminderAt)
    await scheduler.schedule({
      key: `survey.remind:${stored._id}`,
      type: 'survey.remind',
      runAt: stored.reminderAt,
      tenantId,
      payload: { runId: stored._id },
    });
  await scheduler.schedule({
    key: `survey.closed:${stored._id}`,
    type: 'survey.closed',
    runAt: stored.closesAt,
    tenantId,
    payload: { runId: stored._id },
  });
  if (created)
    await survey.deps.audit.record(
      tenantId,
      {
        actorId: actor._id,
        action: 'survey.schedule',
        targetId: stored._id,
        details: { definitionId: def.id, anonymous: v.anonymous },
      },
      now,
    );
  return { run: stored, created };
}
