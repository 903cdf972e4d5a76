/**
 * Concerns need nothing from other features (people, supervision links and the AHP directory
 * are shared repositories). They offer the student's journey export the concerns the student
 * raised with their name (never an anonymous one): the date, what it was about and whether it
 * was answered, not the words.
 */

/** A named concern as the student's journey export lists it. */
export interface JourneyConcern {
  /** ISO date it was raised. */
  date: string;
  /** "Safety", "Conduct", "My placement", "Something else". */
  topic: string;
  /** "Replied to", "Acknowledged" or "Sent". */
  outcome: string;
}

export interface NamedConcerns {
  namedConcernsOf(tenantId: string, studentId: string): Promise<JourneyConcern[]>;
}
