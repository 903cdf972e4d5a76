/**
 * Late check-ins (issue 26, item 4): a missed week can still be sent until the placement ends
 * (src/domain/late-checkins.ts), it is marked late everywhere, the form's wording is true for
 * the moment it is shown, and the student's supervisors are told when a late one arrives (the
 * summary for that week has usually gone already). Once per check-in: the outbox key is
 * derived from it, so an edit or a double click tells nobody twice.
 */
import { checkinsCloseAt, checkinTiming, editable } from '../../domain/late-checkins.js';
import { formatDate, formatLocal, lastPlacementDate, type Pause } from '../../domain/placement-calendar.js';
import type { CheckinCore } from './checkin-deps.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { lockInstant, type StudentWeek } from './checkin-schedule.js';
import { checkinId, type CheckinDoc } from './checkins-repository.js';

export type LateCheckinDeps = Pick<
  CheckinCore,
  'clock' | 'cards' | 'people' | 'cohorts' | 'supervisions' | 'outbox'
>;

export const LATE_PURPOSE = 'checkin.late';

/** Whether the student can still send a check-in for a week of this cohort (before it ends). */
export function checkinsOpen(cohort: CohortDoc, zone: string, now: Date): boolean {
  return now.getTime() < checkinsCloseAt(cohort, zone).getTime();
}

export const PLACEMENT_ENDED =
  'Your placement has ended, so check-ins are closed. Type **my check-ins** to see yours.';

/** The form's line under its title, true for `now`. */
export function formIntro(
  cohort: CohortDoc,
  sw: StudentWeek,
  pauses: readonly Pause[],
  zone: string,
  now: Date,
): string {
  const due = sw.dueAt ? formatLocal(sw.dueAt, zone) : 'the end of the week';
  const timing = checkinTiming(now, sw.dueAt, checkinsCloseAt(cohort, zone));
  const lock = lockInstant(cohort, sw.week, pauses, zone);
  if (timing === 'on-time')
    return `Due ${due}. Your answers go to your supervisor before supervision; you can edit them until then.`;
  if (editable(now, lock))
    return `This check-in was due ${due}: send it now and it is marked late. You can edit it until supervision starts (${formatLocal(lock!, zone)}).`;
  return `This check-in was due ${due}, so it will be marked late. You can still send it until your placement ends (${formatDate(lastPlacementDate(cohort))}); your supervisor is told when it arrives. Once sent, it cannot be changed.`;
}

export class LateCheckinNotices {
  constructor(private readonly s: LateCheckinDeps) {}

  /** The check-in listener (a CheckinSavedHook): tells the supervisors; returns the student's line. */
  readonly onSaved = async (tenantId: string, checkin: CheckinDoc): Promise<string | null> => {
    if (!checkin.late) return null;
    const [student, cohort, supervisorIds] = await Promise.all([
      this.s.people.byId(tenantId, checkin.studentId),
      this.s.cohorts.byId(tenantId, checkin.cohortId),
      this.s.supervisions.supervisorIdsOf(tenantId, checkin.studentId),
    ]);
    if (!student || !cohort) return null;
    const supervisors = await this.s.people.byIds(tenantId, supervisorIds);
    const id = checkinId(tenantId, checkin.studentId, checkin.week);
    const now = this.s.clock.now();
    await this.s.outbox.enqueue(
      tenantId,
      supervisors.map((sup) => ({
        dedupeKey: `checkins.late|${id}|${sup._id}`,
        purpose: LATE_PURPOSE,
        target: { kind: 'person' as const, personId: sup._id },
        activity: this.s.cards.activity(
          'checkin-late',
          {
            title: `${student.displayName} checked in late for week ${checkin.week}`,
            message: `${student.displayName}'s week ${checkin.week} check-in arrived ${formatLocal(new Date(checkin.submittedAt), sup.timeZone ?? cohort.timeZone)}, after it was due${checkin.dueAt ? ` (${formatLocal(new Date(checkin.dueAt), sup.timeZone ?? cohort.timeZone)})` : ''}. It is marked late.`,
            studentId: student._id,
            week: checkin.week,
          },
          `${student.displayName} checked in late for week ${checkin.week}`,
        ),
      })),
      now,
    );
    const names = supervisors.map((s) => s.displayName);
    return names.length
      ? `It is marked late, and ${names.join(' and ')} (your supervisor${names.length > 1 ? 's' : ''}) ${names.length > 1 ? 'have' : 'has'} been told it arrived.`
      : 'It is marked late.';
  };
}
