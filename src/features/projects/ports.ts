/**
 * The projects feature's ports. Other features read projects only through these types; the
 * wiring module (src/services.ts) hands them the projects service, which implements them all.
 *
 * Needs: the supervision sessions recorded for a team (ProjectSupervisionNotes, from the
 * supervision feature). The check-in hook and project title on the check-in form are given to
 * the check-ins feature, which calls `recordCheckinUpdate` / `projectOfStudent`.
 */
import type { ProjectDoc } from './projects-repository.js';

export type { ProjectDoc };

/** Needs (supervision): the sessions held for a project team, with what was agreed, oldest first. */
export interface ProjectSupervisionNotes {
  sessionsOfProject(
    tenantId: string,
    projectId: string,
  ): Promise<
    {
      sessionId: string;
      date: string;
      minutes: number;
      recordedBy: string;
      notes: string;
      actions: { text: string; ownerId: string; dueDate: string; status: 'open' | 'not-yet' | 'done' }[];
    }[]
  >;
}

/** A project and its student and supervisor ids. */
export interface ProjectMembers {
  project: ProjectDoc;
  studentIds: string[];
  supervisorIds: string[];
}

/** One of a person's projects, with their role on it. */
export interface ProjectSummary {
  projectId: string;
  cohortId: string;
  title: string;
  clinicalTeam: string;
  role: 'student' | 'supervisor';
}

/** Offers: who is on which project (reflections' peer sharing, supervision, check-ins). */
export interface ProjectTeams {
  /** A student's project on their cohort: one read by `_id` (the check-in's hot path). */
  projectOfStudent(tenantId: string, studentId: string, cohortId: string): Promise<ProjectDoc | null>;
  /** The project and its member ids; null for an unknown or another tenant's id. */
  membersOf(tenantId: string, projectId: string): Promise<ProjectMembers | null>;
  /** The projects a person is a member of. */
  projectsOf(person: { tenantId: string; _id: string }): Promise<ProjectSummary[]>;
}

/** What the learning-journey export shows of a student's project. */
export interface ProjectJourney {
  title: string;
  clinicalTeam: string;
  members: { name: string; profession: string; role: 'student' | 'supervisor' }[];
  milestones: { date: string; title: string }[];
  updates: { week: number; text: string }[];
  presentation: { when: string } | null;
  feedback: { from: string; rating: number; comment: string }[];
}

/** Offers: a student's project for their learning-journey export (reflections). */
export interface ProjectJourneys {
  /** Null when the student is on no project. */
  journeyOf(tenantId: string, studentId: string): Promise<ProjectJourney | null>;
}

/** The check-in's "Project progress" answer, as the week's project update. */
export interface CheckinProjectUpdate {
  studentId: string;
  cohortId: string;
  week: number;
  text: string;
}

/** Offers: check-ins record the week's project update and name the student's project. */
export interface ProjectCheckinUpdates {
  /** Saves the update (an edit of the check-in replaces it); the project, or null when on none. */
  recordCheckinUpdate(tenantId: string, update: CheckinProjectUpdate): Promise<ProjectDoc | null>;
  projectOfStudent(tenantId: string, studentId: string, cohortId: string): Promise<ProjectDoc | null>;
}

/** Needs (calendar): one calendar entry per presentation and the link to its .ics (updates replace it). */
export type { CalendarInvites as PresentationCalendar } from '../calendar/ports.js';
