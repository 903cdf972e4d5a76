/**
 * `check in` (and the card's refresh / `checkin.open`): the student's card for a week as it is
 * now: the form, the submitted state, or a line saying why there is nothing to fill in.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { formatDate, localDateOf, placementWeekOf } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_A_STUDENT, studentSetting, weekOpen, type CheckinCore } from './checkin-deps.js';
import { studentWeek } from './checkin-schedule.js';
import { checkinsOpen, PLACEMENT_ENDED } from './late-checkins.js';
import type { StudentCheckinCards } from './student-checkin-cards.js';

export class OpenCheckin {
  constructor(
    private readonly s: CheckinCore,
    private readonly cards: StudentCheckinCards,
  ) {}

  /** `check in`: the current week's card (the form, or the submitted state). */
  async open(tenantId: string, person: PersonDoc, requestedWeek?: unknown): Promise<AdaptiveCard | string> {
    const setting = await studentSetting(this.s, tenantId, person);
    if (!setting) return NOT_A_STUDENT;
    const { cohort, pauses, zone, settings } = setting;
    const now = this.s.clock.now();
    let week: number;
    if (requestedWeek === 'last') {
      // The week before this one; after the placement, its last week.
      const current = placementWeekOf(cohort, now, zone);
      const last = current ? current.week - 1 : localDateOf(now, zone) > cohort.startDate ? cohort.weeks : 0;
      if (last < 1) return 'There was no check-in last week: your placement had not started.';
      week = last;
    } else if (requestedWeek !== undefined) {
      const w = Number(requestedWeek);
      if (!Number.isInteger(w) || !weekOpen(cohort, w, zone, now)) return 'That week has no check-in yet.';
      week = w;
    } else {
      const current = placementWeekOf(cohort, now, zone);
      if (!current) {
        return localDateOf(now, zone) < cohort.startDate
          ? `Your placement starts on ${formatDate(cohort.startDate)}; your first check-in arrives then.`
          : 'Your placement has ended, so there are no more check-ins. Type **my check-ins** to see yours.';
      }
      week = current.week;
    }
    const sw = studentWeek(cohort, settings, week, pauses, zone);
    const existing = await this.s.repo.get(tenantId, person._id, week);
    if (existing) return this.cards.submitted(tenantId, existing, pauses, zone, undefined, cohort);
    if (!checkinsOpen(cohort, zone, now)) return PLACEMENT_ENDED;
    if (!sw.promptAt) {
      return sw.paused
        ? `Your check-ins are paused for week ${week}, so there is nothing to fill in. Take care.`
        : `Week ${week} has no placement days for you, so there is no check-in.`;
    }
    return this.cards.form(cohort, sw, zone, pauses, await this.cards.formExtras(tenantId, person, cohort));
  }

  /** Action.Execute refresh (and `checkin.open`): the card for the current state of that week. */
  refresh(tenantId: string, person: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    return this.open(tenantId, person, (data as { week?: unknown } | null)?.week);
  }
}
