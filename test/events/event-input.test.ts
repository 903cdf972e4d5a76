import assert from 'node:assert/strict';
import { parseEvent, parseRef } from '../../src/features/events/event-input.js';

const NOT_ALLOWED = { _form: 'That submission contained something not allowed. Please try again.' };

describe('events: card input', () => {
  it('a key that is not allowed is one message for the whole form (no field is marked)', () => {
    assert.deepEqual(parseEvent({ title: { $gt: '' }, date: '2026-01-01' }), {
      ok: false,
      errors: NOT_ALLOWED,
    });
    assert.deepEqual(parseEvent(JSON.parse('{"__proto__": {"x": 1}}')), { ok: false, errors: NOT_ALLOWED });
    assert.deepEqual(parseRef({ eventId: 'e1', nested: [{ $where: '1' }] }), {
      ok: false,
      errors: NOT_ALLOWED,
    });
  });

  it('field problems are messages by field', () => {
    const parsed = parseEvent({ cohortId: 'c1', title: '', kind: 'nope', date: '2026-01-01' });
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.deepEqual(Object.keys(parsed.errors).sort(), ['endTime', 'kind', 'startTime', 'title']);
    assert.deepEqual(parseRef({ eventId: 'e1' }), { ok: true, value: { eventId: 'e1' } });
  });
});
