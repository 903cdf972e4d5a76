/**
 * Where one turn on POST /api/messages spends its time, phase by phase. The HTTP layer opens a
 * timing per request; code on the turn's path wraps its step in `timed(phase, ...)` without
 * passing anything around (AsyncLocalStorage). A phase's time is its own: a nested phase (the
 * card render inside the feature's work) is counted there, not in its parent too.
 *
 * Every finished timing goes to the listeners (the bench) and to the debug log.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export const TURN_PHASES = [
  /** Body checks, adapter and token validation, Teams AI routing: the time not in any phase. */
  'adapter',
  /** Who is speaking: identity links / people lookups. */
  'identity',
  /** The conversation reference saved for proactive messages. */
  'reference',
  /** Teams AI turn state read. */
  'stateLoad',
  /** The feature's own work: its service and repositories (database reads and writes). */
  'service',
  /** Adaptive Card templates expanded. */
  'render',
  /** Teams AI turn state written. */
  'stateSave',
  /** The HTTP answer written. */
  'response',
] as const;
export type TurnPhase = (typeof TURN_PHASES)[number];

export interface TurnTiming {
  activityType: string;
  /** The Action.Execute verb, for card actions. */
  verb?: string;
  status: number;
  /** The turn passed its time limit and the request was answered without waiting for it. */
  timedOut: boolean;
  /** From the route handler starting to the answer written. */
  totalMs: number;
  /** Own time per phase; `adapter` is the rest of `totalMs`. */
  phases: Record<TurnPhase, number>;
}

interface Frame {
  timing: OpenTiming;
  /** Time spent in phases nested inside this one. */
  nestedMs: number;
}

class OpenTiming {
  readonly startedAt = performance.now();
  readonly phases: Record<TurnPhase, number> = Object.fromEntries(TURN_PHASES.map((p) => [p, 0])) as Record<
    TurnPhase,
    number
  >;
}

const current = new AsyncLocalStorage<Frame>();

function finishPhase(frame: Frame, phase: TurnPhase, own: Frame, startedAt: number) {
  const elapsed = performance.now() - startedAt;
  frame.timing.phases[phase] += elapsed - own.nestedMs;
  frame.nestedMs += elapsed;
}

/** Runs `fn` as `phase` of the current turn (just runs it outside a turn). */
export async function timed<T>(phase: TurnPhase, fn: () => Promise<T>): Promise<T> {
  const frame = current.getStore();
  if (!frame) return fn();
  const own: Frame = { timing: frame.timing, nestedMs: 0 };
  const startedAt = performance.now();
  try {
    return await current.run(own, fn);
  } finally {
    finishPhase(frame, phase, own, startedAt);
  }
}

export function timedSync<T>(phase: TurnPhase, fn: () => T): T {
  const frame = current.getStore();
  if (!frame) return fn();
  const own: Frame = { timing: frame.timing, nestedMs: 0 };
  const startedAt = performance.now();
  try {
    return current.run(own, fn);
  } finally {
    finishPhase(frame, phase, own, startedAt);
  }
}

export type TurnTimingListener = (timing: TurnTiming) => void;

export class TurnTimings {
  private readonly listeners = new Set<TurnTimingListener>();

  constructor(private readonly debug?: (timing: TurnTiming) => void) {}

  /** Every finished turn's timing; returns the unsubscribe. */
  subscribe(listener: TurnTimingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs one request's handling with a timing open; `finish` closes it with the status sent. */
  async measure(
    activity: { type?: string; value?: unknown },
    handle: (finish: (status: number, timedOut?: boolean) => void) => Promise<void>,
  ): Promise<void> {
    const root: Frame = { timing: new OpenTiming(), nestedMs: 0 };
    let done = false;
    const finish = (status: number, timedOut = false) => {
      if (done) return;
      done = true;
      const { timing } = root;
      const totalMs = performance.now() - timing.startedAt;
      timing.phases.adapter = Math.max(0, totalMs - root.nestedMs);
      const verb = (activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb;
      const result: TurnTiming = {
        activityType: String(activity.type),
        verb: activity.type === 'invoke' && typeof verb === 'string' ? verb.slice(0, 64) : undefined,
        status,
        timedOut,
        totalMs,
        phases: { ...timing.phases },
      };
      this.debug?.(result);
      for (const listener of this.listeners) listener(result);
    };
    await current.run(root, () => handle(finish));
  }
}
