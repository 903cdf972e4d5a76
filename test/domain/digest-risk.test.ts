import assert from 'node:assert/strict';
import { byRisk, missedWeeksBefore, type DigestRisk } from '../../src/domain/digest-risk.js';
import type { WeekFact } from '../../src/domain/escalation.js';

const weeks = (...spec: (number | '-' | 'p' | '?')[]): WeekFact[] =>
  spec.map((s, i) => ({
    week: i + 1,
    expected: s !== 'p',
    closed: s !== '?',
    wellbeing: typeof s === 'number' ? s : null,
  }));

const row = (name: string, r: Partial<DigestRisk> = {}): DigestRisk => ({
  name,
  concern: false,
  wellbeing: 4,
  escalated: false,
  submitted: true,
  paused: false,
  missedRun: 0,
  ...r,
});

describe('domain: digest order by risk', () => {
  it('counts the missed weeks in a row before this week; paused weeks neither count nor break', () => {
    assert.deepEqual(missedWeeksBefore(weeks(4, '-', '-', '?'), 4), [2, 3]);
    assert.deepEqual(missedWeeksBefore(weeks('-', 4, '-', '?'), 4), [3]);
    assert.deepEqual(missedWeeksBefore(weeks('-', 'p', '-', '?'), 4), [1, 3]);
    assert.deepEqual(missedWeeksBefore(weeks(4, 3, '?'), 3), []);
  });

  it('puts a concern first (lowest wellbeing first), then escalations, missed runs, the rest, paused last', () => {
    const rows = [
      row('Aaron Able'),
      row('Bea Paused', { paused: true, submitted: false, wellbeing: null }),
      row('Cal Missed', { submitted: false, wellbeing: null, missedRun: 3 }),
      row('Dee Escalated', { escalated: true }),
      row('Eve Words', { concern: true, wellbeing: 4 }),
      row('Fay Not Yet', { submitted: false, wellbeing: null, missedRun: 1 }),
      row('Zoe Low', { concern: true, wellbeing: 1 }),
    ];
    assert.deepEqual(
      [...rows].sort(byRisk).map((r) => r.name),
      ['Zoe Low', 'Eve Words', 'Dee Escalated', 'Cal Missed', 'Fay Not Yet', 'Aaron Able', 'Bea Paused'],
    );
  });
});
