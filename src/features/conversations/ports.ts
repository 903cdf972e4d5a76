/**
 * What the 20-minute conversations feature needs from other features, and what it offers them.
 * Other features import this file only (types), never the feature's internals.
 */

// --- needs ---------------------------------------------------------------------------

/**
 * After a conversation, the student's "reflect now" card with the topic preselected and the
 * booking id as its link (the reflections feature). Without one the student gets a note card.
 */
export interface ReflectionPrompter {
  promptReflection(
    tenantId: string,
    personId: string,
    options: { topic: 'conversation'; linkId: string; message?: string; dedupeKey?: string },
  ): Promise<boolean>;
}

// --- offers --------------------------------------------------------------------------

/** One conversation a student held, as the learning-journey export lists it. */
export interface HeldConversation {
  /** The day it was held, formatted for people (e.g. "Tue 4 Mar 2025"). */
  date: string;
  /** The host's name (the profession when the host is no longer known). */
  with: string;
  /** Profession and role type, e.g. "Physiotherapy, EDI lead". */
  role: string;
}

/** The conversations a student has held, oldest first (for the reflections journey). */
export interface HeldConversations {
  heldBy(tenantId: string, studentId: string): Promise<HeldConversation[]>;
}

/** The student's next booked conversation, as `my placement` shows it. */
export interface NextConversation {
  startsAt: Date;
  /** The host's name ("your host" when the host is no longer known). */
  hostName: string;
  /** Profession and role type, e.g. "Dietetics · Clinical specialist". */
  role: string;
}

/** Offers (my placement): the student's next booked conversation still to come, or null. */
export interface UpcomingConversations {
  nextConversationOf(tenantId: string, studentId: string, now: Date): Promise<NextConversation | null>;
}
