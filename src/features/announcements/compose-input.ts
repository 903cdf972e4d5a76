/**
 * Server-side validation of the compose card (everything a lead types is checked here, not
 * trusted from the card): lengths, https-only link and image, a Markdown subset without raw
 * HTML or non-https links, and a schedule in the future read in the cohort's time zone.
 */
import { z } from 'zod';
import { localInstant } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY, isHttpsUrl, isoDate, safeText } from '../../domain/validation.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { AnnouncementContent, AnnouncementTarget } from './announcements-repository.js';

export const LIMITS = { title: 120, body: 4000, url: 2000 } as const;
const MAX_AHEAD_MS = 366 * 24 * 60 * 60 * 1000;
const MIN_AHEAD_MS = 60 * 1000;

const optionalHttpsUrl = z
  .union([z.string(), z.undefined(), z.null()])
  .transform((v) => (typeof v === 'string' ? v.trim() : ''))
  .pipe(
    z
      .string()
      .max(LIMITS.url, { message: `Must be ${LIMITS.url} characters or fewer` })
      .refine((v) => v === '' || isHttpsUrl(v), { message: 'Enter a full https:// address' }),
  )
  .transform((v) => (v === '' ? null : v));

export { isHttpsUrl };

/** Markdown links and autolinks must be https; raw HTML is not part of the subset. */
const markdownBody = safeText(LIMITS.body, { min: 1 })
  .refine((s) => !/<\/?[a-z][^>]*>/i.test(s), {
    message: 'HTML is not supported; use **bold**, _italic_, - lists and [links](https://…)',
  })
  .refine((s) => [...s.matchAll(/\]\(([^)]*)\)/g)].every((m) => isHttpsUrl(m[1]!.trim())), {
    message: 'Links in the text must be full https:// addresses',
  });

const toggle = z.union([z.boolean(), z.enum(['true', 'false'])]).transform((v) => v === true || v === 'true');

export const composeSchema = z
  .object({
    cohortId: safeText(200, { min: 1 }),
    title: safeText(LIMITS.title, { min: 1 }),
    body: markdownBody,
    linkUrl: optionalHttpsUrl,
    imageUrl: optionalHttpsUrl,
    importance: z.enum(['normal', 'urgent'], { errorMap: () => ({ message: 'Choose normal or urgent' }) }),
    ackRequired: toggle.default('false'),
    target: z.enum(['channel', 'members', 'both'], {
      errorMap: () => ({ message: 'Choose where to send it' }),
    }),
    when: z.enum(['now', 'later'], { errorMap: () => ({ message: 'Choose now or later' }) }),
    sendDate: z.union([z.string(), z.undefined()]).transform((v) => (v ?? '').trim()),
    sendTime: z.union([z.string(), z.undefined()]).transform((v) => (v ?? '').trim()),
  })
  .superRefine((v, ctx) => {
    if (v.when !== 'later') return;
    if (!isoDate.safeParse(v.sendDate).success)
      ctx.addIssue({ code: 'custom', path: ['sendDate'], message: 'Enter the date to send it' });
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(v.sendTime))
      ctx.addIssue({ code: 'custom', path: ['sendTime'], message: 'Enter the time as HH:MM' });
  });

/** The editable part when changing an announcement that was already sent. */
export const editSchema = z.object({
  title: safeText(LIMITS.title, { min: 1 }),
  body: markdownBody,
  linkUrl: optionalHttpsUrl,
  imageUrl: optionalHttpsUrl,
  importance: z.enum(['normal', 'urgent'], { errorMap: () => ({ message: 'Choose normal or urgent' }) }),
});

export interface ComposeValues {
  cohortId: string;
  content: AnnouncementContent;
  target: AnnouncementTarget;
  /** null = now. */
  sendAt: Date | null;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** The raw fields echoed back into the card when it is re-shown with errors. */
export function rawFields(data: unknown): Record<string, string> {
  const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of [
    'cohortId',
    'title',
    'body',
    'linkUrl',
    'imageUrl',
    'importance',
    'ackRequired',
    'target',
    'when',
    'sendDate',
    'sendTime',
  ])
    out[key] =
      typeof record[key] === 'string'
        ? (record[key] as string).slice(0, 5000)
        : typeof record[key] === 'boolean'
          ? String(record[key])
          : '';
  return out;
}

export function parseCompose(
  data: unknown,
  zone: (cohortId: string) => string,
  now: Date,
): Parsed<ComposeValues> {
  const result = parse(composeSchema, data);
  if (!result.ok) return result;
  const v = result.value;
  let sendAt: Date | null = null;
  if (v.when === 'later') {
    sendAt = localInstant(v.sendDate, v.sendTime, zone(v.cohortId));
    if (sendAt.getTime() < now.getTime() + MIN_AHEAD_MS)
      return { ok: false, errors: { sendTime: 'Choose a time at least a minute from now' } };
    if (sendAt.getTime() > now.getTime() + MAX_AHEAD_MS)
      return { ok: false, errors: { sendDate: 'Choose a date within the next year' } };
  }
  return {
    ok: true,
    value: {
      cohortId: v.cohortId,
      content: {
        title: v.title,
        body: v.body,
        linkUrl: v.linkUrl,
        imageUrl: v.imageUrl,
        importance: v.importance,
        ackRequired: v.ackRequired,
      },
      target: v.target,
      sendAt,
    },
  };
}

export function parseEdit(data: unknown): Parsed<Omit<AnnouncementContent, 'ackRequired'>> {
  return parse(editSchema, data);
}

const UNSAFE = 'That submission contained something not allowed. Please try again.';

/** parseCardInput, with a disallowed key answered by the form message alone (no field marked). */
function parse<T extends z.ZodTypeAny>(schema: T, data: unknown): Parsed<z.infer<T>> {
  const result = parseCardInput(schema, data, { unsafeMessage: UNSAFE });
  if (!result.ok && result.errors[FORM_ERROR_KEY] === UNSAFE)
    return { ok: false, errors: { [FORM_ERROR_KEY]: UNSAFE } };
  return result;
}
