/**
 * What the check-in cards show from supervision (src/features/supervision), without the
 * check-ins knowing how it is stored: the owner's open agreed actions on their check-in
 * card, and, in a supervisor's summary, each student's actions and escalation mark plus the
 * supervisor's own actions. Wired in services.ts; absent, the cards simply show none.
 */

/** One open action on a card, with the data its Done / Not yet / Carry over buttons send. */
export interface CardAction {
  actionId: string;
  text: string;
  /** ISO due date (sent back by "Carry over", so a double click moves it once). */
  due: string;
  dueText: string;
  /** e.g. "not yet (you said so on Tue 11 Feb 2025)"; '' when simply open. */
  statusText: string;
}

export interface DigestStudentNotes {
  /** One line per action agreed for the student: open ones, and those done in the last week. */
  actions: string[];
  /** Set while an escalation episode is going on for the student. */
  escalationText: string;
}

export interface DigestFollowUps {
  students: Map<string, DigestStudentNotes>;
  /** Per supervisor, their own open actions. */
  supervisors: Map<string, CardAction[]>;
}

export interface CheckinFollowUps {
  /** The person's open actions: one read by _id (this is on the check-in submit path). */
  openActions(tenantId: string, personId: string): Promise<CardAction[]>;
  /** For a cohort's supervisor summaries. */
  digest(tenantId: string, cohortId: string, now: Date): Promise<DigestFollowUps>;
}
