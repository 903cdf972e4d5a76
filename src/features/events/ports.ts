/**
 * The placement events feature's ports: what it needs from other features (given to its
 * constructor by src/services.ts, as lazy arrows) and what it offers them.
 */
import type { ReflectionTopicId } from '../../domain/catalogues.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';

/** Needs (reflections): a reflection prompt to a student who attended, tagged to the event's topic. */
export interface EventReflectionPrompt {
  /** True when a prompt was sent (false for a non-student or a repeat of the dedupe key). */
  promptReflection(
    tenantId: string,
    personId: string,
    options: { topic: ReflectionTopicId; linkId: string; message?: string; dedupeKey?: string },
  ): Promise<boolean>;
}

/** Needs (calendar): one calendar entry per event and the link to its .ics (updates replace it). */
export type { CalendarInvites as EventCalendar } from '../calendar/ports.js';

/** Needs (check-ins): re-plan a cohort's prompts after its non-placement days changed. */
export interface CohortPlanner {
  planOne(cohort: CohortDoc, now: Date): Promise<number>;
}

/** One event a student attended, as the learning-journey export lists it. */
export interface AttendedEvent {
  date: string;
  title: string;
  kind: string;
}

/** Offers (reflections' journey export): the events a student attended, oldest first. */
export interface EventAttendance {
  attendedBy(tenantId: string, personId: string): Promise<AttendedEvent[]>;
}

/** A scheduled event that makes its cohort's day a non-placement day. */
export interface NonPlacementEvent {
  date: string;
  title: string;
}

/** Offers (my placement): the cohort's scheduled non-placement events, to say why a day has no placement. */
export interface NonPlacementEvents {
  nonPlacementEventsOf(tenantId: string, cohortId: string): Promise<NonPlacementEvent[]>;
}
