/** The cohort calendars and small helpers the placement-calendar tests share. */
import {
  createCohortCalendar,
  parseSupervision,
  type CohortCalendar,
  type Pause,
} from '../../src/domain/placement-calendar.js';

export const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
export const at = (s: string): Date => new Date(s);

/**
 * 6 weeks from Mon 20 Oct 2025: the clocks go back (BST -> GMT) on Sun 26 Oct, at the end
 * of week 1. Wed 5 Nov is a study day; the student is off sick all of week 4.
 */
export const autumn: CohortCalendar = createCohortCalendar({
  startDate: '2025-10-20',
  weeks: 6,
  clinicalDays: ['Mon', 'Tue'],
  leadershipDays: ['Wed', 'Thu', 'Fri'],
  nonPlacementDates: ['2025-11-05'],
  supervision: { weekday: 'Thu', time: '14:00' },
});
export const sickWeek4: Pause[] = [{ from: '2025-11-10', to: '2025-11-14', reason: 'sickness' }];

/** 5 weeks from Mon 24 Mar 2025: clocks go forward (GMT -> BST) on Sun 30 Mar; Easter in weeks 4-5. */
export const spring: CohortCalendar = createCohortCalendar({
  startDate: '2025-03-24',
  weeks: 5,
  leadershipDays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
  supervision: parseSupervision('Thu 14:00'),
  timeZone: 'Europe/London',
});
