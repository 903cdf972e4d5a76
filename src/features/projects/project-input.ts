/**
 * Validation of project card submits (zod). Checks that need the database (is this person a
 * student of the cohort, is the date inside the placement) are done by the service on the
 * parsed values; every failure is a message per field and nothing is written.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { parseTime } from '../../domain/placement-calendar.js';
import { isoDate, rating, safeText } from '../../domain/validation.js';
import { cardData, parseCardInput } from '../../feature-kit/card-input.js';

export const TITLE_MAX = 120;
export const TEAM_MAX = 120;
export const MILESTONE_MAX = 120;
export const COMMENT_MAX = 1000;
export const MAX_STUDENTS = 12;
export const MAX_SUPERVISORS = 6;
export const MAX_AUDIENCE = 40;
export const MAX_MILESTONES = 20;
export const PLACE_MAX = 200;

/** Ids that travel in card data: printable, bounded, no operators (objects fail `string`). */
export const cardId = z
  .string({ invalid_type_error: 'Not a valid choice', required_error: 'Required' })
  .min(1, 'Required')
  .max(300, 'Not a valid choice')
  .regex(/^[^\s$]+$/, 'Not a valid choice');
/** A card-minted request id (nonce). */
export const requestId = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'Please open a new card and try again');

/** Input.ChoiceSet multi-select submits 'a,b,c' (arrays accepted too); each must be an id. */
export function idList(max: number, what: string) {
  return z
    .union([z.string().max(20_000), z.array(z.string()).max(500)], {
      errorMap: () => ({ message: `Choose ${what} from the list` }),
    })
    .optional()
    .transform((v) =>
      v === undefined
        ? []
        : [...new Set((Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))],
    )
    .pipe(z.array(cardId).max(max, `Choose at most ${max} ${what}`));
}

export const createInput = z.object({
  requestId,
  cohortId: cardId,
  title: safeText(TITLE_MAX, { min: 1 }),
  clinicalTeam: safeText(TEAM_MAX, { min: 1 }),
  studentIds: idList(MAX_STUDENTS, 'students').pipe(
    z.array(z.string()).min(1, 'Choose at least one student'),
  ),
  supervisorIds: idList(MAX_SUPERVISORS, 'supervisors'),
});
export type CreateInput = z.infer<typeof createInput>;

export const membersInput = z.object({
  projectId: cardId,
  studentIds: idList(MAX_STUDENTS, 'students').pipe(
    z.array(z.string()).min(1, 'Choose at least one student'),
  ),
  supervisorIds: idList(MAX_SUPERVISORS, 'supervisors'),
});

export const milestoneInput = z.object({
  projectId: cardId,
  requestId,
  title: safeText(MILESTONE_MAX, { min: 1 }),
  date: isoDate,
  ownerId: z.union([cardId, z.literal('')]).optional(),
});

export const UPDATE_MAX = 1000;
export const updateInput = z.object({
  projectId: cardId,
  updateText: safeText(UPDATE_MAX, { min: 1 }),
});

/** 'HH:mm' (24-hour). */
export const clockTime = z
  .string({ invalid_type_error: 'Enter a time as HH:mm', required_error: 'Required' })
  .trim()
  .transform((s, ctx) => {
    try {
      return parseTime(s);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'Enter a time as HH:mm, e.g. 14:00' });
      return z.NEVER;
    }
  });

/** A Teams meeting link: https on a Teams host. */
export const teamsLink = z
  .string({ invalid_type_error: 'Paste the Teams meeting link', required_error: 'Required' })
  .trim()
  .max(2000, 'That link is too long')
  .refine((s) => {
    try {
      const url = new URL(s);
      const host = url.hostname.toLowerCase();
      return (
        url.protocol === 'https:' &&
        !url.username &&
        !url.password &&
        (host === 'teams.microsoft.com' ||
          host.endsWith('.teams.microsoft.com') ||
          host === 'teams.live.com' ||
          host === 'teams.cloud.microsoft')
      );
    } catch {
      return false;
    }
  }, 'Paste the Teams meeting link: it starts with https://teams.microsoft.com/');

