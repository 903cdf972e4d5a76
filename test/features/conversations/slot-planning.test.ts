import assert from 'node:assert/strict';
import {
  isoWeekKey,
  overlaps,
  planSlots,
  reminderInstants,
} from '../../../src/features/conversations/slot-planning.js';

const iso = (d: Date) => d.toISOString();

describe('conversations: slot planning', () => {
  it('plans back-to-back 20-minute slots with a buffer', () => {
    const slots = planSlots({
      date: '2025-10-28',
      time: '10:00',
      count: 3,
      bufferMinutes: 10,
      weeks: 1,
      zone: 'Europe/London',
    });
    assert.deepEqual(
      slots.map((s) => iso(s.startsAt)),
      ['2025-10-28T10:00:00.000Z', '2025-10-28T10:30:00.000Z', '2025-10-28T11:00:00.000Z'],
    );
    assert.deepEqual(
      slots.map((s) => iso(s.endsAt)),
      ['2025-10-28T10:20:00.000Z', '2025-10-28T10:50:00.000Z', '2025-10-28T11:20:00.000Z'],
    );
  });

  it('keeps a weekly slot at the same local time across the October clock change', () => {
    const slots = planSlots({
      date: '2025-10-21',
      time: '10:00',
      count: 1,
      bufferMinutes: 0,
      weeks: 2,
      zone: 'Europe/London',
    });
    assert.deepEqual(
      slots.map((s) => iso(s.startsAt)),
      ['2025-10-21T09:00:00.000Z', '2025-10-28T10:00:00.000Z'],
    );
    assert.deepEqual(
      slots.map((s) => s.localDate),
      ['2025-10-21', '2025-10-28'],
    );
  });

  it('reminds the day before at the same local time, across the clock change', () => {
    // Mon 27 Oct 10:00 GMT -> Sun 26 Oct 10:00 GMT = 10:00Z (not 09:00Z).
    assert.equal(
      iso(reminderInstants(new Date('2025-10-27T10:00:00Z'), 'Europe/London').dayBefore),
      '2025-10-26T10:00:00.000Z',
    );
    // Sun 26 Oct 10:00 GMT -> Sat 25 Oct 10:00 BST = 09:00Z (not 10:00Z).
    assert.equal(
      iso(reminderInstants(new Date('2025-10-26T10:00:00Z'), 'Europe/London').dayBefore),
      '2025-10-25T09:00:00.000Z',
    );
    assert.equal(
      iso(reminderInstants(new Date('2025-10-27T10:00:00Z'), 'Europe/London').soon),
      '2025-10-27T09:45:00.000Z',
    );
  });

  it('counts a slot against the ISO week of its local date in the host zone', () => {
    assert.equal(isoWeekKey(new Date('2025-10-27T10:00:00Z'), 'Europe/London'), '2025-W44');
    // 23:30Z on Sunday 2 Nov is Monday 3 Nov in Auckland.
    assert.equal(isoWeekKey(new Date('2025-11-02T23:30:00Z'), 'Europe/London'), '2025-W44');
    assert.equal(isoWeekKey(new Date('2025-11-02T23:30:00Z'), 'Pacific/Auckland'), '2025-W45');
  });

  it('detects overlaps, and back-to-back slots do not overlap', () => {
    const t = (m: number) => new Date(Date.UTC(2025, 9, 28, 10, m));
    assert.equal(overlaps(t(0), t(20), t(10), t(30)), true);
    assert.equal(overlaps(t(0), t(20), t(20), t(40)), false);
  });
});
