/**
 * The check-ins feature's ports. Other features use check-ins only through these types, and
 * check-ins reach other features only through the `needs` below, given to CheckinService's
 * constructor by src/services.ts.
 */
import type { Reply } from '../../feature-kit/turn.js';
import type { Pause } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { StudentWeek } from './checkin-schedule.js';
import type { CheckinDoc } from './checkins-repository.js';

export type { CheckinDoc, StudentWeek };

// ---------------------------------------------------------------------------------------
// Needs
// ---------------------------------------------------------------------------------------

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

/**
 * Needs (supervision): what the check-in cards show of supervision, without knowing how it
 * is stored: the owner's open agreed actions on their check-in card, and, in a supervisor's
 * summary, each student's actions and escalation mark plus the supervisor's own actions.
 */
export interface CheckinFollowUps {
  /** The person's open actions: one read by _id (this is on the check-in submit path). */
  openActions(tenantId: string, personId: string): Promise<CardAction[]>;
  /** For a cohort's supervisor summaries. */
  digest(tenantId: string, cohortId: string, now: Date): Promise<DigestFollowUps>;
}

/**
 * Needs: told about every saved (new or edited) check-in, in order; may return a line for the
 * student's confirmation (e.g. projects: the week's project update).
 */
export type CheckinSavedHook = (tenantId: string, checkin: CheckinDoc) => Promise<string | null>;

/** Needs (projects): the title of the student's project on the cohort, named on the form. */
export interface StudentProjectTitle {
  projectTitleOf(tenantId: string, studentId: string, cohortId: string): Promise<string | null>;
}

// ---------------------------------------------------------------------------------------
// Offers
// ---------------------------------------------------------------------------------------

/** Offers (events, lead workspace): re-plan a cohort's prompts after its calendar changed. */
export interface CohortPlanner {
  planOne(cohort: CohortDoc, now: Date): Promise<number>;
}

/** Offers (supervision, lead workspace): the pause form, with a student chosen. */
export interface CheckinPauseForm {
  pauseCard(
    tenantId: string,
    viewer: PersonDoc,
    error?: string,
    values?: Record<string, string>,
  ): Promise<Reply>;
}

/** Offers (supervision): the student's check-in card for a week (the current week without one). */
export interface StudentCheckinCard {
  open(tenantId: string, person: PersonDoc, requestedWeek?: unknown): Promise<Reply>;
}

/** A student's check-in this week, as a supervisor's `my students` shows it. */
export interface CheckinWeekState {
  cohort: CohortDoc;
  week: number | null;
  state: 'no-placement' | 'submitted' | 'due' | 'overdue';
  text: string;
  wellbeing: number | null;
}

/** Offers (supervision): what escalation and `my students` read of check-ins. */
export interface CheckinHistory {
  /** Check-ins of a cohort up to and including `uptoWeek`. */
  ofCohort(tenantId: string, cohortId: string, uptoWeek: number): Promise<CheckinDoc[]>;
  /** Pauses of every student of a cohort, by student id. */
  pausesOfCohort(tenantId: string, cohortId: string): Promise<Map<string, Pause[]>>;
  /** A student's week (prompt, due and whether paused). */
  studentWeekOf(
    cohort: CohortDoc,
    student: Pick<PersonDoc, 'timeZone'>,
    week: number,
    pauses: Pause[],
    zone?: string,
  ): StudentWeek;
  weekStateOf(tenantId: string, student: PersonDoc, now: Date): Promise<CheckinWeekState | null>;
}

/** A student's confidence at one check-in, by area label, e.g. { Leadership: 3 }. */
export interface ConfidencePoint {
  label: string;
  values: Record<string, number>;
}

/** One check-in as the learning-journey export shows it: what was written, comments, countersignature. */
export interface CheckinRecord {
  week: number;
  submittedAt: Date | null;
  /** The student's own words, by question (empty answers left out). */
  narrative: { label: string; text: string }[];
  comments: { authorId: string; text: string; at: Date }[];
  countersignedBy: string | null;
  countersignedAt: Date | null;
}

/** Offers (reflections: the learning-journey export): a student's check-ins, week order. */
export interface CheckinRecords {
  checkinRecordsOf(tenantId: string, studentId: string): Promise<CheckinRecord[]>;
}

/** Offers (reflections: the learning-journey export): the student's confidence over the weeks. */
export interface ConfidenceTrend {
  confidenceTrend(tenantId: string, studentId: string): Promise<ConfidencePoint[]>;
}

export type CheckinToChatOutcome = { ok: true; message: string } | { ok: false; message: string };

/**
 * Offers (dashboard): "Open check-in" on the supervisor's tab sends the supervisor check-in
 * card into the viewer's chat with the bot; refused (with a true message) as `checkin.view` is.
 */
export interface SupervisorCheckinToChat {
  send(
    tenantId: string,
    viewer: PersonDoc,
    ask: { studentId: string; week: number },
  ): Promise<CheckinToChatOutcome>;
}

/** Offers (my placement): a student's pauses (sickness, study leave), whatever cohort they were added in. */
export interface StudentPauses {
  pausesOf(tenantId: string, studentId: string): Promise<Pause[]>;
}
