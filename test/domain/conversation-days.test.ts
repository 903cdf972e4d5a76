import assert from 'node:assert/strict';
import {
  filterToLeadershipDays,
  isOfferedByDefault,
  listDays,
  slotDayKind,
  slotDayLabel,
  type SlotDayContext,
} from '../../src/domain/conversation-days.js';
import { createCohortCalendar } from '../../src/domain/placement-calendar.js';

// Mon 13 Oct 2025 for 6 weeks (ends Sun 23 Nov); clinical Mon/Tue, leadership Wed-Fri;
// Wed 29 Oct is a study day.
const calendar = createCohortCalendar({
  startDate: '2025-10-13',
  weeks: 6,
  clinicalDays: ['Mon', 'Tue'],
  leadershipDays: ['Wed', 'Thu', 'Fri'],
  nonPlacementDates: ['2025-10-29'],
  timeZone: 'Europe/London',
});
const london: SlotDayContext = { calendar, zone: 'Europe/London' };
const at = (iso: string) => new Date(iso);

describe('conversation-days: slots offered to a student by default', () => {
  it('offers leadership days and hides clinical days, study days and days after the placement', () => {
    const slots = [
      at('2025-10-20T09:00:00Z'), // Mon: clinical
      at('2025-10-21T13:00:00Z'), // Tue: clinical
      at('2025-10-22T09:00:00Z'), // Wed: leadership
      at('2025-10-29T10:00:00Z'), // Wed: the cohort's study day
      at('2025-10-30T10:00:00Z'), // Thu: leadership
      at('2025-11-01T10:00:00Z'), // Sat: no placement
      at('2025-11-21T10:00:00Z'), // Fri: last leadership day
      at('2025-11-26T10:00:00Z'), // Wed after the placement ended
      at('2025-10-08T10:00:00Z'), // Wed before it started
    ];
    const { shown, hidden } = filterToLeadershipDays(slots, (s) => s, london);
    assert.deepEqual(
      shown.map((s) => s.toISOString()),
      ['2025-10-22T09:00:00.000Z', '2025-10-30T10:00:00.000Z', '2025-11-21T10:00:00.000Z'],
    );
    assert.equal(hidden, 6);
    assert.deepEqual(
      slots.map((s) => slotDayKind(s, london)),
      [
        'clinical',
        'clinical',
        'leadership',
        'non-placement',
        'leadership',
        'weekend-or-off',
        'leadership',
        'outside',
        'outside',
      ],
    );
  });

  it('hides a bank holiday that falls on a leadership day', () => {
    const easter = createCohortCalendar({
      startDate: '2025-04-14',
      weeks: 2,
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu', 'Fri'],
    });
    const context = { calendar: easter, zone: 'Europe/London' };
    assert.equal(isOfferedByDefault(at('2025-04-17T10:00:00Z'), context), true, 'Thu 17 Apr');
    assert.equal(isOfferedByDefault(at('2025-04-18T10:00:00Z'), context), false, 'Good Friday');
    assert.equal(slotDayLabel(at('2025-04-18T10:00:00Z'), context), 'bank holiday');
  });

  it("judges the day in the student's time zone", () => {
    // Tue 21 Oct 23:30 UTC is already Wed 00:30 in London (BST), but still Tuesday in UTC.
    const lateTuesdayUtc = at('2025-10-21T23:30:00Z');
    assert.equal(isOfferedByDefault(lateTuesdayUtc, london), true);
    assert.equal(isOfferedByDefault(lateTuesdayUtc, { calendar, zone: 'UTC' }), false);
    // Wed 22 Oct 03:00 London is Tue 22:00 in New York: a clinical day for that student.
    const earlyWednesday = at('2025-10-22T02:00:00Z');
    assert.equal(isOfferedByDefault(earlyWednesday, london), true);
    assert.equal(isOfferedByDefault(earlyWednesday, { calendar, zone: 'America/New_York' }), false);
  });

  it('hides nothing for a student without a cohort calendar', () => {
    const none = { calendar: null, zone: 'Europe/London' };
    const slots = [at('2025-10-20T09:00:00Z'), at('2025-11-01T10:00:00Z')];
    assert.deepEqual(
      filterToLeadershipDays(slots, (s) => s, none),
      { shown: slots, hidden: 0 },
    );
    assert.equal(slotDayLabel(slots[0]!, none), '');
  });

  it('labels the slots only "Show all times" reveals', () => {
    assert.equal(slotDayLabel(at('2025-10-20T09:00:00Z'), london), 'clinical day');
    assert.equal(slotDayLabel(at('2025-10-29T10:00:00Z'), london), 'no placement');
    assert.equal(slotDayLabel(at('2025-11-26T10:00:00Z'), london), 'outside placement');
    assert.equal(slotDayLabel(at('2025-10-22T09:00:00Z'), london), '');
    assert.equal(listDays(['Wed', 'Thu', 'Fri']), 'Wed, Thu and Fri');
    assert.equal(listDays(['Wed']), 'Wed');
  });
});
