/**
 * Server-side validation of the event card (nothing the card sends is trusted): lengths,
 * a real date, start and end times with the end after the start, an https-only online link,
 * a place or a link, and (with the cohort) a date inside the placement and in the future.
 * Every problem is a message keyed by its field, shown next to the input.
 */
import { z } from 'zod';
import {
  formatDate,
  lastPlacementDate,
  localInstant,
  type CohortCalendar,
} from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY, isHttpsUrl, isoDate, safeText } from '../../domain/validation.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import { EVENT_KINDS, type EventKind, type Rsvp } from './events-repository.js';

/** The event card's inputs. */
export const EVENT_FIELDS = [
  'cohortId',
  'title',
  'kind',
  'date',
  'startTime',
  'endTime',
  'location',
  'onlineLink',
  'description',
  'nonPlacement',
] as const;

export const EVENT_LIMITS = { title: 120, location: 200, link: 1000, description: 2000 } as const;

const time = (what: string) =>
  z
    .string({ invalid_type_error: `Enter the ${what} time as HH:MM`, required_error: 'Required' })
    .trim()
    .refine((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t), { message: `Enter the ${what} time as HH:MM` });

const toggle = z
  .union([z.boolean(), z.enum(['true', 'false']), z.undefined()])
  .transform((v) => v === true || v === 'true');

const optionalText = (max: number) =>
  z
    .union([safeText(max), z.undefined(), z.null()])
    .transform((v) => (typeof v === 'string' && v !== '' ? v : null));

const kindIds = EVENT_KINDS.map((k) => k.id) as [EventKind, ...EventKind[]];

export const eventSchema = z
  .object({
    cohortId: safeText(200, { min: 1 }),
    title: safeText(EVENT_LIMITS.title, { min: 1 }),
    kind: z.enum(kindIds, { errorMap: () => ({ message: 'Choose what kind of event it is' }) }),
    date: isoDate,
    startTime: time('start'),
    endTime: time('end'),
    location: optionalText(EVENT_LIMITS.location),
    onlineLink: z
      .union([z.string({ invalid_type_error: 'Must be text' }), z.undefined(), z.null()])
      .transform((v) => (typeof v === 'string' ? v.trim() : ''))
      .pipe(
        z
          .string()
          .max(EVENT_LIMITS.link, { message: `Must be ${EVENT_LIMITS.link} characters or fewer` })
          .refine((v) => v === '' || isHttpsUrl(v), {
            message: 'Enter the full https:// address of the meeting (for example a Teams link)',
          }),
      )
      .transform((v) => (v === '' ? null : v)),
    description: z.union([safeText(EVENT_LIMITS.description), z.undefined()]).transform((v) => v ?? ''),
    nonPlacement: toggle,
  })
  .superRefine((v, ctx) => {
    if (v.startTime && v.endTime && /^\d\d:\d\d$/.test(v.startTime) && v.endTime <= v.startTime)
      ctx.addIssue({
        code: 'custom',
        path: ['endTime'],
        message: 'The end time must be after the start time',
      });
    if (v.location === null && v.onlineLink === null)
      ctx.addIssue({
        code: 'custom',
        path: ['location'],
        message: 'Enter where it is, an online meeting link, or both',
      });
  });

export type EventValues = z.infer<typeof eventSchema>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const NOT_ALLOWED = 'That submission contained something not allowed. Please try again.';

export const parseEvent = (data: unknown): Parsed<EventValues> => parseWith(eventSchema, data);

/** The checks that need the cohort and the clock: a date on the placement, a start in the future. */
export function cohortErrors(
  v: Pick<EventValues, 'date' | 'startTime'>,
  cohort: CohortCalendar,
  now: Date,
): Record<string, string> {
  const last = lastPlacementDate(cohort);
  if (v.date < cohort.startDate || v.date > last)
    return {
      date: `Choose a date during the placement (${formatDate(cohort.startDate)} to ${formatDate(last)})`,
    };
  if (localInstant(v.date, v.startTime, cohort.timeZone).getTime() <= now.getTime())
    return { date: 'Choose a date and start time that are still to come' };
  return {};
}

const ref = z.object({ eventId: safeText(300, { min: 1 }) });
const rsvpInput = ref.extend({
  rsvp: z.enum(['yes', 'no', 'maybe'], { errorMap: () => ({ message: 'Choose going, maybe or not going' }) }),
});
const editRef = ref.extend({ revision: z.preprocess((v) => Number(v), z.number().int().min(1)) });
const attendanceInput = ref.extend({
  attended: z.union([safeText(20_000), z.undefined()]).transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
});

function parseWith<T extends z.ZodTypeAny>(schema: T, data: unknown): Parsed<z.infer<T>> {
  const result = parseCardInput(schema, data, { unsafeMessage: NOT_ALLOWED });
  // A key that is not allowed is one message for the whole form (no field is marked).
  if (!result.ok && result.errors[FORM_ERROR_KEY] === NOT_ALLOWED)
    return { ok: false, errors: { [FORM_ERROR_KEY]: NOT_ALLOWED } };
  return result;
}

export const parseRef = (data: unknown) => parseWith(ref, data);
export const parseRsvp = (data: unknown): Parsed<{ eventId: string; rsvp: Rsvp }> =>
  parseWith(rsvpInput, data);
export const parseEditRef = (data: unknown) => parseWith(editRef, data);
export const parseAttendance = (data: unknown) => parseWith(attendanceInput, data);

/** What was typed, echoed back into the card when it is shown again with errors. */
export function rawEventFields(data: unknown): Record<string, string> {
  const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of EVENT_FIELDS)
    out[key] =
      typeof record[key] === 'string'
        ? (record[key] as string).slice(0, 3000)
        : typeof record[key] === 'boolean'
          ? String(record[key])
          : '';
  return out;
}
