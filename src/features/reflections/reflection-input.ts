/**
 * Validation of reflection card submits (zod). Every submit is checked on the server: a bad
 * one re-shows the card with the error next to the input and keeps what was typed.
 */
import { z } from 'zod';
import { PillarId, ReflectionTopicId } from '../../domain/catalogues.js';
import { HCPC_SOP_2023, isKnownStandard } from '../../domain/hcpc-standards.js';
import { safeText } from '../../domain/validation.js';
import { FEEDBACK_MAX_LENGTH, REFLECTION_MODEL_IDS } from './reflection-models.js';

/** Ids that travel in card data: printable, bounded, no operators (objects fail `string`). */
export const cardId = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[^\s$]+$/);
/** A card-minted flow id or nonce. */
export const nonce = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/);

/** Input.ChoiceSet multi-select submits 'a,b,c'; arrays are accepted too. */
const multiChoice = z
  .union([z.string().max(500), z.array(z.string().max(50)).max(50)])
  .optional()
  .transform((v) =>
    v === undefined
      ? []
      : [...new Set((Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))],
  );

export const startInput = z.object({
  flowId: nonce,
  model: z.enum(REFLECTION_MODEL_IDS, { errorMap: () => ({ message: 'Choose a model' }) }),
  topic: ReflectionTopicId.optional().default('other'),
  linkId: z
    .string()
    .max(200)
    .regex(/^[^$]*$/)
    .nullish(),
});

export const NAV = ['next', 'back', 'pause'] as const;

export function stepInput(maxLength: number) {
  return z.object({
    draftId: cardId,
    step: z.coerce.number().int().min(0).max(20),
    nav: z.enum(NAV).default('next'),
    answer: safeText(maxLength).optional().default(''),
  });
}

export const tagsInput = z.object({
  draftId: cardId,
  nav: z.enum(['save', 'back']).default('save'),
  standards: multiChoice.pipe(
    z
      .array(z.string())
      .min(1, 'Choose at least one HCPC standard')
      .superRefine((codes, ctx) => {
        const unknown = codes.filter((c) => !isKnownStandard(c));
        if (unknown.length > 0)
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `Unknown HCPC standard ${unknown.map((c) => `"${c}"`).join(', ')}: choose from SOP 1 to ${HCPC_SOP_2023.standards.length} (${HCPC_SOP_2023.version})`,
          });
      }),
  ),
  pillars: multiChoice.pipe(
    z
      .array(z.string())
      .min(1, 'Choose at least one pillar')
      .superRefine((ids, ctx) => {
        const unknown = ids.filter((id) => !PillarId.safeParse(id).success);
        if (unknown.length > 0)
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `Unknown pillar ${unknown.map((c) => `"${c}"`).join(', ')}: choose clinical, leadership, education or research`,
          });
      }),
  ),
  topic: ReflectionTopicId.optional().default('other'),
});

export const feedbackInput = z.object({
  reflectionId: cardId,
  nonce,
  feedback: safeText(FEEDBACK_MAX_LENGTH, { min: 1 }),
});
