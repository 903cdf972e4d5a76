/**
 * The sender's view of the database: open while writes succeed, shut from the first failed
 * read or write until a ping answers again (and whatever must be written first has been).
 * While it is shut the sender sends nothing: a message sent then could not be recorded, and a
 * message that is not recorded is sent again later (a duplicate).
 */
export class DatabaseGate {
  private shut = false;
  private waiters: (() => void)[] = [];
  private probing: Promise<void> | null = null;
  private stopped = false;
  readonly stats = { shut: 0, reopened: 0 };

  constructor(
    private readonly probe: () => Promise<boolean>,
    /** Runs after a ping answers and before the gate opens; throwing keeps it shut. */
    private readonly beforeOpen: () => Promise<void> = async () => undefined,
    private readonly probeEveryMs = 500,
  ) {}

  get isOpen(): boolean {
    return !this.shut;
  }

  /** The database could not be read or written: send nothing until it answers again. */
  close(): void {
    if (this.stopped) return;
    if (!this.shut) this.stats.shut++;
    this.shut = true;
    this.probing ??= this.probeUntilOpen().finally(() => (this.probing = null));
  }

  /** Resolves when open, or when the gate is stopped (the caller checks why). */
  whenOpen(): Promise<void> {
    if (!this.shut || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wakes every waiter for good (the sender is stopping). */
  stop(): void {
    this.stopped = true;
    this.release();
  }

  start(): void {
    this.stopped = false;
  }

  private release(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async probeUntilOpen(): Promise<void> {
    while (this.shut && !this.stopped) {
      await new Promise((r) => setTimeout(r, this.probeEveryMs));
      try {
        if (!(await this.probe())) continue;
        await this.beforeOpen();
      } catch {
        continue;
      }
      this.shut = false;
      this.stats.reopened++;
      this.release();
    }
  }
}
