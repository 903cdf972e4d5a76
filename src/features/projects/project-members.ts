/**
 * Who can be on a project, and joining it. Races are settled by inserts: a student's
 * membership `_id` is (cohort, student), so two leads putting one student on two projects at
 * once cannot both succeed; the loser's claims are undone.
 */
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ProjectContext } from './project-context.js';
import { projectNoticeActivity } from './project-cards.js';
import { studentMemberId, supervisorMemberId } from './projects-repository.js';

/** Students of the cohort, and the supervisors who could supervise the project. */
export async function choicesFor(ctx: ProjectContext, tenantId: string, cohort: CohortDoc) {
  const { people, supervisions } = ctx.s;
  const members = await people.inCohort(tenantId, cohort._id);
  const students = members.filter((p) => p.roles.includes('student'));
  const linked = (
    await Promise.all(students.map((st) => supervisions.supervisorIdsOf(tenantId, st._id)))
  ).flat();
  const attached = members.filter((p) => p.roles.includes('supervisor')).map((p) => p._id);
  const supervisorIds = [...new Set([...attached, ...linked])];
  const supervisors = (await people.byIds(tenantId, supervisorIds))
    .filter((p) => p.roles.includes('supervisor'))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
  return { students, supervisors };
}

/** Members must be people of this cohort offered on the form (tampered ids are refused). */
export async function checkMembers(
  ctx: ProjectContext,
  tenantId: string,
  cohort: CohortDoc,
  studentIds: string[],
  supervisorIds: string[],
): Promise<Record<string, string>> {
  const { students, supervisors } = await choicesFor(ctx, tenantId, cohort);
  const errors: Record<string, string> = {};
  if (studentIds.some((id) => !students.some((p) => p._id === id)))
    errors.studentIds = 'Choose students of this cohort from the list';
  if (supervisorIds.some((id) => !supervisors.some((p) => p._id === id)))
    errors.supervisorIds = 'Choose supervisors from the list';
  return errors;
}

/**
 * Inserts the students' memberships (one per cohort each, by `_id`). Returns the students
 * already on another project; their claims are undone, so nothing of this request remains.
 */
export async function claimStudents(
  ctx: ProjectContext,
  tenantId: string,
  cohortId: string,
  projectId: string,
  studentIds: string[],
  now: Date,
) {
  const mine: string[] = [];
  const taken: string[] = [];
  for (const studentId of studentIds) {
    const _id = studentMemberId(tenantId, cohortId, studentId);
    const inserted = await ctx.repo.insertMember(tenantId, {
      _id,
      projectId,
      cohortId,
      personId: studentId,
      role: 'student',
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) mine.push(_id);
    else if ((await ctx.repo.member(tenantId, _id))?.projectId !== projectId) taken.push(studentId);
  }
  if (taken.length) for (const _id of mine) await ctx.repo.removeMember(tenantId, _id);
  return taken;
}

export async function addSupervisor(
  ctx: ProjectContext,
  tenantId: string,
  cohortId: string,
  projectId: string,
  personId: string,
  now: Date,
) {
  await ctx.repo.insertMember(tenantId, {
    _id: supervisorMemberId(tenantId, projectId, personId),
    projectId,
    cohortId,
    personId,
    role: 'supervisor',
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
}

export async function alreadyOnProject(ctx: ProjectContext, tenantId: string, studentIds: string[]) {
  const people = await ctx.s.people.byIds(tenantId, studentIds);
  const names = people.map((p) => p.displayName).join(', ');
  return `${names || 'A student'} ${studentIds.length > 1 ? 'are' : 'is'} already on another project of this cohort. Each student is on one project.`;
}

/** Everyone newly added, except the person who added them, hears it once. */
export async function notifyAdded(
  ctx: ProjectContext,
  tenantId: string,
  actor: PersonDoc,
  projectId: string,
  title: string,
  personIds: string[],
) {
  const recipients = personIds.filter((id) => id !== actor._id);
  if (recipients.length === 0) return;
  await ctx.s.outbox.enqueue(
    tenantId,
    recipients.map((personId) => ({
      dedupeKey: `project.added|${projectId}|${personId}`,
      purpose: 'project.added',
      target: { kind: 'person' as const, personId },
      activity: projectNoticeActivity(
        ctx.s.cards,
        projectId,
        'You are on a project',
        `${actor.displayName} added you to the project “${title}”. Open it to see the team, milestones and the final presentation.`,
      ),
    })),
    ctx.now(),
  );
}
