/**
 * What the surveys feature offers other features (types only), and what it needs: the weekly
 * check-ins' confidence (checkins) for comparing cohorts without surveys. People, cohorts,
 * audit, outbox, scheduler and cards are the shared services.
 */
import type {
  ComparisonHidden,
  ComparisonRow,
  ComparisonSource,
  SurveyMeasureRow,
} from '../../web/api-types.js';

export interface DeltaRow extends SurveyMeasureRow {
  preN: number | null;
  postN: number | null;
}

/** A cohort's confidence before and after placement, from its latest pair of confidence surveys. */
export interface CohortDeltas {
  cohortId: string;
  cohortName: string;
  baselineRunId: string | null;
  endRunId: string | null;
  /** False when either run is missing or below the minimum group size. */
  shown: boolean;
  preResponses: number | null;
  postResponses: number | null;
  rows: DeltaRow[];
}

/** The deltas of several cohorts side by side, each against the first. */
export interface ConfidenceComparison {
  /** Surveys when every cohort has a start and an end confidence survey, else weekly check-ins. */
  source: ComparisonSource;
  /** For 'checkins', preResponses and postResponses are the students counted (the same number). */
  cohorts: {
    cohortId: string;
    cohortName: string;
    shown: boolean;
    hidden: ComparisonHidden;
    preResponses: number | null;
    postResponses: number | null;
  }[];
  rows: ComparisonRow[];
}

/** Offered: privacy-safe confidence figures (the minimum group size is applied here). */
export interface SurveyInsights {
  readonly minGroupSize: number;
  /** How many cohorts one comparison may hold. */
  readonly maxCompared: number;
  confidenceDeltas(tenantId: string, cohortId: string): Promise<CohortDeltas>;
  compareCohorts(tenantId: string, cohortIds: string[]): Promise<ConfidenceComparison>;
}

/** A check-in as the cohort comparison reads it: whose, which week, the confidence given (1–5 per area id). */
export interface CheckinConfidence {
  studentId: string;
  week: number;
  answers: { confidence?: Record<string, number> };
}

/** Needs (checkins): a cohort's check-ins up to and including a week. */
export interface CohortCheckins {
  ofCohort(tenantId: string, cohortId: string, uptoWeek: number): Promise<CheckinConfidence[]>;
}
