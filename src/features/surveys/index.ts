/**
 * Surveys feature: `surveys` (students: open surveys; leads: runs and results), `run survey`
 * (lead), the survey form, results, confidence before/after insight, and the CSV export link.
 * Rules and data live in SurveyService (services.surveys); this file is the Teams/HTTP edge.
 */
import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/cards.js';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import { GroupTooSmallError } from '../../domain/anonymity.js';
import { currentCohortFirst } from '../../domain/current-cohort.js';
import { formatDate, formatLocal } from '../../domain/placement-calendar.js';
import { rejectMongoOperatorKeys, UnsafeKeyError } from '../../domain/validation.js';
import type { Services } from '../../services.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { Feature } from '../feature.js';
import { randomUUID } from 'node:crypto';
import { can } from '../../domain/authorization.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import {
  assertCanViewResults,
  hasLeadRole,
  SurveyError,
  surveyRefusal,
  type ResultsFilter,
} from './survey-service.js';
import { compareStart, compareSubmit } from './compare-cohorts.js';

const LEAD_ONLY = 'Only a placement lead or an administrator can do that.';
const OWN_COHORT_ONLY =
  'You are not attached to a cohort yet. Ask an administrator to add you to the cohort you lead.';

/** The cohorts whose runs this person manages ('survey.run.manage'): the one they lead; all for an admin. */
async function managedCohorts(services: Services, tenantId: string, person: PersonDoc): Promise<CohortDoc[]> {
  const all = await services.cohorts.all(tenantId);
  return all.filter((c) => can(person, 'survey.run.manage', { cohortId: c._id }));
}

