import assert from 'node:assert/strict';
import { checkinsCloseAt, checkinTiming, editable } from '../../src/domain/late-checkins.js';

const at = (iso: string) => new Date(iso);
const LONDON = 'Europe/London';

describe('domain: late check-ins', () => {
  const cohort = {
    startDate: '2025-02-03',
    weeks: 6,
    clinicalDays: ['Mon', 'Tue'],
    leadershipDays: ['Wed', 'Thu'],
    nonPlacementDates: [],
    supervision: { weekday: 'Thu', time: '14:00' },
    timeZone: LONDON,
  } as never;
  const due = at('2025-02-13T14:00:00Z');

  it('close at midnight after the placement’s last date', () => {
    assert.equal(checkinsCloseAt(cohort, LONDON).toISOString(), '2025-03-17T00:00:00.000Z');
  });

  it('on time until due, late until the placement ends, then closed', () => {
    const closes = checkinsCloseAt(cohort, LONDON);
    assert.equal(checkinTiming(at('2025-02-13T13:59:00Z'), due, closes), 'on-time');
    assert.equal(checkinTiming(at('2025-02-13T14:01:00Z'), due, closes), 'late');
    assert.equal(checkinTiming(at('2025-03-16T23:59:00Z'), due, closes), 'late');
    assert.equal(checkinTiming(at('2025-03-17T00:00:00Z'), due, closes), 'closed');
  });

  it('editable only before the week’s supervision', () => {
    assert.equal(editable(at('2025-02-13T13:59:00Z'), due), true);
    assert.equal(editable(at('2025-02-13T14:00:00Z'), due), false);
    assert.equal(editable(at('2025-02-13T10:00:00Z'), null), false);
  });
});
