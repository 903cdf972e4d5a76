/**
 * `run survey`: a lead schedules a run of a survey definition for one of their cohorts, with
 * its open, reminder and close jobs.
 */
import { z } from 'zod';
import { can } from '../../domain/authorization.js';
import {
  addDays,
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
    /** The weekly pulse only: a run every week, the same weekdays, until the placement ends. */
    repeat: z.enum(['weekly']).optional(),
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
): Promise<{ run: SurveyRunDoc; created: boolean; repeats: SurveyRunDoc[] }> {
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
  const def = await survey.definitionFor(tenantId, v.definitionId);
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

  if (v.repeat === 'weekly' && def.purpose !== 'pulse')
    throw new SurveyError('Please check the highlighted fields.', 'invalid', {
      repeat: 'Only the weekly pulse repeats every week',
    });

  const runFor = (k: number, opens: Date, closes: Date): SurveyRunDoc => ({
    _id: tenantDocId(tenantId, 'srun', k === 0 ? v.requestId : `${v.requestId}-w${k}`),
    tenantId,
    definitionId: def.id,
    definitionVersion: def.version,
    purpose: def.purpose,
    title: def.title,
    cohortId: cohort._id,
    anonymous: v.anonymous,
    opensAt: opens,
    closesAt: closes,
    // The reminder goes in working time on a placement day: the last one before the close day.
    reminderAt: v.remind
      ? reminderBefore(closes, opens > now ? opens : now, { zone, calendar: cohort })
      : null,
    createdBy: actor._id,
    ...(survey.definitions.has(def.id) ? {} : { definition: def }),
    ...(v.repeat ? { repeat: v.repeat, seriesId: tenantDocId(tenantId, 'srun', v.requestId) } : {}),
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  const { run: stored, created } = await storeRun(survey, runFor(0, opensAt, closesAt));
  const repeats: SurveyRunDoc[] = [];
  if (v.repeat === 'weekly') {
    const firstOpen = localDateOf(stored.opensAt, zone);
    const firstClose = localDateOf(stored.closesAt, zone);
    for (let k = 1; addDays(firstOpen, 7 * k) <= endDate(cohort); k++)
      repeats.push(
        (
          await storeRun(
            survey,
            runFor(
              k,
              localInstant(addDays(firstOpen, 7 * k), OPEN_TIME, zone),
              localInstant(addDays(firstClose, 7 * k), CLOSE_TIME, zone),
            ),
          )
        ).run,
      );
  }
  if (created)
    await survey.deps.audit.record(
      tenantId,
      {
        actorId: actor._id,
        action: 'survey.schedule',
        targetId: stored._id,
        details: { definitionId: def.id, anonymous: v.anonymous, repeats: repeats.length },
      },
      now,
    );
  return { run: stored, created, repeats };
}

/** Stores a run (insert-if-absent) and its open, reminder and close jobs; the stored run. */
async function storeRun(
  survey: SurveyService,
  run: SurveyRunDoc,
): Promise<{ run: SurveyRunDoc; created: boolean }> {
  const created = await survey.repo.insertRun(run);
  const stored = created ? run : await survey.run(run.tenantId, run._id);
  // Jobs are insert-if-absent, so scheduling again after a crash between the two is safe.
  const { scheduler } = survey.deps;
  const job = (type: string, runAt: Date) =>
    scheduler.schedule({
      key: `${type}:${stored._id}`,
      type,
      runAt,
      tenantId: stored.tenantId,
      payload: { runId: stored._id },
    });
  await job('survey.open', stored.opensAt);
  if (stored.reminderAt) await job('survey.remind', stored.reminderAt);
  await job('survey.closed', stored.closesAt);
  return { run: stored, created };
}
