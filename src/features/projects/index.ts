/**
 * Projects: `new project`, `my project` / `projects`, and the card actions (create, edit,
 * milestones, presentation slot, feedback). The feedback request after a presentation is a
 * scheduler job; every message goes through the outbox.
 */
import type { TurnContext } from 'botbuilder';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import type { Feature } from '../feature.js';
import { JOB_FEEDBACK, type CardResult } from './project-service.js';

export { ProjectService } from './project-service.js';

async function reply(context: TurnContext, result: CardResult) {
  if (typeof result === 'string') await context.sendActivity(result);
  else
    await context.sendActivity({
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: result }],
    });
}

export const projectsFeature: Feature = {
  name: 'projects',
  registerOnApp(app, services) {
    const projects = services.projects;
    services.commands.add({
      command: 'new project',
      description:
        'Set up a quality-improvement project for a cohort: title, clinical team, students, supervisors',
      roles: ['lead', 'supervisor', 'admin'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'my project',
      description: 'Your project: team, milestones, weekly updates, final presentation and its feedback',
      roles: ['student', 'supervisor', 'lead', 'admin'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'projects',
      description: 'The projects you lead or supervise',
      roles: ['supervisor', 'lead', 'admin'],
      scopes: ['personal'],
    });

    app.message(/^\s*new\s+project\s*$/i, async (context) =>
      reply(context, await projects.newCard(turnTenantId(context), turnPerson(context))),
    );
    app.message(/^\s*(my\s+projects?|projects)\s*$/i, async (context) =>
      reply(context, await projects.mine(turnTenantId(context), turnPerson(context))),
    );

    const verb = (
      name: string,
      handler: (
        tenantId: string,
        person: ReturnType<typeof turnPerson>,
        data: unknown,
      ) => Promise<CardResult>,
    ) =>
      app.adaptiveCards.actionExecute(name, async (context, _state, data) =>
        handler(turnTenantId(context), turnPerson(context), data),
      );
    verb('project.new', (t, p, d) => projects.newCard(t, p, d));
    verb('project.create', (t, p, d) => projects.create(t, p, d));
    verb('project.view', (t, p, d) => projects.view(t, p, d));
    verb('project.list', (t, p) => projects.mine(t, p));
    verb('project.edit', (t, p, d) => projects.editCard(t, p, d));
    verb('project.save', (t, p, d) => projects.save(t, p, d));
    verb('project.milestones', (t, p, d) => projects.milestonesCard(t, p, d));
    verb('project.milestone.add', (t, p, d) => projects.addMilestone(t, p, d));
    verb('project.milestone.remove', (t, p, d) => projects.removeMilestone(t, p, d));
    verb('project.presentation', (t, p, d) => projects.presentationCard(t, p, d));
    verb('project.presentation.save', (t, p, d) => projects.savePresentation(t, p, d));
    verb('project.feedback', (t, p, d) => projects.submitFeedback(t, p, d));

    services.scheduler.define(JOB_FEEDBACK, async (job) => {
      const { projectId, startsAt } = job.payload as { projectId?: unknown; startsAt?: unknown };
      if (!job.tenantId || typeof projectId !== 'string' || typeof startsAt !== 'string') return;
      await projects.runFeedbackJob(job.tenantId, projectId, startsAt);
    });
  },
};
