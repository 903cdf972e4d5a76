/**
 * Roster changes on a cohort the lead manages: add a student (with their supervisors) or a
 * supervisor, change a student's supervisors, move a student to another of the lead's cohorts,
 * take one off, and check who may be paused. Writes are idempotent (natural keys, upserts), so
 * a retried submit changes nothing and is not audited twice.
 */
import { can } from '../../domain/authorization.js';
import { FORM_ERROR_KEY } from '../../domain/validation.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { idOf, invalid, type Outcome, type WorkspaceContext } from './workspace-context.js';
import { parsePersonForm, parseSupervisorList } from './people-form-input.js';
import type { FieldErrors } from './workspace-input.js';

export class RosterChanges {
  constructor(private readonly ctx: WorkspaceContext) {}

  /** Supervisors by email: every one must be on the roster with the supervisor role. */
  private async supervisorsByEmail(
    tenantId: string,
    emails: string[],
  ): Promise<{ ids: string[]; error?: string }> {
    const ids: string[] = [];
    for (const email of emails) {
      const p = await this.ctx.deps.people.byEmail(tenantId, email);
      if (!p) return { ids, error: `${email} is not on the roster; add them as a supervisor first` };
      if (!p.roles.includes('supervisor'))
        return { ids, error: `${email} is not a supervisor; add them as a supervisor first` };
      ids.push(p._id);
    }
    return { ids };
  }

