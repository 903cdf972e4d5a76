/**
 * The workspace in the lead's personal chat: turns the service's outcomes into cards (the
 * cohort list, the cohort page, the forms re-shown with one message per field). No Teams
 * types: callers pass the tenant, the person and the card's data; answers are cards or text.
 */
import { randomUUID } from 'node:crypto';
import type { AdaptiveCard } from '../../cards/cards.js';
import { placementDatesText } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { LeadWorkspaceService } from './lead-workspace-service.js';
import type { Outcome, WorkspaceDeps } from './workspace-context.js';
import { COHORT_FORM_KEYS } from './cohort-form-input.js';
import { HOST_FORM_KEYS, PERSON_FORM_KEYS } from './people-form-input.js';
import { errorSummary, rawValues, type FieldErrors } from './workspace-input.js';

type Answer = AdaptiveCard | string;

/** Students listed by name on the cohort card; beyond this a count (the Manage page lists all). */
const SHOWN_STUDENTS = 25;
/** A choice list of students up to this many; beyond it the lead types the student's email. */
const STUDENT_CHOICES = 100;

const blank = (keys: readonly string[], errors: FieldErrors = {}) =>
  Object.fromEntries(keys.map((k) => [k, errors[k] ?? '']));

/** Input.Number values must be numbers (a string renders an empty box); blank or junk: none. */
function withNumbers(values: Record<string, string>, keys: string[]): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = { ...values };
  for (const k of keys) out[k] = /^\s*\d{1,4}\s*$/.test(values[k] ?? '') ? Number(values[k]) : null;
  return out;
}

export const str = (data: unknown, key: string) =>
  data && typeof data === 'object' && typeof (data as Record<string, unknown>)[key] === 'string'
    ? ((data as Record<string, unknown>)[key] as string)
    : '';

export class WorkspaceChat {
  constructor(
    private readonly services: Pick<
      WorkspaceDeps,
      'cards' | 'cohorts' | 'people' | 'checkins' | 'config' | 'clock' | 'supportCounts'
    >,
    private readonly workspace: LeadWorkspaceService,
  ) {}

  private get cards() {
    return this.services.cards;
  }

  private refusal(outcome: { kind: string; message?: string }): string {
    return outcome.message ?? 'That could not be done.';
  }

  /** `manage cohorts`: the cohorts the lead manages, and "Set up a new cohort". */
  async cohorts(tenantId: string, actor: PersonDoc, notice = ''): Promise<Answer> {
    if (!this.workspace.isLead(actor)) return this.refusal({ kind: 'forbidden', message: NOT_A_LEAD_TEXT });
    const cohorts = await this.workspace.manageableCohorts(tenantId, actor);
    const rows = [];
    for (const c of cohorts) {
      const members = await this.services.people.inCohort(tenantId, c._id, 'student');
      rows.push({
        id: c._id,
        name: c.name,
        datesText: placementDatesText(c),
        studentsText: members.length
          ? `${members.length} student${members.length === 1 ? '' : 's'}`
          : 'No students yet',
      });
    }
    return this.cards.render('workspace-cohorts', {
      notice,
      cohorts: rows,
      supportText: await this.supportAnswersText(tenantId),
    });
  }

