/**
 * The supervision feature's ports. Other features use supervision only through these types,
 * and supervision reaches other features only through the `needs` below, given to
 * SupervisionService's constructor by src/services.ts.
 */
import type {
  CheckinFollowUps,
  CheckinHistory,
  CheckinPauseForm,
  StudentCheckinCard,
} from '../checkins/ports.js';

// ---------------------------------------------------------------------------------------
// Needs
// ---------------------------------------------------------------------------------------

/**
 * Needs (check-ins): the student's check-in card (redrawn after an action update from it), the
 * pause form (escalation's Pause), and the weeks and check-ins escalation and `my students` read.
 */
export type SupervisionCheckins = StudentCheckinCard & CheckinPauseForm & CheckinHistory;

/** One reflection a student shared with their supervisors. */
export interface SharedReflection {
  _id: string;
  personId: string;
  topic: string;
  sharedAt?: Date | null;
  createdAt: Date;
}

/** Needs (reflections): the reflections these students shared with their supervisors, newest first. */
export interface SharedReflections {
  sharedBy(tenantId: string, studentIds: string[]): Promise<SharedReflection[]>;
}

/** Needs (projects): project teams, whose students attend a project supervision. */
export interface SupervisedProjectTeams {
  membersOf(
    tenantId: string,
    projectId: string,
  ): Promise<{ studentIds: string[]; supervisorIds: string[] } | null>;
  projectsOf(person: {
    tenantId: string;
    _id: string;
  }): Promise<{ projectId: string; title: string; clinicalTeam: string; role: 'student' | 'supervisor' }[]>;
}

// ---------------------------------------------------------------------------------------
// Offers
// ---------------------------------------------------------------------------------------

/** Offers (check-ins): open actions and escalation marks on the check-in cards and summaries. */
export type { CheckinFollowUps };

/** Per student: open actions, reflections shared, and the escalation going on, if any. */
export interface StudentFollowUps {
  openActions: { text: string; dueDate: string; notYet: boolean }[];
  sharedReflections: number;
  escalation: string | null;
}

/** A student's supervision as their learning-journey export shows it: sessions and agreed actions. */
export interface SupervisionRecord {
  sessions: {
    date: string;
    week: number;
    kind: string;
    minutes: number;
    notes: string;
    recordedBy: string;
  }[];
  /** Actions agreed for the student, or for their supervisor about them, session order. */
  actions: {
    sessionDate: string;
    text: string;
    dueDate: string;
    status: 'open' | 'not-yet' | 'done';
    owner: 'student' | 'supervisor';
  }[];
}

/** Offers (reflections: the learning-journey export): a student's supervision sessions and actions. */
export interface SupervisionRecords {
  supervisionRecordOf(tenantId: string, studentId: string): Promise<SupervisionRecord>;
}

/** Offers (dashboard, the supervisor view): follow-ups of a supervisor's own students. */
export interface SupervisionFollowUps {
  followUpsOf(tenantId: string, studentIds: string[]): Promise<Map<string, StudentFollowUps>>;
}

/** A supervision session held for a project team, with what was agreed in it. */
export interface ProjectSupervisionSession {
  sessionId: string;
  date: string;
  minutes: number;
  recordedBy: string;
  notes: string;
  actions: { text: string; ownerId: string; dueDate: string; status: 'open' | 'not-yet' | 'done' }[];
}

/** Offers (projects): the sessions recorded for a project team, oldest first. */
export interface ProjectSupervisionRecords {
  sessionsOfProject(tenantId: string, projectId: string): Promise<ProjectSupervisionSession[]>;
}
