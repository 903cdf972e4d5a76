/**
 * The dashboard's JSON API as both sides see it: the server (src/features/dashboard) answers
 * with these shapes and the tab (src/web) reads them. Types only, no imports: src/web has its
 * own build and never loads server code.
 */

export type PanelState = 'ok' | 'empty' | 'not-set-up' | 'suppressed';

/** A panel is never blank: it has data, or a state with a sentence saying what is going on. */
export interface Panel<T> {
  state: PanelState;
  /** For every state but 'ok': what the person should know or do. */
  message?: string;
  data?: T;
}

export interface CountRow {
  key: string;
  label: string;
  count: number;
}

export interface TagCount extends CountRow {
  gap: boolean;
}

export interface CohortSummary {
  id: string;
  name: string;
  startDate: string;
  /** The placement's last day (lastPlacementDate: its last clinical or leadership day). */
  endDate: string;
  weeks: number;
  /** Week of the placement today, 0 before it starts, weeks + 1 after it ends. */
  currentWeek: number;
}

export interface Me {
  name: string;
  roles: string[];
  views: ('student' | 'supervisor' | 'lead')[];
  cohortId: string | null;
  cohorts: CohortSummary[];
  /** The lead's current cohort: running today, else the next to start, else the latest ended. */
  currentCohortId: string | null;
  /** Placement leads and admins: the Manage page (cohort set-up, roster changes). */
  canManage?: boolean;
  minGroupSize: number;
}

export interface WeekRate {
  week: number;
  submitted: number;
  expected: number;
  rate: number;
}

export interface WeekCount {
  week: number;
  count: number;
}

export interface OverdueRow {
  studentId: string;
  name: string;
  week: number;
}

/** One student behind the lead's low-wellbeing flags: the weeks they rated wellbeing low. */
export interface WellbeingFlagRow {
  studentId: string;
  name: string;
  /** Their supervisors' names, the people to contact first. */
  supervisors: string[];
  weeks: { week: number; wellbeing: number }[];
}

/** GET /api/dashboard/lead/wellbeing: who is behind the flags (leads of the cohort only). */
export interface WellbeingFlags {
  range: { fromWeek: number; toWeek: number };
  students: WellbeingFlagRow[];
}

export interface ConfidenceRow {
  area: string;
  label: string;
  pre: number | null;
  post: number | null;
  preN: number;
  postN: number;
}

export interface ConversationCounts {
  byProfession: CountRow[];
  byRoleType: CountRow[];
  held: number;
  booked: number;
}

/** One measure's confidence before and after placement (survey means; null below the minimum). */
export interface SurveyMeasureRow {
  measure: string;
  label: string;
  pre: number | null;
  post: number | null;
  delta: number | null;
}

export interface SurveyResult {
  baselineResponses: number;
  endResponses: number;
  rows: SurveyMeasureRow[];
}

export interface AnnouncementRow {
  id: string;
  title: string;
  sentAt: string;
  recipients: number;
  acknowledged: number;
  rate: number;
}

export interface LeadOverview {
  cohort: CohortSummary;
  range: { fromWeek: number; toWeek: number };
  minGroupSize: number;
  studentCount: number;
  professions: string[];
  profession: string | null;
  /** The instant these numbers are true for (the cohort's rollup). */
  generatedAt: string;
  /** The server's time when this answer was served (the page shows "Updated 3 minutes ago"). */
  servedAt: string;
  students: Panel<{ byProfession: CountRow[] }>;
  submissionRate: Panel<WeekRate[]>;
  overdue: Panel<OverdueRow[]>;
  confidence: Panel<ConfidenceRow[]>;
  wellbeing: Panel<WeekCount[]>;
  conversations: Panel<ConversationCounts>;
  surveys: Panel<SurveyResult>;
  announcements: Panel<AnnouncementRow[]>;
}

/**
 * Why a compared cohort shows no figures: no pair of confidence surveys, no students with
 * confidence in check-ins of two different weeks, or too few people (never how few).
 */
export type ComparisonHidden = 'no-surveys' | 'no-checkins' | 'too-few' | null;

/**
 * Where a comparison's figures come from: the start and end confidence surveys when every
 * compared cohort has both, otherwise the weekly check-ins' confidence (each student's first
 * against their latest check-in).
 */
