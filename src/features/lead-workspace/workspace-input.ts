/**
 * What a placement lead types into the workspace cards (and the dashboard's Manage page),
 * checked on the server: one message per field, keyed by the input's id, and the human label
 * of each field for summaries ("Please check: Number of weeks, Last placement day"). Pure: no
 * I/O. Checks that need stored data (names in use, who is a supervisor) live in the service.
 */
import { FORM_ERROR_KEY, rejectMongoOperatorKeys } from '../../domain/validation.js';

export type FieldErrors = Record<string, string>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Human labels of every workspace input, for messages and summaries (never field keys). */
export const LABELS: Record<string, string> = {
  name: 'Cohort name',
  startDate: 'First placement day',
  weeks: 'Number of weeks',
  endDate: 'Last placement day',
  clinicalDays: 'Clinical days',
  leadershipDays: 'Leadership days',
  supervisionDay: 'Supervision day',
  supervisionTime: 'Supervision time',
  timeZone: 'Time zone',
  promptTime: 'Check-in prompt time',
  reminderHours: 'Reminder (hours before the check-in is due)',
  digestHours: 'Supervisor summary (hours before supervision)',
  date: 'Non-placement day',
  email: 'Email address',
  displayName: 'Full name',
  profession: 'Profession',
  supervisorEmails: "Supervisors' email addresses",
  personTimeZone: 'Time zone (if not the cohort’s)',
  toCohortId: 'Move to cohort',
  roleType: 'Role',
  bio: 'About them',
  location: 'Where they meet',
  weeklyCap: 'Conversations per week (at most)',
  file: 'File',
  [FORM_ERROR_KEY]: 'Form',
};

/** "Please check: Number of weeks, Last placement day." for the top of a card. */
export function errorSummary(errors: FieldErrors): string {
  const keys = Object.keys(errors);
  if (keys.length === 0) return '';
  if (keys.length === 1 && keys[0] === FORM_ERROR_KEY) return errors[FORM_ERROR_KEY]!;
  const labels = keys.filter((k) => k !== FORM_ERROR_KEY).map((k) => LABELS[k] ?? 'A field');
  const form = errors[FORM_ERROR_KEY] ? ` ${errors[FORM_ERROR_KEY]}` : '';
  return `Nothing was saved. Please check: ${labels.join(', ')}.${form}`;
}

/** "Number of weeks: enter a whole number from 1 to 52" lines, for the API and the logs of a test. */
export function labelledErrors(errors: FieldErrors): string[] {
  return Object.entries(errors).map(([k, v]) => `${LABELS[k] ?? 'A field'}: ${v}`);
}

export const str = (data: Record<string, unknown>, key: string, max = 500): string =>
  typeof data[key] === 'string' ? (data[key] as string).slice(0, max) : '';

/** The raw values echoed back into a card re-shown with errors. */
export function rawValues(data: unknown, keys: readonly string[]): Record<string, string> {
  const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, str(record, k, 2000)]));
}

export function guard(data: unknown): FieldErrors | null {
  try {
    rejectMongoOperatorKeys(data);
  } catch {
    return {
      [FORM_ERROR_KEY]: 'That submission contained something that is not allowed. Nothing was saved.',
    };
  }
  if (data !== undefined && data !== null && typeof data !== 'object')
    return { [FORM_ERROR_KEY]: 'That submission could not be read. Nothing was saved.' };
  return null;
}

/** A card text value: strings only (numbers from Input.Number are accepted as text). */

export function textOf(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (v === undefined || v === null) return '';
  return undefined;
}

export function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}
