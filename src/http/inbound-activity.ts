/**
 * The gate in front of the adapter: an inbound body must look like a Bot Framework activity
 * (typed fields where the bot reads them), be shallow enough to walk safely, carry no
 * prototype-pollution keys anywhere and no MongoDB operator keys in `value` (outside an
 * Action.Execute's data, which its card answers: see valueOutsideCardData).
 * Anything else is answered 400 before authentication, a turn, or any database access.
 */
import type { Activity } from 'botbuilder';
import { z } from 'zod';
import { rejectMongoOperatorKeys, UnsafeKeyError } from '../domain/validation.js';

/** Deeper than any Teams activity (card submits included), shallow enough to walk safely. */
export const MAX_ACTIVITY_DEPTH = 32;
/** Objects, arrays and values in one activity; a 256 KB body of tiny values stays below it. */
export const MAX_ACTIVITY_NODES = 50_000;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const id = z.string().max(1024);
const account = z
  .object({
    id: id.optional(),
    name: z.string().max(1024).optional(),
    aadObjectId: z.string().max(256).optional(),
  })
  .passthrough();

const activitySchema = z
  .object({
    type: z.string().min(1).max(64),
    id: id.optional(),
    name: z.string().max(256).optional(),
    channelId: z.string().max(64).optional(),
    serviceUrl: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s]+$/i, 'must be an http(s) URL')
      .optional(),
    timestamp: z.string().max(64).optional(),
    locale: z.string().max(64).optional(),
    from: account.optional(),
    recipient: account.optional(),
    conversation: z
      .object({
        id: id.optional(),
        tenantId: z.string().max(100).optional(),
        conversationType: z.string().max(64).optional(),
        isGroup: z.boolean().optional(),
      })
      .passthrough()
      .optional(),
    text: z.string().optional(),
    replyToId: id.optional(),
    channelData: z
      .object({
        tenant: z
          .object({ id: z.string().max(100).optional() })
          .passthrough()
          .optional(),
        channel: z.object({ id: id.optional() }).passthrough().optional(),
        team: z.object({ id: id.optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
    membersAdded: z.array(account).max(1000).optional(),
    membersRemoved: z.array(account).max(1000).optional(),
    entities: z.array(z.object({}).passthrough()).max(100).optional(),
    attachments: z.array(z.object({}).passthrough()).max(50).optional(),
  })
  .passthrough();

export type InboundCheck = { ok: true; activity: Activity } | { ok: false; reason: string };

export function checkInboundActivity(body: unknown): InboundCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, reason: 'Expected a Bot Framework activity (a JSON object).' };
  const shape = checkShape(body);
  if (shape) return { ok: false, reason: shape };
  const parsed = activitySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: `Expected a Bot Framework activity: ${issue.path.join('.') || 'body'}: ${issue.message}`,
    };
  }
  try {
    rejectMongoOperatorKeys(valueOutsideCardData(body as Activity));
  } catch (err) {
    if (err instanceof UnsafeKeyError)
      return { ok: false, reason: 'Activity value contains a key that is not allowed.' };
    throw err;
  }
  return { ok: true, activity: body as Activity };
}

/**
 * The activity's value, less the data of an Action.Execute: that data reaches the card action
 * with any operator keys taken out (feature-kit withoutUnsafeKeys), and the card answers with
 * its own message ("Some answers contained values that are not allowed."), not a bare 400.
 */
function valueOutsideCardData(activity: Activity): unknown {
  const value = activity.value as { action?: unknown } | undefined;
  const action = value?.action;
  if (activity.type !== 'invoke' || activity.name !== 'adaptiveCard/action') return value;
  if (action === null || typeof action !== 'object' || Array.isArray(action)) return value;
  return { ...value, action: { ...action, data: undefined } };
}

/** Depth, size and forbidden keys, walked without recursion. */
function checkShape(root: object): string | null {
  const stack: [unknown, number][] = [[root, 1]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (++nodes > MAX_ACTIVITY_NODES) return 'Activity is too large.';
    if (node === null || typeof node !== 'object') continue;
    if (depth > MAX_ACTIVITY_DEPTH) return 'Activity is nested too deeply.';
    if (Array.isArray(node)) {
      for (const item of node) stack.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_KEYS.has(key)) return 'Activity contains a key that is not allowed.';
      stack.push([(node as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return null;
}