export const MAX_CRITERIA = 5;
export const CRITERION_MAX = 60;
/** What raters score when the lead sets nothing else. */
export const DEFAULT_CRITERIA = [
  'Clear aim and measures',
  'Use of data',
  'Working with the clinical team',
  'Plan to keep the change going',
];

/** The criteria box: one per line; blank gives the default set. */
export const criteriaList = z
  .union([z.string().max(2000, 'That is too long: up to 5 short lines'), z.undefined()])
  .transform((v) =>
    (v ?? '')
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(
    z
      .array(z.string())
      .max(MAX_CRITERIA, `Up to ${MAX_CRITERIA} criteria, one per line`)
      // One message for the whole box (not per line), so it shows under it.
      .superRefine((list, ctx) => {
        for (const line of list) {
          const checked = safeText(CRITERION_MAX).safeParse(line);
          if (!checked.success) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              message: `Each line: ${checked.error.issues[0]!.message}`,
            });
            return;
          }
        }
      }),
  )
  .transform((list) => (list.length ? [...new Set(list)] : DEFAULT_CRITERIA));

/** An empty text field reads as not given. */
const blankAsMissing = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** Online (a Teams link), in person (a place), or both; at least one. */
export const presentationInput = z
  .object({
    projectId: cardId,
    date: isoDate,
    time: clockTime,
    minutes: rating(10, 180),
    teamsLink: z.preprocess(blankAsMissing, teamsLink.optional()),
    place: z.preprocess(blankAsMissing, safeText(PLACE_MAX).optional()),
    audienceIds: idList(MAX_AUDIENCE, 'people'),
    criteria: criteriaList,
  })
  .superRefine((v, ctx) => {
    if (!v.teamsLink && !v.place)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['teamsLink'],
        message: 'Paste the Teams meeting link, or give the place below (or both)',
      });
  });

export const feedbackInput = z.object({
  projectId: cardId,
  rating: rating(1, 5),
  comment: safeText(COMMENT_MAX),
});

export const FORM_FIELDS = ['title', 'clinicalTeam', 'studentIds', 'supervisorIds', 'cohortId'] as const;
export const MILESTONE_FIELDS = ['title', 'date', 'ownerId'] as const;
export const PRESENTATION_FIELDS = [
  'date',
  'time',
  'minutes',
  'teamsLink',
  'place',
  'audienceIds',
  'criteria',
] as const;

/** A criterion's score on the feedback card: blank (not scored) or 1-5. */
export const optionalScore = z.union([z.literal(''), z.undefined(), rating(1, 5)]);
export const scoreField = (i: number) => `score${i}`;

export const newRequestId = () => randomBytes(12).toString('base64url');
export const text = (v: unknown) => (typeof v === 'string' ? v : '');

const anyRecord = z.record(z.unknown());

/**
 * Card data as a record, or {} when it holds operator or prototype keys: a tampered submit
 * then reads as an empty one (no project id: refused and audited like any unknown id).
 */
export function safeData(data: unknown): Record<string, unknown> {
  const parsed = parseCardInput(anyRecord, data);
  return parsed.ok ? parsed.value : {};
}

/**
 * The new-project form's data: its plain fields (strings only are ever read from it), and the
 * form's own errors when it held operator or prototype keys, so the lead sees the form again
 * with that message instead of a refusal that is not true for them.
 */
export function formData(data: unknown): {
  raw: Record<string, unknown>;
  unsafe: Record<string, string> | null;
} {
  const parsed = parseCardInput(anyRecord, data);
  if (parsed.ok) return { raw: parsed.value, unsafe: null };
  return { raw: cardData(data), unsafe: parsed.errors };
}
/** What was typed in these fields, echoed back into a card shown again with errors. */
export function typedValues(data: Record<string, unknown>, keys: readonly string[]) {
  return Object.fromEntries(
    keys.map((k) => [k, Array.isArray(data[k]) ? (data[k] as unknown[]).join(',') : text(data[k])]),
  );
}

export function errorsFor(fields: readonly string[], errors: Record<string, string>) {
  return Object.fromEntries(fields.map((f) => [f, errors[f] ?? '']));
}
