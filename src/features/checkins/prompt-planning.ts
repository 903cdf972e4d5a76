/**
 * Scheduled prompts and reminders: the recurring planner schedules each cohort's coming
 * prompt / reminder / digest jobs (checkin-schedule.ts), and the prompt and reminder jobs
 * send the week's small card to the students due at exactly that instant.
 */
import { formatLocal } from '../../domain/placement-calendar.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { zoneOf, type CheckinCore } from './checkin-deps.js';
import {
  checkinJobKey,
  checkinSettings,
  planCohort,
  studentWeek,
  type CheckinJobKind,
  type StudentWeek,
} from './checkin-schedule.js';
import type { CohortPlanner } from './ports.js';

export const CHECKIN_JOB_TYPES: Record<CheckinJobKind, string> = {
  prompt: 'checkins.prompt',
  reminder: 'checkins.reminder',
  digest: 'checkins.digest',
};

const DAY_MS = 24 * 60 * 60 * 1000;
export const PLAN_HORIZON_MS = 8 * DAY_MS;

export interface JobPayload {
  cohortId: string;
  week: number;
  at: string;
}

export class PromptPlanning implements CohortPlanner {
  constructor(private readonly s: CheckinCore) {}

  /** The recurring planner: schedules the coming prompt / reminder / digest jobs of every cohort. */
  async planAll(now: Date): Promise<number> {
    let scheduled = 0;
    for (const cohort of await this.s.cohorts.allTenants()) scheduled += await this.planOne(cohort, now);
    return scheduled;
  }

  /** The cohort's students, only the fields planning needs (a lean read of a large cohort). */
  private studentsOf(tenantId: string, cohortId: string) {
    return this.s.people.studentsOfCohort(tenantId, cohortId, ['timeZone', 'displayName']);
  }

  async planOne(cohort: CohortDoc, now: Date): Promise<number> {
    const tenantId = cohort.tenantId;
    const students = await this.studentsOf(tenantId, cohort._id);
    const pauses = await this.s.repo.pausesOfCohort(tenantId, cohort._id);
    const jobs = planCohort(
      cohort,
      students.map((s) => ({ id: s._id, timeZone: s.timeZone })),
      pauses,
      now,
      new Date(now.getTime() + PLAN_HORIZON_MS),
    );
    let scheduled = 0;
    for (const job of jobs) {
      const payload: JobPayload = { cohortId: cohort._id, week: job.week, at: job.at.toISOString() };
      if (
        await this.s.scheduler.schedule({
          key: checkinJobKey(cohort._id, job),
          type: CHECKIN_JOB_TYPES[job.kind],
          runAt: job.at,
          tenantId,
          payload: payload as unknown as Record<string, unknown>,
        })
      )
        scheduled++;
    }
    return scheduled;
  }

  /**
   * Prompts or reminders due at exactly `at` for a cohort week. Recomputed now: students
   * paused since planning, or whose instant moved, are not in this job. Reminders go only to
   * students who have not submitted. One outbox item per student, deduplicated per week.
   */
  async runStudentJob(
    kind: 'prompt' | 'reminder',
    tenantId: string,
    payload: JobPayload,
    now: Date,
  ): Promise<number> {
    const cohort = await this.s.cohorts.byId(tenantId, payload.cohortId);
    if (!cohort || payload.week > cohort.weeks) return 0;
    const settings = checkinSettings(cohort);
    const students = await this.studentsOf(tenantId, cohort._id);
    const pauses = await this.s.repo.pausesOfCohort(tenantId, cohort._id);
    const submitted =
      kind === 'reminder'
        ? await this.s.repo.submittedStudentIds(tenantId, cohort._id, payload.week)
        : new Set<string>();
    const weekCache = new Map<string, StudentWeek>();
    const cardCache = new Map<string, Record<string, unknown>>();
    const requests: EnqueueRequest[] = [];
    for (const st of students) {
      const zone = zoneOf(st, cohort);
      const p = pauses.get(st._id) ?? [];
      const cacheKey = `${zone}|${JSON.stringify(p)}`;
      let sw = weekCache.get(cacheKey);
      if (!sw) weekCache.set(cacheKey, (sw = studentWeek(cohort, settings, payload.week, p, zone)));
      const instant = kind === 'prompt' ? sw.promptAt : sw.reminderAt;
      if (instant?.toISOString() !== payload.at || submitted.has(st._id)) continue;
      const dueText = sw.dueAt ? formatLocal(sw.dueAt, zone) : 'end of the week';
      let activity = cardCache.get(dueText);
      if (!activity) {
        // A small card (cheap to store once per student in the outbox); Teams refreshes it
        // into the full form (Universal Actions refresh) and the button opens it.
        activity = this.s.cards.activity(
          'checkin-prompt',
          {
            week: sw.week,
            title:
              kind === 'prompt'
                ? `Week ${sw.week} of ${sw.of}: time for your check-in`
                : `Reminder: your week ${sw.week} check-in is due ${dueText}`,
            message:
              kind === 'prompt'
                ? `Due ${dueText}. It takes about five minutes; your supervisor sees it before supervision.`
                : 'You have not checked in yet this week. Your supervisor sees your answers before supervision.',
          },
          kind === 'prompt'
            ? `Your week ${sw.week} check-in is ready`
            : `Reminder: week ${sw.week} check-in due ${dueText}`,
        );
        cardCache.set(dueText, activity);
      }
      requests.push({
        dedupeKey: `checkins.${kind}|${cohort._id}|${st._id}|w${payload.week}`,
        purpose: `checkin.${kind}`,
        batchId: `checkins.${kind}|${cohort._id}|w${payload.week}`,
        target: { kind: 'person', personId: st._id },
        activity,
      });
    }
    return this.s.outbox.enqueue(tenantId, requests, now);
  }
}
