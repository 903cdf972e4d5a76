/**
 * `pause check-ins` (sickness, study leave): the pause form, and adding a pause, by a student's
 * supervisor or the lead of their cohort. A pause can move the student's prompt, so the
 * cohort's jobs are planned again at once.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { formatDate } from '../../domain/placement-calendar.js';
import { fieldErrorsText, FORM_ERROR_KEY } from '../../domain/validation.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { hasRole, type CheckinCore } from './checkin-deps.js';
import { PAUSE_LABELS, PauseInput, typedPauseValues, UNSAFE_PAUSE } from './pause-input.js';
import type { CohortPlanner } from './ports.js';

type Answer = AdaptiveCard | string;

export const NOT_ALLOWED =
  'You can only pause check-ins of students you supervise, or of students on a cohort you lead.';

export class PauseCheckins {
  constructor(
    private readonly s: CheckinCore,
    private readonly planner: CohortPlanner,
  ) {}

  private async pausableStudents(tenantId: string, viewer: PersonDoc): Promise<PersonDoc[]> {
    const students = (await this.s.people.withRole(tenantId, 'student')).filter((s) => s.cohortId);
    // The viewer's own supervision links stand in for each student's list of supervisors
    // (the rule only asks whether the viewer is among them): one query, not one per student.
    const mine = hasRole(viewer, 'supervisor')
      ? new Set(await this.s.supervisions.studentIdsOf(tenantId, viewer._id))
      : new Set<string>();
    return students.filter((s) =>
      can(viewer, 'checkin.pause', {
        studentId: s._id,
        supervisorIds: mine.has(s._id) ? [viewer._id] : [],
        cohortId: s.cohortId,
      }),
    );
  }

  async pauseCard(
    tenantId: string,
    viewer: PersonDoc,
    error = '',
    values: Record<string, string> = {},
  ): Promise<Answer> {
    const students = await this.pausableStudents(tenantId, viewer);
    if (students.length === 0)
      return hasRole(viewer, 'supervisor', 'lead', 'admin')
        ? 'You have no students whose check-ins you can pause.'
        : 'Only a supervisor, a placement lead or an administrator can pause check-ins.';
    return this.s.cards.render('checkin-pause', {
      error,
      values: { studentId: '', from: '', to: '', reason: '', ...values },
      students: students.map((s) => ({ title: s.displayName, value: s._id })),
    });
  }

  async addPause(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    const parsed = parseCardInput(PauseInput, data, { unsafeMessage: UNSAFE_PAUSE });
    if (!parsed.ok) {
      if (parsed.errors[FORM_ERROR_KEY] === UNSAFE_PAUSE)
        return this.pauseCard(tenantId, viewer, UNSAFE_PAUSE);
      return this.pauseCard(
        tenantId,
        viewer,
        fieldErrorsText(parsed.errors, PAUSE_LABELS),
        typedPauseValues(data),
      );
    }
    const input = parsed.value;
    const student = await this.s.people.byId(tenantId, input.studentId);
    const allowed =
      student && (await this.pausableStudents(tenantId, viewer)).some((s) => s._id === student._id);
    const now = this.s.clock.now();
    if (!student || !allowed) {
      await this.s.audit.record(
        tenantId,
        { actorId: viewer._id, action: 'checkin.pause', targetId: student?._id ?? null, outcome: 'refused' },
        now,
      );
      return NOT_ALLOWED;
    }
    await this.s.repo.addPause(
      tenantId,
      {
        studentId: student._id,
        cohortId: student.cohortId,
        from: input.from,
        to: input.to,
        reason: input.reason,
      },
      viewer._id,
      now,
    );
    await this.s.audit.record(
      tenantId,
      {
        actorId: viewer._id,
        action: 'checkin.pause',
        targetId: student._id,
        details: { reason: input.reason },
      },
      now,
    );
    const cohort = student.cohortId ? await this.s.cohorts.byId(tenantId, student.cohortId) : null;
    if (cohort) await this.planner.planOne(cohort, now);
    return this.s.cards.render('notice', {
      title: 'Pause added',
      message: `${student.displayName}'s check-ins are paused from ${formatDate(input.from)} to ${formatDate(input.to)}. No prompts or reminders are sent on those days.`,
    });
  }
}
