/**
 * Surveys: a lead schedules a run of a survey definition for a cohort; students answer (one
 * response per person, editable until close); the lead sees privacy-safe results.
 *
 * Result methods for the dashboard and the cards (callers authorise first, e.g. with
 * `assertCanViewResults(person, run.cohortId)`; the rules are the policy's, in
 * src/domain/authorization.ts):
 *   results(tenantId, surveyRunId, filter)        counts, distributions, means, free text
 *   confidenceDeltas(tenantId, cohortId)          pre/post mean per confidence area and pillar
 *   compareCohorts(tenantId, cohortIds)           the deltas side by side, and each vs the first
 *   exportCsv(tenantId, surveyRunId, filter)      the results as CSV (UTF-8 with BOM)
 *
 * Privacy: nothing is shown for a group smaller than MIN_GROUP_SIZE. That applies to the run
 * as a whole, to every question (including free text), and to every filtered cut; a filter
 * whose cut (or whose complement, which subtraction would reveal) is smaller is refused.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { GroupTooSmallError, isGroupLargeEnough } from '../../domain/anonymity.js';
import { can } from '../../domain/authorization.js';
import {
  localInstant,
  offsetInstant,
  placementDaysInWeek,
  weekStartInstant,
  formatLocal,
} from '../../domain/placement-calendar.js';
import { isoDate, safeText } from '../../domain/validation.js';
import type { Services } from '../../services.js';
import { tenantDocId } from '../../storage/documents.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import {
  AnswerError,
  keyLabel,
  loadDefinitions,
  MEASURES,
  questionKeys,
  validateAnswers,
  type Question,
  type SurveyDefinition,
} from './definitions.js';
import { SurveyRepository, type ResponseCut, type SurveyRunDoc, type Tally } from './survey-repository.js';

export class SurveyError extends Error {
  override readonly name = 'SurveyError';
  constructor(
    message: string,
    readonly code: 'not-found' | 'forbidden' | 'closed' | 'not-open' | 'invalid',
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * A cut refused for being too small. Its message and `size` never disclose the group's size
 * (the size is itself a figure about a small group).
 */
export class SmallGroupRefused extends GroupTooSmallError {
  constructor(minimum: number, what = 'this selection') {
    super(Number.NaN, minimum);
    this.message = `Results are not shown for ${what}: it would describe a group smaller than ${minimum} people.`;
  }
}

export type RunStatus = 'scheduled' | 'open' | 'closed';

export interface ResultsFilter {
  profession?: string;
  /** Only respondents who gave `value` (a rating value or option id) to `questionId`. */
  answer?: { questionId: string; value: string };
}

export interface QuestionResult {
  id: string;
  text: string;
  type: Question['type'];
  measure: string | null;
  /** False when fewer than the minimum answered: then every figure below is null/empty. */
  shown: boolean;
  answered: number | null;
  mean: number | null;
  distribution: { key: string; label: string; count: number; percent: number }[];
  texts: string[];
}

export interface SurveyResults {
  runId: string;
  title: string;
  definitionId: string;
  cohortId: string;
  anonymous: boolean;
  status: RunStatus;
  opensAt: Date;
  closesAt: Date;
  minGroupSize: number;
  filter: ResultsFilter;
  /** False when the cut has fewer responses than the minimum: no figure or text at all. */
  shown: boolean;
  responses: number | null;
  questions: QuestionResult[];
}

export interface DeltaRow {
  measure: string;
  label: string;
  pre: number | null;
  post: number | null;
  delta: number | null;
  preN: number | null;
  postN: number | null;
}

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

export interface CohortComparison {
  cohorts: {
    cohortId: string;
    cohortName: string;
    shown: boolean;
    /** Why a cohort is hidden: no pair of confidence surveys, or too few responses (never how few). */
    hidden: 'no-surveys' | 'too-few' | null;
    preResponses: number | null;
    postResponses: number | null;
  }[];
  rows: {
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
  }[];
}

