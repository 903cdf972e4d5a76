/**
 * The placement lead's workspace in Teams: `manage cohorts` / `manage <cohort>` in the personal
 * chat (create and edit cohorts, non-placement days, students, supervisors, AHP hosts, CSV
 * upload). The dashboard's Manage page uses the same service (services.workspace).
 */
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { Feature } from '../feature.js';
import { teamsFilesOf } from './teams-file.js';

export const leadWorkspaceFeature: Feature = {
  name: 'lead-workspace',
  register(routes, services) {
    const { chat, uploadChat } = services.workspace;
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

    // A file sent in the personal chat: a roster / directory CSV upload.
    routes.message(
      (turn) => turn.scope === 'personal' && teamsFilesOf(turn.attachments).length > 0,
      async (turn) =>
        turn.send(await uploadChat.uploadFiles(turn.tenantId, turn.person, teamsFilesOf(turn.attachments))),
    );
    routes.message(/^\s*manage(\s+(my\s+)?cohorts?)?\s*$/i, async (turn) =>
      turn.send(await chat.cohorts(turn.tenantId, turn.person)),
    );
    routes.message(/^\s*manage\s+(?!(my\s+)?cohorts?\s*$)(.+)$/i, async (turn) => {
      const name = /^\s*manage\s+(.+)$/i.exec(turn.text)?.[1] ?? '';
      await turn.send(await chat.cohortByName(turn.tenantId, turn.person, name));
    });

    const on = (verb: string, run: (tenantId: string, person: PersonDoc, data: unknown) => Promise<Reply>) =>
      routes.cardAction(verb, async (turn, data) => run(turn.tenantId, turn.person, data));

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
    on('workspace.upload.help', (t, p, d) => uploadChat.uploadHelp(t, p, d));
  },
};
