/**
 * Projects: `new project`, `my project` / `projects`, and the card actions (create, edit,
 * milestones, updates, presentation slot, feedback). The feedback request after a presentation
 * and a milestone's reminder to its owner are scheduler jobs; every message goes through the outbox.
 */
import type { Feature } from '../feature.js';
import { JOB_FEEDBACK } from './feedback-job.js';
import { JOB_MILESTONE_REMINDER } from './milestone-reminders.js';

export { ProjectService } from './project-service.js';

export const projectsFeature: Feature = {
  name: 'projects',
  register(routes, services) {
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

    routes.message(/^\s*new\s+project\s*$/i, async (turn) =>
      turn.send(await projects.newCard(turn.tenantId, turn.person)),
    );
    routes.message(/^\s*(my\s+projects?|projects)\s*$/i, async (turn) =>
      turn.send(await projects.mine(turn.tenantId, turn.person)),
    );

    const verbs = {
      'project.new': projects.newCard,
      'project.create': projects.create,
      'project.view': projects.view,
      'project.list': (t, p) => projects.mine(t, p),
      'project.edit': projects.editCard,
      'project.save': projects.save,
      'project.milestones': projects.milestonesCard,
      'project.milestone.add': projects.addMilestone,
      'project.milestone.remove': projects.removeMilestone,
      'project.milestone.done': projects.toggleMilestoneDone,
      'project.update.post': projects.postUpdate,
      'project.presentation': projects.presentationCard,
      'project.presentation.save': projects.savePresentation,
      'project.presentation.cancel': projects.cancelPresentation,
      'project.feedback': projects.submitFeedback,
    } satisfies Record<string, typeof projects.newCard>;
    for (const [verb, run] of Object.entries(verbs))
      routes.cardAction(verb, async (turn, data) => run(turn.tenantId, turn.person, data));

    services.scheduler.define(JOB_FEEDBACK, async (job) => {
      const { projectId, startsAt } = job.payload as { projectId?: unknown; startsAt?: unknown };
      if (!job.tenantId || typeof projectId !== 'string' || typeof startsAt !== 'string') return;
      await projects.runFeedbackJob(job.tenantId, projectId, startsAt);
    });
    services.scheduler.define(JOB_MILESTONE_REMINDER, async (job) => {
      const { milestoneId, date } = job.payload as { milestoneId?: unknown; date?: unknown };
      if (!job.tenantId || typeof milestoneId !== 'string' || typeof date !== 'string') return;
      await projects.runMilestoneReminder(job.tenantId, milestoneId, date);
    });
  },
};
