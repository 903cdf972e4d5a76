import assert from 'node:assert/strict';
import { cohortPhase, currentCohort, currentCohortFirst } from '../../src/domain/current-cohort.js';

const cohort = (name: string, startDate: string, weeks: number) => ({
  name,
  startDate,
  weeks,
  timeZone: 'Europe/London',
});

describe("domain/current-cohort: the lead's current cohort", () => {
  const june = cohort('Spring (ended June)', '2026-05-04', 6); // ends Sun 14 Jun
  const autumn = cohort('Autumn (running)', '2026-10-05', 6); // ends Sun 15 Nov
  const winter = cohort('Winter (next)', '2027-01-11', 6);
  const at = (iso: string) => new Date(iso);

  it('a cohort running today wins over one that finished in June, whatever the order given', () => {
    for (const list of [
      [june, autumn, winter],
      [winter, autumn, june],
    ])
      assert.equal(currentCohort(list, at('2026-10-20T10:00:00Z'))?.name, autumn.name);
  });

  it('else the next to start', () => {
    assert.equal(currentCohort([june, autumn, winter], at('2026-12-01T10:00:00Z'))?.name, winter.name);
    assert.equal(currentCohort([june, winter], at('2026-07-01T10:00:00Z'))?.name, winter.name);
  });

  it('else the latest ended', () => {
    assert.equal(currentCohort([autumn, june], at('2026-12-01T10:00:00Z'))?.name, autumn.name);
    assert.equal(currentCohort([], at('2026-12-01T10:00:00Z')), null);
  });

  it('of two running, the one that started last; "today" is the cohort\'s local date', () => {
    const overlapping = cohort('Overlap', '2026-10-12', 6);
    assert.equal(currentCohort([autumn, overlapping], at('2026-10-20T10:00:00Z'))?.name, 'Overlap');
    // 23:30 UTC on Sun 14 Jun is 00:30 BST Mon 15 Jun in London: the spring cohort has ended.
    assert.equal(cohortPhase(june, at('2026-06-14T22:30:00Z')), 'running');
    assert.equal(cohortPhase(june, at('2026-06-14T23:30:00Z')), 'ended');
  });

  it('currentCohortFirst puts the current one first and keeps the rest in order', () => {
    assert.deepEqual(
      currentCohortFirst([june, autumn, winter], at('2026-10-20T10:00:00Z')).map((c) => c.name),
      [autumn.name, june.name, winter.name],
    );
  });
});
