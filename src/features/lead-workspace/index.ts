/**
 * The placement lead's workspace in Teams: `manage cohorts` / `manage <cohort>` in the personal
 * chat (create and edit cohorts, non-placement days, students, supervisors, AHP hosts, CSV
 * upload), and the dashboard's Manage page (http.ts). One service underneath
 * (lead-workspace-service.ts).
 */
import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../cards/cards.js';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import type { Feature } from '../feature.js';
import { teamsFilesOf } from './teams-file.js';
import { WorkspaceChat } from './workspace-chat.js';

async function reply(context: TurnContext, answer: AdaptiveCard | string) {
  if (typeof answer === 'string') await context.sendActivity(answer);
  else
    await context.sendActivity({
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: answer }],
    });
}

export const leadWorkspaceFeature: Feature = {
  name: 'lead-workspace',
  registerOnApp(app, services) {
    const chat = new WorkspaceChat(services, services.workspace);
    services.commands.add({
      command: 'manage cohorts',
      description: 'Set up and change your cohorts: dates, study days, students, supervisors, AHP hosts',
      roles: ['lead', 'admin'],
      scopes: ['personal'],
    });
    services.commands.add({
      command: 'manage <cohort name>',
      description: "Open one cohort's page: calendar, non-placement days, roster",
      roles: ['lead', 'admin'],
      scopes: ['personal'],
    });
    const who = (context: TurnContext) => [turnTenantId(context), turnPerson(context)] as const;

    // A file sent in the personal chat: a roster / directory CSV upload.
    app.message(
      async (context) =>
        context.activity.conversation?.conversationType === 'personal' &&
        teamsFilesOf(context.activity.attachments).length > 0,
      async (context) =>
        reply(context, await chat.uploadFiles(...who(context), teamsFilesOf(context.activity.attachments))),
    );
    app.message(/^\s*manage(\s+(my\s+)?cohorts?)?\s*$/i, async (context) =>
      reply(context, await chat.cohorts(...who(context))),
    );
    app.message(/^\s*manage\s+(?!(my\s+)?cohorts?\s*$)(.+)$/i, async (context) => {
      const name = /^\s*manage\s+(.+)$/i.exec(context.activity.text ?? '')?.[1] ?? '';
      await reply(context, await chat.cohortByName(...who(context), name));
    });

    const on = (
      verb: string,
      run: (
        tenantId: string,
        person: ReturnType<typeof turnPerson>,
        data: unknown,
      ) => Promise<AdaptiveCard | string>,
    ) => app.adaptiveCards.actionExecute(verb, async (context, _state, data) => run(...who(context), data));

    on('workspace.cohorts', (t, p) => chat.cohorts(t, p));
    on('workspace.cohort.open', (t, p, d) =>
      chat.cohort(t, p, (d as { cohortId?: string })?.cohortId ?? null),
    );
    on('workspace.cohort.new', (t, p) => chat.cohortForm(t, p, {}));
    on('workspace.cohort.edit', (t, p, d) => chat.cohortForm(t, p, d));
    on('workspace.cohort.save', (t, p, d) => chat.saveCohort(t, p, d));
    on('workspace.cohort.day.add', (t, p, d) => chat.addDay(t, p, d));
    on('workspace.cohort.day.remove', (t, p, d) => chat.removeDay(t, p, d));
    on('workspace.student.new', (t, p, d) => chat.personForm(t, p, 'student', d));
    on('workspace.student.add', (t, p, d) => chat.addPerson(t, p, 'student', d));
    on('workspace.supervisor.new', (t, p, d) => chat.personForm(t, p, 'supervisor', d));
    on('workspace.supervisor.add', (t, p, d) => chat.addPerson(t, p, 'supervisor', d));
    on('workspace.student.open', (t, p, d) => chat.openStudent(t, p, d));
    on('workspace.student.supervisors', (t, p, d) => chat.studentChange(t, p, d, 'supervisors'));
    on('workspace.student.move', (t, p, d) => chat.studentChange(t, p, d, 'move'));
    on('workspace.student.remove', (t, p, d) => chat.studentChange(t, p, d, 'remove'));
    on('workspace.student.pause', (t, p, d) => chat.pause(t, p, d));
    on('workspace.host.new', (t, p, d) => chat.hostForm(t, p, d));
    on('workspace.host.add', (t, p, d) => chat.addHost(t, p, d));
    on('workspace.upload.help', (t, p, d) => chat.uploadHelp(t, p, d));
  },
};
