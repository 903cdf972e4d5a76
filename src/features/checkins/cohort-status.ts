/** `cohort status`: per running cohort the viewer leads, this week's check-in rate and who is overdue. */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { placementWeekOf } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { hasRole, zoneOf, type CheckinCore } from './checkin-deps.js';
import { checkinSettings, studentWeek } from './checkin-schedule.js';

export class CohortStatus {
  constructor(private readonly s: CheckinCore) {}

  /** The cohorts whose status the viewer may see: the one they lead, or every cohort for an admin. */
  private async cohortsLedBy(tenantId: string, viewer: PersonDoc): Promise<CohortDoc[]> {
    const all = await this.s.cohorts.all(tenantId);
    return all.filter((c) => can(viewer, 'checkin.cohort.status', { cohortId: c._id }));
  }

  async cohortStatus(tenantId: string, viewer: PersonDoc): Promise<AdaptiveCard | string> {
    const cohorts = await this.cohortsLedBy(tenantId, viewer);
    if (cohorts.length === 0) {
      await this.s.audit.record(
        tenantId,
        { actorId: viewer._id, action: 'checkin.status', outcome: 'refused' },
        this.s.clock.now(),
      );
      return hasRole(viewer, 'lead', 'admin')
        ? 'You are not attached to a cohort yet, so there is no check-in status to show. Ask an administrator to add you to the cohort you lead.'
        : 'Only a placement lead can see cohort check-in status.';
    }
    const now = this.s.clock.now();
    const rows = [];
    for (const cohort of cohorts) {
      const current = placementWeekOf(cohort, now);
      if (!current) continue;
      rows.push(await this.weekStatus(tenantId, cohort, current.week, now));
    }
    return this.s.cards.render('cohort-status', { cohorts: rows });
  }

  async weekStatus(tenantId: string, cohort: CohortDoc, week: number, now: Date) {
    const settings = checkinSettings(cohort);
    const students = await this.s.people.inCohort(tenantId, cohort._id, 'student');
    const pauses = await this.s.repo.pausesOfCohort(tenantId, cohort._id);
    const submitted = await this.s.repo.submittedStudentIds(tenantId, cohort._id, week);
    let expected = 0;
    let paused = 0;
    const overdue: string[] = [];
    for (const st of students) {
      const sw = studentWeek(cohort, settings, week, pauses.get(st._id) ?? [], zoneOf(st, cohort));
      if (!sw.promptAt) {
        if (sw.paused) paused++;
        continue;
      }
      expected++;
      if (!submitted.has(st._id) && sw.dueAt && now.getTime() > sw.dueAt.getTime())
        overdue.push(st.displayName);
    }
    const done = students.filter((st) => submitted.has(st._id)).length;
    const rate = expected ? Math.round((100 * Math.min(done, expected)) / expected) : 0;
    return {
      name: cohort.name,
      weekText: `week ${week} of ${cohort.weeks}`,
      rateText: `${done} of ${expected} (${rate}%)`,
      pausedText: String(paused),
      overdueText: overdue.length ? overdue.join(', ') : 'none',
      done,
      expected,
      overdue,
    };
  }
}
