/**
 * Pure planning for weekly check-ins: from a cohort's calendar and check-in settings, each
 * student's pauses and time zone → the instants of their prompts, reminders and due times,
 * and the cohort's supervisor-digest instants. No clock reads, no I/O.
 *
 * Jobs are grouped by instant: one scheduled job per (cohort, week, kind, instant) whatever
 * the number of students, and its handler recomputes at run time who is due at exactly that
 * instant (so a pause added after planning simply drops the student from the job).
 */
import {
  dueInstantForWeek,
  endDate,
  firstPlacementDayInstant,
  localDateOf,
  offsetInstant,
  parseTime,
  supervisionInstant,
  type CohortCalendar,
  type Pause,
} from '../../domain/placement-calendar.js';
import { nextWorkingTime } from '../../domain/working-hours.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';

export interface CheckinSettings {
  /** Local time on the student's first placement day of the week; default 09:00. */
  promptTime: string;
  /** Reminder to non-responders, hours before the due time (then into working time); default 24. */
  reminderHoursBeforeDue: number;
  /** Supervisor digest, hours before the supervision slot; default 2. */
  digestHoursBeforeSupervision: number;
}

export const DEFAULT_CHECKIN_SETTINGS: CheckinSettings = {
  promptTime: '09:00',
  reminderHoursBeforeDue: 24,
  digestHoursBeforeSupervision: 2,
};

/** The cohort's settings with defaults filled; a bad stored value falls back to its default. */
export function checkinSettings(cohort: Pick<CohortDoc, 'checkins'>): CheckinSettings {
  const s = cohort.checkins ?? {};
  const hours = (v: unknown, fallback: number) =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 7 * 24 ? v : fallback;
  let promptTime = DEFAULT_CHECKIN_SETTINGS.promptTime;
  try {
    if (typeof s.promptTime === 'string') promptTime = parseTime(s.promptTime);
  } catch {
    /* default */
  }
  return {
    promptTime,
    reminderHoursBeforeDue: hours(s.reminderHoursBeforeDue, DEFAULT_CHECKIN_SETTINGS.reminderHoursBeforeDue),
    digestHoursBeforeSupervision: hours(
      s.digestHoursBeforeSupervision,
      DEFAULT_CHECKIN_SETTINGS.digestHoursBeforeSupervision,
    ),
  };
}

export interface StudentWeek {
  week: number;
  of: number;
  /** null: no placement day that week for this student (paused, holidays): no prompt. */
  promptAt: Date | null;
  dueAt: Date | null;
  /** null when there is no prompt or the reminder would not come after it. */
  reminderAt: Date | null;
  paused: boolean;
}

/** One student's week: prompt, reminder and due instants in their zone. */
export function studentWeek(
  cal: CohortCalendar,
  settings: CheckinSettings,
  week: number,
  pauses: readonly Pause[],
  zone: string,
): StudentWeek {
  const promptAt = firstPlacementDayInstant(cal, week, settings.promptTime, pauses, zone);
  const dueAt = dueInstantForWeek(cal, week, pauses, zone);
  let reminderAt: Date | null = null;
  if (promptAt && dueAt) {
    const r = offsetInstant(dueAt, { hours: -settings.reminderHoursBeforeDue }, zone);
    // Quiet hours (src/domain/working-hours.ts): an instant outside working time on a placement
    // day moves to the next one; none if that is not before the due time.
    const at = r.getTime() > promptAt.getTime() ? nextWorkingTime(r, { zone, calendar: cal, pauses }) : null;
    if (at && at.getTime() < dueAt.getTime()) reminderAt = at;
  }
  const paused =
    promptAt === null && firstPlacementDayInstant(cal, week, settings.promptTime, [], zone) !== null;
  return { week, of: cal.weeks, promptAt, dueAt, reminderAt, paused };
}

/** When the week's supervisor digest goes out (cohort zone); null when there is no slot that week. */
export function digestInstant(cal: CohortCalendar, settings: CheckinSettings, week: number): Date | null {
  const slot = supervisionInstant(cal, week);
  return slot ? offsetInstant(slot, { hours: -settings.digestHoursBeforeSupervision }, cal.timeZone) : null;
}

/** The instant a student's check-in stops being editable: the week's supervision, else its due time. */
export function lockInstant(
  cal: CohortCalendar,
  week: number,
  pauses: readonly Pause[],
  zone: string,
): Date | null {
  return supervisionInstant(cal, week, zone) ?? dueInstantForWeek(cal, week, pauses, zone);
}

export type CheckinJobKind = 'prompt' | 'reminder' | 'digest';

export interface PlannedJob {
  kind: CheckinJobKind;
  week: number;
  at: Date;
}

export interface PlanStudent {
  id: string;
  timeZone: string | null;
}

/**
 * The distinct (kind, week, instant) jobs a cohort needs in the window: instants up to
 * `horizonEnd`, for weeks whose due time (or supervision slot, for digests) is still ahead of
 * `now` — so a job whose instant passed while the service was down is planned and runs once.
 */
export function planCohort(
  cohort: CohortCalendar & Pick<CohortDoc, 'checkins'>,
  students: readonly PlanStudent[],
  pausesByStudent: ReadonlyMap<string, readonly Pause[]>,
  now: Date,
  horizonEnd: Date,
): PlannedJob[] {
  const settings = checkinSettings(cohort);
  const jobs = new Map<string, PlannedJob>();
  const add = (kind: CheckinJobKind, week: number, at: Date | null) => {
    if (!at || at.getTime() > horizonEnd.getTime()) return;
    jobs.set(`${kind}|${week}|${at.toISOString()}`, { kind, week, at });
  };
  // Outside the placement window entirely: nothing to plan.
  if (localDateOf(horizonEnd, cohort.timeZone) < addDaysIso(cohort.startDate, -7)) return [];
  if (localDateOf(now, cohort.timeZone) > addDaysIso(endDate(cohort), 1)) return [];
  // Students with the same zone and pauses share one computation.
  const cache = new Map<string, StudentWeek[]>();
  for (const student of students) {
    const zone = student.timeZone ?? cohort.timeZone;
    const pauses = pausesByStudent.get(student.id) ?? [];
    const cacheKey = `${zone}|${JSON.stringify(pauses)}`;
    let weeks = cache.get(cacheKey);
    if (!weeks) {
      weeks = Array.from({ length: cohort.weeks }, (_, i) =>
        studentWeek(cohort, settings, i + 1, pauses, zone),
      );
      cache.set(cacheKey, weeks);
    }
    for (const w of weeks) {
      if (!w.dueAt || w.dueAt.getTime() <= now.getTime()) continue;
      add('prompt', w.week, w.promptAt);
      add('reminder', w.week, w.reminderAt);
    }
  }
  if (students.length > 0) {
    for (let week = 1; week <= cohort.weeks; week++) {
      const slot = supervisionInstant(cohort, week);
      if (!slot || slot.getTime() <= now.getTime()) continue;
      add('digest', week, digestInstant(cohort, settings, week));
    }
  }
  return [...jobs.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
}

function addDaysIso(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Job key: unique per cohort, kind, week and instant (insert-if-absent in the scheduler). */
export function checkinJobKey(cohortId: string, job: PlannedJob): string {
  return `checkins.${job.kind}|${cohortId}|w${job.week}|${job.at.toISOString()}`;
}
