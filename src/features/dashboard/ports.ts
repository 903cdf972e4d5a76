/**
 * What the dashboard needs from other features, as small read-only ports (types only). The
 * wiring fills them (src/wiring/dashboard-sources.ts); a port is null while the feature
 * behind it has not landed on this service, and its panels then say "not set up yet".
 * The dashboard offers nothing to other features: its API is HTTP (src/web/api-types.ts).
 */
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { SupervisorCheckinToChat } from '../checkins/ports.js';
import type { SurveyInsights } from '../surveys/ports.js';

export type { SupervisorCheckinToChat, SurveyInsights };

/** Which check-ins of a cohort to count: a week range, optionally only some students. */
export interface CheckinCut {
  cohortId: string;
  fromWeek: number;
  toWeek: number;
  studentIds: string[] | null;
}

/** A student's check-in pause (no check-in is expected on those dates). */
export interface PauseRow {
  studentId: string;
  from: string;
  to: string;
}

/** One check-in as the cohort rollup reads it. */
export interface CheckinRow {
  studentId: string;
  week: unknown;
  answers?: { wellbeing?: unknown; confidence?: Record<string, unknown> };
}

/** Weekly check-ins (src/features/checkins), grouped in the database. */
export interface CheckinFigures {
  /** Per (week, value of `path`, e.g. '$answers.wellbeing'): how many check-ins. */
  countByWeekAndValue(
    tenantId: string,
    cut: CheckinCut,
    path: string,
  ): Promise<{ _id: { week: number; v: number }; n: number }[]>;
  /** Students of the cohort who checked in for `week` (only `studentIds`, when given). */
  submittedIn(
    tenantId: string,
    cohortId: string,
    week: number,
    studentIds: string[] | null,
  ): Promise<string[]>;
  /** Every check-in of the cohort, streamed (studentId, week, wellbeing and confidence only). */
  ofCohort(tenantId: string, cohortId: string): AsyncIterable<CheckinRow>;
  /** These students' check-ins: week, wellbeing and whether it arrived after its due time. */
  wellbeingOf(
    tenantId: string,
    studentIds: string[],
  ): Promise<{ studentId: string; week: number; wellbeing: number; late: boolean }[]>;
  /** These students' check-ins: week and confidence ratings, by week. */
  confidenceOf(
    tenantId: string,
    studentIds: string[],
  ): Promise<{ studentId: string; week: number; confidence: Record<string, number> }[]>;
  /** Pauses of a cohort's students, or of some students. */
  pausesOfCohort(tenantId: string, cohortId: string): Promise<PauseRow[]>;
  pausesOf(tenantId: string, studentIds: string[]): Promise<PauseRow[]>;
}

/** 20-minute conversations (src/features/conversations): held and booked only. */
export interface ConversationFigures {
  /** Per (host profession, host role type, state) of a cohort's conversations. */
  countByHost(
    tenantId: string,
    cohortId: string,
    studentIds: string[] | null,
  ): Promise<{ _id: { p: string; r: string; s: string }; n: number }[]>;
  /** A student's own conversations, earliest first. */
  ofStudent(
    tenantId: string,
    personId: string,
  ): Promise<{ startsAt: Date; profession: string; roleType: string; state: string }[]>;
}

/** Sent announcements that ask for acknowledgement (src/features/announcements). */
export interface AnnouncementFigures {
  ackRequiredSent(
    tenantId: string,
    cohortId: string,
  ): Promise<{ id: string; title: string; sentAt: Date | null; audience: string[] }[]>;
  acks(tenantId: string, announcementIds: string[]): Promise<{ announcementId: string; personId: string }[]>;
}

