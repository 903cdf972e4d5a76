/**
 * The placement lead's workspace: create and edit cohorts (calendar, non-placement days,
 * supervision slot, time zone, check-in times), change the roster (add, move, pause, remove a
 * student; add supervisors, change a student's supervisors), add AHP hosts, and upload roster /
 * directory CSVs. One service for both surfaces: the personal-chat cards (index.ts) and the
 * dashboard's Manage page (http.ts).
 *
 * Every operation checks the policy (`can`), validates every input before any write (one
 * message per field, human labels), writes idempotently (natural keys, upserts, $addToSet),
 * audits who did what (ids and counts only), and re-plans the cohort's check-ins when its
 * calendar or roster changed, so a prompt planned for a day that is now non-placement moves.
 */
import type { Action } from '../../domain/authorization.js';
import { can } from '../../domain/authorization.js';
import { endDate, formatDate, type CohortCalendar } from '../../domain/placement-calendar.js';
import { safeguardingSettings, safeguardingText } from '../../domain/safeguarding.js';
import { FORM_ERROR_KEY, safeText } from '../../domain/validation.js';
import type { CoreServices } from '../../services.js';
import { AhpHostsRepository } from '../../storage/ahp-hosts-repository.js';
import type { CohortDoc, CohortSettings } from '../../storage/cohorts-repository.js';
import { tenantDocId } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { checkinSettings } from '../checkins/checkin-schedule.js';
import { RosterUpload, type UploadFile, type UploadOutcome } from './roster-upload.js';
import {
  parseCohortForm,
  parseHostForm,
  parseNonPlacementDate,
  parsePersonForm,
  parseSupervisorList,
  type FieldErrors,
} from './workspace-input.js';

export type WorkspaceDeps = Pick<
  CoreServices,
  'db' | 'clock' | 'people' | 'cohorts' | 'supervisions' | 'audit' | 'checkins'
>;

export type Outcome<T> =
  | { ok: true; value: T; notice: string }
  | { ok: false; kind: 'invalid'; errors: FieldErrors }
  | { ok: false; kind: 'forbidden' | 'not-found'; message: string };

export const NOT_A_LEAD =
  'Managing cohorts is for placement leads. If you run a placement, ask an administrator to give you the lead role.';
export const NOT_YOUR_COHORT = 'You can only manage the cohorts you lead.';
const NO_SUCH_PERSON = 'That person is not on this cohort any more. Open the cohort again to see who is.';

const forbidden = (message = NOT_YOUR_COHORT) => ({
  ok: false as const,
  kind: 'forbidden' as const,
  message,
});
const invalid = (errors: FieldErrors) => ({ ok: false as const, kind: 'invalid' as const, errors });

const idText = safeText(300, { min: 1 });
const idOf = (data: unknown, key: string): string | null => {
  const v = (data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined) ?? '';
  const r = idText.safeParse(v);
  return r.success && !r.data.startsWith('$') ? r.data : null;
};

/** What the cards and the Manage page show of a cohort. */
export interface CohortView {
  id: string;
  name: string;
  datesText: string;
  weeks: number;
  clinicalText: string;
  leadershipText: string;
  supervisionText: string;
  timeZone: string;
  checkinText: string;
  nonPlacement: { date: string; text: string }[];
  students: { id: string; name: string; email: string; profession: string; supervisorsText: string }[];
  supervisors: { id: string; name: string; email: string }[];
  studentCount: number;
  /** The cohort's stored settings as form values (what the edit form starts from). */
  form: Record<string, string>;
}

export class LeadWorkspaceService {
  readonly hosts: AhpHostsRepository;
  private readonly uploads: RosterUpload;

  constructor(private readonly s: WorkspaceDeps) {
    this.hosts = new AhpHostsRepository(s.db);
    this.uploads = new RosterUpload(s);
  }

  /** A roster (cohorts.csv and/or people.csv) or directory CSV from Teams: all or nothing. */
  upload(tenantId: string, actor: PersonDoc, files: UploadFile[]): Promise<UploadOutcome> {
    return this.uploads.upload(tenantId, actor, files);
  }

  private now() {
    return this.s.clock.now();
  }

