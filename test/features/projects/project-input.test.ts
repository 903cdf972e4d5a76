import assert from 'node:assert/strict';
import {
  DEFAULT_CRITERIA,
  presentationInput,
  safeData,
  typedValues,
} from '../../../src/features/projects/project-input.js';
import { slotErrors } from '../../../src/features/projects/presentation.js';
import {
  createCohortCalendar,
  formatLocalWithYear,
  lastPlacementDate,
} from '../../../src/domain/placement-calendar.js';
import { parseCardInput } from '../../../src/feature-kit/card-input.js';

describe('projects: card input', () => {
  it('tampered or non-object card data reads as an empty submit', () => {
    for (const data of [null, undefined, 'x', 3, [{ projectId: 'p' }], { projectId: { $ne: null } }])
      assert.deepEqual(safeData(data), {});
    assert.deepEqual(safeData(JSON.parse('{"projectId": "p", "__proto__": {"admin": true}}')), {});
  });

  it('plain card data is read as sent; multi-selects are echoed back as "a,b"', () => {
    const data = safeData({ projectId: 'p', studentIds: ['a', 'b'], title: 'T' });
    assert.deepEqual(data, { projectId: 'p', studentIds: ['a', 'b'], title: 'T' });
    assert.deepEqual(typedValues(data, ['title', 'studentIds', 'missing']), {
      title: 'T',
      studentIds: 'a,b',
      missing: '',
    });
  });

  const slot = (criteria: unknown) =>
    parseCardInput(presentationInput, {
      projectId: 'p',
      date: '2026-12-17',
      time: '14:00',
      minutes: '45',
      teamsLink: 'https://teams.microsoft.com/l/x',
      audienceIds: 'a',
      criteria,
    });

  it('presentation criteria: one per line; blank gives the default; at most 5, each up to 60 characters', () => {
    const blank = slot('');
    assert.ok(blank.ok && blank.value.criteria === DEFAULT_CRITERIA);
    const two = slot(' Clear aim \r\n\nUse of data\nClear aim');
    assert.ok(two.ok);
    assert.deepEqual(two.ok && two.value.criteria, ['Clear aim', 'Use of data']);
    const six = slot('a\nb\nc\nd\ne\nf');
    assert.ok(!six.ok && /Up to 5 criteria/.test(six.errors.criteria ?? ''), JSON.stringify(six));
    const long = slot('x'.repeat(61));
    assert.ok(!long.ok && /60 characters/.test(long.errors.criteria ?? ''), JSON.stringify(long));
  });
});

describe('projects: presentation slots and the placement end', () => {
  // Mon 23 Nov 2026, 6 weeks: the calendar ends on Sun 3 Jan 2027, the last placement day is Fri 1 Jan.
  const cohort = createCohortCalendar({
    startDate: '2026-11-23',
    weeks: 6,
    clinicalDays: ['Mon', 'Tue'],
    leadershipDays: ['Wed', 'Thu', 'Fri'],
  });
  const now = new Date('2026-12-07T09:00:00Z');
  const check = (date: string, time: string, minutes: number) =>
    slotErrors({ date, time, minutes }, new Date(`${date}T${time}:00Z`), 'Europe/London', cohort, now);

  it('one last day: the last clinical or leadership weekday', () => {
    assert.equal(lastPlacementDate(cohort), '2027-01-01');
    assert.equal(
      formatLocalWithYear(new Date('2026-12-17T14:00:00Z'), 'Europe/London'),
      'Thu 17 Dec 2026, 14:00',
    );
  });

  it('refuses slots after the placement, on a Sunday, at night or running past 17:00', () => {
    assert.match(check('2027-01-03', '23:30', 180).date ?? '', /during the placement/);
    assert.match(check('2026-12-13', '03:01', 45).date ?? '', /not a placement day/);
    assert.match(check('2026-12-17', '03:01', 45).time ?? '', /working hours/);
    assert.match(check('2026-12-17', '16:30', 45).time ?? '', /working hours/);
    assert.deepEqual(check('2026-12-17', '16:15', 45), {});
  });
});
