/**
 * A student's check-in state this week, for a supervisor's on-demand view (`my students`):
 * the week, whether it is submitted, due, overdue, paused, and the wellbeing answered.
 */
import { formatLocal, placementWeekOf, type Pause } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { zoneOf, type CheckinCore } from './checkin-deps.js';
import { checkinSettings, studentWeek, type StudentWeek } from './checkin-schedule.js';
import type { CheckinWeekState } from './ports.js';

/** A student's week (prompt, due and whether paused), for supervision's escalation job. */
export function studentWeekOf(
  cohort: CohortDoc,
  student: Pick<PersonDoc, 'timeZone'>,
  week: number,
  pauses: Pause[],
  zone = zoneOf(student, cohort),
): StudentWeek {
  return studentWeek(cohort, checkinSettings(cohort), week, pauses, zone);
}

export async function weekStateOf(
  s: CheckinCore,
  tenantId: string,
  student: PersonDoc,
  now: Date,
): Promise<CheckinWeekState | null> {
  if (!student.cohortId) return null;
  const cohort = await s.cohorts.byId(tenantId, student.cohortId);
  if (!cohort) return null;
  const zone = zoneOf(student, cohort);
  const current = placementWeekOf(cohort, now, zone);
  if (!current)
    return { cohort, week: null, state: 'no-placement', text: 'Not on placement this week', wellbeing: null };
  const pauses = await s.repo.pausesOf(tenantId, student._id);
  const sw = studentWeek(cohort, checkinSettings(cohort), current.week, pauses, zone);
  const checkin = await s.repo.get(tenantId, student._id, current.week);
  const week = current.week;
  if (checkin)
    return {
      cohort,
      week,
      state: 'submitted',
      text: `Checked in${checkin.late ? ' late' : ''} (wellbeing ${checkin.answers.wellbeing} of 5)`,
      wellbeing: checkin.answers.wellbeing,
    };
  if (!sw.promptAt)
    return {
      cohort,
      week,
      state: 'no-placement',
      text: sw.paused ? 'Check-ins paused this week' : 'No placement days this week',
      wellbeing: null,
    };
  const overdue = !!sw.dueAt && now.getTime() > sw.dueAt.getTime();
  return {
    cohort,
    week,
    state: overdue ? 'overdue' : 'due',
    text: overdue
      ? `Not checked in (was due ${formatLocal(sw.dueAt!, zone)})`
      : `Not checked in yet (due ${sw.dueAt ? formatLocal(sw.dueAt, zone) : 'end of the week'})`,
    wellbeing: null,
  };
}
