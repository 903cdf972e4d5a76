/**
 * The `my placement` feature's ports: what it reads from other features, given to its
 * constructor by src/services.ts as lazy arrows. It offers nothing: it only answers.
 */

/** Needs (check-ins): the student's pauses, so a paused day reads as paused. */
export type { StudentPauses } from '../checkins/ports.js';

/** Needs (conversations): the student's next booked 20-minute conversation. */
export type { NextConversation, UpcomingConversations } from '../conversations/ports.js';

/** Needs (events): the cohort's non-placement events, to say why a day has no placement. */
export type { NonPlacementEvent, NonPlacementEvents } from '../events/ports.js';
