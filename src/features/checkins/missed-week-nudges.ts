/**
 * Nudges after a missed deadline (issue 26, item 3): a student who has not checked in for a
 * week whose due time has passed gets one nudge for that week, in working hours (09:00–17:00
 * local, Monday to Friday, not a bank holiday and, during the placement, a placement day:
 * src/domain/working-hours.ts), while late check-ins are still open.
 * The hourly job sends it; the supervisor's Nudge button (on the supervisor check-in card)
 * asks for the same nudge: whichever comes first, the student gets one, because the outbox
 * key is the (student, week): an insert of a deterministic _id, however often time passes
 * or the button is pressed. A press out of hours queues the nudge for the next working 09:00.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { checkinsCloseAt, checkinTiming } from '../../domain/late-checkins.js';
import {
  endDate,
  formatDate,
  formatLocal,
  lastPlacementDate,
  localDateOf,
  placementWeekOf,
} from '../../domain/placement-calendar.js';
import { nextWorkingTime } from '../../domain/working-hours.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { checkinSettings, studentWeek } from './checkin-schedule.js';
import { zoneOf, type CheckinCore } from './checkin-deps.js';
import type { NudgeState, SupervisorCheckins } from './supervisor-checkins.js';

export const NUDGE_PURPOSE = 'checkin.nudge';

const nudgeKey = (cohortId: string, studentId: string, week: number) =>
  `checkins.nudge|${cohortId}|${studentId}|w${week}`;

type Student = Pick<PersonDoc, '_id' | 'displayName' | 'timeZone' | 'createdAt'>;

export class MissedWeekNudges implements NudgeState {
  constructor(
    private readonly s: CheckinCore,
    private readonly supervisor: SupervisorCheckins,
  ) {}

  /**
   * The week a student can be nudged about now: the latest week whose due time has passed,
   * asked of them (not paused, after they joined), with no check-in, while late check-ins are open.
   */
  private async missedWeek(tenantId: string, student: Student, cohort: CohortDoc, now: Date, week?: number) {
    const zone = zoneOf(student, cohort);
    const pauses = await this.s.repo.pausesOf(tenantId, student._id);
    const settings = checkinSettings(cohort);
    const position = placementWeekOf(cohort, now, zone);
    const last =
      week ?? (position ? position.week : localDateOf(now, zone) > endDate(cohort) ? cohort.weeks : 0);
    for (let w = last; w >= 1 && w >= (week ?? 1); w--) {
      const sw = studentWeek(cohort, settings, w, pauses, zone);
      if (!sw.promptAt || !sw.dueAt) continue;
      if (checkinTiming(now, sw.dueAt, checkinsCloseAt(cohort, zone)) !== 'late') {
        if (week !== undefined) return null;
        continue; // not due yet: look at the week before
      }
      if (sw.promptAt.getTime() < new Date(student.createdAt).getTime()) return null;
      if (await this.s.repo.get(tenantId, student._id, w)) return null;
      return { week: w, sw, zone };
    }
    return null;
  }

  private request(
    cohort: CohortDoc,
    student: Student,
    missed: NonNullable<Awaited<ReturnType<MissedWeekNudges['missedWeek']>>>,
    notBefore: Date,
    from: PersonDoc | null,
  ): EnqueueRequest {
    const due = formatLocal(missed.sw.dueAt!, missed.zone);
    return {
      dedupeKey: nudgeKey(cohort._id, student._id, missed.week),
      purpose: NUDGE_PURPOSE,
      target: { kind: 'person', personId: student._id },
      notBefore,
      activity: this.s.cards.activity(
        'checkin-prompt',
        {
          week: missed.week,
          title: `Your week ${missed.week} check-in is missing`,
          message: `${from ? `${from.displayName} asked me to remind you: your` : 'Your'} week ${missed.week} check-in was due ${due}. You can still send it until your placement ends (${formatDate(lastPlacementDate(cohort))}); it will be marked late, and your supervisor sees it.`,
        },
        `Your week ${missed.week} check-in is missing: you can still send it`,
      ),
    };
  }

  /** The hourly job: one nudge per missed week per student, only in the student's working hours. */
  async runAll(now: Date): Promise<number> {
    let sent = 0;
    for (const cohort of await this.s.cohorts.allTenants()) {
      const today = localDateOf(now, cohort.timeZone);
      if (today < cohort.startDate || now.getTime() >= checkinsCloseAt(cohort, cohort.timeZone).getTime())
        continue;
      const students: Student[] = await this.s.people.studentsOfCohort(cohort.tenantId, cohort._id, [
        'displayName',
        'timeZone',
        'createdAt',
      ]);
      const requests: EnqueueRequest[] = [];
      for (const st of students) {
        // Working time (src/domain/working-hours.ts): 09:00–17:00 on a working placement day.
        if (nextWorkingTime(now, { zone: zoneOf(st, cohort), calendar: cohort }).getTime() !== now.getTime())
          continue;
        const missed = await this.missedWeek(cohort.tenantId, st, cohort, now);
        if (missed) requests.push(this.request(cohort, st, missed, now, null));
      }
      sent += await this.s.outbox.enqueue(cohort.tenantId, requests, now);
    }
    return sent;
  }

  /** When the student was (or will be) nudged about the week, if they were. */
  private nudgedAt(tenantId: string, cohortId: string, studentId: string, week: number) {
    return this.s.outbox.notBeforeOf(tenantId, nudgeKey(cohortId, studentId, week));
  }

  /** For the supervisor card: what it says about a nudge for this week, and whether to offer one. */
  async nudgeState(tenantId: string, student: PersonDoc, cohort: CohortDoc, week: number, now: Date) {
    const missed = await this.missedWeek(tenantId, student, cohort, now, week);
    if (!missed) return { text: '', canNudge: false };
    const at = await this.nudgedAt(tenantId, cohort._id, student._id, week);
    const first = student.displayName.split(' ')[0];
    if (at)
      return {
        text: `${first} ${at.getTime() <= now.getTime() ? 'was nudged' : 'will be nudged'} about week ${week} (${formatLocal(at, missed.zone)}): one nudge a week.`,
        canNudge: false,
      };
    return {
      text: `Nudge ${first} about week ${week}: one reminder, sent in working hours.`,
      canNudge: true,
    };
  }

  /** The supervisor card's Nudge button (`checkin.nudge`). */
  async nudge(tenantId: string, viewer: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const ok = await this.supervisor.authorise(tenantId, viewer, data, 'checkin.nudge');
    if (!ok.ok) return ok.refusal;
    const cohort = ok.student.cohortId ? await this.s.cohorts.byId(tenantId, ok.student.cohortId) : null;
    const now = this.s.clock.now();
    const missed = cohort ? await this.missedWeek(tenantId, ok.student, cohort, now, ok.week) : null;
    const first = ok.student.displayName.split(' ')[0];
    if (!cohort || !missed)
      return this.supervisor.card(
        tenantId,
        viewer,
        ok.student,
        ok.week,
        ok.target,
        `There is nothing to nudge ${first} about for week ${ok.week}.`,
      );
    const at = nextWorkingTime(now, { zone: missed.zone, calendar: cohort });
    const added = await this.s.outbox.enqueue(
      tenantId,
      [this.request(cohort, ok.student, missed, at, viewer)],
      now,
    );
    if (added)
      await this.s.audit.record(
        tenantId,
        {
          actorId: viewer._id,
          action: 'checkin.nudge',
          targetId: ok.student._id,
          details: { week: ok.week },
        },
        now,
      );
    const notice = !added
      ? `${first} has already been nudged about week ${ok.week}: one nudge a week.`
      : at.getTime() > now.getTime()
        ? `${first} will be nudged at ${formatLocal(at, missed.zone)}, in working hours.`
        : `${first} has been nudged about week ${ok.week}.`;
    return this.supervisor.card(tenantId, viewer, ok.student, ok.week, ok.target, notice);
  }
}
