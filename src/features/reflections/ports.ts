/**
 * What the reflections feature needs from other features, and what it offers them. Other
 * features import reflections only through this file (types); src/services.ts connects them.
 */
import type { ReflectionTopicId } from '../../domain/catalogues.js';
import type { CheckinRecord, CheckinRecords } from '../checkins/ports.js';
import type { SupervisionRecord, SupervisionRecords } from '../supervision/ports.js';
import type { JourneyCounts, JourneySummary } from './journey.js';
import type { ReflectionDoc } from './reflections-repository.js';

// ---------------------------------------------------------------------------- needs

/** One check-in's confidence ratings, for the journey export's trend table. */
export interface ConfidencePoint {
  /** 'Week 2' or a date. */
  label: string;
  /** Confidence by area label, e.g. { Leadership: 3 }. */
  values: Record<string, number>;
}

/** The student's project, for their own journey export. */
export interface ExportProject {
  title: string;
  clinicalTeam: string;
  members: { name: string; profession: string; role: 'student' | 'supervisor' }[];
  milestones: { date: string; title: string }[];
  /** The student's own weekly updates (their check-in's project answer). */
  updates: { week: number; text: string }[];
  presentation: { when: string } | null;
  feedback: { from: string; rating: number; comment: string }[];
}

/** The student's confidence over their weekly check-ins (from check-ins). */
export interface ConfidenceTrends {
  confidenceTrend(tenantId: string, studentId: string): Promise<ConfidencePoint[]>;
}

/** The 20-minute conversations a student held (from conversations). */
export interface ConversationsHeld {
  heldBy(tenantId: string, studentId: string): Promise<{ date: string; with: string; role: string }[]>;
}

/** A student's project as the journey export shows it, or null when on none (from projects). */
export interface ProjectJourneys {
  journeyOf(tenantId: string, studentId: string): Promise<ExportProject | null>;
}

/** Placement events a student attended (from events). */
export interface EventsAttended {
  attendedBy(tenantId: string, studentId: string): Promise<{ date: string; title: string; kind: string }[]>;
}

/** Concerns the student raised with their name: date, topic, outcome; never the words (from concerns). */
export interface ConcernsRaised {
  namedConcernsOf(
    tenantId: string,
    studentId: string,
  ): Promise<{ date: string; topic: string; outcome: string }[]>;
}

/** A student's check-ins and supervision, as check-ins and supervision offer them for the export. */
export type { CheckinRecords, SupervisionRecords };
export type ExportCheckin = CheckinRecord;
export type ExportSupervision = SupervisionRecord;

/** A student's project team, for sharing a reflection with it (from projects). */
export interface ProjectTeams {
  projectOfStudent(
    tenantId: string,
    studentId: string,
    cohortId: string,
  ): Promise<{ _id: string; title: string } | null>;
  membersOf(tenantId: string, projectId: string): Promise<{ studentIds: string[] } | null>;
}

/** Formative feedback on a draft from the optional coach (src/coach): what the card shows. */
export interface CoachFeedback {
  /** Titles of the draft's steps that are missing or could say more. */
  thinSteps: string[];
  /** HCPC standard codes the draft gives evidence for. */
  standards: string[];
  /** One question to deepen it. */
  question: string;
}

/**
 * The optional reflection coach on the trust's own model. `enabled` false: the card offers no
 * coach and nothing is sent. Null: the coach could not answer (the draft is untouched).
 */
export interface ReflectionCoach {
  readonly enabled: boolean;
  reflectionFeedback(
    tenantId: string,
    personId: string,
    draft: { modelLabel: string; steps: { title: string; answer: string }[] },
  ): Promise<CoachFeedback | null>;
}

/** Everything reflections needs from other features; lazy, so the wiring can settle cycles. */
export interface ReflectionNeeds {
  confidenceTrends: () => ConfidenceTrends;
  conversationsHeld: () => ConversationsHeld;
  projectJourneys: () => ProjectJourneys;
  eventsAttended: () => EventsAttended;
  projectTeams: () => ProjectTeams;
  coach: ReflectionCoach;
  checkinRecords: () => CheckinRecords;
  supervisionRecords: () => SupervisionRecords;
  /** Optional: absent, the export lists no concerns. */
  concernsRaised?: () => ConcernsRaised;
}

// ---------------------------------------------------------------------------- offers

export interface ReflectionPromptOptions {
  topic: ReflectionTopicId;
  /** What the reflection is about (e.g. a booking or event id); kept on the reflection. */
  linkId?: string | null;
  /** The card's opening line instead of the default for the topic. */
  message?: string;
  /** Overrides the once-per-(person, topic, link) key. */
  dedupeKey?: string;
}

/**
 * A "reflect now" card through the outbox, topic preselected (conversations, events). False
 * when this prompt was already sent or the person is not a student.
 */
export interface ReflectionPrompter {
  promptReflection(tenantId: string, personId: string, options: ReflectionPromptOptions): Promise<boolean>;
}

/** A student's reflections counted by pillar, standard and topic, and the gaps (dashboard). */
export interface JourneyReader {
  countsFor(tenantId: string, personId: string): Promise<JourneyCounts>;
  journeyFor(tenantId: string, personId: string): Promise<JourneySummary>;
}

/** What students shared with their supervisors, newest first (supervision's `my students`). */
export interface SharedReflections {
  sharedBy(tenantId: string, studentIds: string[]): Promise<ReflectionDoc[]>;
}

/**
 * Signed links to a learning-journey export, reusable until they expire (dashboard). The caller has checked the
 * policy and records the audit; GET /exports/* checks both again when the link is opened.
 */
export interface JourneyExportLinks {
  exportLinks(
    tenantId: string,
    requesterId: string,
    subjectId: string,
    now: Date,
    includeCheckins?: boolean,
  ): { htmlUrl: string; csvUrl: string; expiresAt: Date };
}

export type { JourneyCounts, JourneySummary, ReflectionDoc };
