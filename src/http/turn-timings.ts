/**
 * Where one turn on POST /api/messages spends its time, phase by phase. The HTTP layer opens a
 * timing per request; code on the turn's path wraps its step in `timed(phase, ...)` without
 * passing anything around (AsyncLocalStorage). A phase's time is its own: a nested phase (the
 * card render inside the feature's work) is counted there, not in its parent too. A turn answered
 * at its time limit is reported then, the phase it is stuck in holding the time so far.
 *
 * Every finished timing goes to the listeners (the bench) and to the debug log. Turns are timed
 * only while someone wants the result: AsyncLocalStorage switches on Node's promise hooks, which
 * then run on every promise in the process (5–15% of a check-in submit's CPU, measured with
 * and without), so with no listener and no debug log nothing is timed and the hooks
 * are off.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export const TURN_PHASES = [
  /** Body checks, adapter and token validation, Teams AI routing: the time not in any phase. */
  'adapter',
  /** Who is speaking: identity links / people lookups. */
  'identity',
  /** The conversation reference saved for proactive messages. */
  'reference',
  /** The feature's own work: its service and repositories (database reads and writes). */
  'service',
  /** Typed text read: distress phrases and the intent classifier (src/understanding). */
  'understand',
  /** Adaptive Card templates expanded. */
  'render',
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

interface OpenPhase {
  phase: TurnPhase;
  parent: Frame;
  own: Frame;
  startedAt: number;
}

class OpenTiming {
  readonly startedAt = performance.now();
  readonly phases = Object.fromEntries(TURN_PHASES.map((p) => [p, 0])) as Record<TurnPhase, number>;
  /** Phases started and not finished yet, in the order they started. */
  readonly open: OpenPhase[] = [];
  /** Reported: phases that end later (a turn past its time limit) change nothing. */
  closed = false;
}

const current = new AsyncLocalStorage<Frame>();

function startPhase(parent: Frame, phase: TurnPhase): OpenPhase {
  const open: OpenPhase = {
    phase,
    parent,
    own: { timing: parent.timing, nestedMs: 0 },
    startedAt: performance.now(),
  };
  parent.timing.open.push(open);
  return open;
}

/** Books the phase's own time so far on its timing, and its whole time on its parent. */
function book(open: OpenPhase, now: number) {
  const elapsed = now - open.startedAt;
  open.parent.timing.phases[open.phase] += elapsed - open.own.nestedMs;
  open.parent.nestedMs += elapsed;
}

function endPhase(open: OpenPhase) {
  const timing = open.parent.timing;
  if (timing.closed) return;
  const at = timing.open.lastIndexOf(open);
  if (at >= 0) timing.open.splice(at, 1);
  book(open, performance.now());
}

/** Runs `fn` as `phase` of the current turn (just runs it outside a turn). */
export async function timed<T>(phase: TurnPhase, fn: () => Promise<T>): Promise<T> {
  const frame = current.getStore();
  if (!frame) return fn();
  const open = startPhase(frame, phase);
  try {
    return await current.run(open.own, fn);
  } finally {
    endPhase(open);
  }
}

export function timedSync<T>(phase: TurnPhase, fn: () => T): T {
  const frame = current.getStore();
  if (!frame) return fn();
  const open = startPhase(frame, phase);
  try {
    return current.run(open.own, fn);
  } finally {
    endPhase(open);
  }
}

export type TurnTimingListener = (timing: TurnTiming) => void;

export class TurnTimings {
  private readonly listeners = new Set<TurnTimingListener>();

  /** `debug` gets every timing while `debugEnabled()` says so (the logger's level, read per turn). */
  constructor(
    private readonly debug?: (timing: TurnTiming) => void,
    private readonly debugEnabled: () => boolean = () => true,
  ) {}

  private debugOn(): boolean {
    return this.debug !== undefined && this.debugEnabled();
  }

  /** Every finished turn's timing; returns the unsubscribe. */
  subscribe(listener: TurnTimingListener): () => void {
    this.listeners.add(listener);
    return () => {
      if (!this.listeners.delete(listener) || this.wanted()) return;
      // Nobody listening: Node switches its promise hooks off until a turn is timed again
      // (the next timed turn, of this or another instance, switches them back on).
      current.disable();
    };
  }

  /** Whether turns are timed now: someone listens, or the debug log is on. */
  wanted(): boolean {
    return this.listeners.size > 0 || this.debugOn();
  }

  /** Runs one request's handling with a timing open; `finish` closes it with the status sent. */
  async measure(
    activity: { type?: string; value?: unknown },
    handle: (finish: (status: number, timedOut?: boolean) => void) => Promise<void>,
  ): Promise<void> {
    if (!this.wanted()) return handle(() => {});
    const root: Frame = { timing: new OpenTiming(), nestedMs: 0 };
    let done = false;
    const finish = (status: number, timedOut = false) => {
      if (done) return;
      done = true;
      const { timing } = root;
      const now = performance.now();
      // A turn answered at its time limit is still in some phase (say, the feature waiting on
      // a call): that phase gets the time so far, innermost first.
      for (const open of [...timing.open].reverse()) book(open, now);
      timing.open.length = 0;
      timing.closed = true;
      const totalMs = now - timing.startedAt;
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
      if (this.debugOn()) this.debug!(result);
      for (const listener of this.listeners) listener(result);
    };
    await current.run(root, () => handle(finish));
  }
}
