/**
 * The supervisor's weekly summary (a scheduled job before the week's supervision): one card per
 * supervisor of the cohort's students, most at risk first, with supervision's follow-ups.
 */
import { byRisk } from '../../domain/digest-risk.js';
import { formatLocal, supervisionInstant } from '../../domain/placement-calendar.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CheckinCore, CheckinDeps } from './checkin-deps.js';
import { checkinSettings, digestInstant } from './checkin-schedule.js';
import type { CheckinDoc } from './checkins-repository.js';
import { digestRow } from './digest-row.js';
import type { JobPayload } from './prompt-planning.js';

export class SupervisorDigest {
  constructor(
    private readonly s: CheckinCore,
    private readonly followUps: CheckinDeps['followUps'],
  ) {}

  /** One digest card per supervisor of the cohort's students, before the week's supervision. */
  async runDigest(tenantId: string, payload: JobPayload, now: Date): Promise<number> {
    const cohort = await this.s.cohorts.byId(tenantId, payload.cohortId);
    if (!cohort || payload.week > cohort.weeks) return 0;
    const settings = checkinSettings(cohort);
    if (digestInstant(cohort, settings, payload.week)?.toISOString() !== payload.at) return 0;
    const week = payload.week;
    const students = await this.s.people.inCohort(tenantId, cohort._id, 'student');
    const byId = new Map(students.map((s) => [s._id, s]));
    const links = await this.s.supervisions.linksOfStudents(tenantId, [...byId.keys()]);
    const pauses = await this.s.repo.pausesOfCohort(tenantId, cohort._id);
    const checkins = await this.s.repo.ofCohort(tenantId, cohort._id, week);
    const byStudent = new Map<string, CheckinDoc[]>();
    for (const c of checkins) byStudent.set(c.studentId, [...(byStudent.get(c.studentId) ?? []), c]);
    const studentsOf = new Map<string, string[]>();
    for (const l of links)
      studentsOf.set(l.supervisorId, [...(studentsOf.get(l.supervisorId) ?? []), l.studentId]);
    const supervisors = await this.s.people.byIds(tenantId, [...studentsOf.keys()]);
    const slot = supervisionInstant(cohort, week)!;
    const followUps = await this.followUps().digest(tenantId, cohort._id, now);
    const previous = week > 1 ? digestInstant(cohort, settings, week - 1) : null;
    const requests: EnqueueRequest[] = [];
    for (const sup of supervisors) {
      const mine = (studentsOf.get(sup._id) ?? [])
        .map((id) => byId.get(id)!)
        .filter(Boolean)
        .sort((a, b) => a.displayName.localeCompare(b.displayName));
      const rows = mine.map((st, i) =>
        digestRow(cohort, settings, st, week, pauses.get(st._id) ?? [], byStudent.get(st._id) ?? [], i, now, {
          since: previous,
          zone: sup.timeZone ?? cohort.timeZone,
        }),
      );
      const expected = rows.filter((r) => !r.paused).length;
      const done = rows.filter((r) => r.submitted).length;
      // Most at risk first (src/domain/digest-risk.ts); idx follows the new order.
      const withFollowUps = rows
        .map(({ paused: _p, risk, ...r }) => {
          const notes = followUps.students.get(r.studentId);
          const escalationText = notes?.escalationText ?? '';
          return {
            row: { ...r, actions: notes?.actions ?? [], escalationText },
            risk: { ...risk, escalated: escalationText !== '' },
          };
        })
        .sort((a, b) => byRisk(a.risk, b.risk))
        .map(({ row }, i) => ({ ...row, idx: String(i) }));
      requests.push({
        dedupeKey: `checkins.digest|${cohort._id}|${sup._id}|w${week}`,
        purpose: 'checkin.digest',
        batchId: `checkins.digest|${cohort._id}|w${week}`,
        target: { kind: 'person', personId: sup._id },
        activity: this.s.cards.activity(
          'checkin-digest',
          {
            week,
            of: cohort.weeks,
            cohortName: cohort.name,
            supervisionText: formatLocal(slot, sup.timeZone ?? cohort.timeZone),
            submittedText: `${done} of ${expected} student${expected === 1 ? ' has' : 's have'} checked in.`,
            students: withFollowUps,
            myActions: followUps.supervisors.get(sup._id) ?? [],
          },
          `Check-in summary for week ${week}: ${done} of ${expected} checked in`,
        ),
      });
    }
    return this.s.outbox.enqueue(tenantId, requests, now);
  }
}
