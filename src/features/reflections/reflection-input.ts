/**
 * Validation of reflection card submits (zod). Every submit is checked on the server: a bad
 * one re-shows the card with the error next to the input and keeps what was typed.
 */
import { z } from 'zod';
import { PillarId, ReflectionTopicId } from '../../domain/catalogues.js';
import { HCPC_SOP_2023, isKnownStandard } from '../../domain/hcpc-standards.js';
import { FORM_ERROR_KEY, safeText } from '../../domain/validation.js';
import { parseCardInput, type CardInput } from '../../feature-kit/card-input.js';
import { FEEDBACK_MAX_LENGTH, FREE_MAX_LENGTH, REFLECTION_MODEL_IDS } from './reflection-models.js';
import { PEER_GROUPS } from './reflections-repository.js';

const UNSAFE = 'That input is not allowed.';

/**
 * parseCardInput, with this feature's answer to operator or prototype keys: the form-level
 * message alone (no field is marked), since the cards show every error in one line.
 */
export function parseInput<T extends z.ZodTypeAny>(schema: T, data: unknown): CardInput<z.infer<T>> {
  const parsed = parseCardInput(schema, data, { unsafeMessage: UNSAFE });
  if (parsed.ok || parsed.errors[FORM_ERROR_KEY] !== UNSAFE) return parsed;
  return { ok: false, errors: { [FORM_ERROR_KEY]: UNSAFE } };
}

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

export const PEER_REPLY_MAX = 500;
export const WORKSHOP_PROMPT_MAX = 1000;

/** Peer and workshop cards ask the person to reopen the card when their nonce is bad. */
const peerNonce = z.string().regex(/^[A-Za-z0-9_-]{6,64}$/, 'Please open the card again and retry');

export const peerShareInput = z.object({
  reflectionId: cardId,
  peerShare: z.enum(['none', ...PEER_GROUPS], { errorMap: () => ({ message: 'Choose who to share with' }) }),
});
export const peerReplyInput = z.object({
  reflectionId: cardId,
  nonce: peerNonce,
  reply: safeText(PEER_REPLY_MAX, { min: 1 }),
});
export const workshopInput = z.object({
  requestId: peerNonce,
  cohortId: cardId,
  prompt: safeText(WORKSHOP_PROMPT_MAX, { min: 1 }),
});
export const workshopReplyInput = z.object({
  workshopId: cardId,
  reply: safeText(FREE_MAX_LENGTH, { min: 1 }),
});

/**
 * Asking the coach from the tagging step, or taking its standards: the draft, and whatever tags
 * are chosen so far (kept as they are, unknown values dropped; the tags are checked on save).
 */
export const coachInput = z.object({
  draftId: cardId,
  standards: multiChoice,
  pillars: multiChoice,
  topic: z.string().max(50).optional(),
});
