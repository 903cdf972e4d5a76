/**
 * The optional coach on the trust's own model (COACH_ENABLED, docs/coach.md). Off: it sends
 * nothing and every method answers null at once. On: one model call per use, cut off after
 * COACH_TIMEOUT_MS, and every call audited (who, when, which feature, how it ended; never
 * text). A failed or slow call answers null, and the caller carries on without the model.
 * The words-of-distress answer never comes here (src/bot/free-text.ts answers it first).
 */
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { AuditRepository } from '../storage/audit-repository.js';
import type { ChatModel } from './chat-model.js';
import {
  feedbackRequest,
  parseFeedback,
  parseRoute,
  routeRequest,
  type CoachFeedback,
  type CommandChoice,
  type DraftForFeedback,
} from './prompts.js';

export type CoachFeature = 'free-text' | 'reflection-feedback';
export const COACH_AUDIT_ACTION = 'coach.call';

export interface CoachDeps {
  config: Pick<Config, 'COACH_ENABLED' | 'COACH_TIMEOUT_MS'>;
  /** Null when the coach is off: nothing is ever sent. */
  model: ChatModel | null;
  audit: Pick<AuditRepository, 'record'>;
  clock: Clock;
  logger: Logger;
}

class CoachTimeout extends Error {}

export class Coach {
  constructor(private readonly deps: CoachDeps) {}

  get enabled(): boolean {
    return this.deps.config.COACH_ENABLED && this.deps.model !== null;
  }

  /** Text the intent model could not place: one of `choices`, or null (then suggestions). */
  async chooseCommand(
    tenantId: string,
    personId: string,
    text: string,
    choices: readonly CommandChoice[],
  ): Promise<string | null> {
    if (choices.length === 0) return null;
    const { messages, tool } = routeRequest(text, choices);
    const args = await this.call(tenantId, personId, 'free-text', (model, options) =>
      model.callTool(messages, tool, { ...options, required: false }),
    );
    return args === null ? null : parseRoute(args, choices);
  }

  /** Formative feedback on a draft the student asked about, or null when the coach could not answer. */
  async reflectionFeedback(
    tenantId: string,
    personId: string,
    draft: DraftForFeedback,
  ): Promise<CoachFeedback | null> {
    const { messages, tool } = feedbackRequest(draft);
    const args = await this.call(tenantId, personId, 'reflection-feedback', (model, options) =>
      model.callTool(messages, tool, { ...options, required: true }),
    );
    return args === null ? null : parseFeedback(args, draft);
  }

  private async call(
    tenantId: string,
    personId: string,
    feature: CoachFeature,
    send: (
      model: ChatModel,
      options: { timeoutMs: number; signal: AbortSignal },
    ) => Promise<Record<string, unknown> | null>,
  ): Promise<Record<string, unknown> | null> {
    const model = this.deps.model;
    if (!this.enabled || !model) return null;
    const timeoutMs = this.deps.config.COACH_TIMEOUT_MS;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abort.abort();
        reject(new CoachTimeout());
      }, timeoutMs);
    });
    const started = performance.now();
    let result: 'answered' | 'no-answer' | 'timeout' | 'error';
    let args: Record<string, unknown> | null = null;
    try {
      args = await Promise.race([send(model, { timeoutMs, signal: abort.signal }), expired]);
      result = args === null ? 'no-answer' : 'answered';
    } catch (error) {
      const timedOut = error instanceof CoachTimeout || abort.signal.aborted || isTimeout(error);
      result = timedOut ? 'timeout' : 'error';
      this.deps.logger.warn(
        { feature, result, error: error instanceof Error ? error.name : 'unknown' },
        'coach: no answer from the model, carrying on without it',
      );
    } finally {
      clearTimeout(timer);
    }
    await this.deps.audit.record(
      tenantId,
      {
        actorId: personId,
        action: COACH_AUDIT_ACTION,
        outcome: result === 'answered' || result === 'no-answer' ? 'ok' : 'error',
        details: { feature, result, ms: Math.round(performance.now() - started) },
      },
      this.deps.clock.now(),
    );
    return args;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout|timed out|abort/i.test(`${error.name} ${error.message}`);
}
