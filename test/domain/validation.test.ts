import assert from 'node:assert/strict';
import { z } from 'zod';
import {
  cardNumber,
  fieldErrorsText,
  FORM_ERROR_KEY,
  UnsafeKeyError,
  formatZodIssues,
  isoDate,
  rating,
  rejectMongoOperatorKeys,
  safeText,
} from '../../src/domain/validation.js';

function issuesOf(schema: z.ZodTypeAny, value: unknown): Record<string, string> {
  const result = schema.safeParse(value);
  assert.equal(result.success, false, `expected ${JSON.stringify(value)} to be rejected`);
  return formatZodIssues(result.error!);
}

describe('validation', () => {
  describe('fieldErrorsText', () => {
    it('names each field by the label people saw, not its key; a form error stands alone', () => {
      assert.equal(
        fieldErrorsText(
          {
            date: 'Enter a date as YYYY-MM-DD',
            minutes: 'Enter minutes from 1 to 480',
            [FORM_ERROR_KEY]: 'Try again.',
          },
          { date: 'Date held', minutes: 'Minutes' },
        ),
        'Date held: Enter a date as YYYY-MM-DD; Minutes: Enter minutes from 1 to 480; Try again.',
      );
    });
  });

  describe('cardNumber', () => {
    it('binds numbers to Input.Number: submitted text becomes a number, junk the fallback', () => {
      assert.equal(cardNumber(5, 1), 5);
      assert.equal(cardNumber('7', 1), 7);
      assert.equal(cardNumber(' 12 ', 1), 12);
      for (const junk of ['', 'abc', null, undefined, {}, '5; drop', Number.NaN])
        assert.equal(cardNumber(junk, 3), 3);
    });
  });

  describe('safeText', () => {
    it('trims and accepts text up to the limit', () => {
      assert.equal(safeText(10).parse('  hello  '), 'hello');
      assert.equal(safeText(5).parse('12345'), '12345');
      assert.equal(safeText(5).parse('  12345  '), '12345', 'length is checked after trimming');
      assert.equal(safeText(50).parse('line one\nline two\ttab'), 'line one\nline two\ttab');
      assert.equal(safeText(5).parse(''), '');
    });

    it('rejects text over the limit with a message naming the limit', () => {
      assert.deepEqual(issuesOf(z.object({ what: safeText(5) }), { what: '123456' }), {
        what: 'Must be 5 characters or fewer',
      });
    });

    it('rejects non-strings, including Mongo operator objects', () => {
      for (const bad of [{ $gt: '' }, { $ne: null }, ['a'], 42, true, null]) {
        assert.equal(safeText(100).safeParse(bad).success, false, JSON.stringify(bad));
      }
      assert.deepEqual(issuesOf(z.object({ what: safeText(5) }), { what: { $gt: '' } }), {
        what: 'Must be text',
      });
      assert.deepEqual(issuesOf(z.object({ what: safeText(5) }), {}), { what: 'Required' });
    });

    it('rejects control characters', () => {
      assert.equal(safeText(100).safeParse('a\u0000b').success, false);
      assert.equal(safeText(100).safeParse('a\u001bb').success, false);
    });

    it('can require a minimum length', () => {
      assert.deepEqual(issuesOf(safeText(10, { min: 1 }), '   '), { [FORM_ERROR_KEY]: 'Required' });
      assert.deepEqual(issuesOf(safeText(10, { min: 3 }), 'ab'), {
        [FORM_ERROR_KEY]: 'Must be at least 3 characters',
      });
      assert.equal(safeText(10, { min: 1 }).parse(' a '), 'a');
    });
  });

  describe('rating', () => {
    const scale = rating(1, 5);

    it('accepts numbers and numeric strings from ChoiceSet in range', () => {
      assert.equal(scale.parse(1), 1);
      assert.equal(scale.parse('5'), 5);
      assert.equal(scale.parse(' 3 '), 3);
      assert.equal(rating(0, 10).parse('0'), 0);
      assert.equal(rating(-2, 2).parse('-2'), -2);
    });

    it('rejects out-of-range, non-integer and non-numeric values', () => {
      for (const bad of [
        0,
        6,
        '0',
        '6',
        2.5,
        '2.5',
        '',
        ' ',
        'three',
        '3abc',
        '0x3',
        null,
        undefined,
        { $gt: 0 },
        [3],
        true,
      ]) {
        assert.equal(scale.safeParse(bad).success, false, JSON.stringify(bad));
      }
    });

    it('explains the allowed range', () => {
      assert.deepEqual(issuesOf(z.object({ confidence: scale }), { confidence: '9' }), {
        confidence: 'Choose a value from 1 to 5',
      });
      assert.deepEqual(issuesOf(z.object({ confidence: scale }), { confidence: 'x' }), {
        confidence: 'Choose a value from 1 to 5',
      });
      assert.deepEqual(issuesOf(z.object({ confidence: scale }), {}), {
        confidence: 'Choose a value from 1 to 5',
      });
    });
  });

  describe('isoDate', () => {
    it('accepts real YYYY-MM-DD dates', () => {
      assert.equal(isoDate.parse('2025-02-21'), '2025-02-21');
      assert.equal(isoDate.parse('2024-02-29'), '2024-02-29');
    });

    it('rejects other shapes and impossible dates', () => {
      for (const bad of [
        '2025-02-30',
        '2025-13-01',
        '2025-2-3',
        '21/02/2025',
        '2025-02-21T10:00',
        '',
        20250221,
        null,
      ]) {
        assert.equal(isoDate.safeParse(bad).success, false, JSON.stringify(bad));
      }
      assert.deepEqual(issuesOf(z.object({ from: isoDate }), { from: '2025-02-30' }), {
        from: 'Enter a date as YYYY-MM-DD',
      });
    });
  });

  describe('formatZodIssues', () => {
    it('maps each field to its first message, with dotted paths for nested fields', () => {
      const schema = z.object({
        title: safeText(5, { min: 1 }),
        confidence: rating(1, 5),
        reflection: z.object({ what: safeText(3) }),
        tags: z.array(safeText(2)),
      });
      const issues = issuesOf(schema, {
        title: 'too long here',
        confidence: '7',
        reflection: { what: 'abcd' },
        tags: ['ok', 'bad'],
      });
      assert.deepEqual(issues, {
        title: 'Must be 5 characters or fewer',
        confidence: 'Choose a value from 1 to 5',
        'reflection.what': 'Must be 3 characters or fewer',
        'tags.1': 'Must be 2 characters or fewer',
      });
    });

    it('puts form-level issues under _form', () => {
      const schema = z
        .object({ from: isoDate, to: isoDate })
        .refine((v) => v.from <= v.to, { message: 'The end date is before the start date' });
      assert.deepEqual(issuesOf(schema, { from: '2025-03-02', to: '2025-03-01' }), {
        _form: 'The end date is before the start date',
      });
    });
  });

  describe('rejectMongoOperatorKeys', () => {
    it('returns safe values unchanged', () => {
      const value = { a: 1, b: [{ c: 'd' }, null, 'x'], e: { f: { g: '$not-a-key' } }, price$: 2 };
      assert.equal(rejectMongoOperatorKeys(value), value);
      for (const v of [null, undefined, 'text', 3, [], {}])
        assert.doesNotThrow(() => rejectMongoOperatorKeys(v));
    });

    it('rejects operator keys at any depth, including inside arrays', () => {
      assert.throws(() => rejectMongoOperatorKeys({ $where: 'sleep(1000)' }), UnsafeKeyError);
      assert.throws(
        () => rejectMongoOperatorKeys({ user: { email: { $ne: null } } }),
        (e: unknown) => e instanceof UnsafeKeyError && e.key === '$ne' && e.path === 'user.email.$ne',
      );
      assert.throws(
        () => rejectMongoOperatorKeys({ list: [{ ok: 1 }, { nested: [{ $gt: 1 }] }] }),
        (e: unknown) => e instanceof UnsafeKeyError && e.path === 'list[1].nested[0].$gt',
      );
      assert.throws(() => rejectMongoOperatorKeys([{ $set: {} }]), UnsafeKeyError);
    });

    it('rejects prototype-pollution keys as they arrive from JSON', () => {
      assert.throws(
        () => rejectMongoOperatorKeys(JSON.parse('{"__proto__": {"admin": true}}')),
        /"__proto__"/,
      );
      assert.throws(
        () => rejectMongoOperatorKeys(JSON.parse('{"a": {"constructor": {"prototype": {}}}}')),
        /"constructor" at a.constructor/,
      );
      assert.throws(() => rejectMongoOperatorKeys({ x: { prototype: 1 } }), UnsafeKeyError);
    });

    it('copes with cycles', () => {
      const a: Record<string, unknown> = { name: 'a' };
      a['self'] = a;
      assert.doesNotThrow(() => rejectMongoOperatorKeys(a));
    });
  });
});