export type ComparisonSource = 'surveys' | 'checkins';

/** One measure across the compared cohorts. */
export interface ComparisonRow {
  measure: string;
  label: string;
  cells: {
    cohortId: string;
    pre: number | null;
    post: number | null;
    delta: number | null;
    /**
     * This cohort's change minus the first (reference) cohort's change, e.g. cohort 2 vs
     * cohort 1; null for the reference itself and whenever either change is hidden.
     */
    vsFirst: number | null;
  }[];
}

/** Cohort-vs-cohort confidence deltas (GET /api/dashboard/lead/compare). */
export interface CohortComparison {
  minGroupSize: number;
  source: ComparisonSource;
  /** The cohorts, earliest first; the first is the reference the others are compared with. */
  cohorts: {
    id: string;
    name: string;
    shown: boolean;
    hidden: ComparisonHidden;
    preResponses: number | null;
    postResponses: number | null;
  }[];
  rows: ComparisonRow[];
}

export interface ConfidenceTrend {
  studentId: string;
  name: string;
  points: { week: number; mean: number }[];
}

export interface AwaitingFeedbackRow {
  reflectionId: string;
  studentId: string;
  studentName: string;
  sharedAt: string;
  pillars: string[];
}

export interface SessionRow {
  studentId: string;
  studentName: string;
  sessions: number;
  lastAt: string | null;
}

export interface SupervisedStudent {
  id: string;
  name: string;
  profession: string;
  cohortName: string | null;
  week: number | null;
  checkin: 'submitted' | 'due' | 'overdue' | 'no-placement' | 'not-started' | 'finished' | 'unknown';
  /** The latest wellbeing rating is low (only while the placement runs). */
  lowWellbeing: boolean;
  /**
   * What can truly be said of wellbeing now: the latest rating ('ok' / 'low') when it is from
   * the last week due or later; 'missed' when weeks have passed without a check-in since;
   * 'none' when nothing was due yet; no current status before or after the placement.
   */
  wellbeing: SupervisedWellbeing;
  /** Weeks whose check-in fell due and was not submitted since the latest check-in. */
  missedWeeks: number;
  /** Weeks whose check-in arrived after it was due (sent late, during the placement), in order. */
  lateWeeks: number[];
  /** Actions the student agreed at supervision and has not done. */
  openActions: { text: string; dueDate: string; notYet: boolean }[];
  /** Reflections the student shared with their supervisors. */
  sharedReflections: number;
  /** Set while the placement lead has been alerted (missed check-ins, low wellbeing). */
  escalation: string | null;
}

export type SupervisedWellbeing = 'ok' | 'low' | 'missed' | 'none' | 'not-started' | 'finished' | 'unknown';

export interface SupervisorView {
  students: SupervisedStudent[];
  checkins: Panel<SupervisedStudent[]>;
  confidence: Panel<ConfidenceTrend[]>;
  awaitingFeedback: Panel<AwaitingFeedbackRow[]>;
  supervisionSessions: Panel<SessionRow[]>;
}

export interface BookingRow {
  startsAt: string;
  hostProfession: string;
  hostRoleType: string;
}

export interface StudentView {
  me: {
    name: string;
    profession: string;
    cohortName: string | null;
    week: number | null;
    weeks: number | null;
  };
  pillars: Panel<TagCount[]>;
  standards: Panel<TagCount[]>;
  confidence: Panel<ConfidenceTrend>;
  conversations: Panel<{ held: number; booked: number; upcoming: BookingRow[] }>;
  /** The export link is minted on request (GET /api/dashboard/student/export-link): each opens again until it expires. */
  exportAvailable: boolean;
}

/** What the cards and the Manage page (lead workspace) show of a cohort. */
export interface CohortView {
  id: string;
  name: string;
  datesText: string;
  weeks: number;
  clinicalText: string;
  leadershipText: string;
  supervisionText: string;
  timeZone: string;
  checkinText: string;
  nonPlacement: { date: string; text: string }[];
  students: { id: string; name: string; email: string; profession: string; supervisorsText: string }[];
  supervisors: { id: string; name: string; email: string }[];
  studentCount: number;
  /** The cohort's stored settings as form values (what the edit form starts from). */
  form: Record<string, string>;
}