export const surveysFeature: Feature = {
  name: 'surveys',
  registerOnApp(app, services) {
    services.commands.add({
      command: 'surveys',
      description: 'Students: answer open surveys. Leads: survey runs and results',
      roles: ['student', 'lead', 'admin'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'compare cohorts',
      description: 'Leads of several cohorts: confidence gains of your cohorts side by side',
      roles: ['lead', 'admin'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'run survey',
      description: 'Schedule a survey for a cohort (anonymous or named, with reminders)',
      roles: ['lead', 'admin'],
      scopes: ['personal'],
    });

    const { scheduler } = services;
    scheduler.define('survey.open', async (job) => {
      await services.surveys.sendInvitations(job.tenantId!, String(job.payload.runId), 'invite');
    });
    scheduler.define('survey.remind', async (job) => {
      await services.surveys.sendInvitations(job.tenantId!, String(job.payload.runId), 'remind');
    });
    scheduler.define('survey.closed', async (job) => {
      await services.surveys.notifyClosed(job.tenantId!, String(job.payload.runId));
    });

    const reply = async (context: TurnContext, result: string | { name: string; data: object }) => {
      if (typeof result === 'string') await context.sendActivity(result);
      else await context.sendActivity({ attachments: [services.cards.attachment(result.name, result.data)] });
    };
    const card = (result: string | { name: string; data: object }): string | AdaptiveCard =>
      typeof result === 'string' ? result : services.cards.render(result.name, result.data);
    const guarded =
      (
        fn: (
          context: TurnContext,
          data: Record<string, unknown>,
        ) => Promise<string | { name: string; data: object }>,
      ) =>
      async (context: TurnContext, _state: unknown, data: unknown) => {
        try {
          const record =
            data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
          return card(await fn(context, rejectMongoOperatorKeys(record)));
        } catch (err) {
          if (err instanceof UnsafeKeyError) return 'That input is not allowed.';
          if (err instanceof SurveyError) return err.message;
          throw err;
        }
      };

    // Leads get their cohorts' runs; everyone else (and a lead who manages none) the open ones.
    app.message(/^\s*surveys?\s*$/i, async (context) => {
      await reply(context, await runsCard(context, services));
    });
    app.message(/^\s*run\s+(a\s+)?survey\s*$/i, async (context) => {
      await reply(context, await scheduleCard(context, services, {}, {}));
    });
    app.message(/^\s*compare(\s+(the\s+|my\s+)?cohorts?)?\s*$/i, async (context) => {
      await reply(context, await compareStart(services, turnTenantId(context), turnPerson(context)));
    });

    app.adaptiveCards.actionExecute(
      'survey.runs',
      guarded((ctx) => runsCard(ctx, services)),
    );
    app.adaptiveCards.actionExecute(
      'survey.new',
      guarded((ctx) => scheduleCard(ctx, services, {}, {})),
    );
    app.adaptiveCards.actionExecute(
      'survey.schedule',
      guarded((ctx, data) => schedule(ctx, services, data)),
    );
    app.adaptiveCards.actionExecute(
      'survey.answer',
      guarded((ctx, data) => formCard(ctx, services, data)),
    );
    app.adaptiveCards.actionExecute(
      'survey.submit',
      guarded((ctx, data) => submit(ctx, services, data)),
    );
    app.adaptiveCards.actionExecute(
      'survey.results',
      guarded((ctx, data) => resultsCard(ctx, services, data)),
    );
    app.adaptiveCards.actionExecute(
      'survey.insight',
      guarded((ctx) => insightCard(ctx, services)),
    );
    app.adaptiveCards.actionExecute(
      'survey.compare.pick',
      guarded((ctx) => compareStart(services, turnTenantId(ctx), turnPerson(ctx))),
    );
    app.adaptiveCards.actionExecute(
      'survey.compare',
      guarded((ctx, data) => compareSubmit(services, turnTenantId(ctx), turnPerson(ctx), data)),
    );
  },

  registerHttp(server, services) {
    // The CSV behind the results card's signed, 15-minute link. The link names the lead; their
    // role is checked again here, and the same minimum-group rules apply.
    server.get('/surveys/export', async (req, res) => {
      const token = typeof req.query?.token === 'string' ? req.query.token : '';
      const claims = services.surveys.verifyExportToken(token);
      if (!claims) {
        res.send(403, { error: 'forbidden', message: 'This link is not valid or has expired.' });
        return;
      }
      const person = await services.people.byId(claims.tenantId, claims.personId);
      const run = await services.surveys.repo.runById(claims.tenantId, claims.runId);
      if (!person || !can(person, 'survey.results.view', { cohortId: run?.cohortId ?? null })) {
        await services.audit.record(
          claims.tenantId,
          {
            actorId: person?._id ?? null,
            action: 'survey.export',
            targetId: claims.runId,
            outcome: 'refused',
          },
          services.clock.now(),
        );
        res.send(403, { error: 'forbidden', message: LEAD_ONLY });
        return;
      }
      try {
        const csv = await services.surveys.exportCsv(claims.tenantId, claims.runId, claims.filter);
        await services.audit.record(
          claims.tenantId,
          { actorId: person._id, action: 'survey.export', targetId: claims.runId },
          services.clock.now(),
        );
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', 'attachment; filename="survey-results.csv"');
        res.setHeader('cache-control', 'no-store');
        res.sendRaw(200, csv);
      } catch (err) {
        if (err instanceof GroupTooSmallError)
          res.send(409, { error: 'group_too_small', message: err.message });
        else if (err instanceof SurveyError) res.send(404, { error: err.code, message: err.message });
        else throw err;
      }
    });
  },
};

type Reply = string | { name: string; data: object };

const str = (v: unknown) => (typeof v === 'string' ? v : '');

async function studentList(context: TurnContext, services: Services): Promise<Reply> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  const open = await services.surveys.openRunsFor(tenantId, person);
  const cohort = person.cohortId ? await services.cohorts.byId(tenantId, person.cohortId) : null;
  const zone = cohort?.timeZone ?? services.config.DEFAULT_TIME_ZONE;
  return {
    name: 'survey-list',
    data: {
      empty: open.length === 0 ? 'There are no open surveys for you right now.' : '',
      surveys: open.map(({ run, answered }) => ({
        title: run.title,
        closes: formatLocal(run.closesAt, zone),
        state: answered ? 'Answered: you can change your answers until it closes.' : 'Not answered yet.',
        button: answered ? 'Change my answers' : 'Answer',
        runId: run._id,
      })),
    },
  };
}

async function runsCard(context: TurnContext, services: Services): Promise<Reply> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  const cohorts = await managedCohorts(services, tenantId, person);
  if (cohorts.length === 0) return studentList(context, services);
  const managed = new Set(cohorts.map((c) => c._id));
  const runs = (await services.surveys.repo.runsForTenant(tenantId)).filter((r) => managed.has(r.cohortId));
  const min = services.surveys.minGroupSize;
  const rows = await Promise.all(
    runs.slice(0, 20).map(async (run) => {
      const cohort = cohorts.find((c) => c._id === run.cohortId);
      const zone = cohort?.timeZone ?? services.config.DEFAULT_TIME_ZONE;
      const n = await services.surveys.repo.count(tenantId, { runId: run._id });
      const status = services.surveys.status(run);
      return {
        title: run.title,
        cohort: cohort?.name ?? 'unknown cohort',
        status: status === 'scheduled' ? 'Scheduled' : status === 'open' ? 'Open' : 'Closed',
        opens: formatLocal(run.opensAt, zone),
        closes: formatLocal(run.closesAt, zone),
        privacy: run.anonymous ? 'anonymous' : 'named',
        responses: n >= min ? `${n} responses` : `fewer than ${min} responses so far`,
        runId: run._id,
      };
    }),
  );
  return {
    name: 'survey-runs',
    data: {
      empty: rows.length === 0 ? 'No surveys yet. Choose **Run a survey** to schedule one.' : '',
      runs: rows,
    },
  };
}

