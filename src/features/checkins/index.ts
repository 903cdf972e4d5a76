/**
 * Weekly supervision check-ins on the placement calendar: `check in`, `my check-ins`,
 * `pause check-ins`, `cohort status`; the check-in card's actions; supervisors' digest
 * actions; and the recurring planner + prompt / reminder / digest jobs on the shared scheduler.
 */
import type { Feature } from '../feature.js';
import type { JobPayload } from './prompt-planning.js';

const HOUR_MS = 60 * 60 * 1000;

export const checkinsFeature: Feature = {
  name: 'checkins',
  register(routes, services) {
    const checkins = services.checkins;
    services.commands.add({
      command: 'check in',
      description: "Fill in this week's supervision check-in",
      roles: ['student'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'my check-ins',
      description: 'Your check-ins so far, with comments',
      roles: ['student'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'pause check-ins',
      description: "Pause a student's check-ins (sickness, study leave)",
      roles: ['supervisor', 'lead', 'admin'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'cohort status',
      description: "This week's check-in rate and who is overdue",
      roles: ['lead', 'admin'],
      scopes: ['personal', 'team'],
    });

    routes.message(/^\s*check[\s-]*in\s*$/i, async (turn) =>
      turn.send(await checkins.open(turn.tenantId, turn.person)),
    );
    // "last week's check-in", "my check in from week 2" (src/understanding/entities.ts): that week.
    routes.message(/^\s*check[\s-]*in\s+(last\s+week|week\s+\d{1,2})\s*$/i, async (turn) => {
      const [, which = ''] = /^\s*check[\s-]*in\s+(.+?)\s*$/i.exec(turn.text) ?? [];
      const week = /^last/i.test(which) ? 'last' : Number(which.replace(/\D/g, ''));
      await turn.send(await checkins.open(turn.tenantId, turn.person, week));
    });
    routes.message(/^\s*my\s+check[\s-]*ins\s*$/i, async (turn) =>
      turn.send(await checkins.mine(turn.tenantId, turn.person)),
    );
    routes.message(/^\s*pause\s+(check[\s-]*ins|student)\s*$/i, async (turn) =>
      turn.send(await checkins.pauseCard(turn.tenantId, turn.person)),
    );
    routes.message(/^\s*cohort\s+status\s*$/i, async (turn) =>
      turn.send(await checkins.cohortStatus(turn.tenantId, turn.person)),
    );

    routes.cardAction('checkin.submit', (turn, data) => checkins.submit(turn.tenantId, turn.person, data));
    routes.cardAction('checkin.refresh', (turn, data) => checkins.refresh(turn.tenantId, turn.person, data));
    routes.cardAction('checkin.open', (turn, data) => checkins.refresh(turn.tenantId, turn.person, data));
    routes.cardAction('checkin.edit', (turn, data) => checkins.edit(turn.tenantId, turn.person, data));
    // From a list (my students, the summary) the check-in arrives as a new message, so the list
    // stays; its own refresh (no `as`) updates it in place.
    routes.cardAction('checkin.view', async (turn, data) => {
      const answer = await checkins.supervisor.view(turn.tenantId, turn.person, data);
      if (typeof answer === 'string' || (data as { as?: unknown } | null)?.as !== 'message') return answer;
      await turn.send(answer);
      return `${String(answer.body?.[0]?.text ?? 'The check-in')} is below.`;
    });
    routes.cardAction('checkin.comment', (turn, data) =>
      checkins.supervisor.comment(turn.tenantId, turn.person, data),
    );
    routes.cardAction('checkin.countersign', (turn, data) =>
      checkins.supervisor.countersign(turn.tenantId, turn.person, data),
    );
    routes.cardAction('checkin.nudge', (turn, data) =>
      checkins.nudges.nudge(turn.tenantId, turn.person, data),
    );
    routes.cardAction('checkin.pause.add', (turn, data) =>
      checkins.addPause(turn.tenantId, turn.person, data),
    );

    const { scheduler } = services;
    scheduler.every('checkins.plan', HOUR_MS, async ({ now }) => {
      await checkins.planAll(now);
    });
    // Missed deadlines: one nudge per student per missed week, in the student's working hours.
    scheduler.every('checkins.nudges', HOUR_MS, async ({ now }) => {
      await checkins.nudges.runAll(now);
    });
    const payloadOf = (job: { payload: Record<string, unknown> }) => job.payload as unknown as JobPayload;
    scheduler.define('checkins.prompt', async (job, { now }) => {
      await checkins.runStudentJob('prompt', job.tenantId!, payloadOf(job), now);
    });
    scheduler.define('checkins.reminder', async (job, { now }) => {
      await checkins.runStudentJob('reminder', job.tenantId!, payloadOf(job), now);
    });
    scheduler.define('checkins.digest', async (job, { now }) => {
      await checkins.runDigest(job.tenantId!, payloadOf(job), now);
    });
  },
};
