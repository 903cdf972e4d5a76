/**
 * A time limit for one turn on POST /api/messages. A turn that hangs (a slow database call, a
 * stuck handler) must not hold its HTTP request and in-flight slot for ever. When the limit
 * passes, the request is answered and its slot released while the turn runs on:
 *
 * - invoke (card action): HTTP 200 with an `adaptiveCard/action` message body telling the
 *   person it took too long (Teams ignores invoke responses after 5 s), or the invoke response
 *   the turn had already produced, if any.
 * - anything else: 202 Accepted, as Microsoft's Agents SDK answers activities it processes in
 *   the background; a 2xx stops Teams re-sending the activity (it re-sends after 15 s without
 *   an answer, and on some failure statuses). A message whose turn has not replied yet gets a
 *   short "that took too long" reply.
 * - authentication not finished (keys endpoint hanging): 503 + Retry-After, nothing ran.
 *
 * The late turn runs to its end, so its writes complete as a whole (every feature already
 * settles repeats with unique ids, as it must for Teams' own re-sends and double clicks), but
 * it can no longer talk to the conversation: its replies, updates and deletes are dropped and
 * its invoke response is ignored. Late turns are counted (`lingering`) and bounded by the
 * server; their end is logged with ids and counts only.
 */
import { type Activity, INVOKE_RESPONSE_KEY, type InvokeResponse, TurnContext } from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

export const TURN_TIMEOUT_MESSAGE =
  'Sorry, that took me too long, so I stopped waiting for it. Please try again in a minute.';

/** What to answer on the HTTP request when a turn passed its time limit. */
export interface TimedOutAnswer {
  status: number;
  body?: unknown;
  retryAfter?: string;
}

export type TurnResult =
  | { timedOut: false; invokeResponse: InvokeResponse | undefined }
  | { timedOut: true; answer: TimedOutAnswer };

export function turnTimeLimitMs(config: Config, activity: Activity): number {
  return activity.type === 'invoke' ? config.INVOKE_TIMEOUT_MS : config.TURN_TIMEOUT_MS;
}

export class TurnTimeLimits {
  private lingeringTurns = 0;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /** Turns that passed their time limit (their requests answered) and are still running. */
  lingering(): number {
    return this.lingeringTurns;
  }

  /**
   * Runs one request's turn: `start` receives the bot logic wrapped for watching and must
   * return the adapter's promise. Rejections before the limit are passed on; after it, the
   * turn's outcome is only logged.
   */
  async run(
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
    start: (logic: (context: TurnContext) => Promise<void>) => Promise<InvokeResponse | undefined>,
  ): Promise<TurnResult> {
    const turn = new WatchedTurn();
    const limitMs = turnTimeLimitMs(this.config, activity);
    const startedAt = Date.now();
    const work = start(turn.wrap(logic));
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), limitMs);
    });
    try {
      const first = await Promise.race([work.then((invokeResponse) => ({ invokeResponse })), expired]);
      if (first !== 'expired') return { timedOut: false, invokeResponse: first.invokeResponse };
    } finally {
      clearTimeout(timer);
    }

    const answer = turn.expire(activity);
    this.lingeringTurns++;
    // `invoke`, not `name`: the logger redacts every `name` field.
    const ids = {
      activityId: activity.id,
      type: activity.type,
      invoke: activity.name,
      verb: verbOf(activity),
    };
    this.logger.warn(
      { ...ids, limitMs, elapsedMs: Date.now() - startedAt, status: answer.status, started: turn.started },
      'http: turn passed its time limit; request answered and its slot released',
    );
    if (answer.notify) {
      turn
        .sendNotice()
        .catch((err: unknown) =>
          this.logger.warn(
            { activityId: activity.id, err: (err as Error)?.name },
            'http: could not tell the sender their turn took too long',
          ),
        );
    }
    work.then(
      () => this.lateEnd(ids, startedAt, turn, 'completed'),
      (err: unknown) => this.lateEnd(ids, startedAt, turn, 'failed', err),
    );
    return {
      timedOut: true,
      answer: { status: answer.status, body: answer.body, retryAfter: answer.retryAfter },
    };
  }

  private lateEnd(
    ids: Record<string, unknown>,
    startedAt: number,
    turn: WatchedTurn,
    outcome: 'completed' | 'failed',
    err?: unknown,
  ) {
    this.lingeringTurns--;
    this.logger.info(
      {
        ...ids,
        durationMs: Date.now() - startedAt,
        outcome,
        err: err === undefined ? undefined : (err as Error)?.name,
        droppedReplies: turn.droppedReplies,
      },
      'http: a turn that passed its time limit has ended',
    );
  }
}

