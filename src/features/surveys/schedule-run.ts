/**
 * `run survey`: a lead schedules a run of a survey definition for one of their cohorts, with
 * its open, reminder and close jobs.
 */
import { z } from 'zod';
import { can } from '../../domain/authorization.js';
import {
  endDate,
  localDateOf,
  localInstant,
  placementDaysInWeek,
  placementWeekOfDate,
  weekDates,
  weekStartInstant,
  type CohortCalendar,
} from '../../domain/placement-calendar.js';
import { isoDate, safeText } from '../../domain/validation.js';
import { reminderBefore } from '../../domain/working-hours.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { SurveyDefinition } from './definitions.js';
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
    /** The timing warning the lead chose to keep ("Schedule anyway"), by its key. */
    acknowledged: z
      .string()
      .regex(/^[a-z0-9:-]{1,40}$/)
      .optional(),
  })
  .strict()
  .refine((v) => (v.opensOn === undefined) !== (v.opensWeek === undefined), {
    message: 'Give either an opening date or a placement week',
    path: ['opensOn'],
  });
export type ScheduleInput = z.input<typeof scheduleSchema>;

const OPEN_TIME = '09:00';
const CLOSE_TIME = '17:00';

/** A survey opening at an odd moment for its purpose: the lead is told, and may keep it. */
export interface TimingWarning {
  /** Names this warning (kind and week): a confirmation of one does not pass another. */
  key: string;
  message: string;
}

const KEEP = 'Check the dates, or choose **Schedule anyway** to keep them.';

/**
 * Warns when a start-of-placement survey (the confidence baseline) opens after week 1, or an
 * end-of-placement one (confidence at the end, the evaluation) before the last week. Pure.
 */
export function timingWarning(
  def: Pick<SurveyDefinition, 'purpose'>,
  cal: CohortCalendar,
  opensOn: string,
): TimingWarning | null {
  const position = placementWeekOfDate(cal, opensOn);
  const when = position
    ? `in week ${position.week} of ${cal.weeks}`
    : opensOn > endDate(cal)
      ? 'after the placement has ended'
      : 'before the placement starts';
  const at = position ? `week-${position.week}` : opensOn > endDate(cal) ? 'after' : 'before';
  if (def.purpose === 'confidence-baseline') {
    if (position?.week === 1 || (!position && opensOn < cal.startDate)) return null;
    return {
      key: `start:${at}`,
      message: `This survey is for the start of placement, but it would open ${when}. ${KEEP}`,
    };
  }
  if (def.purpose === 'confidence-end' || def.purpose === 'evaluation') {
    if (opensOn >= weekDates(cal, cal.weeks)[0]!) return null;
    return {
      key: `end:${at}`,
      message:
        `This survey is for the end of placement, but it would open ${when}, ` +
        `before the last week (week ${cal.weeks}). ${KEEP}`,
    };
  }
  return null;
}

/**
 * Schedules a run (lead/admin only). Idempotent on `requestId`: a retried or double-clicked
 * submit returns the run it created the first time. Opens at 09:00 local on the date (or on
 * the first day of the placement week), closes at 17:00 local on the close date; the reminder
 * to non-responders goes at 09:00 on the last working placement day before the close day. A
 * timing warning (timingWarning) stops it until the lead acknowledges that warning.
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
  const warning = timingWarning(def, cohort, localDateOf(opensAt, zone));
  if (warning && v.acknowledged !== warning.key)
    throw new SurveyError(warning.message, 'needs-confirmation', { _warning: warning.key });
  // The reminder goes in working time on a placement day: the last one before the close day.
  const reminderAt = v.remind
    ? reminderBefore(closesAt, opensAt > now ? opensAt : now, { zone, calendar: cohort })
    : null;

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
