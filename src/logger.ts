/**
 * pino logger. Personal data (names, emails, free text typed by people) never reaches the
 * logs: known fields are redacted and callers log ids, not content.
 */
import pino, { type Logger } from 'pino';

export const REDACTED_PATHS = [
  'name',
  'email',
  'text',
  'displayName',
  '*.name',
  '*.email',
  '*.text',
  '*.displayName',
  'activity.text',
  'activity.from.name',
  'activity.value',
  'from.name',
  'value',
  'headers.authorization',
  'req.headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: undefined },
    destination,
  );
}

export type { Logger };
