import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  cardData,
  parseCardInput,
  UNSAFE_INPUT_MESSAGE,
  withoutUnsafeKeys,
} from '../../src/feature-kit/card-input.js';

describe('parseCardInput: untrusted card data', () => {
  const schema = z.object({ title: z.string().min(1, 'Enter a title'), minutes: z.coerce.number().int() });

  it('returns the parsed value', () => {
    assert.deepEqual(parseCardInput(schema, { title: 'Falls huddle', minutes: '20' }), {
      ok: true,
      value: { title: 'Falls huddle', minutes: 20 },
    });
  });

  it('turns wrong types into field errors', () => {
    const r = parseCardInput(schema, { title: '', minutes: 'soon' });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.errors.title, 'Enter a title');
    assert.ok(!r.ok && r.errors.minutes);
  });

  it('marks the field that carried an operator key and names the form error', () => {
    const r = parseCardInput(schema, { title: { $gt: '' }, minutes: 1 });
    assert.deepEqual(r, { ok: false, errors: { _form: UNSAFE_INPUT_MESSAGE, title: 'Not allowed' } });
    const proto = parseCardInput(schema, JSON.parse('{"__proto__": {"x": 1}}'), { unsafeMessage: 'No.' });
    assert.deepEqual(proto, { ok: false, errors: { _form: 'No.' } });
    assert.deepEqual(parseCardInput(schema, { $where: 'x' }), {
      ok: false,
      errors: { _form: UNSAFE_INPUT_MESSAGE },
    });
  });

  it('reads missing data as an empty form', () => {
    const r = parseCardInput(z.object({ note: z.string().optional() }), undefined);
    assert.deepEqual(r, { ok: true, value: {} });
  });

  it('cardData gives a record or {}', () => {
    assert.deepEqual(cardData([1]), {});
    assert.deepEqual(cardData(null), {});
    assert.deepEqual(cardData({ a: 1 }), { a: 1 });
  });

  it('withoutUnsafeKeys: safe data unchanged; otherwise a copy without the keys that parseCardInput still refuses', () => {
    const safe = { title: 'Falls huddle', minutes: 20 };
    assert.equal(withoutUnsafeKeys(safe), safe);
    const data = { title: { $gt: '' }, minutes: 1, list: [{ $ne: null, a: 1 }], $where: '1' };
    const copy = withoutUnsafeKeys(data);
    assert.deepEqual(copy, { title: {}, minutes: 1, list: [{ a: 1 }] });
    assert.deepEqual(cardData(copy), { title: {}, minutes: 1, list: [{ a: 1 }] });
    assert.deepEqual(parseCardInput(schema, copy), {
      ok: false,
      errors: { _form: UNSAFE_INPUT_MESSAGE, title: 'Not allowed' },
    });
  });
});
