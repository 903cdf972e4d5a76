import assert from 'node:assert/strict';
import {
  GroupTooSmallError,
  MIN_GROUP_SIZE_DEFAULT,
  assertGroupLargeEnough,
  isGroupLargeEnough,
  suppressSmallGroups,
} from '../../src/domain/anonymity.js';

describe('anonymity', () => {
  it('defaults the minimum group size to 5', () => {
    assert.equal(MIN_GROUP_SIZE_DEFAULT, 5);
    assert.equal(isGroupLargeEnough(5), true);
    assert.equal(isGroupLargeEnough(4), false);
  });

  it('assertGroupLargeEnough passes at and above the minimum', () => {
    assert.doesNotThrow(() => assertGroupLargeEnough(5, 5));
    assert.doesNotThrow(() => assertGroupLargeEnough(30, 5));
    assert.doesNotThrow(() => assertGroupLargeEnough(3, 3));
  });

  it('throws a typed GroupTooSmallError below the minimum', () => {
    assert.throws(
      () => assertGroupLargeEnough(4, 5),
      (e: unknown) =>
        e instanceof GroupTooSmallError &&
        e instanceof Error &&
        e.name === 'GroupTooSmallError' &&
        e.size === 4 &&
        e.minimum === 5 &&
        /smaller than 5/.test(e.message),
    );
    assert.throws(() => assertGroupLargeEnough(0), GroupTooSmallError);
    assert.throws(() => assertGroupLargeEnough(9, 10), GroupTooSmallError);
  });

  it('rejects nonsense sizes and minimums', () => {
    assert.throws(() => assertGroupLargeEnough(-1), RangeError);
    assert.throws(() => assertGroupLargeEnough(2.5), RangeError);
    assert.throws(() => assertGroupLargeEnough(Number.NaN), RangeError);
    assert.throws(() => assertGroupLargeEnough(10, 0), RangeError);
    assert.throws(() => suppressSmallGroups([], 1.5), RangeError);
  });

  it('suppressSmallGroups keeps only large-enough rows, in order, and counts the hidden ones', () => {
    const rows = [
      { group: 'OT', count: 6, mean: 3.2 },
      { group: 'Physio', count: 4, mean: 4.5 },
      { group: 'SLT', count: 5, mean: 2.9 },
      { group: 'Dietetics', count: 1, mean: 5 },
    ];
    const result = suppressSmallGroups(rows);
    assert.deepEqual(
      result.visible.map((r) => r.group),
      ['OT', 'SLT'],
    );
    assert.equal(result.suppressedCount, 2);
    assert.equal(suppressSmallGroups(rows, 1).suppressedCount, 0);
    assert.equal(suppressSmallGroups(rows, 7).visible.length, 0);
    assert.deepEqual(suppressSmallGroups([], 5), { visible: [], suppressedCount: 0 });
  });

  it('suppressSmallGroups can read the size with a custom accessor', () => {
    const rows = [
      { cohort: 'c1', respondents: 12 },
      { cohort: 'c2', respondents: 3 },
    ];
    const result = suppressSmallGroups(rows, 5, (r) => r.respondents);
    assert.deepEqual(result.visible, [{ cohort: 'c1', respondents: 12 }]);
    assert.equal(result.suppressedCount, 1);
  });
});

describe('anonymity: survey results released in steps', () => {
  it('an open run releases 0, 5, 5, 10 of 4, 5, 6, 10 responses; a closed run all (at or above the minimum)', async () => {
    const { releasedResponses, releaseStep } = await import('../../src/domain/anonymity.js');
    assert.deepEqual(
      [4, 5, 6, 9, 10, 14, 15].map((n) => releasedResponses(n, 5)),
      [0, 5, 5, 5, 10, 10, 15],
    );
    assert.deepEqual(
      [4, 5, 6, 10].map((n) => releasedResponses(n, 5, true)),
      [0, 5, 6, 10],
    );
    assert.equal(releaseStep(3), 5);
    assert.equal(releaseStep(8), 8);
    assert.deepEqual(
      [3, 4, 5, 7].map((n) => releasedResponses(n, 3)),
      [0, 0, 5, 5],
    );
    assert.deepEqual(
      [7, 8, 15, 16].map((n) => releasedResponses(n, 8)),
      [0, 8, 8, 16],
    );
  });
});
