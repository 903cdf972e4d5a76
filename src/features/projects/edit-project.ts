/** Editing a project: title, clinical team and members (new memberships inserted, dropped ones deleted). */
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_FOUND, type CardResult, type ProjectContext } from './project-context.js';
import { formCard } from './project-form.js';
import { createInput, FORM_FIELDS, membersInput, safeData, typedValues } from './project-input.js';
import {
  addSupervisor,
  alreadyOnProject,
  checkMembers,
  claimStudents,
  notifyAdded,
} from './project-members.js';
import { showProject } from './project-view.js';
import { studentMemberId, supervisorMemberId } from './projects-repository.js';

const editInput = createInput
  .omit({ requestId: true, cohortId: true })
  .merge(membersInput.pick({ projectId: true }));

export async function editProjectCard(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const found = await ctx.allowed(tenantId, person, 'project.manage', safeData(data).projectId);
  if (!found) return NOT_FOUND;
  const cohort = await ctx.s.cohorts.byId(tenantId, found.project.cohortId);
  if (!cohort) return NOT_FOUND;
  return formCard(ctx, tenantId, person, cohort, { mode: 'edit', project: found.project });
}

/** Saves title, team and members: new memberships are inserted, dropped ones deleted. */
export async function saveProject(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const raw = safeData(data);
  const found = await ctx.allowed(tenantId, person, 'project.manage', raw.projectId);
  if (!found) return NOT_FOUND;
  const { project } = found;
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  if (!cohort) return NOT_FOUND;
  const values = typedValues(raw, FORM_FIELDS);
  const again = (errors: Record<string, string>) =>
    formCard(ctx, tenantId, person, cohort, { mode: 'edit', project, values, errors });
  const parsed = parseCardInput(editInput, raw);
  if (!parsed.ok) return again(parsed.errors);
  const input = parsed.value;
  const memberErrors = await checkMembers(ctx, tenantId, cohort, input.studentIds, input.supervisorIds);
  if (Object.keys(memberErrors).length) return again(memberErrors);
  const before = (await ctx.membersOf(tenantId, project._id))!;
  const now = ctx.now();
  const added = input.studentIds.filter((id) => !before.studentIds.includes(id));
  const taken = await claimStudents(ctx, tenantId, cohort._id, project._id, added, now);
  if (taken.length) return again({ studentIds: await alreadyOnProject(ctx, tenantId, taken) });
  for (const id of before.studentIds.filter((s) => !input.studentIds.includes(s)))
    await ctx.repo.removeMember(tenantId, studentMemberId(tenantId, cohort._id, id));
  for (const id of input.supervisorIds.filter((s) => !before.supervisorIds.includes(s)))
    await addSupervisor(ctx, tenantId, cohort._id, project._id, id, now);
  for (const id of before.supervisorIds.filter((s) => !input.supervisorIds.includes(s)))
    await ctx.repo.removeMember(tenantId, supervisorMemberId(tenantId, project._id, id));
  await ctx.repo.setTitleAndTeam(tenantId, project._id, input.title, input.clinicalTeam, now);
  await ctx.s.audit.record(
    tenantId,
    { actorId: person._id, action: 'project.edit', targetId: project._id },
    now,
  );
  const newSupervisors = input.supervisorIds.filter((s) => !before.supervisorIds.includes(s));
  await notifyAdded(ctx, tenantId, person, project._id, input.title, [...added, ...newSupervisors]);
  const saved = (await ctx.repo.project(tenantId, project._id))!;
  return showProject(ctx, tenantId, person, saved, { notice: 'Changes saved.' });
}
