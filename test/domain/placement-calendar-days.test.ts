import assert from 'node:assert/strict';
import { fixture } from '../admin/fixtures.js';
import {
  assertPause,
  createCohortCalendar,
  dayKind,
  dueInstantForWeek,
  endDate,
  firstPlacementDayInstant,
  formatLocal,
  isBankHoliday,
  isPlacementDay,
  isValidTimeZone,
  isWeekPaused,
  localInstant,
  offsetInstant,
  parseSupervision,
  parseWeekdays,
  placementDaysInWeek,
  placementSchedule,
  placementWeekOf,
  supervisionInstant,
  weekdayInstant,
  weekStartInstant,
  type Pause,
} from '../../src/domain/placement-calendar.js';
import { iso, at, autumn, sickWeek4, spring } from './placement-calendar-fixtures.js';

describe('placement-calendar', () => {
  describe('dayKind', () => {
    it('classifies every kind of day in the autumn cohort', () => {
      assert.equal(dayKind(autumn, '2025-10-19'), 'outside');
      assert.equal(dayKind(autumn, '2025-12-01'), 'outside');
      assert.equal(dayKind(autumn, '2025-10-20'), 'clinical');
      assert.equal(dayKind(autumn, '2025-10-21'), 'clinical');
      assert.equal(dayKind(autumn, '2025-10-22'), 'leadership');
      assert.equal(dayKind(autumn, '2025-10-24'), 'leadership');
      assert.equal(dayKind(autumn, '2025-10-25'), 'weekend-or-off');
      assert.equal(dayKind(autumn, '2025-10-26'), 'weekend-or-off');
      assert.equal(dayKind(autumn, '2025-11-05'), 'non-placement');
      assert.equal(dayKind(autumn, '2025-11-12'), 'leadership', 'without pauses');
      assert.equal(dayKind(autumn, '2025-11-12', sickWeek4), 'paused');
      assert.equal(dayKind(autumn, '2025-11-10', sickWeek4), 'paused', 'pause start is inclusive');
      assert.equal(dayKind(autumn, '2025-11-14', sickWeek4), 'paused', 'pause end is inclusive');
      assert.equal(dayKind(autumn, '2025-11-17', sickWeek4), 'clinical');
    });

    it('reports bank holidays on placement weekdays, before non-placement dates and pauses', () => {
      assert.equal(dayKind(spring, '2025-04-18'), 'bank-holiday');
      assert.equal(dayKind(spring, '2025-04-21', [{ from: '2025-04-21', to: '2025-04-21' }]), 'bank-holiday');
      const withStudyDay = { ...spring, nonPlacementDates: ['2025-04-18', '2025-04-17'] };
      assert.equal(dayKind(withStudyDay, '2025-04-18'), 'bank-holiday');
      assert.equal(
        dayKind(withStudyDay, '2025-04-17', [{ from: '2025-04-17', to: '2025-04-17' }]),
        'non-placement',
      );
    });

    it('treats a bank holiday on a non-placement weekday as weekend-or-off', () => {
      const weekendWorkers = createCohortCalendar({
        startDate: '2026-12-21',
        weeks: 1,
        leadershipDays: ['Mon', 'Tue'],
      });
      assert.equal(dayKind(weekendWorkers, '2026-12-26'), 'weekend-or-off'); // Boxing Day on a Saturday
      assert.equal(dayKind(weekendWorkers, '2026-12-24'), 'weekend-or-off'); // Thursday, not a placement day
    });

    it('isPlacementDay is true only for clinical and leadership days', () => {
      assert.equal(isPlacementDay(autumn, '2025-10-20'), true);
      assert.equal(isPlacementDay(autumn, '2025-10-24'), true);
      assert.equal(isPlacementDay(autumn, '2025-10-25'), false);
      assert.equal(isPlacementDay(autumn, '2025-11-05'), false);
      assert.equal(isPlacementDay(autumn, '2025-11-12', sickWeek4), false);
      assert.equal(isPlacementDay(spring, '2025-04-18'), false);
      assert.equal(isPlacementDay(autumn, '2025-12-01'), false);
    });
  });

  describe('placement days per week and pauses', () => {
    it('validates pauses', () => {
      assert.deepEqual(assertPause(sickWeek4[0]!), sickWeek4[0]);
      assert.doesNotThrow(() => assertPause({ from: '2025-11-10', to: '2025-11-10' }));
      assert.throws(
        () => assertPause({ from: '2025-11-10', to: '2025-11-09' }),
        /ends \(2025-11-09\) before/,
      );
      assert.throws(() => assertPause({ from: '10/11/2025', to: '2025-11-12' }), /Invalid pause start/);
    });

    it('lists the placement days of a week with their kind', () => {
      assert.deepEqual(placementDaysInWeek(autumn, 1), [
        { date: '2025-10-20', kind: 'clinical' },
        { date: '2025-10-21', kind: 'clinical' },
        { date: '2025-10-22', kind: 'leadership' },
        { date: '2025-10-23', kind: 'leadership' },
        { date: '2025-10-24', kind: 'leadership' },
      ]);
      assert.deepEqual(
        placementDaysInWeek(autumn, 3).map((d) => d.date),
        ['2025-11-03', '2025-11-04', '2025-11-06', '2025-11-07'],
        'study day on Wed 5 Nov removed',
      );
      assert.deepEqual(placementDaysInWeek(autumn, 4, sickWeek4), []);
      assert.equal(placementDaysInWeek(spring, 4).length, 4, 'Good Friday removed');
      assert.equal(placementDaysInWeek(spring, 5).length, 4, 'Easter Monday removed');
    });

    it('isWeekPaused is true only when pauses remove every placement day of the week', () => {
      assert.equal(isWeekPaused(autumn, 4, sickWeek4), true);
      assert.equal(isWeekPaused(autumn, 3, sickWeek4), false);
      assert.equal(isWeekPaused(autumn, 4), false);
      const monToWed: Pause[] = [{ from: '2025-11-10', to: '2025-11-12' }];
      assert.equal(isWeekPaused(autumn, 4, monToWed), false);
      // A pause spanning weeks 2-3 pauses both, and a weekend-only pause pauses nothing.
      const longPause: Pause[] = [{ from: '2025-10-27', to: '2025-11-09' }];
      assert.equal(isWeekPaused(autumn, 2, longPause), true);
      assert.equal(isWeekPaused(autumn, 3, longPause), true);
      assert.equal(isWeekPaused(autumn, 1, [{ from: '2025-10-25', to: '2025-10-26' }]), false);
      // Pauses over weeks that are already all holidays are not "paused" weeks.
      const christmas = createCohortCalendar({
        startDate: '2025-12-25',
        weeks: 1,
        leadershipDays: ['Thu', 'Fri'],
      });
      assert.equal(isWeekPaused(christmas, 1, [{ from: '2025-12-25', to: '2025-12-31' }]), false);
      assert.deepEqual(placementDaysInWeek(christmas, 1), []);
    });
  });

  describe('instants', () => {
    it('converts local wall-clock times across BST <-> GMT', () => {
      assert.equal(iso(localInstant('2025-10-23', '14:00', 'Europe/London')), '2025-10-23T13:00:00.000Z');
      assert.equal(iso(localInstant('2025-10-30', '14:00', 'Europe/London')), '2025-10-30T14:00:00.000Z');
      assert.equal(iso(localInstant('2025-03-27', '14:00', 'Europe/London')), '2025-03-27T14:00:00.000Z');
      assert.equal(iso(localInstant('2025-04-03', '14:00', 'Europe/London')), '2025-04-03T13:00:00.000Z');
      assert.equal(iso(localInstant('2025-10-30', '14:00', 'America/New_York')), '2025-10-30T18:00:00.000Z');
      assert.equal(iso(localInstant('2025-10-30', '14:00', 'UTC')), '2025-10-30T14:00:00.000Z');
    });

    it('resolves skipped and repeated times at the clock changes predictably', () => {
      // 01:30 does not exist on 30 Mar 2025 in London: moves forward to 02:30 BST.
      assert.equal(iso(localInstant('2025-03-30', '01:30', 'Europe/London')), '2025-03-30T01:30:00.000Z');
      // 01:30 happens twice on 26 Oct 2025: the second (GMT) occurrence.
      assert.equal(iso(localInstant('2025-10-26', '01:30', 'Europe/London')), '2025-10-26T01:30:00.000Z');
    });

    it('gives the same instant when asked again, as a fresh Date a caller may change', () => {
      const first = localInstant('2025-10-23', '14:00', 'Europe/London');
      first.setUTCFullYear(1990);
      assert.equal(iso(localInstant('2025-10-23', '14:00', 'Europe/London')), '2025-10-23T13:00:00.000Z');
      assert.notEqual(
        localInstant('2025-10-23', '14:00', 'Europe/London'),
        localInstant('2025-10-23', '14:00', 'Europe/London'),
      );
      // A refused zone stays refused when asked twice (nothing bad is remembered).
      assert.throws(() => localInstant('2025-10-30', '14:00', 'BST'), /Unknown time zone/);
      assert.throws(() => localInstant('2025-10-30', '14:00', 'BST'), /Unknown time zone/);
      assert.equal(isValidTimeZone('Europe/London'), true);
      assert.equal(isValidTimeZone('Europe/London'), true);
      assert.equal(isValidTimeZone('Europe/Nowhere'), false);
      assert.equal(isValidTimeZone('Europe/Nowhere'), false);
    });

    it('rejects bad dates, times and zones', () => {
      assert.throws(() => localInstant('2025-02-29', '14:00', 'Europe/London'), /Invalid date/);
      assert.throws(() => localInstant('2025-10-30', '14', 'Europe/London'), /Invalid time/);
      assert.throws(() => localInstant('2025-10-30', '14:00', 'GMT+25'), /Unknown time zone/);
    });

    it('gives each week its supervision instant in the cohort zone (autumn change)', () => {
      assert.equal(iso(supervisionInstant(autumn, 1)), '2025-10-23T13:00:00.000Z');
      assert.equal(iso(supervisionInstant(autumn, 2)), '2025-10-30T14:00:00.000Z');
      assert.equal(iso(supervisionInstant(autumn, 6)), '2025-11-27T14:00:00.000Z');
      assert.equal(iso(supervisionInstant(autumn, 1, 'America/New_York')), '2025-10-23T18:00:00.000Z');
    });

    it('gives each week its supervision instant in the cohort zone (spring change)', () => {
      assert.equal(iso(supervisionInstant(spring, 1)), '2025-03-27T14:00:00.000Z');
      assert.equal(iso(supervisionInstant(spring, 2)), '2025-04-03T13:00:00.000Z');
    });

    it('has no supervision instant without a slot, or when the slot falls on a holiday or study day', () => {
      const noSupervision = { ...autumn, supervision: null };
      assert.equal(supervisionInstant(noSupervision, 1), null);
      const christmas = createCohortCalendar({
        startDate: '2025-12-22',
        weeks: 2,
        leadershipDays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
        supervision: { weekday: 'Thu', time: '14:00' },
      });
      assert.equal(supervisionInstant(christmas, 1), null, 'Christmas Day');
      assert.equal(supervisionInstant(christmas, 2), null, "New Year's Day");
      const studyDayThursday = { ...autumn, nonPlacementDates: ['2025-10-30'] };
      assert.equal(supervisionInstant(studyDayThursday, 2), null, 'study day');
      assert.equal(iso(supervisionInstant(studyDayThursday, 1)), '2025-10-23T13:00:00.000Z');
    });

    it('computes the check-in due instant', () => {
      // Supervision week: due at supervision.
      assert.equal(iso(dueInstantForWeek(autumn, 1)), '2025-10-23T13:00:00.000Z');
      assert.equal(iso(dueInstantForWeek(autumn, 2)), '2025-10-30T14:00:00.000Z');
      // Whole week paused: nothing due.
      assert.equal(dueInstantForWeek(autumn, 4, sickWeek4), null);
      // No supervision slot: 17:00 local on the last placement day (Fri) in BST and GMT.
      const noSupervision = { ...autumn, supervision: null };
      assert.equal(iso(dueInstantForWeek(noSupervision, 1)), '2025-10-24T16:00:00.000Z');
      assert.equal(iso(dueInstantForWeek(noSupervision, 2)), '2025-10-31T17:00:00.000Z');
      // ...and the person's last placement day when the end of the week is paused.
      const thuFriOff: Pause[] = [{ from: '2025-10-30', to: '2025-10-31' }];
      assert.equal(iso(dueInstantForWeek(noSupervision, 2, thuFriOff)), '2025-10-29T17:00:00.000Z');
    });

    it('falls back to 17:00 on the last placement day when supervision falls on a bank holiday', () => {
      const christmas = createCohortCalendar({
        startDate: '2025-12-22',
        weeks: 2,
        leadershipDays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
        supervision: { weekday: 'Thu', time: '14:00' },
      });
      // Thu 25 and Fri 26 Dec are bank holidays: last placement day is Wed 24 Dec.
      assert.equal(iso(dueInstantForWeek(christmas, 1)), '2025-12-24T17:00:00.000Z');
    });

    it('gives the instants a scheduler needs for prompts and reminders', () => {
      assert.equal(iso(weekStartInstant(autumn, 1)), '2025-10-20T08:00:00.000Z');
      assert.equal(iso(weekStartInstant(autumn, 2)), '2025-10-27T09:00:00.000Z');
      assert.equal(iso(weekStartInstant(autumn, 2, '08:30', 'Asia/Kolkata')), '2025-10-27T03:00:00.000Z');
      assert.equal(iso(firstPlacementDayInstant(autumn, 1)), '2025-10-20T08:00:00.000Z');
      const monTueOff: Pause[] = [{ from: '2025-11-17', to: '2025-11-18' }];
      assert.equal(iso(firstPlacementDayInstant(autumn, 5, '09:00', monTueOff)), '2025-11-19T09:00:00.000Z');
      assert.equal(firstPlacementDayInstant(autumn, 4, '09:00', sickWeek4), null);
      // Monday 09:00 of week 1 for a cohort starting on a Wednesday is after the clock change.
      const wednesdayStart = createCohortCalendar({
        startDate: '2025-10-22',
        weeks: 2,
        leadershipDays: ['Wed'],
      });
      assert.equal(iso(weekdayInstant(wednesdayStart, 1, 'Mon', '09:00')), '2025-10-27T09:00:00.000Z');
      assert.equal(iso(weekStartInstant(wednesdayStart, 1)), '2025-10-22T08:00:00.000Z');
    });

    it('offsets instants by local days (keeping wall-clock time) or by elapsed hours', () => {
      const week2Supervision = at('2025-10-30T14:00:00Z');
      assert.equal(
        iso(offsetInstant(week2Supervision, { days: -7 }, 'Europe/London')),
        '2025-10-23T13:00:00.000Z',
      );
      assert.equal(
        iso(offsetInstant(week2Supervision, { hours: -168 }, 'Europe/London')),
        '2025-10-23T14:00:00.000Z',
      );
      assert.equal(
        iso(offsetInstant(week2Supervision, { hours: -24, minutes: -30 }, 'Europe/London')),
        '2025-10-29T13:30:00.000Z',
      );
      assert.equal(iso(offsetInstant(week2Supervision, {}, 'Europe/London')), '2025-10-30T14:00:00.000Z');
    });

    it('builds a person’s week-by-week schedule', () => {
      const schedule = placementSchedule(autumn, { pauses: sickWeek4 });
      assert.equal(schedule.length, 6);
      assert.deepEqual(
        schedule.map((w) => [w.week, w.of, w.paused, iso(w.promptAt), iso(w.dueAt), w.placementDays.length]),
        [
          [1, 6, false, '2025-10-20T08:00:00.000Z', '2025-10-23T13:00:00.000Z', 5],
          [2, 6, false, '2025-10-27T09:00:00.000Z', '2025-10-30T14:00:00.000Z', 5],
          [3, 6, false, '2025-11-03T09:00:00.000Z', '2025-11-06T14:00:00.000Z', 4],
          [4, 6, true, null, null, 0],
          [5, 6, false, '2025-11-17T09:00:00.000Z', '2025-11-20T14:00:00.000Z', 5],
          [6, 6, false, '2025-11-24T09:00:00.000Z', '2025-11-27T14:00:00.000Z', 5],
        ],
      );
      assert.equal(schedule[0]!.dates[0], '2025-10-20');
      const late = placementSchedule(autumn, { promptTime: '10:15', zone: 'UTC' });
      assert.equal(iso(late[0]!.promptAt), '2025-10-20T10:15:00.000Z');
      assert.equal(iso(late[0]!.dueAt), '2025-10-23T14:00:00.000Z');
    });
  });

  describe('formatLocal', () => {
    it('formats an instant as local weekday, date and time', () => {
      assert.equal(formatLocal(at('2025-10-30T14:00:00Z'), 'Europe/London'), 'Thu 30 Oct, 14:00');
      assert.equal(formatLocal(at('2025-10-23T13:00:00Z'), 'Europe/London'), 'Thu 23 Oct, 14:00');
      assert.equal(formatLocal(at('2025-09-04T08:05:00Z'), 'Europe/London'), 'Thu 4 Sep, 09:05');
      assert.equal(formatLocal(at('2025-10-30T14:00:00Z'), 'America/New_York'), 'Thu 30 Oct, 10:00');
      assert.equal(formatLocal(at('2025-12-31T23:30:00Z'), 'Asia/Tokyo'), 'Thu 1 Jan, 08:30');
    });
  });

  describe('fixture cohorts (fixtures/cohorts.csv)', () => {
    const fixtureText = fixture('cohorts.csv');
    // The cohorts file has no quoted fields, so a plain split is enough here.
    const [header, ...rows] = fixtureText
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    const columns = header!.split(',');
    const cohorts = rows.map((line) => {
      const cells = line.split(',');
      const row = Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
      return {
        name: row['cohort']!,
        calendar: createCohortCalendar({
          startDate: row['start_date']!,
          weeks: Number(row['weeks']),
          clinicalDays: parseWeekdays(row['clinical_days']!),
          leadershipDays: parseWeekdays(row['leadership_days']!),
          nonPlacementDates: row['non_placement_dates']!.split(';').filter(Boolean),
          supervision: parseSupervision(row['supervision']!),
          timeZone: row['time_zone'] || undefined,
        }),
      };
    });
    const cohort2 = cohorts.find((c) => c.name === 'Leadership 2025 cohort 2')!.calendar;
    const cohort1 = cohorts.find((c) => c.name === 'Leadership 2024 cohort 1')!.calendar;

    it('parses both cohorts', () => {
      assert.equal(cohorts.length, 2);
      assert.deepEqual(cohort2, {
        startDate: '2025-02-03',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: ['2025-02-21'],
        supervision: { weekday: 'Thu', time: '14:00' },
        timeZone: 'Europe/London',
      });
      assert.deepEqual(cohort1.clinicalDays, []);
      assert.deepEqual(cohort1.leadershipDays, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);
    });

    it('cohort 2: six weeks from 3 Feb 2025 with 21 Feb as a non-placement day', () => {
      assert.equal(endDate(cohort2), '2025-03-16');
      assert.equal(dayKind(cohort2, '2025-02-21'), 'non-placement');
      assert.equal(isBankHoliday('2025-02-21'), false);
      assert.deepEqual(placementWeekOf(cohort2, at('2025-02-21T12:00:00Z')), { week: 3, of: 6 });
      assert.deepEqual(placementDaysInWeek(cohort2, 3), [
        { date: '2025-02-17', kind: 'clinical' },
        { date: '2025-02-18', kind: 'clinical' },
        { date: '2025-02-19', kind: 'leadership' },
        { date: '2025-02-20', kind: 'leadership' },
      ]);
      const total = [1, 2, 3, 4, 5, 6].reduce((n, w) => n + placementDaysInWeek(cohort2, w).length, 0);
      assert.equal(total, 29);
      const clinical = [1, 2, 3, 4, 5, 6]
        .flatMap((w) => placementDaysInWeek(cohort2, w))
        .filter((d) => d.kind === 'clinical');
      assert.equal(clinical.length, 12, '2 clinical days a week');
      assert.equal(iso(dueInstantForWeek(cohort2, 3)), '2025-02-20T14:00:00.000Z');
      assert.equal(formatLocal(supervisionInstant(cohort2, 6)!, cohort2.timeZone), 'Thu 13 Mar, 14:00');
      assert.equal(placementWeekOf(cohort2, at('2025-03-17T00:00:00Z')), null);
    });

    it('cohort 1: five weeks of leadership days in summer time', () => {
      assert.equal(endDate(cohort1), '2024-08-04');
      assert.equal(iso(supervisionInstant(cohort1, 1)), '2024-07-04T13:00:00.000Z');
      const total = [1, 2, 3, 4, 5].reduce((n, w) => n + placementDaysInWeek(cohort1, w).length, 0);
      assert.equal(total, 25);
    });
  });
});
