/** `my check-ins`: the student's weeks so far, one line each, with a way to catch up on a missed one. */
import type { AdaptiveCard } from '../../cards/cards.js';
import { formatLocal, localDateOf, placementWeekOf } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_A_STUDENT, studentSetting, type CheckinCore } from './checkin-deps.js';
import { studentWeek } from './checkin-schedule.js';
import { checkinsOpen } from './late-checkins.js';

export async function myCheckins(
  s: CheckinCore,
  tenantId: string,
  person: PersonDoc,
): Promise<AdaptiveCard | string> {
  const setting = await studentSetting(s, tenantId, person);
  if (!setting) return NOT_A_STUDENT;
  const { cohort, pauses, zone, settings } = setting;
  const now = s.clock.now();
  const checkins = new Map((await s.repo.ofStudent(tenantId, person._id)).map((c) => [c.week, c]));
  const current = placementWeekOf(cohort, now, zone);
  const lastWeek = current?.week ?? (localDateOf(now, zone) < cohort.startDate ? 0 : cohort.weeks);
  const weeks = [];
  const catchUp: { week: number }[] = [];
  const open = checkinsOpen(cohort, zone, now);
  for (let week = 1; week <= lastWeek; week++) {
    const c = checkins.get(week);
    const sw = studentWeek(cohort, settings, week, pauses, zone);
    let text: string;
    if (c) {
      text = [
        c.late ? 'submitted late' : 'submitted',
        `wellbeing ${c.answers.wellbeing} of 5`,
        c.countersignedBy ? 'countersigned' : null,
        c.comments.length ? `${c.comments.length} comment${c.comments.length > 1 ? 's' : ''}` : null,
      ]
        .filter(Boolean)
        .join(' · ');
    } else if (!sw.promptAt) text = sw.paused ? 'paused' : 'no placement days';
    else if (sw.dueAt && now.getTime() > sw.dueAt.getTime()) {
      if (open) {
        text = 'missed · you can still check in late';
        catchUp.push({ week });
      } else text = 'missed';
    } else text = `not yet · due ${sw.dueAt ? formatLocal(sw.dueAt, zone) : 'end of week'}`;
    weeks.push({ week, text });
  }
  const currentSw = current ? studentWeek(cohort, settings, current.week, pauses, zone) : null;
  return s.cards.render('my-checkins', {
    subtitle: `${cohort.name} · ${current ? `week ${current.week} of ${cohort.weeks}` : lastWeek === 0 ? 'not started yet' : 'placement ended'}`,
    weeks,
    canCheckIn: !!currentSw?.promptAt,
    currentWeek: current?.week ?? 0,
    // A missed week offers a way to catch up, until the placement ends.
    catchUp: catchUp.filter((c) => c.week !== current?.week),
  });
}
