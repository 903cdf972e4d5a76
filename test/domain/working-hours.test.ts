import assert from 'node:assert/strict';
import { createCohortCalendar } from '../../src/domain/placement-calendar.js';
import { isWorkingDate, nextWorkingTime, reminderBefore } from '../../src/domain/working-hours.js';

const iso = (d: Date) => d.toISOString();

describe('domain/working-hours: reminders and nudges in working time (Europe/London)', () => {
  it('leaves a time inside 09:00-17:00 on a weekday as it is', () => {
    assert.equal(iso(nextWorkingTime(new Date('2026-10-21T13:10:00Z'))), '2026-10-21T13:10:00.000Z');
  });

  it('moves Saturday 19:10 to Monday 09:00 (the announcement reminder of the issue)', () => {
    // Sat 24 Oct 2026 19:10 BST -> Mon 26 Oct 09:00 GMT (the clocks went back on Sun 25 Oct).
    assert.equal(iso(nextWorkingTime(new Date('2026-10-24T18:10:00Z'))), '2026-10-26T09:00:00.000Z');
  });

  it('moves an evening to the next morning and an early morning to 09:00 the same day', () => {
    assert.equal(iso(nextWorkingTime(new Date('2026-10-20T17:00:00Z'))), '2026-10-21T08:00:00.000Z'); // 18:00 BST Tue
    assert.equal(iso(nextWorkingTime(new Date('2026-10-21T05:00:00Z'))), '2026-10-21T08:00:00.000Z'); // 06:00 BST Wed
    assert.equal(iso(nextWorkingTime(new Date('2026-10-21T16:00:00Z'))), '2026-10-22T08:00:00.000Z'); // 17:00 BST: closed
  });

  it('across the spring clock change: Friday 18:00 GMT -> Monday 09:00 BST', () => {
    // Clocks go forward Sun 29 Mar 2026.
    assert.equal(iso(nextWorkingTime(new Date('2026-03-27T18:00:00Z'))), '2026-03-30T08:00:00.000Z');
    // 16:30 BST on Mon 30 Mar is 15:30Z: still working time.
    assert.equal(iso(nextWorkingTime(new Date('2026-03-30T15:30:00Z'))), '2026-03-30T15:30:00.000Z');
    // 16:30Z on Mon 30 Mar is 17:30 BST: next day 09:00 BST.
    assert.equal(iso(nextWorkingTime(new Date('2026-03-30T16:30:00Z'))), '2026-03-31T08:00:00.000Z');
  });

  it('skips bank holidays', () => {
    // Fri 24 Dec 2027 evening -> Mon 27 and Tue 28 Dec are bank holidays -> Wed 29 Dec 09:00 GMT.
    assert.equal(isWorkingDate('2027-12-27'), false);
    assert.equal(iso(nextWorkingTime(new Date('2027-12-24T18:00:00Z'))), '2027-12-29T09:00:00.000Z');
  });

  it('inside a placement, only placement days count; outside it, any working day', () => {
    const cal = createCohortCalendar({
      startDate: '2026-10-05',
      weeks: 6,
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu'],
      nonPlacementDates: ['2026-10-12'],
      supervision: null,
      timeZone: 'Europe/London',
    });
    assert.equal(isWorkingDate('2026-10-09', { calendar: cal }), false); // a Friday, not a placement day
    // Thu 8 Oct 18:00 BST -> Fri is not a placement day, Mon 12 Oct is a study day -> Tue 13 Oct 09:00 BST.
    assert.equal(
      iso(nextWorkingTime(new Date('2026-10-08T17:00:00Z'), { calendar: cal })),
      '2026-10-13T08:00:00.000Z',
    );
    // After the placement (ended Sun 15 Nov): any weekday.
    assert.equal(
      iso(nextWorkingTime(new Date('2026-11-19T18:00:00Z'), { calendar: cal })),
      '2026-11-20T09:00:00.000Z',
    );
  });

  it('reminderBefore: 09:00 on the last placement day before the deadline day, else that morning, else none', () => {
    const cal = createCohortCalendar({
      startDate: '2026-10-05',
      weeks: 6,
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu'],
      nonPlacementDates: [],
      supervision: null,
      timeZone: 'Europe/London',
    });
    const at = (deadline: string, after: string) =>
      reminderBefore(new Date(deadline), new Date(after), { calendar: cal })?.toISOString() ?? null;
    // Closes Mon 19 Oct 17:00 BST: not Sun 18th 17:00, nor Friday (no placement day): Thu 15th 09:00 BST.
    assert.equal(at('2026-10-19T16:00:00Z', '2026-10-12T08:00:00Z'), '2026-10-15T08:00:00.000Z');
    // Opens Mon 12th 09:00, closes Tue 13th 17:00: Monday 09:00 is the opening itself, so Tuesday 09:00.
    assert.equal(at('2026-10-13T16:00:00Z', '2026-10-12T08:00:00Z'), '2026-10-13T08:00:00.000Z');
    // Opens and closes on Fri 16th (no placement day): no reminder.
    assert.equal(at('2026-10-16T16:00:00Z', '2026-10-16T08:00:00Z'), null);
  });
});
