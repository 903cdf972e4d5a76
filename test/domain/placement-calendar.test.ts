import assert from 'node:assert/strict';
import {
  addDays,
  bankHolidayName,
  createCohortCalendar,
  endDate,
  formatDate,
  isBankHoliday,
  isIsoDate,
  isValidTimeZone,
  localDateOf,
  parseSupervision,
  parseTime,
  parseWeekdays,
  placementWeekOf,
  placementWeekOfDate,
  weekDates,
  weekdayOf,
  WEEKDAYS,
} from '../../src/domain/placement-calendar.js';
import { DateTime } from 'luxon';
import { at, autumn } from './placement-calendar-fixtures.js';

describe('placement-calendar', () => {
  describe('parsing', () => {
    it('parses ;-separated weekdays case-insensitively, in week order, without duplicates', () => {
      assert.deepEqual(parseWeekdays('Mon;Tue'), ['Mon', 'Tue']);
      assert.deepEqual(parseWeekdays(' fri ; wed;WED;Thu '), ['Wed', 'Thu', 'Fri']);
      assert.deepEqual(parseWeekdays(''), []);
      assert.deepEqual(parseWeekdays(' ; '), []);
    });

    it('rejects unknown weekdays with a clear message', () => {
      assert.throws(() => parseWeekdays('Mon;Tues'), /Invalid weekday "Tues": expected one of Mon, Tue/);
      assert.throws(() => parseWeekdays('Mon,Tue'), /Invalid weekday "Mon,Tue"/);
    });

    it('parses a supervision slot and normalises the time', () => {
      assert.deepEqual(parseSupervision('Thu 14:00'), { weekday: 'Thu', time: '14:00' });
      assert.deepEqual(parseSupervision('  tue   9:05 '), { weekday: 'Tue', time: '09:05' });
      assert.equal(parseSupervision(''), null);
      assert.equal(parseSupervision('   '), null);
    });

    it('throws a clear Error on a bad supervision slot', () => {
      for (const bad of [
        'Thu',
        '14:00',
        'Thursday 14:00',
        'Thu 25:00',
        'Thu 14:60',
        'Thu 2pm',
        'Thu 14:00 GMT',
      ]) {
        assert.throws(
          () => parseSupervision(bad),
          (e: unknown) => e instanceof Error && /Invalid/.test(e.message),
          bad,
        );
      }
      assert.throws(() => parseSupervision('Thu 14.00'), /Invalid time "14.00": expected HH:mm/);
    });

    it('parses times', () => {
      assert.equal(parseTime('00:00'), '00:00');
      assert.equal(parseTime('7:30'), '07:30');
      assert.equal(parseTime('23:59'), '23:59');
      assert.throws(() => parseTime('24:00'));
      assert.throws(() => parseTime('12:5'));
    });
  });

  describe('createCohortCalendar', () => {
    it('defaults the zone to Europe/London and empty lists', () => {
      const cal = createCohortCalendar({ startDate: '2025-02-03', weeks: 6, leadershipDays: ['Mon'] });
      assert.equal(cal.timeZone, 'Europe/London');
      assert.deepEqual(cal.clinicalDays, []);
      assert.deepEqual(cal.nonPlacementDates, []);
      assert.equal(cal.supervision, null);
    });

    it('rejects bad input with clear messages', () => {
      const base = { startDate: '2025-02-03', weeks: 6, leadershipDays: ['Wed' as const] };
      assert.throws(
        () => createCohortCalendar({ ...base, startDate: '2025-02-30' }),
        /Invalid start date "2025-02-30"/,
      );
      assert.throws(() => createCohortCalendar({ ...base, startDate: '3 Feb 2025' }), /Invalid start date/);
      assert.throws(() => createCohortCalendar({ ...base, weeks: 0 }), /weeks 0/);
      assert.throws(() => createCohortCalendar({ ...base, weeks: 2.5 }), /weeks 2.5/);
      assert.throws(() => createCohortCalendar({ ...base, leadershipDays: [] }), /at least one/);
      assert.throws(
        () => createCohortCalendar({ ...base, clinicalDays: ['Mon', 'Wed'] }),
        /both clinical and leadership: Wed/,
      );
      assert.throws(
        () => createCohortCalendar({ ...base, nonPlacementDates: ['2025-13-01'] }),
        /non-placement date/,
      );
      assert.throws(
        () => createCohortCalendar({ ...base, timeZone: 'Europe/Londn' }),
        /Unknown time zone "Europe\/Londn"/,
      );
      assert.throws(
        () => createCohortCalendar({ ...base, supervision: { weekday: 'Thu', time: '2pm' } }),
        /Invalid time "2pm"/,
      );
    });

    it('validates IANA zone names', () => {
      assert.equal(isValidTimeZone('Europe/London'), true);
      assert.equal(isValidTimeZone('America/New_York'), true);
      assert.equal(isValidTimeZone('UTC'), true);
      assert.equal(isValidTimeZone('Etc/GMT+5'), true);
      // Abbreviations the runtime would map somewhere surprising are refused.
      assert.equal(isValidTimeZone('BST'), false, 'BST would be Asia/Dhaka');
      assert.equal(isValidTimeZone('EST'), false);
      assert.equal(isValidTimeZone('GMT'), false);
      assert.equal(isValidTimeZone(''), false);
      assert.equal(isValidTimeZone('Mars/Olympus_Mons'), false);
    });
  });

  describe('bank holidays (England & Wales)', () => {
    it('knows the public holidays', () => {
      for (const date of [
        '2025-05-05',
        '2025-12-25',
        '2025-12-26',
        '2026-08-31',
        '2025-04-18',
        '2025-04-21',
      ]) {
        assert.equal(isBankHoliday(date), true, date);
      }
      assert.equal(bankHolidayName('2026-08-31'), 'Summer bank holiday');
      assert.equal(bankHolidayName('2026-12-28'), 'Boxing Day (substitute day)');
    });

    it('is false on ordinary days and on observances', () => {
      assert.equal(isBankHoliday('2025-02-21'), false);
      assert.equal(isBankHoliday('2025-10-23'), false);
      assert.equal(isBankHoliday('2025-03-30'), false, "Mother's Day is an observance, not a bank holiday");
      assert.equal(bankHolidayName('2025-02-21'), null);
    });

    it('uses England & Wales, not Scotland', () => {
      assert.equal(isBankHoliday('2025-01-02'), false, '2 January is a holiday in Scotland only');
      assert.equal(isBankHoliday('2025-08-04'), false, 'first Monday of August is Scotland only');
      assert.equal(isBankHoliday('2025-08-25'), true);
    });
  });

  describe('dates and weeks', () => {
    it('has the calendar helpers right', () => {
      assert.equal(addDays('2025-10-25', 2), '2025-10-27');
      assert.equal(addDays('2025-03-01', -1), '2025-02-28');
      assert.equal(weekdayOf('2025-10-20'), 'Mon');
      assert.equal(weekdayOf('2025-10-26'), 'Sun');
      assert.equal(endDate(autumn), '2025-11-30');
      assert.equal(formatDate('2025-10-30'), 'Thu 30 Oct 2025');
    });

    it('agrees with luxon on every date from 1999 to 2061 (plain day arithmetic, no zones)', () => {
      let day = DateTime.fromISO('1999-01-01', { zone: 'UTC' });
      let iso = '1999-01-01';
      for (let i = 0; i < 62 * 366; i++) {
        const next = day.plus({ days: 1 });
        assert.equal(weekdayOf(iso), WEEKDAYS[day.weekday - 1], iso);
        assert.equal(addDays(iso, 1), next.toISODate(), iso);
        assert.equal(addDays(next.toISODate()!, -1), iso, iso);
        assert.equal(formatDate(iso), day.toFormat('ccc d LLL yyyy', { locale: 'en-US' }), iso);
        day = next;
        iso = next.toISODate()!;
      }
      assert.equal(addDays('2025-10-20', 400), '2026-11-24');
      assert.equal(addDays('2025-10-20', -400), '2024-09-15');
    });

    it('accepts only real calendar dates', () => {
      for (const ok of ['2024-02-29', '2000-02-29', '2025-12-31', '0050-01-01'])
        assert.equal(isIsoDate(ok), true, ok);
      for (const bad of [
        '2025-02-29',
        '1900-02-29',
        '2025-04-31',
        '2025-13-01',
        '2025-00-10',
        '2025-01-00',
        '2025-1-01',
        ' 2025-01-01',
        '2025-01-01T00:00',
        '',
      ])
        assert.equal(isIsoDate(bad), false, bad);
      assert.equal(
        weekdayOf('0050-01-01'),
        WEEKDAYS[DateTime.fromISO('0050-01-01', { zone: 'UTC' }).weekday - 1],
      );
      assert.throws(() => addDays('2025-02-30', 1), /Invalid date "2025-02-30"/);
      assert.throws(
        () => addDays('2025-02-30', 1),
        /Invalid date "2025-02-30"/,
        'still refused when asked again',
      );
      assert.equal(addDays('2025-02-28', 1), '2025-03-01');
      assert.equal(addDays('2025-02-28', 1), '2025-03-01', 'the same answer when remembered');
    });

    it('gives the 7 dates of a week, starting on the start weekday', () => {
      assert.deepEqual(weekDates(autumn, 1), [
        '2025-10-20',
        '2025-10-21',
        '2025-10-22',
        '2025-10-23',
        '2025-10-24',
        '2025-10-25',
        '2025-10-26',
      ]);
      assert.equal(weekDates(autumn, 6)[6], '2025-11-30');
      const wednesdayStart = createCohortCalendar({
        startDate: '2025-10-22',
        weeks: 2,
        leadershipDays: ['Wed'],
      });
      assert.deepEqual(weekDates(wednesdayStart, 2).slice(0, 2), ['2025-10-29', '2025-10-30']);
    });

    it('gives the same dates when asked again, as a fresh list a caller may change', () => {
      const first = weekDates(autumn, 2);
      first[0] = '1990-01-01';
      first.pop();
      assert.deepEqual(weekDates(autumn, 2), [
        '2025-10-27',
        '2025-10-28',
        '2025-10-29',
        '2025-10-30',
        '2025-10-31',
        '2025-11-01',
        '2025-11-02',
      ]);
      const later = createCohortCalendar({ startDate: '2025-10-27', weeks: 6, leadershipDays: ['Wed'] });
      assert.equal(weekDates(later, 1)[0], '2025-10-27', 'another start date has its own weeks');
      assert.throws(() => weekDates(autumn, 7), /outside the placement/, 'still checked when remembered');
    });

    it('rejects weeks outside the placement', () => {
      assert.throws(() => weekDates(autumn, 0), RangeError);
      assert.throws(() => weekDates(autumn, 7), /Week 7 is outside the placement \(1..6\)/);
      assert.throws(() => weekDates(autumn, 1.5), RangeError);
    });

    it('finds the week of a date', () => {
      assert.equal(placementWeekOfDate(autumn, '2025-10-19'), null);
      assert.deepEqual(placementWeekOfDate(autumn, '2025-10-20'), { week: 1, of: 6 });
      assert.deepEqual(placementWeekOfDate(autumn, '2025-10-26'), { week: 1, of: 6 });
      assert.deepEqual(placementWeekOfDate(autumn, '2025-10-27'), { week: 2, of: 6 });
      assert.deepEqual(placementWeekOfDate(autumn, '2025-11-30'), { week: 6, of: 6 });
      assert.equal(placementWeekOfDate(autumn, '2025-12-01'), null);
    });

    it('finds the week of an instant by the local date in the cohort zone', () => {
      // 23:30Z on 19 Oct is 00:30 BST on Mon 20 Oct in London: already week 1.
      assert.deepEqual(placementWeekOf(autumn, at('2025-10-19T23:30:00Z')), { week: 1, of: 6 });
      assert.equal(placementWeekOf(autumn, at('2025-10-19T22:59:00Z')), null);
      // ...but still Sunday in UTC.
      assert.equal(placementWeekOf(autumn, at('2025-10-19T23:30:00Z'), 'UTC'), null);
      // After the clocks go back London = UTC: 23:30Z Sun 26 Oct is still week 1, 00:00Z Mon is week 2.
      assert.deepEqual(placementWeekOf(autumn, at('2025-10-26T23:30:00Z')), { week: 1, of: 6 });
      assert.deepEqual(placementWeekOf(autumn, at('2025-10-27T00:00:00Z')), { week: 2, of: 6 });
      assert.deepEqual(placementWeekOf(autumn, at('2025-11-30T23:59:59Z')), { week: 6, of: 6 });
      assert.equal(placementWeekOf(autumn, at('2025-12-01T00:00:00Z')), null);
      // A person in New York on Sunday evening 30 Nov local is still in week 6 there.
      assert.deepEqual(placementWeekOf(autumn, at('2025-12-01T03:00:00Z'), 'America/New_York'), {
        week: 6,
        of: 6,
      });
    });

    it('agrees with luxon on the local date of instants around the clock changes, in odd zones too', () => {
      const zones = [
        'Europe/London',
        'America/New_York',
        'Australia/Lord_Howe',
        'Asia/Kathmandu',
        'Pacific/Chatham',
        'UTC',
      ];
      for (const zone of zones) {
        // Every 61 min 7 s over 2025 and 2026: lands at every minute of the hour, around each
        // zone's midnights and clock changes.
        for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 3_667_000) {
          const instant = new Date(ms);
          assert.equal(
            localDateOf(instant, zone),
            DateTime.fromJSDate(instant, { zone }).toISODate(),
            `${zone} ${instant.toISOString()}`,
          );
        }
      }
      // Either side of London's midnight just after the clocks go forward / back.
      assert.equal(localDateOf(at('2025-03-30T22:59:59Z'), 'Europe/London'), '2025-03-30');
      assert.equal(localDateOf(at('2025-03-30T23:00:00Z'), 'Europe/London'), '2025-03-31');
      assert.equal(localDateOf(at('2025-10-26T23:59:59Z'), 'Europe/London'), '2025-10-26');
      assert.equal(localDateOf(at('2025-10-27T00:00:00Z'), 'Europe/London'), '2025-10-27');
      // Before 1980 the plain luxon path answers (local mean times had seconds in their offsets).
      assert.equal(localDateOf(new Date('1847-12-01T00:00:30Z'), 'Europe/London'), '1847-11-30');
      assert.throws(() => localDateOf(new Date('2025-01-01'), 'Mars/Olympus'), /Unknown time zone/);
    });

    it('gives the local date of an instant', () => {
      assert.equal(localDateOf(at('2025-06-30T23:30:00Z'), 'Europe/London'), '2025-07-01');
      assert.equal(localDateOf(at('2025-06-30T23:30:00Z'), 'UTC'), '2025-06-30');
      assert.throws(() => localDateOf(new Date('nope'), 'UTC'), /Invalid instant/);
    });
  });
});
