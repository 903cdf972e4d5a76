import assert from 'node:assert/strict';
import { createCohortCalendar } from '../../../src/domain/placement-calendar.js';
import {
  checkinSettings,
  digestInstant,
  lockInstant,
  planCohort,
  studentWeek,
} from '../../../src/features/checkins/checkin-schedule.js';
import { parseCheckinSubmit, typedValues } from '../../../src/features/checkins/checkin-form.js';

const cal = createCohortCalendar({
  startDate: '2025-10-20',
  weeks: 6,
  clinicalDays: ['Mon', 'Tue'],
  leadershipDays: ['Wed', 'Thu'],
  nonPlacementDates: ['2025-11-10'],
  supervision: { weekday: 'Thu', time: '14:00' },
});
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('check-in schedule (pure)', () => {
  it('prompts at 09:00 London on the first placement day, across the October clock change', () => {
    const s = checkinSettings({});
    assert.equal(iso(studentWeek(cal, s, 1, [], 'Europe/London').promptAt), '2025-10-20T08:00:00.000Z');
    assert.equal(iso(studentWeek(cal, s, 2, [], 'Europe/London').promptAt), '2025-10-27T09:00:00.000Z');
    assert.equal(iso(studentWeek(cal, s, 4, [], 'Europe/London').promptAt), '2025-11-11T09:00:00.000Z');
  });

  it('uses the person’s own zone, and cohort-configured offsets', () => {
    const s = checkinSettings({
      checkins: { promptTime: '08:30', reminderHoursBeforeDue: 6, digestHoursBeforeSupervision: 3 },
    });
    const w = studentWeek(cal, s, 1, [], 'America/New_York');
    assert.equal(iso(w.promptAt), '2025-10-20T12:30:00.000Z');
    assert.equal(iso(w.dueAt), '2025-10-23T18:00:00.000Z'); // Thu 14:00 New York (EDT)
    // 6 h before is 08:00 New York, before working time: 09:00 there.
    assert.equal(iso(w.reminderAt), '2025-10-23T13:00:00.000Z');
    assert.equal(iso(digestInstant(cal, s, 1)), '2025-10-23T10:00:00.000Z');
  });

  it('falls back to defaults for bad stored settings', () => {
    assert.deepEqual(checkinSettings({ checkins: { promptTime: '25:00', reminderHoursBeforeDue: -1 } }), {
      promptTime: '09:00',
      reminderHoursBeforeDue: 24,
      digestHoursBeforeSupervision: 2,
    });
  });

  it('sends nothing in a paused week, and moves the prompt when only Monday is paused', () => {
    const s = checkinSettings({});
    const paused = studentWeek(cal, s, 3, [{ from: '2025-11-03', to: '2025-11-09' }], 'Europe/London');
    assert.deepEqual([paused.promptAt, paused.reminderAt, paused.paused], [null, null, true]);
    const monday = studentWeek(cal, s, 3, [{ from: '2025-11-03', to: '2025-11-03' }], 'Europe/London');
    assert.equal(iso(monday.promptAt), '2025-11-04T09:00:00.000Z');
  });

  it('has no digest and an end-of-day due time when the supervision day is a bank holiday', () => {
    const xmas = createCohortCalendar({
      startDate: '2025-12-15',
      weeks: 2,
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu', 'Fri'],
      supervision: { weekday: 'Thu', time: '14:00' },
    });
    const s = checkinSettings({});
    assert.equal(digestInstant(xmas, s, 2), null);
    const w = studentWeek(xmas, s, 2, [], 'Europe/London');
    assert.equal(iso(w.dueAt), '2025-12-24T17:00:00.000Z');
    assert.equal(iso(lockInstant(xmas, 2, [], 'Europe/London')), '2025-12-24T17:00:00.000Z');
  });

  it('moves the reminder into working time on a placement day, before the due time (issue 26)', () => {
    const s = checkinSettings({});
    // Wednesday is not a placement day: 24 h before Thu 14:00 would be Wed 14:00, so Thu 09:00.
    const noWed = createCohortCalendar({
      startDate: '2025-10-20',
      weeks: 2,
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Thu'],
      supervision: { weekday: 'Thu', time: '14:00' },
    });
    assert.equal(iso(studentWeek(noWed, s, 1, [], 'Europe/London').reminderAt), '2025-10-23T08:00:00.000Z');
    // The student is paused on Thursday only: no working time left before the due time, no reminder.
    const thu = [{ from: '2025-10-23', to: '2025-10-23' }];
    assert.equal(iso(studentWeek(noWed, s, 1, thu, 'Europe/London').reminderAt), null);
    // Due Wed 24 Dec 17:00 (Christmas): 24 h before is Tue 17:00, the end of the day: Wed 09:00.
    const xmas = createCohortCalendar({
      startDate: '2025-12-15',
      weeks: 2,
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu', 'Fri'],
      supervision: { weekday: 'Thu', time: '14:00' },
    });
    assert.equal(iso(studentWeek(xmas, s, 2, [], 'Europe/London').reminderAt), '2025-12-24T09:00:00.000Z');
    // In working time already: unchanged (Wed 14:00 for Thu 14:00).
    assert.equal(iso(studentWeek(cal, s, 2, [], 'Europe/London').reminderAt), '2025-10-29T14:00:00.000Z');
  });

  it('plans one job per cohort, week, kind and instant within the horizon, none for weeks already due', () => {
    const students = [
      { id: 'a', timeZone: null },
      { id: 'b', timeZone: null },
      { id: 'c', timeZone: null },
    ];
    const pauses = new Map([['c', [{ from: '2025-10-20', to: '2025-10-20' }]]]);
    const jobs = planCohort(
      { ...cal, checkins: undefined },
      students,
      pauses,
      new Date('2025-10-19T12:00:00Z'),
      new Date('2025-10-27T12:00:00Z'),
    );
    assert.deepEqual(
      jobs.map((j) => `${j.kind} w${j.week} ${j.at.toISOString()}`),
      [
        'prompt w1 2025-10-20T08:00:00.000Z',
        'prompt w1 2025-10-21T08:00:00.000Z', // c: Monday paused
        'reminder w1 2025-10-22T13:00:00.000Z',
        'digest w1 2025-10-23T11:00:00.000Z',
        'prompt w2 2025-10-27T09:00:00.000Z',
      ],
    );
    const later = planCohort(
      cal,
      students,
      pauses,
      new Date('2025-10-23T14:00:00Z'),
      new Date('2025-10-24T00:00:00Z'),
    );
    assert.deepEqual(later, []);
  });
});

