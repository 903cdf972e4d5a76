/**
 * A project's milestones: dated steps inside the placement (at most MAX_MILESTONES), each with
 * an owner from the team who is reminded before the date. Any member of the team proposes one
 * (a student, a supervisor) and marks it done or open again; the project's supervisors and the
 * cohort's lead remove them. A milestone past its date and not done shows as overdue.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { formatDate, lastPlacementDate } from '../../domain/placement-calendar.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import { scheduleMilestoneReminder } from './milestone-reminders.js';
import { NOT_FOUND, type CardResult, type ProjectContext } from './project-context.js';
import { formErrorOf, milestoneState, MILESTONE_STATE_TEXT } from './project-cards.js';
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
  const found = await ctx.allowed(tenantId, person, 'project.contribute', safeData(data).projectId);
  if (!found) return NOT_FOUND;
  return renderMilestones(ctx, tenantId, person, found.project, options);
}

async function renderMilestones(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  project: ProjectDoc,
  options: MilestonesOptions,
): Promise<AdaptiveCard> {
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const target = await ctx.targetOf(tenantId, project);
  const milestones = await ctx.repo.milestonesOf(tenantId, project._id);
  const memberIds = [...(target.projectStudentIds ?? []), ...(target.projectSupervisorIds ?? [])];
  const people = await ctx.s.people.byIds(tenantId, memberIds);
  const name = (id: string | null | undefined) => people.find((p) => p._id === id)?.displayName ?? '';
  const today = ctx.today(cohort);
  const errors = options.errors ?? {};
  const last = cohort ? lastPlacementDate(cohort) : '';
  const isStudent = (target.projectStudentIds ?? []).includes(person._id);
  return ctx.s.cards.render('project-milestones', {
    projectId: project._id,
    title: `Milestones: ${project.title}`,
    intro: cohort
      ? `Dates between ${formatDate(cohort.startDate)} and ${formatDate(last)} (the placement). The owner is reminded the working day before.`
      : '',
    milestones: milestones.map((m) => {
      const state = milestoneState(m, today);
      return {
        milestoneId: m._id,
        date: formatDate(m.date),
        title: m.title,
        detail: [name(m.ownerId) && `Owner: ${name(m.ownerId)}`, MILESTONE_STATE_TEXT[state]]
          .filter(Boolean)
          .join(' · '),
        overdue: state === 'overdue',
        doneTitle: m.doneAt ? 'Reopen' : 'Mark done',
      };
    }),
    hasMilestones: milestones.length > 0,
    canRemove: can(person, 'project.manage', target),
    requestId: newRequestId(),
    newTitle: options.values?.title ?? '',
    newDate: options.values?.date ?? '',
    ownerId: options.values?.ownerId ?? (isStudent ? person._id : ''),
    ownerChoices: memberIds.map((id) => ({ title: name(id), value: id })).filter((c) => c.title !== ''),
    minDate: cohort?.startDate ?? '',
    maxDate: last,
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
  const found = await ctx.allowed(tenantId, person, 'project.contribute', raw.projectId);
  if (!found) return NOT_FOUND;
  const { project, target } = found;
  const render = (options: MilestonesOptions) => renderMilestones(ctx, tenantId, person, project, options);
  const values = typedValues(raw, MILESTONE_FIELDS);
  const parsed = parseCardInput(milestoneInput, raw);
  if (!parsed.ok) return render({ values, errors: parsed.errors });
  const cohort = await ctx.s.cohorts.byId(tenantId, project.cohortId);
  const { date, title, requestId } = parsed.value;
  // A student's proposal is theirs to see through unless they chose someone (or no one).
  const proposer = (target.projectStudentIds ?? []).includes(person._id) ? person._id : null;
  const ownerId = parsed.value.ownerId === undefined ? proposer : parsed.value.ownerId || null;
  const errors: Record<string, string> = {};
  if (cohort && (date < cohort.startDate || date > lastPlacementDate(cohort)))
    errors.date = `Choose a date during the placement: ${formatDate(cohort.startDate)} to ${formatDate(lastPlacementDate(cohort))}`;
  const members = [...(target.projectStudentIds ?? []), ...(target.projectSupervisorIds ?? [])];
  if (ownerId && !members.includes(ownerId)) errors.ownerId = 'Choose someone on the project team';
  if (Object.keys(errors).length) return render({ values, errors });
  const existing = await ctx.repo.milestonesOf(tenantId, project._id);
  const id = milestoneId(tenantId, project._id, requestId);
  if (existing.length >= MAX_MILESTONES && !existing.some((m) => m._id === id))
    return render({ values, errors: { _form: `A project can have up to ${MAX_MILESTONES} milestones.` } });
  const now = ctx.now();
  const doc = {
    _id: id,
    projectId: project._id,
    title,
    date,
    ownerId,
    addedBy: person._id,
    doneAt: null,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  };
  const inserted = await ctx.repo.insertMilestone(tenantId, doc);
  if (inserted) {
    await ctx.s.audit.record(
      tenantId,
      { actorId: person._id, action: 'project.milestone.add', targetId: id },
      now,
    );
    await scheduleMilestoneReminder(ctx, tenantId, { ...doc, tenantId }, cohort);
  }
  return render({ notice: `Milestone added: ${title}, ${formatDate(date)}.` });
}

/** Done, or open again: any member of the team, the cohort's lead. */
export async function toggleMilestoneDone(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const target = await milestoneOnCard(ctx, tenantId, person, data, 'project.contribute');
  if (typeof target === 'string' || !('milestone' in target)) return target;
  const { id, milestone, render } = target;
  const now = ctx.now();
  const doneAt = milestone.doneAt ? null : now;
  await ctx.repo.setMilestoneDone(tenantId, id, doneAt, now);
  await ctx.s.audit.record(
    tenantId,
    {
      actorId: person._id,
      action: doneAt ? 'project.milestone.done' : 'project.milestone.reopen',
      targetId: id,
    },
    now,
  );
  return render({ notice: doneAt ? `Done: ${milestone.title}.` : `Open again: ${milestone.title}.` });
}

export async function removeMilestone(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
): Promise<CardResult> {
  const target = await milestoneOnCard(ctx, tenantId, person, data, 'project.manage');
  if (typeof target === 'string' || !('milestone' in target)) return target;
  const { id, milestone, render } = target;
  await ctx.repo.deleteMilestone(tenantId, id);
  await ctx.s.audit.record(
    tenantId,
    { actorId: person._id, action: 'project.milestone.remove', targetId: id },
    ctx.now(),
  );
  return render({ notice: `Removed: ${milestone.title}.` });
}

/** The milestone a card's button names, on a project the person may act on; else the answer to give. */
async function milestoneOnCard(
  ctx: ProjectContext,
  tenantId: string,
  person: PersonDoc,
  data: unknown,
  action: 'project.contribute' | 'project.manage',
) {
  const raw = safeData(data);
  const found = await ctx.allowed(tenantId, person, action, raw.projectId);
  if (!found) return NOT_FOUND;
  const render = (options: MilestonesOptions) =>
    renderMilestones(ctx, tenantId, person, found.project, options);
  const id = text(raw.milestoneId);
  const milestone = isTenantId(id, tenantId) ? await ctx.repo.milestone(tenantId, id) : null;
  if (!milestone || milestone.projectId !== found.project._id)
    return render({
      errors: { _form: 'That milestone is not on this project (it may be removed already).' },
    });
  return { id, milestone, render };
}
