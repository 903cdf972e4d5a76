/**
 * Surveys: a lead schedules a run of a survey definition for a cohort; students answer (one
 * response per person, editable until close); the lead sees privacy-safe results.
 *
 * This class holds the feature's dependencies and the facts every use case shares (a run's
 * status, the keyed response id); each use case is its own module:
 *   schedule-run.ts        scheduling a run and its jobs
 *   survey-invitations.ts  invitations, reminder and "closed" jobs
 *   answer-survey.ts       open runs, own answers, submitting
 *   survey-results.ts      results and the CSV (callers authorise first: assertCanViewResults)
 *   confidence-deltas.ts   pre/post confidence per cohort, and cohort vs cohort
 *   checkin-confidence-deltas.ts  the same from weekly check-ins, when surveys are missing
 *   export-link.ts         the signed CSV link
 */
import { createHmac } from 'node:crypto';
import type { Services } from '../../services.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { tenantDocId } from '../../storage/documents.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { MAX_COMPARED } from './compare-cohorts.js';
import { myAnswers, openRunsFor, submitAnswers } from './answer-survey.js';
import { compareCohorts, confidenceDeltas } from './confidence-deltas.js';
import { loadDefinitions, type SurveyDefinition } from './definitions.js';
import { exportToken, exportUrl, verifyExportToken } from './export-link.js';
import type { CohortCheckins, CohortDeltas, ConfidenceComparison, SurveyInsights } from './ports.js';
import { scheduleRun } from './schedule-run.js';
import { formCardData } from './survey-form-card.js';
import { notifyClosed, sendInvitations } from './survey-invitations.js';
import { SurveyError } from './survey-policy.js';
import type { SurveyRepository, SurveyRunDoc } from './survey-repository.js';
import { exportCsv, surveyResults, type ResultsFilter, type SurveyResults } from './survey-results.js';

export {
  assertCanViewResults,
  hasLeadRole,
  SmallGroupRefused,
  SurveyError,
  surveyRefusal,
} from './survey-policy.js';
export type { ResultsFilter, QuestionResult, SurveyResults } from './survey-results.js';
export type { ScheduleInput } from './schedule-run.js';

export type RunStatus = 'scheduled' | 'open' | 'closed' | 'cancelled';

export type SurveyDeps = Pick<
  Services,
  'config' | 'clock' | 'people' | 'cohorts' | 'outbox' | 'scheduler' | 'cards' | 'audit' | 'logger'
> & {
  repo: SurveyRepository;
  /** The weekly check-ins' confidence (checkins), for comparing cohorts without surveys. */
  checkins?: () => CohortCheckins;
};

export class SurveyService implements SurveyInsights {
  readonly repo: SurveyRepository;
  readonly definitions: Map<string, SurveyDefinition>;
  readonly maxCompared = MAX_COMPARED;

  constructor(
    readonly deps: SurveyDeps,
    definitions = loadDefinitions(),
  ) {
    this.repo = deps.repo;
    this.definitions = definitions;
  }

  get minGroupSize(): number {
    return this.deps.config.MIN_GROUP_SIZE;
  }

  definition(id: string): SurveyDefinition {
    const def = this.definitions.get(id);
    if (!def) throw new SurveyError(`There is no survey called '${id}'.`, 'not-found');
    return def;
  }

  definitionOf(run: SurveyRunDoc): SurveyDefinition {
    return run.definition ?? this.definition(run.definitionId);
  }

  /** A shipped definition, or one of the tenant's own surveys; null when neither. */
  async definitionFor(tenantId: string, id: string): Promise<SurveyDefinition | null> {
    return this.definitions.get(id) ?? (await this.repo.templateById(tenantId, id))?.definition ?? null;
  }

  status(run: SurveyRunDoc, now = this.deps.clock.now()): RunStatus {
    if (run.cancelledAt) return 'cancelled';
    if (now < run.opensAt) return 'scheduled';
    return now < run.closesAt ? 'open' : 'closed';
  }

  /** How many responses a run has (all tenants' ids are tenant-prefixed; for tests and ops). */
  async countFor(runId: string): Promise<number> {
    const tenantId = runId.split('|')[0]!;
    return this.repo.count(tenantId, { runId });
  }

  /** The keyed HMAC that identifies a person's response to a run without naming them. */
  responseId(tenantId: string, runId: string, personId: string): string {
    const mac = createHmac('sha256', this.deps.config.SURVEY_HMAC_SECRET)
      .update(`survey-response|${tenantId}|${runId}|${personId}`)
      .digest('base64url');
    return tenantDocId(tenantId, 'sresp', mac);
  }

  async run(tenantId: string, runId: string): Promise<SurveyRunDoc> {
    const run = typeof runId === 'string' ? await this.repo.runById(tenantId, runId) : null;
    if (!run) throw new SurveyError('I could not find that survey.', 'not-found');
    return run;
  }

  scheduleRun(tenantId: string, actor: PersonDoc, input: unknown) {
    return scheduleRun(this, tenantId, actor, input);
  }

  sendInvitations(tenantId: string, runId: string, kind: 'invite' | 'remind'): Promise<number> {
    return sendInvitations(this, tenantId, runId, kind);
  }

  notifyClosed(tenantId: string, runId: string): Promise<void> {
    return notifyClosed(this, tenantId, runId);
  }

  openRunsFor(tenantId: string, person: PersonDoc) {
    return openRunsFor(this, tenantId, person);
  }

  myAnswers(tenantId: string, person: PersonDoc, runId: string) {
    return myAnswers(this, tenantId, person, runId);
  }

  submit(tenantId: string, person: PersonDoc, runId: string, raw: Record<string, unknown>) {
    return submitAnswers(this, tenantId, person, runId, raw);
  }

  results(
    tenantId: string,
    surveyRunId: string,
    filter: ResultsFilter = {},
    options: { held?: boolean } = {},
  ): Promise<SurveyResults> {
    return surveyResults(this, tenantId, surveyRunId, filter, options);
  }

  exportCsv(tenantId: string, surveyRunId: string, filter: ResultsFilter = {}): Promise<string> {
    return exportCsv(this, tenantId, surveyRunId, filter);
  }

  exportToken(tenantId: string, personId: string, runId: string, filter: ResultsFilter, now?: Date) {
    return exportToken(this, tenantId, personId, runId, filter, now);
  }

  verifyExportToken(token: string, now?: Date) {
    return verifyExportToken(this, token, now);
  }

  exportUrl(token: string): string {
    return exportUrl(this, token);
  }

  confidenceDeltas(
    tenantId: string,
    cohortId: string,
    runs?: { baselineRunId?: string; endRunId?: string },
  ): Promise<CohortDeltas> {
    return confidenceDeltas(this, tenantId, cohortId, runs);
  }

  compareCohorts(tenantId: string, cohortIds: string[]): Promise<ConfidenceComparison> {
    return compareCohorts(this, tenantId, cohortIds);
  }

  formCardData(
    run: SurveyRunDoc,
    def: SurveyDefinition,
    cohort: CohortDoc | null,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    notice = '',
  ) {
    return formCardData(this, run, def, cohort, values, errors, notice);
  }
}
