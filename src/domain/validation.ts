/**
 * Shared zod building blocks for validating Adaptive Card submits, and a guard against
 * MongoDB operator / prototype-pollution keys in untrusted objects.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';

/** Control characters other than tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export interface SafeTextOptions {
  /** Minimum length after trimming; 1 makes the field required. Default 0. */
  min?: number;
}

/**
 * A trimmed string of at most `max` characters. Only real strings pass (objects such as
 * `{ "$gt": "" }`, numbers and arrays are rejected); control characters are rejected.
 */
export function safeText(max: number, options: SafeTextOptions = {}) {
  const min = options.min ?? 0;
  let schema = z
    .string({ invalid_type_error: 'Must be text', required_error: 'Required' })
    .trim()
    .max(max, { message: `Must be ${max} characters or fewer` });
  if (min > 0) {
    schema = schema.min(min, { message: min === 1 ? 'Required' : `Must be at least ${min} characters` });
  }
  return schema.refine((s) => !CONTROL_CHARS.test(s), {
    message: 'Contains characters that are not allowed',
  });
}

/**
 * A whole-number rating in [min, max]. Accepts numbers and numeric strings (Adaptive Card
 * Input.ChoiceSet submits values as strings); rejects '', non-numeric text, decimals and
 * values out of range.
 */
export function rating(min: number, max: number) {
  const message = `Choose a value from ${min} to ${max}`;
  return z.preprocess(
    (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number({ invalid_type_error: message, required_error: message })
      .int({ message })
      .min(min, { message })
      .max(max, { message }),
  );
}

/**
 * The value to bind to an Input.Number: a number, never a string (Adaptive Cards clients parse
 * it as a number and show an empty box for "5"). A submitted value (Teams sends "5") is turned
 * back into a number; anything else gives `fallback`.
 */
export function cardNumber(value: unknown, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return fallback;
}

/** An ISO calendar date 'YYYY-MM-DD' (what Input.Date submits) that exists. */
export const isoDate = z
  .string({ invalid_type_error: 'Enter a date as YYYY-MM-DD', required_error: 'Required' })
  .trim()
  .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid, {
    message: 'Enter a date as YYYY-MM-DD',
  });

/** A full https:// address with a host and no user name or password in it. */
export function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** Key used in formatZodIssues for errors that are not about one field. */
export const FORM_ERROR_KEY = '_form';

/**
 * One message per field (the first issue wins), keyed by the dotted path
 * ('reflection.what'), for re-showing a card with errors next to its inputs.
 */
export function formatZodIssues(error: z.ZodError): Record<string, string> {
  const result: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : FORM_ERROR_KEY;
    if (!(key in result)) result[key] = issue.message;
  }
  return result;
}

/**
 * Field errors as one sentence for a chat reply, each under the label the person saw on the
 * card ("Date held: Choose a date; Minutes: Enter minutes from 1 to 480"), never the field key.
 * A key without a label (a form-level error) gives just its message.
 */
export function fieldErrorsText(errors: Record<string, string>, labels: Record<string, string>): string {
  return Object.entries(errors)
    .map(([key, message]) => (labels[key] ? `${labels[key]}: ${message}` : message))
    .join('; ');
}

export class UnsafeKeyError extends Error {
  override readonly name = 'UnsafeKeyError';
  constructor(
    readonly key: string,
    readonly path: string,
  ) {
    super(`Input contains a key that is not allowed: "${key}" at ${path}`);
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Throws UnsafeKeyError if any key, at any depth (objects and arrays), starts with '$'
 * (a MongoDB operator) or is '__proto__', 'constructor' or 'prototype'. Returns the
 * value unchanged otherwise.
 */
export function rejectMongoOperatorKeys<T>(value: T): T {
  const seen = new WeakSet<object>();
  const visit = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    for (const key of Object.keys(node)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (key.startsWith('$') || FORBIDDEN_KEYS.has(key)) throw new UnsafeKeyError(key, at);
      visit((node as Record<string, unknown>)[key], at);
    }
  };
  visit(value, '');
  return value;
}