  private async audit(
    tenantId: string,
    actor: PersonDoc,
    action: string,
    targetId: string | null,
    details: Record<string, string | number | boolean | null> = {},
    outcome: 'ok' | 'refused' = 'ok',
  ) {
    await this.s.audit.record(
      tenantId,
      { actorId: actor._id, action, targetId, outcome, details },
      this.now(),
    );
  }

  /** A cohort the actor may do `action` on; a refusal is audited. */
  private async cohortFor(
    tenantId: string,
    actor: PersonDoc,
    cohortId: string | null,
    action: Action,
    auditAction: string,
  ): Promise<{ ok: true; cohort: CohortDoc } | { ok: false; kind: 'forbidden'; message: string }> {
    const cohort = cohortId ? await this.s.cohorts.byId(tenantId, cohortId) : null;
    if (!cohort || !can(actor, action, { cohortId: cohort._id })) {
      await this.audit(tenantId, actor, auditAction, cohortId, {}, 'refused');
      return forbidden(this.isLead(actor) ? NOT_YOUR_COHORT : NOT_A_LEAD);
    }
    return { ok: true, cohort };
  }

  isLead(actor: PersonDoc): boolean {
    return can(actor, 'cohort.create');
  }

  /** The cohorts the actor may manage, in start-date order. */
  async manageableCohorts(tenantId: string, actor: PersonDoc): Promise<CohortDoc[]> {
    if (!this.isLead(actor)) return [];
    return (await this.s.cohorts.all(tenantId)).filter((c) =>
      can(actor, 'cohort.manage', { cohortId: c._id }),
    );
  }

  async view(tenantId: string, actor: PersonDoc, cohortId: string | null): Promise<Outcome<CohortView>> {
    const found = await this.cohortFor(tenantId, actor, cohortId, 'cohort.manage', 'workspace.cohort.view');
    if (!found.ok) return found;
    return { ok: true, value: await this.cohortView(tenantId, found.cohort), notice: '' };
  }

  async cohortView(tenantId: string, cohort: CohortDoc): Promise<CohortView> {
    const members = await this.s.people.inCohort(tenantId, cohort._id);
    const students = members.filter((p) => p.roles.includes('student'));
    const links = students.length
      ? await this.s.supervisions
          .scope(tenantId)
          .find({ studentId: { $in: students.map((p) => p._id) } })
          .toArray()
      : [];
    const supervisorIds = [...new Set(links.map((l) => l.supervisorId))];
    const linked = await this.s.people.byIds(tenantId, supervisorIds);
    const supervisors = new Map(
      [...members.filter((p) => p.roles.includes('supervisor')), ...linked].map((p) => [p._id, p]),
    );
    const supervisorsOf = new Map<string, string[]>();
    for (const l of links) {
      const sup = supervisors.get(l.supervisorId);
      if (sup) supervisorsOf.set(l.studentId, [...(supervisorsOf.get(l.studentId) ?? []), sup.displayName]);
    }
    const settings = checkinSettings(cohort);
    const days = (d: string[]) => (d.length ? d.join(', ') : 'none');
    return {
      id: cohort._id,
      name: cohort.name,
      datesText: `${formatDate(cohort.startDate)} to ${formatDate(endDate(cohort))} (${cohort.weeks} week${cohort.weeks === 1 ? '' : 's'})`,
      weeks: cohort.weeks,
      clinicalText: days(cohort.clinicalDays),
      leadershipText: days(cohort.leadershipDays),
      supervisionText: cohort.supervision
        ? `${cohort.supervision.weekday} ${cohort.supervision.time}`
        : 'no weekly slot',
      timeZone: cohort.timeZone,
      checkinText: `Prompt at ${settings.promptTime} on each student's first placement day of the week; reminder ${settings.reminderHoursBeforeDue} hours before it is due; supervisors' summary ${settings.digestHoursBeforeSupervision} hours before supervision. ${safeguardingText(safeguardingSettings(cohort))}`,
      nonPlacement: [...cohort.nonPlacementDates].sort().map((date) => ({ date, text: formatDate(date) })),
      students: students.map((p) => ({
        id: p._id,
        name: p.displayName,
        email: p.email,
        profession: p.profession,
        supervisorsText: (supervisorsOf.get(p._id) ?? []).sort().join(', ') || 'no supervisor yet',
      })),
      supervisors: [...supervisors.values()]
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((p) => ({ id: p._id, name: p.displayName, email: p.email })),
      studentCount: students.length,
      form: cohortFormValues(cohort),
    };
  }