/** The Action.Execute verb, when it looks like one of ours (logged to say which handler was slow). */
function verbOf(activity: Activity): string | undefined {
  if (activity.type !== 'invoke') return undefined;
  const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
  return typeof verb === 'string' && /^[\w.:/-]{1,64}$/.test(verb) ? verb : undefined;
}

/** Invoke response body for an Action.Execute that gets a message instead of a card. */
function invokeMessage(text: string) {
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
}

/** Activities that say something to the conversation (not the invoke response or tracing). */
function isReply(activity: Partial<Activity>): boolean {
  return activity.type !== 'invokeResponse' && activity.type !== 'trace' && activity.type !== 'delay';
}

class WatchedTurn {
  private context: TurnContext | undefined;
  private expired = false;
  private repliesBeforeLimit = 0;
  droppedReplies = 0;

  get started(): boolean {
    return this.context !== undefined;
  }

  /** The bot logic, seeing the turn's context and silenced once the turn passed its limit. */
  wrap(logic: (context: TurnContext) => Promise<void>) {
    return async (context: TurnContext): Promise<void> => {
      // Answered 503 while still authenticating: the channel sends it again, so it must not run.
      if (this.expired) return;
      this.context = context;
      context.onSendActivities(async (_ctx, activities, next) => {
        if (!this.expired) {
          this.repliesBeforeLimit += activities.filter(isReply).length;
          return next();
        }
        this.droppedReplies += activities.length;
        return [];
      });
      context.onUpdateActivity(async (_ctx, _activity, next) => {
        if (!this.expired) return next();
        this.droppedReplies++;
      });
      context.onDeleteActivity(async (_ctx, _reference, next) => {
        if (!this.expired) return next();
        this.droppedReplies++;
      });
      await logic(context);
    };
  }

  /** From now on the turn is silenced; returns what the request gets now. */
  expire(activity: Activity): TimedOutAnswer & { notify: boolean } {
    this.expired = true;
    if (!this.context) return { status: 503, body: { error: 'unavailable' }, retryAfter: '5', notify: false };
    if (activity.type === 'invoke') {
      const ready = this.readyInvokeResponse();
      if (ready) return { status: ready.status, body: ready.body, notify: false };
      return { status: 200, body: invokeMessage(TURN_TIMEOUT_MESSAGE), notify: false };
    }
    return { status: 202, notify: activity.type === 'message' && this.repliesBeforeLimit === 0 };
  }

  /** The invoke response the turn set before its limit (e.g. it hung saving state afterwards). */
  private readyInvokeResponse(): InvokeResponse | undefined {
    try {
      return (this.context?.turnState.get(INVOKE_RESPONSE_KEY) as { value?: InvokeResponse } | undefined)
        ?.value;
    } catch {
      return undefined; // the turn ended at this very moment and its context was revoked
    }
  }

  /** "That took too long", straight through the adapter (past the filter that silences the turn). */
  async sendNotice(): Promise<unknown> {
    const context = this.context!;
    const reply = TurnContext.applyConversationReference(
      { type: 'message', text: TURN_TIMEOUT_MESSAGE },
      TurnContext.getConversationReference(context.activity),
    );
    return context.adapter.sendActivities(context, [reply]);
  }
}