async function scheduleCard(
  context: TurnContext,
  services: Services,
  values: Record<string, unknown>,
  errors: Record<string, string>,
): Promise<Reply> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  const cohorts = await managedCohorts(services, tenantId, person);
  if (cohorts.length === 0) {
    if (!hasLeadRole(person)) return LEAD_ONLY;
    return (await services.cohorts.all(tenantId)).length === 0
      ? 'There are no cohorts yet. Import a roster first.'
      : OWN_COHORT_ONLY;
  }
  // The lead's current cohort (running, else next, else latest ended) first and chosen by default.
  const ordered = currentCohortFirst(cohorts, services.clock.now());
  const cohortId = str(values.cohortId) || ordered[0]!._id;
  const maxWeeks = Math.max(...cohorts.map((c) => c.weeks));
  const fields = ['definitionId', 'cohortId', 'opensOn', 'opensWeek', 'closesOn'];
  return {
    name: 'survey-schedule',
    data: {
      formError:
        errors._form ?? (Object.keys(errors).length > 0 ? 'Please check the highlighted fields.' : ''),
      requestId: str(values.requestId) || randomUUID(),
      definitionId: str(values.definitionId) || 'confidence-baseline',
      definitions: [...services.surveys.definitions.values()].map((d) => ({ title: d.title, value: d.id })),
      cohortId,
      cohorts: ordered.map((c) => ({
        title: `${c.name} (starts ${formatDate(c.startDate)}, ${c.weeks} weeks)`,
        value: c._id,
      })),
      opensOn: str(values.opensOn),
      opensWeek: str(values.opensWeek) || 'date',
      weeks: [
        { title: 'Use the date above', value: 'date' },
        ...Array.from({ length: maxWeeks }, (_, i) => ({ title: `Week ${i + 1}`, value: String(i + 1) })),
      ],
      closesOn: str(values.closesOn),
      anonymous: str(values.anonymous) || 'true',
      remind: str(values.remind) || 'true',
      errors: Object.fromEntries(fields.map((f) => [f, errors[f] ?? ''])),
    },
  };
}