/** Reflections (src/features/reflections): sharing, supervisors' feedback and tags. */
export interface ReflectionFigures {
  sharedBy(
    tenantId: string,
    studentIds: string[],
  ): Promise<{ _id: string; personId: string; sharedAt: Date | null; pillars: string[] }[]>;
  /** Of these reflections, those this supervisor has answered. */
  answeredBy(tenantId: string, reflectionIds: string[], supervisorId: string): Promise<string[]>;
  /**
   * How often a person tagged each pillar or HCPC standard: over all their reflections ('all',
   * their own view) or only those they shared with their supervisors ('shared').
   */
  tagCounts(
    tenantId: string,
    personId: string,
    field: 'pillars' | 'standards',
    over: 'all' | 'shared',
  ): Promise<Map<string, number>>;
}

/** Supervision session records (src/features/supervision). */
export interface SupervisionRecords {
  sessionDates(tenantId: string, studentIds: string[]): Promise<{ studentId: string; date: string }[]>;
}

/** Supervision's follow-ups of each student: open actions, shared reflections, escalation. */
export interface StudentFollowUps {
  followUpsOf(
    tenantId: string,
    studentIds: string[],
  ): Promise<
    Map<
      string,
      {
        openActions: { text: string; dueDate: string; notYet: boolean }[];
        sharedReflections: number;
        escalation: string | null;
      }
    >
  >;
}

/** Signed links to a learning-journey export, reusable until they expire (src/features/reflections). */
export interface JourneyExportLinks {
  readonly ttlMs: number;
  token(claims: {
    tenantId: string;
    requesterId: string;
    subjectId: string;
    format: 'html' | 'csv';
    now: Date;
  }): string;
}

/** The cohort's roster, as the panels count it. */
export interface RosterFigures {
  /** Students of a cohort grouped by profession, in profession order. */
  studentsByProfession(tenantId: string, cohortId: string): Promise<{ _id: string; count: number }[]>;
  /** The cohort's students (lean: id, name, zone, profession, roles), optionally one profession. */
  cohortStudents(tenantId: string, cohortId: string, profession: string | null): Promise<PersonDoc[]>;
}

/** A change on the Manage page, answered as the lead's workspace answers a card. */
export type WorkspaceOutcome<T> =
  | { ok: true; value: T; notice: string }
  | { ok: false; kind: 'invalid'; errors: Record<string, string> }
  | { ok: false; kind: 'forbidden' | 'not-found'; message: string };

/** The Manage page's changes: the workspace's methods of the same name. */
export type ManageAction =
  | 'saveCohort'
  | 'addNonPlacementDay'
  | 'removeNonPlacementDay'
  | 'addStudent'
  | 'setSupervisors'
  | 'moveStudent'
  | 'removeStudent'
  | 'addSupervisor'
  | 'addHost';

/** The lead's workspace (src/features/lead-workspace), for the Manage page. */
export interface ManageWorkspace {
  isLead(person: PersonDoc): boolean;
  manageableCohorts(tenantId: string, person: PersonDoc): Promise<CohortDoc[]>;
  view(tenantId: string, person: PersonDoc, cohortId: string): Promise<WorkspaceOutcome<unknown>>;
  upload(
    tenantId: string,
    person: PersonDoc,
    files: { name: string; text: string }[],
  ): Promise<
    | { ok: true; summary: string }
    | { ok: false; kind: 'forbidden'; message: string }
    | { ok: false; kind: 'invalid'; errors: string[] }
  >;
  change(
    action: ManageAction,
    tenantId: string,
    person: PersonDoc,
    body: unknown,
  ): Promise<WorkspaceOutcome<unknown>>;
  /** A refused change's summary, each field's label, and every problem as a line. */
  errorSummary(errors: Record<string, string>): string;
  label(field: string): string;
  errorLines(errors: Record<string, string>): string[];
}

/** Everything the dashboard reads from other features. */
export interface DashboardSources {
  roster: RosterFigures;
  checkins: CheckinFigures | null;
  conversations: ConversationFigures | null;
  announcements: AnnouncementFigures | null;
  reflections: ReflectionFigures | null;
  supervisionRecords: SupervisionRecords | null;
  journeyExport: JourneyExportLinks | null;
}
