/**
 * pino logger. Personal data (names, emails, free text typed by people) never reaches the
 * logs: fields that carry it are redacted at any depth we log (top level and two levels
 * down), email addresses are masked in every logged string (error messages from the database
 * can quote a duplicate key, for example), and callers log ids, not content.
 * Tested by test/security/log-redaction.test.ts, which captures real output.
 */
import pino, { type Logger } from 'pino';
import { traceLogFields } from './telemetry/log-context.js';

const PERSONAL_KEYS = [
  'name',
  'email',
  'text',
  'displayName',
  'userPrincipalName',
  'givenName',
  'surname',
  'value',
  'comment',
  'answer',
  'answers',
  'reflection',
  'summary',
];

export const REDACTED_PATHS = [
  ...PERSONAL_KEYS,
  ...PERSONAL_KEYS.map((k) => `*.${k}`),
  ...PERSONAL_KEYS.map((k) => `*.*.${k}`),
  'activity.from.name',
  'activity.recipient.name',
  'headers.authorization',
  'req.headers.authorization',
  'headers.cookie',
];

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const MASK = '[email]';

/** A copy with every email address in a string masked (objects and arrays walked, bounded). */
export function maskEmails<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return value.replace(EMAIL, MASK) as T;
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v) => maskEmails(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = maskEmails(v, depth + 1);
  return out as T;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: undefined,
      // trace_id / span_id of the active span while telemetry is on (src/telemetry/log-context.ts).
      mixin: traceLogFields,
      formatters: { log: (object) => maskEmails(object) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? maskEmails(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}

export type { Logger };
