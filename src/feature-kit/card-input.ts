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

export function parseCardInput<T extends z.ZodTypeAny>(
  schema: T,
  data: unknown,
  options: { unsafeMessage?: string } = {},
): CardInput<z.infer<T>> {
  try {
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
