import assert from 'node:assert/strict';
import { currentEpisodes, type WeekFact } from '../../src/domain/escalation.js';

/** Weeks from a compact spec: a number = wellbeing answered, '-' = missed (closed),
 * 'p' = paused (not expected), '?' = open this week, not answered yet. */
function weeks(...spec: (number | '-' | 'p' | '?')[]): WeekFact[] {
  return spec.map((s, i) => ({
    week: i + 1,
    expected: s !== 'p',
    closed: s !== '?',
    wellbeing: typeof s === 'number' ? s : null,
  }));
}

describe('domain: escalation episodes', () => {
  it('one missed week is not an episode; two in a row are, named by the first', () => {
    assert.deepEqual(currentEpisodes(weeks(4, '-')), []);
    assert.deepEqual(currentEpisodes(weeks(4, '-', '-')), [{ kind: 'missed', startWeek: 2, weeks: [2, 3] }]);
  });

  it('a third miss extends the same episode (same start week, so the same id)', () => {
    assert.deepEqual(currentEpisodes(weeks('-', '-', '-')), [
      { kind: 'missed', startWeek: 1, weeks: [1, 2, 3] },
    ]);
  });

  it('any check-in ends it (a late one too); a later run starts anew', () => {
    assert.deepEqual(currentEpisodes(weeks('-', '-', 4)), []);
    assert.deepEqual(currentEpisodes(weeks('-', '-', '-', 3, '-', '-')), [
      { kind: 'missed', startWeek: 5, weeks: [5, 6] },
    ]);
    // A late check-in for week 2 leaves only week 3 missed after it.
    assert.deepEqual(currentEpisodes(weeks('-', 4, '-')), []);
  });

  it('paused weeks neither count nor break the run; the open week does not count', () => {
    assert.deepEqual(currentEpisodes(weeks('-', 'p', '-')), [
      { kind: 'missed', startWeek: 1, weeks: [1, 3] },
    ]);
    assert.deepEqual(currentEpisodes(weeks(4, '-', '?')), []);
  });

  it('low wellbeing (<= 2) two check-ins running is an episode; a better week ends it', () => {
    assert.deepEqual(currentEpisodes(weeks(2, 3)), []);
    assert.deepEqual(currentEpisodes(weeks(4, 2, 1)), [{ kind: 'wellbeing', startWeek: 2, weeks: [2, 3] }]);
    assert.deepEqual(currentEpisodes(weeks(2, 1, 2, '?')), [
      { kind: 'wellbeing', startWeek: 1, weeks: [1, 2, 3] },
    ]);
    assert.deepEqual(currentEpisodes(weeks(2, 1, 3)), []);
    // A missed week in between breaks the run.
    assert.deepEqual(currentEpisodes(weeks(2, '-', 1)), []);
  });
});
