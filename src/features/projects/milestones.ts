/** A project's milestones: dated steps inside the placement (at most MAX_MILESTONES). */
import type { AdaptiveCard } from '../../cards/cards.js';
import { endDate, formatDate } from '../../domain/placement-calendar.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import { NOT_FOUND, type CardResult, type ProjectContext } from './project-context.js';
import { formErrorOf } from './project-cards.js';
import {
  errorsFor,
  MAX_MILESTONES,
  MILESTONE_FIELDS,
  milestoneInput,
  newRequestId,
  safeData,
  text,
  typedValues,
} from './project-input.js';
import { milestoneId, type ProjectDoc } from './projects-repository.js';

type MilestonesOptions = {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  notice?: string;
};

export async function milestonesCard(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
  options: MilestonesOptions = {},
): Promise<CardResult> {
  const found = await ctx.allowed(tenantId, person, 'project.manage', safeData(data).projectId);
  if (!found) return NOT_FOUND;
  return renderMilestones(ctx, tenantId, found.project, options);
}

async function renderMilestones(
  ctx: ProjectContext,
  tenantId: string,
  project: ProjectDoc,
  options: MilestonesOptions,
): Promise<AdaptiveCard> {
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const milestones = await ctx.repo.milestonesOf(tenantId, project._id);
  const errors = options.errors ?? {};
  return ctx.s.cards.render('project-milestones', {
    projectId: project._id,
    title: `Milestones: ${project.title}`,
    intro: cohort
      ? `Dates between ${formatDate(cohort.startDate)} and ${formatDate(endDate(cohort))} (the placement).`
      : '',
    milestones: milestones.map((m) => ({ milestoneId: m._id, date: formatDate(m.date), title: m.title })),
    hasMilestones: milestones.length > 0,
    requestId: newRequestId(),
    newTitle: options.values?.title ?? '',
    newDate: options.values?.date ?? '',
    minDate: cohort?.startDate ?? '',
    maxDate: cohort ? endDate(cohort) : '',
    formError: formErrorOf(errors),
    errors: errorsFor(MILESTONE_FIELDS, errors),
    notice: options.notice ?? '',
  });
}

export async function addMilestone(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const raw = safeData(data);
  const found = await ctx.allowed(tenantId, person, 'project.manage', raw.projectId);
  if (!found) return NOT_FOUND;
  const { project } = found;
  const values = typedValues(raw, MILESTONE_FIELDS);
  const parsed = parseCardInput(milestoneInput, raw);
  if (!parsed.ok) return renderMilestones(ctx, tenantId, project, { values, errors: parsed.errors });
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const { date, title, requestId } = parsed.value;
  if (cohort && (date < cohort.startDate || date > endDate(cohort)))
    return renderMilestones(ctx, tenantId, project, {
      values,
      errors: {
        date: `Choose a date during the placement: ${formatDate(cohort.startDate)} to ${formatDate(endDate(cohort))}`,
      },
    });
  const existing = await ctx.repo.milestonesOf(tenantId, project._id);
  const id = milestoneId(tenantId, project._id, requestId);
  if (existing.length >= MAX_MILESTONES && !existing.some((m) => m._id === id))
    return renderMilestones(ctx, tenantId, project, {
      values,
      errors: { _form: `A project can have up to ${MAX_MILESTONES} milestones.` },
    });
  const now = ctx.now();
  const inserted = await ctx.repo.insertMilestone(tenantId, {
    _id: id,
    projectId: project._id,
    title,
    date,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  if (inserted)
    await ctx.s.audit.record(
      tenantId,
      { actorId: person._id, action: 'project.milestone.add', targetId: id },
      now,
    );
  return renderMilestones(ctx, tenantId, project, {
    notice: `Milestone added: ${title}, ${formatDate(date)}.`,
  });
}

export async function removeMilestone(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const raw = safeData(data);
  const found = await ctx.allowed(tenantId, person, 'project.manage', raw.projectId);
  if (!found) return NOT_FOUND;
  const id = text(raw.milestoneId);
  const milestone = isTenantId(id, tenantId) ? await ctx.repo.milestone(tenantId, id) : null;
  if (!milestone || milestone.projectId !== found.project._id)
    return renderMilestones(ctx, tenantId, found.project, {
      errors: { _form: 'That milestone is not on this project (it may be removed already).' },
    });
  await ctx.repo.deleteMilestone(tenantId, id);
  await ctx.s.audit.record(
    tenantId,
    { actorId: person._id, action: 'project.milestone.remove', targetId: id },
    ctx.now(),
  );
  return renderMilestones(ctx, tenantId, found.project, { notice: `Removed: ${milestone.title}.` });
}
