/** The project form (new or edit), with the cohort's students and possible supervisors to choose from. */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ProjectContext } from './project-context.js';
import { projectFormCard } from './project-cards.js';
import { choicesFor } from './project-members.js';
import type { ProjectDoc } from './projects-repository.js';

export async function formCard(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  cohort: CohortDoc,
  options: {
    mode: 'new' | 'edit';
    requestId?: string;
    project?: ProjectDoc;
    values?: Record<string, string>;
    errors?: Record<string, string>;
  },
): Promise<AdaptiveCard> {
  const { students, supervisors } = await choicesFor(ctx, tenantId, cohort);
  const values = options.values ?? {};
  let studentIds = values.studentIds ?? '';
  let supervisorIds =
    values.supervisorIds ?? (person.roles.includes('supervisor') && options.mode === 'new' ? person._id : '');
  if (options.project && !options.values) {
    const members = await ctx.membersOf(tenantId, options.project._id);
    studentIds = members?.studentIds.join(',') ?? '';
    supervisorIds = members?.supervisorIds.join(',') ?? '';
  }
  return projectFormCard(ctx.s.cards, {
    heading: options.mode === 'new' ? 'New project' : 'Edit project',
    intro:
      options.mode === 'new'
        ? `A quality-improvement project for ${cohort.name}. Students of any profession can work on it together; each student is on one project.`
        : `Change the project’s title, team or members. Removing a student keeps their past updates.`,
    cohortId: cohort._id,
    cohortName: cohort.name,
    mode: options.mode,
    requestId: options.requestId ?? '',
    projectId: options.project?._id ?? '',
    title: values.title ?? options.project?.title ?? '',
    clinicalTeam: values.clinicalTeam ?? options.project?.clinicalTeam ?? '',
    studentIds,
    supervisorIds,
    studentChoices: students.map((p) => ({ title: `${p.displayName} (${p.profession})`, value: p._id })),
    supervisorChoices: supervisors.map((p) => ({ title: p.displayName, value: p._id })),
    errors: options.errors ?? {},
  });
}