  // ---------------------------------------------------------------------------------- cohorts

  /**
   * Creates (no `cohortId`; `requestId` makes a retried submit land on the same cohort) or
   * edits a cohort's name, calendar and check-in times, then re-plans its check-ins.
   */
  async saveCohort(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<CohortDoc>> {
    const cohortId = idOf(data, 'cohortId');
    const existing = cohortId
      ? await this.cohortFor(tenantId, actor, cohortId, 'cohort.manage', 'workspace.cohort.edit')
      : null;
    if (existing && !existing.ok) return existing;
    if (!existing && !can(actor, 'cohort.create')) {
      await this.audit(tenantId, actor, 'workspace.cohort.create', null, {}, 'refused');
      return forbidden(NOT_A_LEAD);
    }
    const stored = existing?.ok ? existing.cohort : null;
    const parsed = parseCohortForm(data, stored?.nonPlacementDates ?? []);
    if (!parsed.ok) return invalid(parsed.errors);
    const { name, calendar, checkins, safeguarding } = parsed.value;
    const settings: CohortSettings = {
      name,
      startDate: calendar.startDate,
      weeks: calendar.weeks,
      clinicalDays: calendar.clinicalDays,
      leadershipDays: calendar.leadershipDays,
      supervision: calendar.supervision,
      timeZone: calendar.timeZone,
      checkins,
      safeguarding,
    };
    const sameName = await this.s.cohorts.byName(tenantId, name);
    const now = this.now();

    if (stored) {
      if (sameName && sameName._id !== stored._id)
        return invalid({ name: 'Another cohort already has this name; choose a different one' });
      // Dates already marked non-placement must stay inside the placement.
      const outside = stored.nonPlacementDates.filter((d) => d < calendar.startDate || d > endDate(calendar));
      if (outside.length > 0)
        return invalid({
          weeks: `The non-placement day ${formatDate(outside[0]!)} would fall outside the placement; remove it first or keep the dates`,
        });
      const changed = changedFields(stored, settings);
      if (changed.length === 0)
        return {
          ok: true,
          value: stored,
          notice: 'Nothing to change: the cohort is already set up like this.',
        };
      let updated: CohortDoc;
      try {
        updated = (await this.s.cohorts.updateSettings(tenantId, stored._id, settings, now))!;
      } catch (err) {
        // Another lead took the name a moment ago (the unique tenant + name index decides).
        if (isDuplicateKeyError(err))
          return invalid({ name: 'Another cohort already has this name; choose a different one' });
        throw err;
      }
      await this.audit(tenantId, actor, 'workspace.cohort.edit', stored._id, { fields: changed.join(',') });
      await this.s.checkins.planOne(updated, now);
      return { ok: true, value: updated, notice: `${updated.name} is saved.` };
    }

    const requestId = idOf(data, 'requestId');
    if (!requestId)
      return invalid({ [FORM_ERROR_KEY]: 'This form is out of date. Type "manage cohorts" for a new one.' });
    const newId = tenantDocId(
      tenantId,
      'cohort',
      requestId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64) || 'x',
    );
    if (sameName && sameName._id !== newId)
      return invalid({ name: 'A cohort with this name already exists; choose a different one' });
    const outcome = await this.s.cohorts.createCohort(
      tenantId,
      newId,
      { ...settings, nonPlacementDates: [] },
      now,
    );
    if (outcome === 'name-taken')
      return invalid({ name: 'A cohort with this name already exists; choose a different one' });
    const created = (await this.s.cohorts.byId(tenantId, newId))!;
    if (outcome === 'inserted') {
      await this.attachLead(tenantId, actor, created._id, now);
      await this.audit(tenantId, actor, 'workspace.cohort.create', created._id, { weeks: created.weeks });
      await this.s.checkins.planOne(created, now);
    }
    return {
      ok: true,
      value: created,
      notice: `${created.name} is set up. Now add its students and supervisors.`,
    };
  }

  /** The creator of a cohort leads it (admins lead every cohort already). */
  private async attachLead(tenantId: string, actor: PersonDoc, cohortId: string, now: Date) {
    if (can(actor, 'cohort.manage', { cohortId })) return;
    const updated = await this.s.people.attachToCohort(tenantId, actor, cohortId, true, now);
    if (updated)
      Object.assign(actor, {
        cohortId: updated.cohortId,
        cohortIds: updated.cohortIds,
        leadCohortIds: updated.leadCohortIds,
      });
  }

