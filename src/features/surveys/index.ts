/**
 * Surveys feature: `surveys` (students: open surveys; leads: runs and results), `run survey`
 * (lead), the survey form, results, confidence before/after insight, `compare cohorts`, the
 * survey jobs and the CSV export link. Rules and data: SurveyService (services.surveys).
 */
import { z } from 'zod';
import { cardData, parseCardInput } from '../../feature-kit/card-input.js';
import type { Reply, Turn } from '../../feature-kit/turn.js';
import { FORM_ERROR_KEY } from '../../domain/validation.js';
import type { Services } from '../../services.js';
import type { Feature } from '../feature.js';
import { formCard, submit } from './answer-card.js';
import { compareStart, compareSubmit } from './compare-cohorts.js';
import { registerSurveyExport } from './export-csv-http.js';
import { authorCard, saveTemplate } from './author-survey.js';
import { endRunCard } from './end-run.js';
import { heldCommentsCard } from './held-comments.js';
import { insightCard, resultsCard } from './results-card.js';
import { schedule, scheduleCard } from './schedule-card.js';
import { SurveyError, type SurveyReply } from './survey-policy.js';
import { runsCard } from './survey-runs-card.js';

const anyRecord = z.record(z.unknown());

export const surveysFeature: Feature = {
  name: 'surveys',
  register(routes, services) {
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

    const card = (result: SurveyReply): Reply =>
      typeof result === 'string' ? result : services.cards.render(result.name, result.data);
    const send = async (turn: Turn, result: SurveyReply) => turn.send(card(result));
    const guarded =
      (fn: (turn: Turn, data: Record<string, unknown>) => Promise<SurveyReply>) =>
      async (turn: Turn, data: unknown): Promise<Reply> => {
        const input = parseCardInput(anyRecord, cardData(data), {
          unsafeMessage: 'That input is not allowed.',
        });
        if (!input.ok) return input.errors[FORM_ERROR_KEY] ?? 'That input is not allowed.';
        try {
          return card(await fn(turn, input.value));
        } catch (err) {
          if (err instanceof SurveyError) return err.message;
          throw err;
        }
      };

    // Leads get their cohorts' runs; everyone else (and a lead who manages none) the open ones.
    routes.message(/^\s*surveys?\s*$/i, async (turn) => send(turn, await runsCard(turn, services)));
    routes.message(/^\s*run\s+(a\s+)?survey\s*$/i, async (turn) =>
      send(turn, await scheduleCard(turn, services, {}, {})),
    );
    routes.message(/^\s*compare(\s+(the\s+|my\s+)?cohorts?)?\s*$/i, async (turn) =>
      send(turn, await compareStart(services, turn.tenantId, turn.person)),
    );

    const verbs: Record<string, (turn: Turn, data: Record<string, unknown>) => Promise<SurveyReply>> = {
      'survey.runs': (turn) => runsCard(turn, services),
      'survey.new': (turn) => scheduleCard(turn, services, {}, {}),
      'survey.schedule': (turn, data) => schedule(turn, services, data),
      'survey.answer': (turn, data) => formCard(turn, services, data),
      'survey.submit': (turn, data) => submit(turn, services, data),
      'survey.results': (turn, data) => resultsCard(turn, services, data),
      'survey.comments': (turn, data) => heldCommentsCard(turn, services, data),
      'survey.close': (turn, data) => endRunCard(turn, services, data, 'close'),
      'survey.author': (turn) => authorCard(turn, services),
      'survey.template.save': (turn, data) => saveTemplate(turn, services, data),
      'survey.cancel': (turn, data) => endRunCard(turn, services, data, 'cancel'),
      'survey.insight': (turn) => insightCard(turn, services),
      'survey.compare.pick': (turn) => compareStart(services, turn.tenantId, turn.person),
      'survey.compare': (turn, data) => compareSubmit(services, turn.tenantId, turn.person, data),
    };
    for (const [verb, fn] of Object.entries(verbs)) routes.cardAction(verb, guarded(fn));
  },

  registerHttp(server, services: Services) {
    registerSurveyExport(server, services);
  },
};
