/** `run survey`: the schedule form and its submit. */
import { randomUUID } from 'node:crypto';
import { currentCohortFirst } from '../../domain/current-cohort.js';
import { endDate, formatDate, formatLocal } from '../../domain/placement-calendar.js';
import type { Turn } from '../../feature-kit/turn.js';
import type { Services } from '../../services.js';
import {
  hasLeadRole,
  LEAD_ONLY,
  OWN_COHORT_ONLY,
  SurveyError,
  type SurveyReply as Reply,
} from './survey-policy.js';
import { managedCohorts } from './survey-runs-card.js';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

export async function scheduleCard(
  turn: Turn,
  services: Services,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  /** A timing warning to show, with "Schedule anyway" acknowledging it (see timingWarning). */
  warning: { key: string; message: string } | null = null,
): Promise<Reply> {
  const { person, tenantId } = turn;
  const cohorts = await managedCohorts(services, tenantId, person);
  if (cohorts.length === 0) {
    if (!hasLeadRole(person)) return LEAD_ONLY;
    return (await services.cohorts.all(tenantId)).length === 0
      ? 'There are no cohorts yet. Import a roster first.'
      : OWN_COHORT_ONLY;
  }
  // The lead's current cohort (running, else next, else latest ended) first and chosen by default.
  const ordered = currentCohortFirst(cohorts, services.clock.now());
  const cohortId = str(values.cohortId) || ordered[0]!._id;
  const maxWeeks = Math.max(...cohorts.map((c) => c.weeks));
  const fields = ['definitionId', 'cohortId', 'opensOn', 'opensWeek', 'closesOn', 'repeat'];
  return {
    name: 'survey-schedule',
    data: {
      formError:
        errors._form ?? (Object.keys(errors).length > 0 ? 'Please check the highlighted fields.' : ''),
      requestId: str(values.requestId) || randomUUID(),
      warning: warning?.message ?? '',
      acknowledged: warning?.key ?? '',
      submitTitle: warning ? 'Schedule anyway' : 'Schedule survey',
      definitionId: str(values.definitionId) || 'confidence-baseline',
      definitions: [
        ...[...services.surveys.definitions.values()].map((d) => ({ title: d.title, value: d.id })),
        ...(await services.surveys.repo.templatesOf(tenantId)).map((t) => ({
          title: `${t.definition.title} (your trust's own)`,
          value: t._id,
        })),
      ],
      cohortId,
      cohorts: ordered.map((c) => ({
        title: `${c.name} (starts ${formatDate(c.startDate)}, ${c.weeks} weeks)`,
        value: c._id,
      })),
      opensOn: str(values.opensOn),
      opensWeek: str(values.opensWeek) || 'date',
      weeks: [
        { title: 'Use the date above', value: 'date' },
        ...Array.from({ length: maxWeeks }, (_, i) => ({ title: `Week ${i + 1}`, value: String(i + 1) })),
      ],
      closesOn: str(values.closesOn),
      anonymous: str(values.anonymous) || 'true',
      remind: str(values.remind) || 'true',
      repeat: str(values.repeat) === 'weekly' ? 'weekly' : 'once',
      errors: Object.fromEntries(fields.map((f) => [f, errors[f] ?? ''])),
    },
  };
}

export async function schedule(
  turn: Turn,
  services: Services,
  data: Record<string, unknown>,
): Promise<Reply> {
  const { person, tenantId } = turn;
  const week = str(data.opensWeek);
  const input = {
    requestId: data.requestId,
    definitionId: data.definitionId,
    cohortId: data.cohortId,
    ...(week && week !== 'date' ? { opensWeek: week } : str(data.opensOn) ? { opensOn: data.opensOn } : {}),
    closesOn: data.closesOn,
    anonymous: data.anonymous === true || data.anonymous === 'true',
    remind: data.remind === true || data.remind === 'true',
    ...(data.repeat === 'weekly' ? { repeat: 'weekly' } : {}),
    ...(str(data.acknowledged) ? { acknowledged: data.acknowledged } : {}),
  };
  try {
    const { run, repeats } = await services.surveys.scheduleRun(tenantId, person, input);
    const cohort = await services.cohorts.byId(tenantId, run.cohortId);
    const zone = cohort?.timeZone ?? services.config.DEFAULT_TIME_ZONE;
    return {
      name: 'notice',
      data: {
        title: `${run.title} scheduled`,
        message:
          `For ${cohort?.name ?? 'the cohort'}: opens ${formatLocal(run.opensAt, zone)}, closes ${formatLocal(run.closesAt, zone)}` +
          `${run.anonymous ? ', anonymous' : ', named'}` +
          `${run.reminderAt ? `; a reminder goes to anyone who has not answered on ${formatLocal(run.reminderAt, zone)}` : ''}.` +
          (repeats.length > 0
            ? ` It repeats every week until the placement ends on ${formatDate(endDate(cohort!))}: ${repeats.length + 1} weekly surveys in all, the last closing ${formatLocal(repeats.at(-1)!.closesAt, zone)}. You can cancel any of them under **surveys**.`
            : ''),
      },
    };
  } catch (err) {
    if (err instanceof SurveyError && err.code === 'needs-confirmation')
      return scheduleCard(turn, services, data, {}, { key: err.fields._warning ?? '', message: err.message });
    if (err instanceof SurveyError && err.code === 'invalid') {
      const errors = { ...err.fields };
      if (errors.requestId) errors._form = 'This form has expired: type **run survey** again.';
      return scheduleCard(turn, services, data, errors);
    }
    throw err;
  }
}