const scheduleSchema = z
  .object({
    requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'Invalid request id'),
    definitionId: safeText(60, { min: 1 }),
    cohortId: safeText(200, { min: 1 }),
    opensOn: isoDate.optional(),
    opensWeek: z.coerce.number().int().min(1).max(52).optional(),
    closesOn: isoDate,
    anonymous: z.boolean(),
    remind: z.boolean(),
  })
  .strict()
  .refine((v) => (v.opensOn === undefined) !== (v.opensWeek === undefined), {
    message: 'Give either an opening date or a placement week',
    path: ['opensOn'],
  });
export type ScheduleInput = z.input<typeof scheduleSchema>;

const filterSchema = z
  .object({
    profession: safeText(80, { min: 1 }).optional(),
    answer: z
      .object({ questionId: safeText(80, { min: 1 }), value: safeText(40, { min: 1 }) })
      .strict()
      .optional(),
  })
  .strict();

const EXPORT_TTL_MS = 15 * 60_000;
const OPEN_TIME = '09:00';
const CLOSE_TIME = '17:00';

const round2 = (n: number) => Math.round(n * 100) / 100;
/** Has the lead or admin role (for choosing a reply's wording; decisions are the policy's). */
export const hasLeadRole = (p: PersonDoc) => p.roles.includes('lead') || p.roles.includes('admin');

/** Results of a run of `cohortId`: the cohort's lead, or an admin ('survey.results.view'). */
export function assertCanViewResults(person: PersonDoc, cohortId: string | null): void {
  if (!can(person, 'survey.results.view', { cohortId }))
    throw new SurveyError('Only a placement lead or an administrator can see survey results.', 'forbidden');
}

/** Why `person` may not answer a survey run, true for them (a supervisor is on no "other cohort"). */
export function surveyRefusal(person: Pick<PersonDoc, 'roles'>): string {
  return person.roles.includes('student')
    ? 'This survey is for the students of another cohort.'
    : 'Surveys are answered by the students on placement, not by staff, so there is nothing here for you to fill in.';
}

export class SurveyService {
  readonly repo: SurveyRepository;
  readonly definitions: Map<string, SurveyDefinition>;

  constructor(
    private readonly services: Pick<
      Services,
      'db' | 'config' | 'clock' | 'people' | 'cohorts' | 'outbox' | 'scheduler' | 'cards' | 'audit' | 'logger'
    >,
    definitions = loadDefinitions(),
  ) {
    this.repo = new SurveyRepository(services.db);
    this.definitions = definitions;
  }

  get minGroupSize(): number {
    return this.services.config.MIN_GROUP_SIZE;
  }

  definition(id: string): SurveyDefinition {
    const def = this.definitions.get(id);
    if (!def) throw new SurveyError(`There is no survey called '${id}'.`, 'not-found');
    return def;
  }

  definitionOf(run: SurveyRunDoc): SurveyDefinition {
    return this.definition(run.definitionId);
  }

  status(run: SurveyRunDoc, now = this.services.clock.now()): RunStatus {
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
    const mac = createHmac('sha256', this.services.config.SURVEY_HMAC_SECRET)
      .update(`survey-response|${tenantId}|${runId}|${personId}`)
      .digest('base64url');
    return tenantDocId(tenantId, 'sresp', mac);
  }

  async run(tenantId: string, runId: string): Promise<SurveyRunDoc> {
    const run = typeof runId === 'string' ? await this.repo.runById(tenantId, runId) : null;
    if (!run) throw new SurveyError('I could not find that survey.', 'not-found');
    return run;
  }

  // -------------------------------------------------------------------------
  // Scheduling
  // -------------------------------------------------------------------------