  /** Marks one day of the placement non-placement (study day): no check-in prompt that day. */
  async addNonPlacementDay(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<CohortDoc>> {
    const found = await this.cohortFor(
      tenantId,
      actor,
      idOf(data, 'cohortId'),
      'cohort.manage',
      'workspace.cohort.day.add',
    );
    if (!found.ok) return found;
    const parsed = parseNonPlacementDate(data, found.cohort);
    if (!parsed.ok) return invalid(parsed.errors);
    const date = parsed.value;
    if (found.cohort.nonPlacementDates.includes(date))
      return { ok: true, value: found.cohort, notice: `${formatDate(date)} is already a non-placement day.` };
    const now = this.now();
    const updated = (await this.s.cohorts.addNonPlacementDates(tenantId, found.cohort._id, [date], now))!;
    await this.audit(tenantId, actor, 'workspace.cohort.day.add', updated._id, { date });
    await this.s.checkins.planOne(updated, now);
    return {
      ok: true,
      value: updated,
      notice: `${formatDate(date)} is now a non-placement day: check-in prompts move to the next placement day.`,
    };
  }

  async removeNonPlacementDay(
    tenantId: string,
    actor: PersonDoc,
    data: unknown,
  ): Promise<Outcome<CohortDoc>> {
    const found = await this.cohortFor(
      tenantId,
      actor,
      idOf(data, 'cohortId'),
      'cohort.manage',
      'workspace.cohort.day.remove',
    );
    if (!found.ok) return found;
    const date = idOf(data, 'date');
    if (!date || !found.cohort.nonPlacementDates.includes(date))
      return { ok: true, value: found.cohort, notice: 'That day is a placement day already.' };
    const now = this.now();
    const updated = (await this.s.cohorts.removeNonPlacementDates(tenantId, found.cohort._id, [date], now))!;
    await this.audit(tenantId, actor, 'workspace.cohort.day.remove', updated._id, { date });
    await this.s.checkins.planOne(updated, now);
    return { ok: true, value: updated, notice: `${formatDate(date)} is a placement day again.` };
  }

  // ----------------------------------------------------------------------------------- roster

  /** Supervisors by email: every one must be on the roster with the supervisor role. */
  private async supervisorsByEmail(
    tenantId: string,
    emails: string[],
  ): Promise<{ ids: string[]; error?: string }> {
    const ids: string[] = [];
    for (const email of emails) {
      const p = await this.s.people.byEmail(tenantId, email);
      if (!p) return { ids, error: `${email} is not on the roster; add them as a supervisor first` };
      if (!p.roles.includes('supervisor'))
        return { ids, error: `${email} is not a supervisor; add them as a supervisor first` };
      ids.push(p._id);
    }
    return { ids };
  }

  /** Adds a student (new, or already on the roster without a cohort) with their supervisors. */
  async addStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    const found = await this.cohortFor(
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
    const existing = input ? await this.s.people.byEmail(tenantId, input.email) : null;
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

    const now = this.now();
    const { ids: supervisorIds } = await this.supervisorsByEmail(tenantId, input.supervisorEmails);
    const { id, outcome } = await this.s.people.addRoleByEmail(
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
      await this.s.people.setStudentCohort(tenantId, id, cohort._id, now);
      changed = true;
    }
    if (input.timeZone !== (existing?.timeZone ?? null)) {
      await this.s.people.setTimeZone(tenantId, id, input.timeZone, now);
      changed = true;
    }
    const unlinked = await this.s.supervisions.unlinkAllExcept(tenantId, id, supervisorIds);
    let linked = 0;
    for (const sid of supervisorIds) if (await this.s.supervisions.link(tenantId, id, sid, now)) linked++;
    // A retried submit lands on the same person and links, and is not audited twice.
    if (changed || unlinked + linked > 0)
      await this.audit(tenantId, actor, 'workspace.student.add', id, {
        cohortId: cohort._id,
        supervisors: supervisorIds.length,
        existing: !!existing,
      });
    await this.s.checkins.planOne(cohort, now);
    const student = (await this.s.people.byId(tenantId, id))!;
    return { ok: true, value: student, notice: `${student.displayName} is on ${cohort.name}.` };
  }

  /** Adds a supervisor (new, or gives someone on the roster the supervisor role) for this cohort. */
  async addSupervisor(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    const found = await this.cohortFor(
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
    const existing = await this.s.people.byEmail(tenantId, input.email);
    if (existing?.roles.includes('student'))
      return invalid({ email: 'This address belongs to a student; a supervisor needs their own address' });
    const now = this.now();
    const { id, outcome } = await this.s.people.addRoleByEmail(
      tenantId,
      input.email,
      'supervisor',
      { displayName: input.displayName, profession: input.profession },
      now,
    );
    // The supervisor is attached to this cohort (its page, announcements), as well as any other.
    const person = (await this.s.people.byId(tenantId, id))!;
    const attached = (person.cohortIds ?? (person.cohortId ? [person.cohortId] : [])).includes(cohort._id);
    if (!attached) await this.s.people.attachToCohort(tenantId, person, cohort._id, false, now);
    if (input.timeZone && input.timeZone !== person.timeZone)
      await this.s.people.setTimeZone(tenantId, id, input.timeZone, now);
    if (outcome !== 'unchanged' || !attached)
      await this.audit(tenantId, actor, 'workspace.supervisor.add', id, {
        cohortId: cohort._id,
        existing: !!existing,
      });
    return {
      ok: true,
      value: (await this.s.people.byId(tenantId, id))!,
      notice: `${input.displayName} can now supervise students on ${cohort.name}.`,
    };
  }

  /** A student of a cohort the actor manages. */
  private async studentFor(tenantId: string, actor: PersonDoc, data: unknown, auditAction: string) {
    const studentId = idOf(data, 'studentId');
    const student = studentId ? await this.s.people.byId(tenantId, studentId) : null;
    if (!student || !student.roles.includes('student') || !student.cohortId) {
      if (student) await this.audit(tenantId, actor, auditAction, student._id, {}, 'refused');
      return { ok: false as const, kind: 'not-found' as const, message: NO_SUCH_PERSON };
    }
    const found = await this.cohortFor(
      tenantId,
      actor,
      student.cohortId,
      'cohort.roster.manage',
      auditAction,
    );
    if (!found.ok) return found;
    return { ok: true as const, student, cohort: found.cohort };
  }

  async studentView(tenantId: string, actor: PersonDoc, data: unknown) {
    const found = await this.studentFor(tenantId, actor, data, 'workspace.student.view');
    if (!found.ok) return found;
    const supervisorIds = await this.s.supervisions.supervisorIdsOf(tenantId, found.student._id);
    const supervisors = await this.s.people.byIds(tenantId, supervisorIds);
    const others = (await this.manageableCohorts(tenantId, actor)).filter((c) => c._id !== found.cohort._id);
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
    const found = await this.studentFor(tenantId, actor, data, 'workspace.student.supervisors');
    if (!found.ok) return found;
    const parsed = parseSupervisorList(data);
    if (!parsed.ok) return invalid(parsed.errors);
    const sups = await this.supervisorsByEmail(tenantId, parsed.value);
    if (sups.error) return invalid({ supervisorEmails: sups.error });
    if (parsed.value.includes(found.student.email))
      return invalid({ supervisorEmails: 'A student cannot supervise themselves' });
    const now = this.now();
    const removed = await this.s.supervisions.unlinkAllExcept(tenantId, found.student._id, sups.ids);
    let added = 0;
    for (const id of sups.ids)
      if (await this.s.supervisions.link(tenantId, found.student._id, id, now)) added++;
    if (added + removed > 0)
      await this.audit(tenantId, actor, 'workspace.student.supervisors', found.student._id, {
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
    const found = await this.studentFor(tenantId, actor, data, 'workspace.student.move');
    if (!found.ok) return found;
    const toId = idOf(data, 'toCohortId');
    if (!toId) return invalid({ toCohortId: 'Choose the cohort to move them to' });
    if (toId === found.cohort._id)
      return invalid({ toCohortId: 'They are on this cohort already; choose another' });
    const to = await this.s.cohorts.byId(tenantId, toId);
    if (!to || !can(actor, 'cohort.roster.manage', { cohortId: to._id })) {
      await this.audit(tenantId, actor, 'workspace.student.move', found.student._id, {}, 'refused');
      return invalid({ toCohortId: 'Choose one of the cohorts you lead' });
    }
    const now = this.now();
    const moved = (await this.s.people.setStudentCohort(tenantId, found.student._id, to._id, now))!;
    await this.audit(tenantId, actor, 'workspace.student.move', moved._id, {
      from: found.cohort._id,
      to: to._id,
    });
    await this.s.checkins.planOne(to, now);
    return { ok: true, value: moved, notice: `${moved.displayName} is now on ${to.name}.` };
  }

  /**
   * Takes a student off the cohort: no more prompts, their supervisors no longer see them.
   * Their own records stay (they can still export them); erasure is a separate request.
   */
  async removeStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    const found = await this.studentFor(tenantId, actor, data, 'workspace.student.remove');
    if (!found.ok) return found;
    const now = this.now();
    const removed = (await this.s.people.setStudentCohort(tenantId, found.student._id, null, now))!;
    const links = await this.s.supervisions.unlinkAllExcept(tenantId, found.student._id, []);
    await this.audit(tenantId, actor, 'workspace.student.remove', removed._id, {
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
    return this.studentFor(tenantId, actor, data, 'workspace.student.pause');
  }

  // ------------------------------------------------------------------------------- AHP hosts

  /** Adds (or updates) an AHP host in the directory, so students can book conversations. */
  async addHost(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<{ hostId: string }>> {
    if (!can(actor, 'directory.host.add')) {
      await this.audit(tenantId, actor, 'workspace.host.add', null, {}, 'refused');
      return forbidden(NOT_A_LEAD);
    }
    const parsed = parseHostForm(data);
    if (!parsed.ok) return invalid(parsed.errors);
    const h = parsed.value;
    const existing = await this.s.people.byEmail(tenantId, h.email);
    if (existing?.roles.includes('student'))
      return invalid({ email: 'This address belongs to a student; an AHP host needs their own address' });
    const now = this.now();
    const person = await this.s.people.addRoleByEmail(
      tenantId,
      h.email,
      'ahp-host',
      { displayName: h.displayName, profession: h.profession },
      now,
    );
    const outcome = await this.hosts.upsertByEmail(
      tenantId,
      {
        email: h.email,
        displayName: h.displayName,
        profession: h.profession,
        roleType: h.roleType,
        bio: h.bio,
        location: h.location,
        weeklyCap: h.weeklyCap,
        personId: person.id,
      },
      now,
    );
    const host = (await this.hosts.byEmail(tenantId, h.email))!;
    if (outcome !== 'unchanged')
      await this.audit(tenantId, actor, 'workspace.host.add', host._id, { outcome });
    return {
      ok: true,
      value: { hostId: host._id },
      notice: `${h.displayName} is in the AHP directory: students can book 20-minute conversations with them once they publish slots.`,
    };
  }
}

/** The cohort's stored settings as the edit form's values. */
export function cohortFormValues(c: CohortDoc): Record<string, string> {
  const s = checkinSettings(c);
  return {
    cohortId: c._id,
    name: c.name,
    startDate: c.startDate,
    weeks: String(c.weeks),
    endDate: '',
    clinicalDays: c.clinicalDays.join(','),
    leadershipDays: c.leadershipDays.join(','),
    supervisionDay: c.supervision?.weekday ?? 'none',
    supervisionTime: c.supervision?.time ?? '',
    timeZone: c.timeZone,
    promptTime: s.promptTime,
    reminderHours: String(s.reminderHoursBeforeDue),
    digestHours: String(s.digestHoursBeforeSupervision),
    alertWellbeing: String(safeguardingSettings(c).alertWellbeingAtOrBelow),
    alertLead: String(safeguardingSettings(c).alertLead),
  };
}

function changedFields(stored: CohortDoc, next: CohortSettings): string[] {
  const current: CohortSettings = {
    name: stored.name,
    startDate: stored.startDate,
    weeks: stored.weeks,
    clinicalDays: stored.clinicalDays,
    leadershipDays: stored.leadershipDays,
    supervision: stored.supervision,
    timeZone: stored.timeZone,
    checkins: { ...checkinSettings(stored) },
    safeguarding: safeguardingSettings(stored),
  };
  return (Object.keys(next) as (keyof CohortSettings)[]).filter(
    (k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]),
  );
}

export type { CohortCalendar };
