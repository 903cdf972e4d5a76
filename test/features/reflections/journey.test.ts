import assert from 'node:assert/strict';
import { createCohortCalendar } from '../../../src/domain/placement-calendar.js';
import { journeyCounts, journeySummary, reflectionWeek } from '../../../src/features/reflections/journey.js';

/** Cohort 2 shape: starts Mon 3 Feb 2025, 6 weeks, clinical Mon/Tue, leadership Wed–Fri. */
const calendar = (nonPlacementDates: string[]) =>
  createCohortCalendar({
    startDate: '2025-02-03',
    weeks: 6,
    clinicalDays: ['Mon', 'Tue'],
    leadershipDays: ['Wed', 'Thu', 'Fri'],
    nonPlacementDates,
    supervision: { weekday: 'Thu', time: '14:00' },
    timeZone: 'Europe/London',
  });

const r = (iso: string, pillars: string[], standards: string[], topic = 'other') => ({
  createdAt: new Date(iso),
  pillars,
  standards,
  topic,
});

// Known answers, worked out by hand:
const fixture = [
  r('2025-02-04T10:00:00Z', ['clinical', 'leadership'], ['9', '11'], 'qi-project'), // week 1
  r('2025-02-05T16:00:00Z', ['leadership', 'leadership'], ['9', '9'], 'conversation'), // week 1, duplicates count once
  r('2025-02-19T12:00:00Z', ['education'], ['7', '9', '11'], 'workshop'), // week 3
  r('2025-03-04T18:00:00Z', ['clinical'], ['1'], 'qi-project'), // week 5 (current week)
  r('2025-02-02T23:30:00Z', ['research'], ['15']), // Sun 2 Feb local: before the placement
];
const now = new Date('2025-03-05T12:00:00Z'); // Wed of week 5: weeks 1–4 completed

describe('reflections: journey counts and gaps (known answers)', () => {
  it('counts by pillar, standard and topic, each reflection once per tag', () => {
    const c = journeyCounts(fixture);
    assert.equal(c.total, 5);
    assert.deepEqual(Object.fromEntries(c.byPillar.map((p) => [p.id, p.count])), {
      clinical: 2,
      leadership: 2,
      education: 1,
      research: 1,
    });
    const byStandard = Object.fromEntries(c.byStandard.map((s) => [s.id, s.count]));
    assert.deepEqual(byStandard, {
      '1': 1,
      '2': 0,
      '3': 0,
      '4': 0,
      '5': 0,
      '6': 0,
      '7': 1,
      '8': 0,
      '9': 3,
      '10': 0,
      '11': 2,
      '12': 0,
      '13': 0,
      '14': 0,
      '15': 1,
    });
    assert.equal(c.byTopic.find((t) => t.id === 'qi-project')!.count, 2);
    assert.equal(c.byTopic.find((t) => t.id === 'other')!.count, 1);
    assert.equal(
      c.byTopic.reduce((n, t) => n + t.count, 0),
      5,
    );
  });

  it('finds the standards with no evidence and the completed weeks without a reflection', () => {
    const s = journeySummary(fixture, calendar(['2025-02-21']), now);
    assert.deepEqual(s.standardsWithoutEvidence, ['2', '3', '4', '5', '6', '8', '10', '12', '13', '14']);
    assert.equal(s.currentWeek, 5);
    assert.equal(s.weeksCompleted, 4);
    // Week 5 is not over yet; week 2 and week 4 had placement days and no reflection.
    assert.deepEqual(s.weeksWithoutReflection, [2, 4]);
    assert.match(s.nudge, /weeks 2 and 4/);
    assert.match(
      s.nudge,
      /could show “Practise within the legal and ethical boundaries of their profession” \(HCPC standard 2\)/,
    );
  });

  it('does not count a week with no placement days (all study days) as a gap', () => {
    const allOff = ['2025-02-24', '2025-02-25', '2025-02-26', '2025-02-27', '2025-02-28'];
    const s = journeySummary(fixture, calendar(allOff), now);
    assert.deepEqual(s.weeksWithoutReflection, [2]);
  });

  it('has no week figures without a calendar, and nudges a first reflection when there is none', () => {
    const s = journeySummary([], null, now);
    assert.equal(s.weeksCompleted, null);
    assert.deepEqual(s.weeksWithoutReflection, []);
    assert.equal(s.standardsWithoutEvidence.length, 15);
    assert.match(s.nudge, /not written a reflection yet/);
  });

  it('places a reflection in the week of its local date (after midnight BST is the next day)', () => {
    const cal = createCohortCalendar({
      startDate: '2025-03-24',
      weeks: 2,
      clinicalDays: ['Mon'],
      timeZone: 'Europe/London',
    });
    assert.equal(reflectionWeek(cal, new Date('2025-03-30T22:30:00Z')), 1); // 23:30 BST Sun 30 Mar
    assert.equal(reflectionWeek(cal, new Date('2025-03-30T23:30:00Z')), 2); // 00:30 BST Mon 31 Mar
    assert.equal(reflectionWeek(cal, new Date('2025-03-23T12:00:00Z')), null);
  });

  it('says every standard has evidence once they all do', () => {
    const all = Array.from({ length: 15 }, (_, i) =>
      r('2025-02-04T10:00:00Z', ['clinical', 'leadership', 'education', 'research'], [String(i + 1)]),
    );
    const s = journeySummary(all, calendar([]), new Date('2025-02-06T10:00:00Z'));
    assert.deepEqual(s.standardsWithoutEvidence, []);
    assert.match(s.nudge, /Every standard has evidence/);
  });
});