  /**
   * Schedules a run (lead/admin only). Idempotent on `requestId`: a retried or double-clicked
   * submit returns the run it created the first time. Opens at 09:00 local on the date (or on
   * the first day of the placement week), closes at 17:00 local on the close date; the reminder
   * to non-responders goes one day before close.
   */
  async scheduleRun(
    tenantId: string,
    actor: PersonDoc,
    input: unknown,
  ): Promise<{ run: SurveyRunDoc; created: boolean }> {
    const now = this.services.clock.now();
    const requested = (input as { cohortId?: unknown } | null)?.cohortId;
    const cohortId = typeof requested === 'string' && requested.length <= 200 ? requested : null;
    if (!can(actor, 'survey.run.manage', { cohortId })) {
      await this.services.audit.record(
        tenantId,
        { actorId: actor._id, action: 'survey.schedule', targetId: cohortId, outcome: 'refused' },
        now,
      );
      throw new SurveyError(
        hasLeadRole(actor)
          ? 'You can only run a survey for a cohort you lead.'
          : 'Only a placement lead or an administrator can run a survey.',
        'forbidden',
      );
    }
    const parsed = scheduleSchema.safeParse(input);
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) fields[issue.path.join('.') || '_form'] ??= issue.message;
      throw new SurveyError('Please check the highlighted fields.', 'invalid', fields);
    }
    const v = parsed.data;
    const def = this.definitions.get(v.definitionId);
    if (!def)
      throw new SurveyError('Please check the highlighted fields.', 'invalid', {
        definitionId: 'Unknown survey',
      });
    const cohort = await this.services.cohorts.byId(tenantId, v.cohortId);
    if (!cohort)
      throw new SurveyError('Please check the highlighted fields.', 'invalid', {
        cohortId: 'Unknown cohort',
      });
    const zone = cohort.timeZone;
    let opensAt: Date;
    if (v.opensWeek !== undefined) {
      if (v.opensWeek > cohort.weeks)
        throw new SurveyError('Please check the highlighted fields.', 'invalid', {
          opensWeek: `${cohort.name} has ${cohort.weeks} weeks`,
        });
      const first = placementDaysInWeek(cohort, v.opensWeek)[0];
      opensAt = first
        ? localInstant(first.date, OPEN_TIME, zone)
        : weekStartInstant(cohort, v.opensWeek, OPEN_TIME);
    } else {
      opensAt = localInstant(v.opensOn!, OPEN_TIME, zone);
    }
    const closesAt = localInstant(v.closesOn, CLOSE_TIME, zone);
    if (closesAt <= opensAt)
      throw new SurveyError('Please check the highlighted fields.', 'invalid', {
        closesOn: 'The survey must close after it opens',
      });
    if (closesAt <= now)
      throw new SurveyError('Please check the highlighted fields.', 'invalid', {
        closesOn: 'The close date has already passed',
      });
    const reminder = offsetInstant(closesAt, { days: -1 }, zone);
    const reminderAt = v.remind && reminder > opensAt && reminder > now ? reminder : null;

    const run: SurveyRunDoc = {
      _id: tenantDocId(tenantId, 'srun', v.requestId),
      tenantId,
      definitionId: def.id,
      definitionVersion: def.version,
      purpose: def.purpose,
      title: def.title,
      cohortId: cohort._id,
      anonymous: v.anonymous,
      opensAt,
      closesAt,
      reminderAt,
      createdBy: actor._id,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    };
    const created = await this.repo.insertRun(run);
    const stored = created ? run : await this.run(tenantId, run._id);
    // Jobs are insert-if-absent, so scheduling again after a crash between the two is safe.
    const { scheduler } = this.services;
    await scheduler.schedule({
      key: `survey.open:${stored._id}`,
      type: 'survey.open',
      runAt: stored.opensAt,
      tenantId,
      payload: { runId: stored._id },
    });
    if (stored.reminderAt)
      await scheduler.schedule({
        key: `survey.remind:${stored._id}`,
        type: 'survey.remind',
        runAt: stored.reminderAt,
        tenantId,
        payload: { runId: stored._id },
      });
    await scheduler.schedule({
      key: `survey.closed:${stored._id}`,
      type: 'survey.closed',
      runAt: stored.closesAt,
      tenantId,
      payload: { runId: stored._id },
    });
    if (created)
      await this.services.audit.record(
        tenantId,
        {
          actorId: actor._id,
          action: 'survey.schedule',
          targetId: stored._id,
          details: { definitionId: def.id, anonymous: v.anonymous },
        },
        now,
      );
    return { run: stored, created };
  }

  /** Job: invite every student of the cohort (dedupe per run and person). */
  async sendInvitations(tenantId: string, runId: string, kind: 'invite' | 'remind'): Promise<number> {
    const run = await this.run(tenantId, runId);
    if (this.status(run) !== 'open') return 0;
    const cohort = await this.services.cohorts.byId(tenantId, run.cohortId);
    let students = await this.services.people.inCohort(tenantId, run.cohortId, 'student');
    if (kind === 'remind') {
      const ids = new Map(students.map((s) => [this.responseId(tenantId, run._id, s._id), s]));
      const answered = await this.repo.existingResponseIds(tenantId, [...ids.keys()]);
      students = [...ids].filter(([id]) => !answered.has(id)).map(([, s]) => s);
    }
    const def = this.definitionOf(run);
    const now = this.services.clock.now();
    const activity = this.services.cards.activity(
      'survey-form',
      this.formCardData(
        run,
        def,
        cohort,
        {},
        {},
        kind === 'remind' ? 'Reminder: this survey closes soon.' : '',
      ),
      kind === 'remind' ? `Reminder: ${run.title}` : `New survey: ${run.title}`,
    );
    return this.services.outbox.enqueue(
      tenantId,
      students.map((s) => ({
        dedupeKey: `survey.${kind}:${run._id}:${s._id}`,
        purpose: `survey.${kind}`,
        batchId: `survey.${kind}:${run._id}`,
        target: { kind: 'person' as const, personId: s._id },
        activity,
      })),
      now,
    );
  }

  /** Job: tell the lead who scheduled the run that results are ready. */
  async notifyClosed(tenantId: string, runId: string): Promise<void> {
    const run = await this.run(tenantId, runId);
    await this.services.outbox.enqueue(
      tenantId,
      [
        {
          dedupeKey: `survey.closed:${run._id}`,
          purpose: 'survey.closed',
          target: { kind: 'person', personId: run.createdBy },
          activity: this.services.cards.activity(
            'notice',
            { title: `${run.title} has closed`, message: 'Type **surveys** to see the results.' },
            `${run.title} has closed`,
          ),
        },
      ],
      this.services.clock.now(),
    );
  }

  // -------------------------------------------------------------------------
  // Answering
  // -------------------------------------------------------------------------

  /** Runs a student can answer now, with whether they already have. */
  async openRunsFor(
    tenantId: string,
    person: PersonDoc,
  ): Promise<{ run: SurveyRunDoc; answered: boolean }[]> {
    if (!person.cohortId) return [];
    const runs = (await this.repo.runsForCohort(tenantId, person.cohortId)).filter(
      (r) => this.status(r) === 'open' && can(person, 'survey.respond', { cohortId: r.cohortId }),
    );
    return Promise.all(
      runs.map(async (run) => ({
        run,
        answered:
          (await this.repo.responseById(tenantId, this.responseId(tenantId, run._id, person._id))) !== null,
      })),
    );
  }

  private async assertCanAnswer(tenantId: string, person: PersonDoc, runId: string): Promise<SurveyRunDoc> {
    const run = await this.run(tenantId, runId);
    if (!can(person, 'survey.respond', { cohortId: run.cohortId }))
      throw new SurveyError(surveyRefusal(person), 'forbidden');
    const status = this.status(run);
    if (status === 'scheduled')
      throw new SurveyError(`This survey opens ${this.when(run.opensAt)}.`, 'not-open');
    if (status === 'closed')
      throw new SurveyError(
        `This survey closed ${this.when(run.closesAt)}; answers can no longer be changed.`,
        'closed',
      );
    return run;
  }

  /** The person's own current answers (to prefill the form), or null. */
  async myAnswers(
    tenantId: string,
    person: PersonDoc,
    runId: string,
  ): Promise<Record<string, string> | null> {
    const run = await this.run(tenantId, runId);
    const doc = await this.repo.responseById(tenantId, this.responseId(tenantId, run._id, person._id));
    if (!doc) return null;
    const values: Record<string, string[]> = {};
    for (const item of doc.items) {
      if (item.startsWith('#') || item.startsWith('?')) continue;
      const eq = item.indexOf('=');
      const tilde = item.indexOf('~');
      if (tilde >= 0 && (eq < 0 || tilde < eq)) values[item.slice(0, tilde)] = [item.slice(tilde + 1)];
      else (values[item.slice(0, eq)] ??= []).push(item.slice(eq + 1));
    }
    return Object.fromEntries(Object.entries(values).map(([q, v]) => [q, v.join(',')]));
  }

  /**
   * Stores the person's answers, replacing any earlier response to the same run. Throws
   * SurveyError with per-question messages for unknown question ids, out-of-range or unknown
   * answers, missing required answers; and for a run that is closed or not yet open.
   */
  async submit(
    tenantId: string,
    person: PersonDoc,
    runId: string,
    raw: Record<string, unknown>,
  ): Promise<'created' | 'replaced'> {
    const run = await this.assertCanAnswer(tenantId, person, runId);
    const def = this.definitionOf(run);
    let answers;
    try {
      answers = validateAnswers(def, raw);
    } catch (err) {
      if (err instanceof AnswerError)
        throw new SurveyError(`Some answers need another look: ${err.message}`, 'invalid', err.errors);
      throw err;
    }
    const now = this.services.clock.now();
    // Anonymous responses: times coarsened to the day so arrival order cannot be matched
    // against delivery or activity logs.
    const stamp = run.anonymous
      ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
      : now;
    const outcome = await this.repo.saveResponse(
      tenantId,
      this.responseId(tenantId, run._id, person._id),
      {
        runId: run._id,
        cohortId: run.cohortId,
        profession: person.profession,
        items: [
          '#',
          ...answers.flatMap((a) => [
            `?${a.q}`,
            ...(a.k ?? []).map((k) => `${a.q}=${k}`),
            ...(a.t !== undefined ? [`${a.q}~${a.t}`] : []),
          ]),
        ],
        updatedAt: stamp,
        ...(run.anonymous ? {} : { respondentId: person._id }),
      },
      stamp,
    );
    if (!run.anonymous)
      await this.services.audit.record(
        tenantId,
        { actorId: person._id, action: 'survey.respond', targetId: run._id, details: { outcome } },
        now,
      );
    return outcome;
  }

  // -------------------------------------------------------------------------
  // Results
  // -------------------------------------------------------------------------

  private async cutFor(
    tenantId: string,
    run: SurveyRunDoc,
    def: SurveyDefinition,
    filter: unknown,
  ): Promise<{ cut: ResponseCut; filter: ResultsFilter }> {
    const parsed = filterSchema.safeParse(filter ?? {});
    if (!parsed.success) throw new SurveyError('That filter is not valid.', 'invalid');
    const f = parsed.data;
    const cut: ResponseCut = { runId: run._id };
    if (f.profession) cut.profession = f.profession;
    if (f.answer) {
      const q = def.questions.find((x) => x.id === f.answer!.questionId);
      if (!q) throw new SurveyError(`Unknown question id '${f.answer.questionId}'.`, 'invalid');
      if (!questionKeys(q).includes(f.answer.value))
        throw new SurveyError(`'${f.answer.value}' is not an answer to '${q.id}'.`, 'invalid');
      cut.answer = { questionId: q.id, key: f.answer.value };
    }
    return { cut, filter: f };
  }

  /**
   * Results of a run for a cut. Unfiltered and below the minimum: `shown: false` and no figure
   * (not even the response count). A filter whose cut — or whose complement — is below the
   * minimum is refused with GroupTooSmallError (its sizes are not revealed either).
   */
  async results(tenantId: string, surveyRunId: string, filter: ResultsFilter = {}): Promise<SurveyResults> {
    const run = await this.run(tenantId, surveyRunId);
    const def = this.definitionOf(run);
    const { cut, filter: f } = await this.cutFor(tenantId, run, def, filter);
    const min = this.minGroupSize;
    const filtered = cut.profession !== undefined || cut.answer !== undefined;
    const tally = await this.repo.tally(tenantId, cut);
    const n = tally.responses;
    if (filtered) {
      const total = await this.repo.count(tenantId, { runId: run._id });
      const rest = total - n;
      if (!isGroupLargeEnough(n, min) || (rest > 0 && !isGroupLargeEnough(rest, min)))
        throw new SmallGroupRefused(min, 'this filter');
    }
    const base: SurveyResults = {
      runId: run._id,
      title: run.title,
      definitionId: def.id,
      cohortId: run.cohortId,
      anonymous: run.anonymous,
      status: this.status(run),
      opensAt: run.opensAt,
      closesAt: run.closesAt,
      minGroupSize: min,
      filter: f,
      shown: false,
      responses: null,
      questions: [],
    };
    if (!isGroupLargeEnough(n, min)) return base;

    const figures = this.figures(tally);
    const texts = tally.texts;

    const questions: QuestionResult[] = def.questions.map((q) => {
      const answered = figures.answered(q.id);
      const shown = isGroupLargeEnough(answered, min);
      const numeric = q.type === 'rating' || q.type === 'recommend';
      return {
        id: q.id,
        text: q.text,
        type: q.type,
        measure: q.type === 'rating' ? (q.measure ?? null) : null,
        shown,
        answered: shown ? answered : null,
        mean: shown && numeric ? round2(figures.sum(q) / answered) : null,
        distribution: shown
          ? questionKeys(q).map((key) => {
              const count = figures.count(q.id, key);
              return { key, label: keyLabel(q, key), count, percent: Math.round((count / answered) * 100) };
            })
          : [],
        texts: shown ? texts.filter((t) => t.questionId === q.id).map((t) => t.text) : [],
      };
    });
    return { ...base, shown: true, responses: n, questions };
  }

  /**
   * Accessors over a tally (one database pass). A mean is Σ(value × count) / answered over the
   * grouped rows (FerretDB 1.x cannot $sum a field nested in an unwound array).
   */
  private figures(tally: Tally) {
    return {
      answered: (q: string) => tally.answered.get(q) ?? 0,
      count: (q: string, key: string) => tally.counts.get(`${q}=${key}`) ?? 0,
      sum: (q: Question) =>
        questionKeys(q).reduce(
          (acc, key) => acc + Number(key) * (tally.counts.get(`${q.id}=${key}`) ?? 0),
          0,
        ),
    };
  }

  /** The results as CSV: aggregates and free text only (no per-person rows). */
  async exportCsv(tenantId: string, surveyRunId: string, filter: ResultsFilter = {}): Promise<string> {
    const r = await this.results(tenantId, surveyRunId, filter);
    if (!r.shown) throw new SmallGroupRefused(r.minGroupSize, 'this survey yet');
    const rows: (string | number)[][] = [
      ['question_id', 'question', 'row_type', 'value', 'label', 'count', 'percent', 'mean', 'text'],
    ];
    for (const q of r.questions) {
      if (!q.shown) {
        rows.push([q.id, q.text, 'hidden', '', '', '', '', '', `fewer than ${r.minGroupSize} answers`]);
        continue;
      }
      rows.push([q.id, q.text, 'answered', '', '', q.answered!, '', q.mean ?? '', '']);
      for (const d of q.distribution)
        rows.push([q.id, q.text, 'distribution', d.key, d.label, d.count, d.percent, '', '']);
      for (const t of q.texts) rows.push([q.id, q.text, 'text', '', '', '', '', '', t]);
    }
    return '\ufeff' + stringify(rows, { record_delimiter: '\r\n' });
  }

  /** A short-lived signed link to the CSV (checked again against the person's role on use). */
  exportToken(
    tenantId: string,
    personId: string,
    runId: string,
    filter: ResultsFilter,
    now = this.services.clock.now(),
  ): string {
    const payload = Buffer.from(
      JSON.stringify({ t: tenantId, p: personId, r: runId, f: filter, e: now.getTime() + EXPORT_TTL_MS }),
    ).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  verifyExportToken(
    token: string,
    now = this.services.clock.now(),
  ): { tenantId: string; personId: string; runId: string; filter: ResultsFilter } | null {
    const [payload, mac] = token.split('.');
    if (!payload || !mac) return null;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (typeof v.e !== 'number' || v.e < now.getTime()) return null;
      return { tenantId: v.t, personId: v.p, runId: v.r, filter: v.f ?? {} };
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.services.config.SURVEY_HMAC_SECRET)
      .update(`survey-export|${payload}`)
      .digest('base64url');
  }

  exportUrl(token: string): string {
    return `${this.services.config.PUBLIC_BASE_URL.replace(/\/$/, '')}/surveys/export?token=${encodeURIComponent(token)}`;
  }

  /** Mean per measure of a run, with the answered count (null figures below the minimum). */
  private async measureMeans(tenantId: string, run: SurveyRunDoc | null) {
    const out = new Map<string, { mean: number | null; n: number | null; raw: number | null }>();
    if (!run) return { shown: false, responses: null as number | null, out };
    const tally = await this.repo.tally(tenantId, { runId: run._id });
    const n = tally.responses;
    if (!isGroupLargeEnough(n, this.minGroupSize)) return { shown: false, responses: null, out };
    const def = this.definitionOf(run);
    const figures = this.figures(tally);
    for (const q of def.questions) {
      if (q.type !== 'rating' || !q.measure) continue;
      const answered = figures.answered(q.id);
      const raw = figures.sum(q) / answered;
      out.set(
        q.measure,
        isGroupLargeEnough(answered, this.minGroupSize)
          ? { mean: round2(raw), raw, n: answered }
          : { mean: null, raw: null, n: null },
      );
    }
    return { shown: true, responses: n, out };
  }

  /**
   * Pre/post mean per confidence area and pillar for a cohort: the latest confidence-baseline
   * run against the latest confidence-end run (unpaired means: anonymous runs cannot be paired).
   * The delta is computed from the unrounded means, then rounded to 2 places.
   */
  async confidenceDeltas(
    tenantId: string,
    cohortId: string,
    runs?: { baselineRunId?: string; endRunId?: string },
  ): Promise<CohortDeltas> {
    const cohort = await this.services.cohorts.byId(tenantId, cohortId);
    if (!cohort) throw new SurveyError('I could not find that cohort.', 'not-found');
    return this.deltasFor(tenantId, cohort, runs);
  }

  private async deltasFor(
    tenantId: string,
    cohort: CohortDoc,
    runs?: { baselineRunId?: string; endRunId?: string },
  ): Promise<CohortDeltas> {
    const all = await this.repo.runsForCohort(tenantId, cohort._id);
    const pick = (purpose: string, id?: string) =>
      id ? (all.find((r) => r._id === id) ?? null) : (all.find((r) => r.purpose === purpose) ?? null);
    const baseline = pick('confidence-baseline', runs?.baselineRunId);
    const end = pick('confidence-end', runs?.endRunId);
    const [pre, post] = await Promise.all([
      this.measureMeans(tenantId, baseline),
      this.measureMeans(tenantId, end),
    ]);
    const shown = pre.shown && post.shown;
    return {
      cohortId: cohort._id,
      cohortName: cohort.name,
      baselineRunId: baseline?._id ?? null,
      endRunId: end?._id ?? null,
      shown,
      preResponses: shown ? pre.responses : null,
      postResponses: shown ? post.responses : null,
      rows: MEASURES.map((m) => {
        const a = shown ? pre.out.get(m.id) : undefined;
        const b = shown ? post.out.get(m.id) : undefined;
        const delta = a?.raw != null && b?.raw != null ? round2(b.raw - a.raw) : null;
        return {
          measure: m.id,
          label: m.label,
          pre: a?.mean ?? null,
          post: b?.mean ?? null,
          delta,
          preN: a?.n ?? null,
          postN: b?.n ?? null,
        };
      }),
    };
  }

  /**
   * Cohort-vs-cohort table of the confidence deltas (e.g. cohort 2 vs cohort 1), in the order
   * given: the first cohort is the reference the others are compared with. Each cohort's
   * figures obey the minimum group size on their own (a hidden cohort shows no figure, no
   * response count and no difference); a difference is only shown between two shown changes.
   */
  async compareCohorts(tenantId: string, cohortIds: string[]): Promise<CohortComparison> {
    const deltas: CohortDeltas[] = [];
    for (const id of cohortIds) deltas.push(await this.confidenceDeltas(tenantId, id));
    return {
      cohorts: deltas.map((d) => ({
        cohortId: d.cohortId,
        cohortName: d.cohortName,
        shown: d.shown,
        hidden: d.shown ? null : !d.baselineRunId || !d.endRunId ? 'no-surveys' : 'too-few',
        preResponses: d.preResponses,
        postResponses: d.postResponses,
      })),
      rows: MEASURES.map((m) => {
        const rows = deltas.map((d) => d.rows.find((r) => r.measure === m.id)!);
        const reference = rows[0]?.delta ?? null;
        return {
          measure: m.id,
          label: m.label,
          cells: rows.map((row, i) => ({
            cohortId: deltas[i]!.cohortId,
            pre: row.pre,
            post: row.post,
            delta: row.delta,
            vsFirst: i > 0 && row.delta !== null && reference !== null ? round2(row.delta - reference) : null,
          })),
        };
      }),
    };
  }

  // -------------------------------------------------------------------------
  // Card data
  // -------------------------------------------------------------------------

  when(instant: Date, zone = this.services.config.DEFAULT_TIME_ZONE): string {
    return formatLocal(instant, zone);
  }

  formCardData(
    run: SurveyRunDoc,
    def: SurveyDefinition,
    cohort: CohortDoc | null,
    values: Record<string, unknown>,
    errors: Record<string, string>,
    notice = '',
  ) {
    const zone = cohort?.timeZone ?? this.services.config.DEFAULT_TIME_ZONE;
    const text = (v: unknown) =>
      typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : v == null ? '' : String(v);
    return {
      runId: run._id,
      title: run.title,
      description: def.description,
      anonymous: run.anonymous,
      closes: formatLocal(run.closesAt, zone),
      notice,
      formError: Object.keys(errors).length > 0 ? 'Some answers need another look (see below).' : '',
      questions: def.questions.map((q, i) => ({
        id: q.id,
        label: `${i + 1}. ${q.text}${q.required ? '' : ' (optional)'}`,
        kind:
          q.type === 'text'
            ? 'text'
            : q.type === 'multiple'
              ? 'multiple'
              : q.type === 'single'
                ? 'single'
                : 'scale',
        hint:
          'lowLabel' in q && q.lowLabel
            ? `${questionKeys(q)[0]} = ${q.lowLabel}, ${questionKeys(q).at(-1)} = ${q.highLabel ?? ''}`
            : '',
        maxLength: q.type === 'text' ? q.maxLength : 0,
        choices: questionKeys(q).map((k) => ({ title: keyLabel(q, k), value: k })),
        value: text(values[q.id]),
        error: errors[q.id] ?? '',
      })),
    };
  }
}