describe('check-in submit validation (pure)', () => {
  const ok = {
    week: '2',
    wellbeing: '3',
    progress: 'p',
    leadership: '',
    wentWell: '',
    hard: '',
    topics: '',
    conf_leadership: '1',
    'conf_time-management': '2',
    'conf_interprofessional-collaboration': '3',
    'conf_professional-behaviours': '4',
    conf_communication: '5',
  };
  it('accepts a complete submit and maps confidence areas', () => {
    const r = parseCheckinSubmit(ok);
    assert.ok(r.ok);
    assert.equal(r.week, 2);
    assert.deepEqual(r.answers.confidence, {
      leadership: 1,
      'time-management': 2,
      'interprofessional-collaboration': 3,
      'professional-behaviours': 4,
      communication: 5,
    });
  });
  it('rejects operators, out-of-range ratings and over-long text with per-field errors', () => {
    const r1 = parseCheckinSubmit({ ...ok, progress: { $gt: '' } });
    assert.ok(!r1.ok && r1.errors._form);
    const r2 = parseCheckinSubmit({ ...ok, wellbeing: 9, hard: 'x'.repeat(20_000) });
    assert.ok(!r2.ok);
    assert.equal(r2.errors.wellbeing, 'Choose a value from 1 to 5');
    assert.equal(r2.errors.hard, 'Must be 2000 characters or fewer');
    assert.deepEqual(typedValues({ progress: { $gt: '' }, wentWell: 'kept' }).progress, '');
    assert.equal(typedValues({ wentWell: 'kept' }).wentWell, 'kept');
  });
});
