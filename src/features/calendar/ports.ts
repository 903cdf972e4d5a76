/** The calendar feature's ports: what it offers other features (it needs nothing from them). */

/** An entry's facts as the invitation shows them (times are UTC instants). */
export interface CalendarEntryInput {
  /** The cohort it belongs to (retention deletes the entry with the cohort). */
  cohortId: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  description: string;
  /** The place ('' when online only). */
  location: string;
  /** The Teams meeting link ('' when in person only). */
  url: string;
}

/** Offers: keep one calendar entry per thing and give the link to its .ics. */
export interface CalendarInvites {
  /**
   * Publishes (or changes) the entry for `key`; `sequence` is 0 the first time and one more
   * after each change, so the same sequence means nothing changed.
   */
  publish(
    tenantId: string,
    key: string,
    input: CalendarEntryInput,
  ): Promise<{ url: string; sequence: number }>;
  /** Cancels the entry (the link then downloads a cancellation); null when there was none. */
  cancel(tenantId: string, key: string): Promise<{ url: string; sequence: number } | null>;
}
