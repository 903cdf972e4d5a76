import assert from 'node:assert/strict';
import { FORM_ERROR_KEY } from '../../../src/domain/validation.js';
import { bookInput, parse, profileInput } from '../../../src/features/conversations/input.js';

describe('conversations: card input', () => {
  it('answers a MongoDB operator key with one form error and no field error', () => {
    const result = parse(profileInput, { bio: { $gt: '' }, location: 'Ward 7', weeklyCap: '3' });
    assert.deepEqual(result, { ok: false, errors: { [FORM_ERROR_KEY]: 'That request was not valid.' } });
  });

  it('answers a prototype key the same way', () => {
    const data = JSON.parse('{"slotId":"s","hostId":"h","startsAt":"x","__proto__":{"admin":true}}');
    assert.deepEqual(parse(bookInput, data), {
      ok: false,
      errors: { [FORM_ERROR_KEY]: 'That request was not valid.' },
    });
  });

  it('gives field errors for wrong values, and the parsed value otherwise', () => {
    const refused = parse(profileInput, {
      bio: '',
      location: 'Ward 7',
      onlineLink: 'http://x',
      weeklyCap: '0',
    });
    assert.equal(refused.ok, false);
    if (!refused.ok) {
      assert.deepEqual(Object.keys(refused.errors).sort(), ['bio', 'onlineLink', 'weeklyCap']);
      assert.equal(refused.errors.onlineLink, 'Must be an https:// link');
      assert.equal(refused.errors.weeklyCap, 'Choose a value from 1 to 20');
    }
    const ok = parse(profileInput, { bio: 'Hi', location: 'Ward 7', weeklyCap: '4' });
    assert.deepEqual(ok, { ok: true, value: { bio: 'Hi', location: 'Ward 7', weeklyCap: 4 } });
  });
});