  /** Adds a student (new, or already on the roster without a cohort) with their supervisors. */
  async addStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    const found = await this.ctx.cohortFor(
      tenantId,
      actor,
      idOf(data, 'cohortId'),
      'cohort.roster.manage',
      'workspace.student.add',
    );
    if (!found.ok) return found;
    const cohort = found.cohort;
    const parsed = parsePersonForm(data, true);
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors };
    if (errors[FORM_ERROR_KEY]) return invalid(errors);
    const input = parsed.ok ? parsed.value : null;
    const existing = input ? await this.ctx.deps.people.byEmail(tenantId, input.email) : null;
    if (existing) {
      if (existing.roles.some((r) => r === 'lead' || r === 'admin'))
        errors.email =
          'This address belongs to a placement lead or administrator; a student needs their own address';
      else if (existing.roles.includes('student') && existing.cohortId && existing.cohortId !== cohort._id)
        errors.email = 'This student is already on another cohort; open them there and use Move';
    }
    if (input) {
      const sups = await this.supervisorsByEmail(tenantId, input.supervisorEmails);
      if (sups.error) errors.supervisorEmails = sups.error;
      if (input.supervisorEmails.includes(input.email))
        errors.supervisorEmails = 'A student cannot supervise themselves';
    } else {
      // Report an unknown supervisor even when another field is wrong, so one submit shows all.
      const raw = parsePersonForm(
        { ...(data as object), email: 'a@b.org', displayName: 'a', profession: 'a' },
        true,
      );
      if (raw.ok) {
        const sups = await this.supervisorsByEmail(tenantId, raw.value.supervisorEmails);
        if (sups.error) errors.supervisorEmails = sups.error;
      }
    }
    if (Object.keys(errors).length > 0 || !input) return invalid(errors);

    const now = this.ctx.now();
    const { ids: supervisorIds } = await this.supervisorsByEmail(tenantId, input.supervisorEmails);
    const { id, outcome } = await this.ctx.deps.people.addRoleByEmail(
      tenantId,
      input.email,
      'student',
      { displayName: input.displayName, profession: input.profession },
      now,
    );
    let changed = outcome !== 'unchanged';
    if (
      existing?.cohortId !== cohort._id ||
      (existing.cohortIds && existing.cohortIds.join() !== cohort._id)
    ) {
      await this.ctx.deps.people.setStudentCohort(tenantId, id, cohort._id, now);
      changed = true;
    }
    if (input.timeZone !== (existing?.timeZone ?? null)) {
      await this.ctx.deps.people.setTimeZone(tenantId, id, input.timeZone, now);
      changed = true;
    }
    const unlinked = await this.ctx.deps.supervisions.unlinkAllExcept(tenantId, id, supervisorIds);
    let linked = 0;
    for (const sid of supervisorIds)
      if (await this.ctx.deps.supervisions.link(tenantId, id, sid, now)) linked++;
    // A retried submit lands on the same person and links, and is not audited twice.
    if (changed || unlinked + linked > 0)
      await this.ctx.audit(tenantId, actor, 'workspace.student.add', id, {
        cohortId: cohort._id,
        supervisors: supervisorIds.length,
        existing: !!existing,
      });
    await this.ctx.deps.checkins.planOne(cohort, now);
    const student = (await this.ctx.deps.people.byId(tenantId, id))!;
    return { ok: true, value: student, notice: `${student.displayName} is on ${cohort.name}.` };
  }

  /** Adds a supervisor (new, or gives someone on the roster the supervisor role) for this cohort. */
  async addSupervisor(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    const found = await this.ctx.cohortFor(
      tenantId,
      actor,
      idOf(data, 'cohortId'),
      'cohort.roster.manage',
      'workspace.supervisor.add',
    );
    if (!found.ok) return found;
    const cohort = found.cohort;
    const parsed = parsePersonForm(data, false);
    if (!parsed.ok) return invalid(parsed.errors);
    const input = parsed.value;
    const existing = await this.ctx.deps.people.byEmail(tenantId, input.email);
    if (existing?.roles.includes('student'))
      return invalid({ email: 'This address belongs to a student; a supervisor needs their own address' });
    const now = this.ctx.now();
    const { id, outcome } = await this.ctx.deps.people.addRoleByEmail(
      tenantId,
      input.email,
      'supervisor',
      { displayName: input.displayName, profession: input.profession },
      now,
    );
    // The supervisor is attached to this cohort (its page, announcements), as well as any other.
    const person = (await this.ctx.deps.people.byId(tenantId, id))!;
    const attached = (person.cohortIds ?? (person.cohortId ? [person.cohortId] : [])).includes(cohort._id);
    if (!attached) await this.ctx.deps.people.attachToCohort(tenantId, person, cohort._id, false, now);
    if (input.timeZone && input.timeZone !== person.timeZone)
      await this.ctx.deps.people.setTimeZone(tenantId, id, input.timeZone, now);
    if (outcome !== 'unchanged' || !attached)
      await this.ctx.audit(tenantId, actor, 'workspace.supervisor.add', id, {
        cohortId: cohort._id,
        existing: !!existing,
      });
    return {
      ok: true,
      value: (await this.ctx.deps.people.byId(tenantId, id))!,
      notice: `${input.displayName} can now supervise students on ${cohort.name}.`,
    };
  }

  async studentView(tenantId: string, actor: PersonDoc, data: unknown) {
    const found = await this.ctx.studentFor(tenantId, actor, data, 'workspace.student.view');
    if (!found.ok) return found;
    const supervisorIds = await this.ctx.deps.supervisions.supervisorIdsOf(tenantId, found.student._id);
    const supervisors = await this.ctx.deps.people.byIds(tenantId, supervisorIds);
    const others = (await this.ctx.manageableCohorts(tenantId, actor)).filter(
      (c) => c._id !== found.cohort._id,
    );
    return {
      ok: true as const,
      value: {
        student: found.student,
        cohort: found.cohort,
        supervisorEmails: supervisors.map((p) => p.email).sort(),
        supervisorNames: supervisors.map((p) => p.displayName).sort(),
        moveTo: others.map((c) => ({ title: c.name, value: c._id })),
      },
      notice: '',
    };
  }

  /** Replaces a student's supervisors with the given list (each must be a supervisor). */
  async setSupervisors(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    const found = await this.ctx.studentFor(tenantId, actor, data, 'workspace.student.supervisors');
    if (!found.ok) return found;
    const parsed = parseSupervisorList(data);
    if (!parsed.ok) return invalid(parsed.errors);
    const sups = await this.supervisorsByEmail(tenantId, parsed.value);
    if (sups.error) return invalid({ supervisorEmails: sups.error });
    if (parsed.value.includes(found.student.email))
      return invalid({ supervisorEmails: 'A student cannot supervise themselves' });
    const now = this.ctx.now();
    const removed = await this.ctx.deps.supervisions.unlinkAllExcept(tenantId, found.student._id, sups.ids);
    let added = 0;
    for (const id of sups.ids)
      if (await this.ctx.deps.supervisions.link(tenantId, found.student._id, id, now)) added++;
    if (added + removed > 0)
      await this.ctx.audit(tenantId, actor, 'workspace.student.supervisors', found.student._id, {
        added,
        removed,
      });
    return {
      ok: true,
      value: found.student,
      notice: sups.ids.length
        ? `${found.student.displayName}'s supervisors are saved.`
        : `${found.student.displayName} has no supervisor now.`,
    };
  }

  /** Moves a student to another cohort the actor manages; both cohorts' check-ins are re-planned. */
  async moveStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    const found = await this.ctx.studentFor(tenantId, actor, data, 'workspace.student.move');
    if (!found.ok) return found;
    const toId = idOf(data, 'toCohortId');
    if (!toId) return invalid({ toCohortId: 'Choose the cohort to move them to' });
    if (toId === found.cohort._id)
      return invalid({ toCohortId: 'They are on this cohort already; choose another' });
    const to = await this.ctx.deps.cohorts.byId(tenantId, toId);
    if (!to || !can(actor, 'cohort.roster.manage', { cohortId: to._id })) {
      await this.ctx.audit(tenantId, actor, 'workspace.student.move', found.student._id, {}, 'refused');
      return invalid({ toCohortId: 'Choose one of the cohorts you lead' });
    }
    const now = this.ctx.now();
    const moved = (await this.ctx.deps.people.setStudentCohort(tenantId, found.student._id, to._id, now))!;
    await this.ctx.audit(tenantId, actor, 'workspace.student.move', moved._id, {
      from: found.cohort._id,
      to: to._id,
    });
    await this.ctx.deps.checkins.planOne(to, now);
    return { ok: true, value: moved, notice: `${moved.displayName} is now on ${to.name}.` };
  }

  /**
   * Takes a student off the cohort: no more prompts, their supervisors no longer see them.
   * Their own records stay (they can still export them); erasure is a separate request.
   */
  async removeStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    const found = await this.ctx.studentFor(tenantId, actor, data, 'workspace.student.remove');
    if (!found.ok) return found;
    const now = this.ctx.now();
    const removed = (await this.ctx.deps.people.setStudentCohort(tenantId, found.student._id, null, now))!;
    const links = await this.ctx.deps.supervisions.unlinkAllExcept(tenantId, found.student._id, []);
    await this.ctx.audit(tenantId, actor, 'workspace.student.remove', removed._id, {
      from: found.cohort._id,
      links,
    });
    return {
      ok: true,
      value: removed,
      notice: `${removed.displayName} is no longer on ${found.cohort.name}.`,
    };
  }

  /** Whether the actor may pause this student's check-ins (the check-ins feature does the pause). */
  async pausable(tenantId: string, actor: PersonDoc, data: unknown) {
    return this.ctx.studentFor(tenantId, actor, data, 'workspace.student.pause');
  }
}
