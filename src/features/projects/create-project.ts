/**
 * `new project` and its submit: a lead (or a supervisor attached to the cohort) creates a
 * quality-improvement project with its students and supervisors. The project id comes from
 * the card's request id, so a repeated submit finds the project already saved.
 */
import { can } from '../../domain/authorization.js';
import { currentCohort, currentCohortFirst } from '../../domain/current-cohort.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import { CREATE_NOT_ALLOWED, type CardResult, type ProjectContext } from './project-context.js';
import { projectFormCard } from './project-cards.js';
import { formCard } from './project-form.js';
import {
  createInput,
  formData,
  FORM_FIELDS,
  newRequestId,
  safeData,
  text,
  typedValues,
} from './project-input.js';
import {
  addSupervisor,
  alreadyOnProject,
  checkMembers,
  claimStudents,
  notifyAdded,
} from './project-members.js';
import { showProject } from './project-view.js';
import { projectId as makeProjectId } from './projects-repository.js';

/** `new project`: the form (after choosing a cohort when the caller may use several). */
export async function newProjectCard(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data?: unknown,
): Promise<CardResult> {
  const cohorts = await ctx.creatableCohorts(tenantId, person);
  if (cohorts.length === 0) return CREATE_NOT_ALLOWED;
  const chosen = text(safeData(data).cohortId);
  const cohort = cohorts.length === 1 ? cohorts[0]! : cohorts.find((c) => c._id === chosen);
  if (!cohort)
    return projectFormCard(ctx.s.cards, {
      heading: 'New project',
      chooseCohort: true,
      // The lead's current cohort first and chosen (running, else next, else latest ended).
      cohortChoices: currentCohortFirst(cohorts, ctx.now()).map((c) => ({ title: c.name, value: c._id })),
      cohortId: currentCohort(cohorts, ctx.now())?._id ?? '',
    });
  return formCard(ctx, tenantId, person, cohort, { mode: 'new', requestId: newRequestId() });
}

export async function createProject(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const { raw, unsafe } = formData(data);
  const cohortIdRaw = text(raw.cohortId);
  const cohort = isTenantId(cohortIdRaw, tenantId) ? await ctx.s.cohorts.byId(tenantId, cohortIdRaw) : null;
  if (!cohort || !can(person, 'project.create', { cohortId: cohort._id })) {
    await ctx.refused(tenantId, person, 'project.create', cohortIdRaw);
    return CREATE_NOT_ALLOWED;
  }
  const values = typedValues(raw, FORM_FIELDS);
  const parsed = unsafe ? ({ ok: false, errors: unsafe } as const) : parseCardInput(createInput, raw);
  const requestId =
    typeof raw.requestId === 'string' && /^[A-Za-z0-9_-]{6,64}$/.test(raw.requestId)
      ? raw.requestId
      : newRequestId();
  const again = (errors: Record<string, string>) =>
    formCard(ctx, tenantId, person, cohort, { mode: 'new', requestId, values, errors });
  if (!parsed.ok) return again(parsed.errors);
  const input = parsed.value;
  const id = makeProjectId(tenantId, input.requestId);
  const existing = await ctx.repo.project(tenantId, id);
  if (existing)
    return showProject(ctx, tenantId, person, existing, { notice: 'This project is already saved.' });
  const memberErrors = await checkMembers(ctx, tenantId, cohort, input.studentIds, input.supervisorIds);
  if (Object.keys(memberErrors).length) return again(memberErrors);
  const now = ctx.now();
  const taken = await claimStudents(ctx, tenantId, cohort._id, id, input.studentIds, now);
  if (taken.length) return again({ studentIds: await alreadyOnProject(ctx, tenantId, taken) });
  for (const supervisorId of input.supervisorIds)
    await addSupervisor(ctx, tenantId, cohort._id, id, supervisorId, now);
  await ctx.repo.insertProject(tenantId, {
    _id: id,
    cohortId: cohort._id,
    title: input.title,
    clinicalTeam: input.clinicalTeam,
    presentation: null,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  await ctx.s.audit.record(
    tenantId,
    {
      actorId: person._id,
      action: 'project.create',
      targetId: id,
      details: { students: input.studentIds.length },
    },
    now,
  );
  await notifyAdded(ctx, tenantId, person, id, input.title, [...input.studentIds, ...input.supervisorIds]);
  const project = (await ctx.repo.project(tenantId, id))!;
  return showProject(ctx, tenantId, person, project, {
    notice: 'Project created. Its members have been told.',
  });
}
