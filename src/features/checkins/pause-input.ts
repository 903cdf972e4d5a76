/** The pause form's input (cards/checkin-pause.json): its schema and the labels for error replies. */
import { z } from 'zod';
import { isoDate, safeText } from '../../domain/validation.js';
import { PAUSE_REASONS } from './checkins-repository.js';

/** The labels of the inputs on checkin-pause, for error replies. */
export const PAUSE_LABELS = {
  studentId: 'Student',
  from: 'First paused day',
  to: 'Last paused day',
  reason: 'Reason',
};

export const UNSAFE_PAUSE = 'Some values are not allowed; nothing was saved.';

export const PauseInput = z
  .object({
    studentId: safeText(200, { min: 1 }),
    from: isoDate,
    to: isoDate,
    reason: z.enum(PAUSE_REASONS, { errorMap: () => ({ message: 'Choose a reason' }) }),
  })
  .refine((p) => p.to >= p.from, { message: 'The last paused day is before the first', path: ['to'] });

/** What was typed, as strings only, to show the form again. */
export function typedPauseValues(data: unknown): Record<string, string> {
  return Object.fromEntries(
    ['studentId', 'from', 'to', 'reason'].map((k) => [
      k,
      typeof (data as Record<string, unknown>)?.[k] === 'string'
        ? String((data as Record<string, unknown>)[k]).slice(0, 200)
        : '',
    ]),
  );
}