async function schedule(
  context: TurnContext,
  services: Services,
  data: Record<string, unknown>,
): Promise<Reply> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  const week = str(data.opensWeek);
  const input = {
    requestId: data.requestId,
    definitionId: data.definitionId,
    cohortId: data.cohortId,
    ...(week && week !== 'date' ? { opensWeek: week } : str(data.opensOn) ? { opensOn: data.opensOn } : {}),
    closesOn: data.closesOn,
    anonymous: data.anonymous === true || data.anonymous === 'true',
    remind: data.remind === true || data.remind === 'true',
  };
  try {
    const { run } = await services.surveys.scheduleRun(tenantId, person, input);
    const cohort = await services.cohorts.byId(tenantId, run.cohortId);
    const zone = cohort?.timeZone ?? services.config.DEFAULT_TIME_ZONE;
    return {
      name: 'notice',
      data: {
        title: `${run.title} scheduled`,
        message:
          `For ${cohort?.name ?? 'the cohort'}: opens ${formatLocal(run.opensAt, zone)}, closes ${formatLocal(run.closesAt, zone)}` +
          `${run.anonymous ? ', anonymous' : ', named'}` +
          `${run.reminderAt ? `; a reminder goes to anyone who has not answered on ${formatLocal(run.reminderAt, zone)}` : ''}.`,
      },
    };
  } catch (err) {
    if (err instanceof SurveyError && err.code === 'invalid') {
      const errors = { ...err.fields };
      if (errors.requestId) errors._form = 'This form has expired: type **run survey** again.';
      return scheduleCard(context, services, data, errors);
    }
    throw err;
  }
}

async function formCard(
  context: TurnContext,
  services: Services,
  data: Record<string, unknown>,
  errors: Record<string, string> = {},
  typed?: Record<string, unknown>,
): Promise<Reply> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  const run = await services.surveys.run(tenantId, str(data.surveyRunId));
  const status = services.surveys.status(run);
  if (!can(person, 'survey.respond', { cohortId: run.cohortId })) return surveyRefusal(person);
  if (status !== 'open')
    return status === 'closed' ? 'This survey has closed.' : 'This survey is not open yet.';
  const values = typed ?? (await services.surveys.myAnswers(tenantId, person, run._id)) ?? {};
  const cohort = await services.cohorts.byId(tenantId, run.cohortId);
  return {
    name: 'survey-form',
    data: services.surveys.formCardData(run, services.surveys.definitionOf(run), cohort, values, errors),
  };
}

async function submit(
  context: TurnContext,
  services: Services,
  data: Record<string, unknown>,
): Promise<Reply> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  const { surveyRunId, ...answers } = data;
  try {
    const outcome = await services.surveys.submit(tenantId, person, str(surveyRunId), answers);
    const run = await services.surveys.run(tenantId, str(surveyRunId));
    const cohort = await services.cohorts.byId(tenantId, run.cohortId);
    return {
      name: 'notice',
      data: {
        title: outcome === 'created' ? 'Thank you: your answers are saved' : 'Your answers are updated',
        message: `You can change them until ${formatLocal(run.closesAt, cohort?.timeZone ?? services.config.DEFAULT_TIME_ZONE)} by typing **surveys**.`,
      },
    };
  } catch (err) {
    if (err instanceof SurveyError && err.code === 'invalid')
      return formCard(context, services, data, err.fields, answers);
    throw err;
  }
}

function describeFilter(filter: ResultsFilter): string {
  return filter.profession ? `Showing: ${filter.profession} only` : '';
}

async function resultsCard(
  context: TurnContext,
  services: Services,
  data: Record<string, unknown>,
): Promise<Reply> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  const runId = str(data.surveyRunId);
  const run = runId ? await services.surveys.repo.runById(tenantId, runId) : null;
  try {
    assertCanViewResults(person, run?.cohortId ?? null);
  } catch {
    await services.audit.record(
      tenantId,
      { actorId: person._id, action: 'survey.results', targetId: run?._id ?? null, outcome: 'refused' },
      services.clock.now(),
    );
    return LEAD_ONLY;
  }
  const profession = str(data.profession);
  const filter: ResultsFilter = profession && profession !== 'all' ? { profession } : {};
  let error = '';
  let results;
  try {
    results = await services.surveys.results(tenantId, runId, filter);
  } catch (err) {
    if (!(err instanceof GroupTooSmallError)) throw err;
    error = `That filter would show a group smaller than ${services.surveys.minGroupSize}, so it is not available.`;
    results = await services.surveys.results(tenantId, runId, {});
  }
  return { name: 'survey-results', data: await resultsCardData(services, tenantId, person, results, error) };
}

