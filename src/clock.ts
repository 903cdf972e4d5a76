/** Time source. Services and jobs read time only from a Clock so tests can drive it. */
export interface Clock {
  now(): Date;
  /** True while time does not pass (a test clock that was set): nothing comes due by waiting. */
  readonly stopped?: boolean;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that tests set and advance explicitly (also behind POST /test/clock in e2e runs). */
export class ControllableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  now(): Date {
    return new Date(this.frozenAt ?? Date.now() + this.offsetMs);
  }

  get stopped(): boolean {
    return this.frozenAt !== null;
  }

  /** Freezes the clock at the given instant. */
  set(instant: Date): void {
    this.frozenAt = instant.getTime();
  }

  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
}