  /**
   * How often the kind answer to distress was shown in the organisation over the last three
   * calendar months: counts only, and under the minimum group size no number at all.
   */
  private async supportAnswersText(tenantId: string): Promise<string> {
    const rows = await this.services.supportCounts.shownPerMonth(tenantId);
    const now = this.services.clock.now();
    const min = this.services.config.MIN_GROUP_SIZE;
    const months = [0, 1, 2].map(
      (back) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)),
    );
    return months
      .map((m) => {
        const key = m.toISOString().slice(0, 7);
        const count = rows.find((r) => r.month === key)?.count ?? null;
        const label = m.toLocaleDateString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
        return `${label}: ${count === null ? `fewer than ${min}` : `shown ${count} times`}`;
      })
      .join(' · ');
  }

  /** `manage <cohort name>`: that cohort's page, if the lead manages it. */
  async cohortByName(tenantId: string, actor: PersonDoc, name: string): Promise<Answer> {
    const wanted = name.trim().toLowerCase();
    const cohorts = await this.workspace.manageableCohorts(tenantId, actor);
    const match =
      cohorts.find((c) => c.name.toLowerCase() === wanted) ??
      cohorts.filter((c) => c.name.toLowerCase().includes(wanted))[0];
    if (!match) {
      if (!this.workspace.isLead(actor)) return NOT_A_LEAD_TEXT;
      return cohorts.length
        ? `You do not lead a cohort called "${name.slice(0, 80)}". Type **manage cohorts** to see yours.`
        : 'You have no cohorts yet. Type **manage cohorts** to set one up.';
    }
    return this.cohort(tenantId, actor, match._id);
  }

  async cohort(
    tenantId: string,
    actor: PersonDoc,
    cohortId: string | null,
    extra: { notice?: string; dateError?: string; dateValue?: string; studentError?: string } = {},
  ): Promise<Answer> {
    const view = await this.workspace.view(tenantId, actor, cohortId);
    if (!view.ok) return this.refusal(view);
    const v = view.value;
    const shown = v.students.slice(0, SHOWN_STUDENTS);
    return this.cards.render('workspace-cohort', {
      id: v.id,
      name: v.name,
      notice: extra.notice ?? '',
      datesText: v.datesText,
      clinicalText: v.clinicalText,
      leadershipText: v.leadershipText,
      supervisionText: v.supervisionText,
      timeZone: v.timeZone,
      checkinText: v.checkinText,
      nonPlacement: v.nonPlacement,
      dateValue: extra.dateValue ?? '',
      dateError: extra.dateError ?? '',
      studentCount: v.studentCount,
      shownStudents: shown.map((s) => ({ name: s.name, supervisorsText: s.supervisorsText })),
      moreText:
        v.studentCount > shown.length
          ? `and ${v.studentCount - shown.length} more (the Manage page of the cohort dashboard lists everyone).`
          : '',
      studentChoices:
        v.studentCount <= STUDENT_CHOICES
          ? v.students.map((s) => ({ title: `${s.name} (${s.email})`, value: s.id }))
          : [],
      studentError: extra.studentError ?? '',
      supervisorsText: v.supervisors.map((s) => s.name).join(', ') || 'none yet',
    });
  }

  // ------------------------------------------------------------------------------ cohort form

  async cohortForm(
    tenantId: string,
    actor: PersonDoc,
    data: unknown,
    errors: FieldErrors = {},
  ): Promise<Answer> {
    const cohortId = str(data, 'cohortId');
    let values: Record<string, string>;
    let cohort: CohortDoc | null = null;
    if (cohortId) {
      const view = await this.workspace.view(tenantId, actor, cohortId);
      if (!view.ok) return this.refusal(view);
      values = view.value.form;
      cohort = await this.services.cohorts.byId(tenantId, cohortId);
    } else {
      if (!this.workspace.isLead(actor)) return NOT_A_LEAD_TEXT;
      values = {
        cohortId: '',
        name: '',
        startDate: '',
        weeks: '6',
        endDate: '',
        clinicalDays: 'Mon,Tue',
        leadershipDays: 'Wed,Thu,Fri',
        supervisionDay: 'Thu',
        supervisionTime: '14:00',
        timeZone: 'Europe/London',
        promptTime: '09:00',
        reminderHours: '24',
        digestHours: '2',
        alertWellbeing: '2',
        alertLead: 'false',
      };
    }
    // Re-shown after a refused submit: what the lead typed.
    if (Object.keys(errors).length > 0)
      values = { ...values, ...rawValues(data, COHORT_FORM_KEYS), cohortId };
    return this.cards.render('workspace-cohort-form', {
      heading: cohort ? `Edit ${cohort.name}` : 'Set up a new cohort',
      intro:
        "Dates are in the cohort's time zone. Bank holidays (England and Wales) are never placement days; add study days on the cohort's page.",
      summary: errorSummary(errors),
      saveTitle: cohort ? 'Save changes' : 'Create cohort',
      requestId: str(data, 'requestId') || randomUUID(),
      values: withNumbers(values, ['weeks', 'reminderHours', 'digestHours', 'alertWellbeing']),
      err: blank(COHORT_FORM_KEYS, errors),
    });
  }

  async saveCohort(tenantId: string, actor: PersonDoc, data: unknown): Promise<Answer> {
    const outcome = await this.workspace.saveCohort(tenantId, actor, data);
    if (!outcome.ok) {
      if (outcome.kind === 'invalid') return this.cohortForm(tenantId, actor, data, outcome.errors);
      return this.refusal(outcome);
    }
    return this.cohort(tenantId, actor, outcome.value._id, { notice: outcome.notice });
  }

  async addDay(tenantId: string, actor: PersonDoc, data: unknown): Promise<Answer> {
    return this.dayAnswer(
      tenantId,
      actor,
      data,
      await this.workspace.addNonPlacementDay(tenantId, actor, data),
    );
  }

  async removeDay(tenantId: string, actor: PersonDoc, data: unknown): Promise<Answer> {
    return this.dayAnswer(
      tenantId,
      actor,
      data,
      await this.workspace.removeNonPlacementDay(tenantId, actor, data),
    );
  }

  private dayAnswer(tenantId: string, actor: PersonDoc, data: unknown, outcome: Outcome<CohortDoc>) {
    if (outcome.ok) return this.cohort(tenantId, actor, outcome.value._id, { notice: outcome.notice });
    if (outcome.kind !== 'invalid') return this.refusal(outcome);
    return this.cohort(tenantId, actor, str(data, 'cohortId'), {
      dateError: Object.values(outcome.errors)[0] ?? '',
      dateValue: str(data, 'date'),
    });
  }

  // ----------------------------------------------------------------------------------- people

  async personForm(
    tenantId: string,
    actor: PersonDoc,
    mode: 'student' | 'supervisor',
    data: unknown,
    errors: FieldErrors = {},
  ): Promise<Answer> {
    const cohortId = str(data, 'cohortId');
    const view = await this.workspace.view(tenantId, actor, cohortId);
    if (!view.ok) return this.refusal(view);
    return this.cards.render('workspace-person-form', {
      heading:
        mode === 'student' ? `Add a student to ${view.value.name}` : `Add a supervisor to ${view.value.name}`,
      intro:
        mode === 'student'
          ? 'They get check-in prompts from their first placement day. Their supervisors must be on the roster already (add them first).'
          : "Supervisors get a summary of their students' check-ins before each supervision.",
      summary: errorSummary(errors),
      saveTitle: mode === 'student' ? 'Add student' : 'Add supervisor',
      verb: mode === 'student' ? 'workspace.student.add' : 'workspace.supervisor.add',
      mode,
      cohortId,
      values: Object.keys(errors).length ? rawValues(data, PERSON_FORM_KEYS) : blank(PERSON_FORM_KEYS),
      err: blank(PERSON_FORM_KEYS, errors),
    });
  }

  async addPerson(
    tenantId: string,
    actor: PersonDoc,
    mode: 'student' | 'supervisor',
    data: unknown,
  ): Promise<Answer> {
    const outcome =
      mode === 'student'
        ? await this.workspace.addStudent(tenantId, actor, data)
        : await this.workspace.addSupervisor(tenantId, actor, data);
    if (!outcome.ok) {
      if (outcome.kind === 'invalid') return this.personForm(tenantId, actor, mode, data, outcome.errors);
      return this.refusal(outcome);
    }
    return this.cohort(tenantId, actor, str(data, 'cohortId'), { notice: outcome.notice });
  }

  /** The student picked on the cohort card (from the list, or by email on a large cohort). */
  async openStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Answer> {
    let studentId = str(data, 'studentId');
    const email = str(data, 'studentEmail').trim();
    if (!studentId && email) studentId = (await this.services.people.byEmail(tenantId, email))?._id ?? '';
    if (!studentId)
      return this.cohort(tenantId, actor, str(data, 'cohortId'), {
        studentError: email ? 'Nobody with that email address is on this cohort' : 'Choose a student first',
      });
    return this.student(tenantId, actor, { studentId });
  }

  async student(
    tenantId: string,
    actor: PersonDoc,
    data: unknown,
    notice = '',
    errors: FieldErrors = {},
  ): Promise<Answer> {
    const found = await this.workspace.studentView(tenantId, actor, data);
    if (!found.ok) return this.refusal(found);
    const { student, cohort, supervisorEmails, supervisorNames, moveTo } = found.value;
    return this.cards.render('workspace-student', {
      name: student.displayName,
      firstName: student.displayName.split(' ')[0],
      notice,
      cohortName: cohort.name,
      cohortId: cohort._id,
      studentId: student._id,
      email: student.email,
      profession: student.profession,
      supervisorsText: supervisorNames.join(', ') || 'none yet',
      supervisorEmails: errors.supervisorEmails ? str(data, 'supervisorEmails') : supervisorEmails.join(', '),
      moveTo,
      moveToFirst: str(data, 'toCohortId') || moveTo[0]?.value || '',
      err: blank(['supervisorEmails', 'toCohortId'], errors),
    });
  }

  async studentChange(
    tenantId: string,
    actor: PersonDoc,
    data: unknown,
    change: 'supervisors' | 'move' | 'remove',
  ): Promise<Answer> {
    const outcome =
      change === 'supervisors'
        ? await this.workspace.setSupervisors(tenantId, actor, data)
        : change === 'move'
          ? await this.workspace.moveStudent(tenantId, actor, data)
          : await this.workspace.removeStudent(tenantId, actor, data);
    if (!outcome.ok) {
      if (outcome.kind === 'invalid') return this.student(tenantId, actor, data, '', outcome.errors);
      return this.refusal(outcome);
    }
    if (change === 'supervisors') return this.student(tenantId, actor, data, outcome.notice);
    return this.cohort(tenantId, actor, str(data, 'cohortId'), { notice: outcome.notice });
  }

  /** "Pause check-ins" on a student: the check-ins feature's pause card, with the student chosen. */
  async pause(tenantId: string, actor: PersonDoc, data: unknown): Promise<Answer> {
    const found = await this.workspace.pausable(tenantId, actor, data);
    if (!found.ok) return this.refusal(found);
    return this.services.checkins.pauseCard(tenantId, actor, '', { studentId: found.student._id });
  }

  // -------------------------------------------------------------------------------- AHP hosts

  async hostForm(
    tenantId: string,
    actor: PersonDoc,
    data: unknown,
    errors: FieldErrors = {},
  ): Promise<Answer> {
    if (!this.workspace.isLead(actor)) return NOT_A_LEAD_TEXT;
    const cohortId = str(data, 'cohortId');
    return this.cards.render('workspace-host-form', {
      heading: 'Add an AHP host',
      intro:
        'Students of every cohort can book 20-minute conversations with AHP hosts. The host publishes their own slots (they type "my slots").',
      summary: errorSummary(errors),
      cohortId,
      backVerb: cohortId ? 'workspace.cohort.open' : 'workspace.cohorts',
      values: withNumbers(
        Object.keys(errors).length
          ? rawValues(data, HOST_FORM_KEYS)
          : { ...blank(HOST_FORM_KEYS), weeklyCap: '5', location: 'online' },
        ['weeklyCap'],
      ),
      err: blank(HOST_FORM_KEYS, errors),
    });
  }

  async addHost(tenantId: string, actor: PersonDoc, data: unknown): Promise<Answer> {
    const outcome = await this.workspace.addHost(tenantId, actor, data);
    if (!outcome.ok) {
      if (outcome.kind === 'invalid') return this.hostForm(tenantId, actor, data, outcome.errors);
      return this.refusal(outcome);
    }
    const cohortId = str(data, 'cohortId');
    if (cohortId) return this.cohort(tenantId, actor, cohortId, { notice: outcome.notice });
    return this.cohorts(tenantId, actor, outcome.notice);
  }
}

export const NOT_A_LEAD_TEXT =
  'Managing cohorts is for placement leads. If you run a placement, ask an administrator to give you the lead role.';