async function resultsCardData(
  services: Services,
  tenantId: string,
  person: PersonDoc,
  r: Awaited<ReturnType<Services['surveys']['results']>>,
  error: string,
) {
  const min = r.minGroupSize;
  const cohort = await services.cohorts.byId(tenantId, r.cohortId);
  const professions = r.shown ? await services.surveys.repo.professions(tenantId, r.runId) : [];
  const MAX_TEXTS = 40;
  return {
    title: r.title,
    cohort: cohort?.name ?? 'unknown cohort',
    status: r.status === 'scheduled' ? 'Scheduled' : r.status === 'open' ? 'Open' : 'Closed',
    privacy: r.anonymous ? 'anonymous' : 'named',
    runId: r.runId,
    summary: r.shown
      ? `${r.responses} responses. Figures are shown only for groups of at least ${min}.`
      : `Fewer than ${min} responses so far. Results appear once at least ${min} people have answered.`,
    filterText: describeFilter(r.filter),
    error,
    profession: r.filter.profession ?? 'all',
    professions:
      professions.length > 1
        ? [
            { title: 'Everyone', value: 'all' },
            ...professions.map((p) => ({ title: p.profession, value: p.profession })),
          ]
        : [],
    csvUrl: r.shown
      ? services.surveys.exportUrl(services.surveys.exportToken(tenantId, person._id, r.runId, r.filter))
      : '',
    questions: r.questions.map((q) => ({
      text: q.text,
      note: !q.shown
        ? `Hidden: fewer than ${min} answers`
        : `${q.answered} answers${q.mean !== null ? ` · mean ${q.mean.toFixed(2)}` : ''}${q.texts.length > MAX_TEXTS ? ` · first ${MAX_TEXTS} comments shown; all are in the CSV` : ''}`,
      facts: q.distribution.map((d) => ({ title: d.label, value: `${d.count} (${d.percent}%)` })),
      texts: q.texts.slice(0, MAX_TEXTS),
    })),
  };
}

const signed = (n: number | null) => (n === null ? '–' : `${n > 0 ? '+' : ''}${n.toFixed(2)}`);
const plain = (n: number | null) => (n === null ? '–' : n.toFixed(2));

async function insightCard(context: TurnContext, services: Services): Promise<Reply> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  // Each cohort's figures only for its lead (or an admin); a lead of several sees them side by side.
  const cohorts = (await services.cohorts.all(tenantId)).filter((c) =>
    can(person, 'survey.insight.view', { cohortId: c._id }),
  );
  if (cohorts.length === 0) return hasLeadRole(person) ? OWN_COHORT_ONLY : LEAD_ONLY;
  const min = services.surveys.minGroupSize;
  const comparison = await services.surveys.compareCohorts(
    tenantId,
    cohorts.map((c) => c._id),
  );
  const perCohort = await Promise.all(cohorts.map((c) => services.surveys.confidenceDeltas(tenantId, c._id)));
  const anyShown = perCohort.filter((d) => d.shown).length;
  return {
    name: 'survey-insight',
    data: {
      minGroupSize: min,
      canCompare:
        cohorts.length > 1 && can(person, 'survey.insight.compare', { cohortIds: cohorts.map((c) => c._id) }),
      cohorts: perCohort.map((d) => ({
        name: d.cohortName,
        shown: d.shown,
        note: d.shown
          ? `${d.preResponses} before, ${d.postResponses} after`
          : !d.baselineRunId || !d.endRunId
            ? 'Needs both a start-of-placement and an end-of-placement confidence survey'
            : `Hidden: fewer than ${min} responses to one of the surveys`,
        rows: d.rows.map((r) => ({
          label: r.label,
          pre: plain(r.pre),
          post: plain(r.post),
          delta: signed(r.delta),
        })),
      })),
      compare:
        anyShown > 1
          ? comparison.rows.map((row) => ({
              label: row.label,
              cells: row.cells
                .map(
                  (c) =>
                    `${comparison.cohorts.find((x) => x.cohortId === c.cohortId)!.cohortName}: ${c.delta === null ? 'hidden' : signed(c.delta)}`,
                )
                .join(' · '),
            }))
          : [],
    },
  };
}
