/** What the conversation cards send back, as zod schemas (card data is untrusted). */
import { z } from 'zod';
import { isIsoDate } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY, rating, safeText } from '../../domain/validation.js';
import { parseCardInput, type CardInput } from '../../feature-kit/card-input.js';
import { BUFFER_CHOICES, MAX_REPEAT_WEEKS, MAX_SLOTS_PER_DAY } from './slot-planning.js';

/** Longest "What would you like to ask?" a student can send with a booking. */
export const QUESTION_MAX = 300;

export const bookInput = z.object({
  slotId: safeText(300, { min: 1 }),
  hostId: safeText(200, { min: 1 }),
  startsAt: safeText(40, { min: 1 }),
  replacing: safeText(200).optional(),
  question: safeText(QUESTION_MAX).optional(),
});
/** The card's view state that comes back with a submit; never refuses a booking. */
export const viewInput = z.object({
  showAll: z.string().optional().catch(undefined),
  includeMet: z.string().optional().catch(undefined),
  question: z.string().max(5000).optional().catch(undefined),
});
export const bookingRef = z.object({ bookingId: safeText(200, { min: 1 }) });
export const profileInput = z.object({
  bio: safeText(500, { min: 1 }),
  location: safeText(120, { min: 1 }),
  onlineLink: safeText(300)
    .refine((s) => s === '' || /^https:\/\/[^\s]+$/i.test(s), { message: 'Must be an https:// link' })
    .optional(),
  weeklyCap: rating(1, 20),
});
export const publishInput = z.object({
  pubDate: safeText(10, { min: 1 }).refine(isIsoDate, { message: 'Enter a date as YYYY-MM-DD' }),
  pubTime: safeText(5, { min: 1 }).refine((t) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t), {
    message: 'Enter a time as HH:mm',
  }),
  pubCount: rating(1, MAX_SLOTS_PER_DAY),
  pubBuffer: rating(0, 30).refine((n) => (BUFFER_CHOICES as readonly number[]).includes(n), {
    message: 'Choose a buffer from the list',
  }),
  pubWeeks: rating(1, MAX_REPEAT_WEEKS),
});
export const blockInput = z.object({
  blockDate: safeText(10, { min: 1 }).refine(isIsoDate, { message: 'Enter a date as YYYY-MM-DD' }),
});
export const unblockInput = z.object({ date: blockInput.shape.blockDate });
export const withdrawInput = z.object({ slotId: safeText(300, { min: 1 }) });
export const noteInput = z.object({ bookingId: safeText(200, { min: 1 }), note: safeText(2000, { min: 1 }) });
export const heldInput = z.object({ bookingId: safeText(200, { min: 1 }), rating: rating(1, 5).optional() });

const UNSAFE = 'That request was not valid.';

/**
 * parseCardInput, with this feature's answer to unsafe keys: one form-level error and no field
 * error, so a card never shows "Not allowed" under one of its inputs.
 */
export function parse<T extends z.ZodTypeAny>(schema: T, data: unknown): CardInput<z.infer<T>> {
  const result = parseCardInput(schema, data, { unsafeMessage: UNSAFE });
  if (!result.ok && result.errors[FORM_ERROR_KEY] === UNSAFE)
    return { ok: false, errors: { [FORM_ERROR_KEY]: UNSAFE } };
  return result;
}

/** Card data as a record of what the person typed, to put back into the form. */
export const formValues = (data: unknown) =>
  (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
