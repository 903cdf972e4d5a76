/** The concern form's input (cards/concern-form.json) and the receiver's reply (cards/concern-received.json). */
import { z } from 'zod';
import { safeText } from '../../domain/validation.js';

export const CONCERN_TOPICS = ['safety', 'conduct', 'placement', 'other'] as const;

export const TOPIC_LABELS: Record<(typeof CONCERN_TOPICS)[number], string> = {
  safety: 'Safety (patients, staff or you)',
  conduct: 'Conduct (bullying, harassment, discrimination)',
  placement: 'My placement',
  other: 'Something else',
};

const toggle = z.preprocess((v) => v === true || v === 'true', z.boolean());

export const ConcernInput = z.object({
  requestId: safeText(80, { min: 1 }),
  topic: z.enum(CONCERN_TOPICS, { errorMap: () => ({ message: 'Choose what it is about' }) }),
  text: safeText(3000, { min: 1 }),
  anonymous: toggle.optional().default(false),
  tellSupervisor: toggle.optional().default(false),
});
export type ConcernInput = z.infer<typeof ConcernInput>;

export const ConcernRef = z.object({ concernId: safeText(200, { min: 1 }) });

export const ReplyInput = z.object({
  concernId: safeText(200, { min: 1 }),
  reply: safeText(2000, { min: 1 }),
});
