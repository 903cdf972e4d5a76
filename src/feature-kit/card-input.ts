/**
 * One way to read what a card sends back. Card data is untrusted (anyone can post an invoke):
 * keys that MongoDB would read as operators, or that reach prototypes, and values of the wrong
 * type become field errors the card can show next to its inputs; nothing throws to the person.
 */
import type { z } from 'zod';
import {
  FORM_ERROR_KEY,
  formatZodIssues,
  rejectMongoOperatorKeys,
  UnsafeKeyError,
} from '../domain/validation.js';

export type CardInput<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const UNSAFE_INPUT_MESSAGE = 'Some answers contained values that are not allowed.';

/** On card data that held an unsafe key: the first one found (see withoutUnsafeKeys). */
const UNSAFE_KEY = Symbol('unsafeCardKey');

/**
 * Card data as a card action's handler receives it (the platform seam calls this): unchanged
 * if it holds no operator or prototype keys; otherwise a copy without them that remembers the
 * first one. So parseCardInput answers with the card's own message, and a handler that reads a
 * field directly can never pass an operator on to the database.
 */
export function withoutUnsafeKeys(data: unknown): unknown {
  try {
    rejectMongoOperatorKeys(data);
    return data;
  } catch (err) {
    if (!(err instanceof UnsafeKeyError)) throw err;
    const copy = stripUnsafeKeys(data);
    if (copy !== null && typeof copy === 'object')
      Object.defineProperty(copy, UNSAFE_KEY, { value: err, enumerable: false });
    return copy;
  }
}

function stripUnsafeKeys(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(stripUnsafeKeys);
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !key.startsWith('$') && !PROTOTYPE_KEYS.has(key))
      .map(([key, value]) => [key, stripUnsafeKeys(value)]),
  );
}

function unsafeKeyOf(data: unknown): UnsafeKeyError | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  return (data as { [UNSAFE_KEY]?: UnsafeKeyError })[UNSAFE_KEY];
}

export function parseCardInput<T extends z.ZodTypeAny>(
  schema: T,
  data: unknown,
  options: { unsafeMessage?: string } = {},
): CardInput<z.infer<T>> {
  try {
    // Keys the seam took out (withoutUnsafeKeys) count as if they were still there.
    const removed = unsafeKeyOf(data);
    if (removed) throw removed;
    rejectMongoOperatorKeys(data);
  } catch (err) {
    if (!(err instanceof UnsafeKeyError)) throw err;
    const field = err.path.split(/[.[]/)[0] || FORM_ERROR_KEY;
    const errors: Record<string, string> = {
      [FORM_ERROR_KEY]: options.unsafeMessage ?? UNSAFE_INPUT_MESSAGE,
    };
    if (field.startsWith('$') === false && !PROTOTYPE_KEYS.has(field) && field !== FORM_ERROR_KEY)
      errors[field] = 'Not allowed';
    return { ok: false, errors };
  }
  const result = schema.safeParse(data ?? {});
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: formatZodIssues(result.error) };
}

/** Card data as a plain record ({} for anything else), for handlers that read a field or two. */
export function cardData(data: unknown): Record<string, unknown> {
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}
