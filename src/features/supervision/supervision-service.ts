/**
 * Supervision sessions with agreed actions, their follow-up, escalation and the supervisor's
 * on-demand view.
 *
 * - A supervisor records a session ONCE for one student or a group (attendees: a list of
 *   students, plus an optional project id for a project team): date, length, kind, notes the
 *   attendees see, and up to four agreed actions, each with an owner (an attendee or the
 *   supervisor) and a due date. Each attendee gets the notes and their own actions.
 * - Open actions appear on the owner's next check-in card (students) or in the supervisor's
 *   next summary, with Done / Not yet / Carry over; what was done shows in the next summary.
 * - Escalation (an hourly job on the shared scheduler): two missed check-ins in a row, or
 *   wellbeing ≤ 2 two check-ins running, sends the cohort's lead one card per student and
 *   episode; the supervisor's summary marks the student while the episode lasts.
 * - `my students`: each supervisee with this week's check-in, open actions and shared
 *   reflections, with buttons to open them, record supervision and export a journey.
 *
 * No Teams types here; proactive messages only through the outbox.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Target } from '../../domain/authorization.js';
import { labelOf, REFLECTION_TOPICS } from '../../domain/catalogues.js';
import {
  addDays,
  formatDate,
  localDateOf,
  placementWeekOfDate,
  supervisionDate,
} from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY, isoDate, safeText } from '../../domain/validation.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CoreServices } from '../../services.js';
import { Claims } from '../../storage/claims.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CheckinService } from '../checkins/checkin-service.js';
import type { ProjectService } from '../projects/project-service.js';
import type { CardAction, CheckinFollowUps, DigestFollowUps } from '../checkins/follow-ups.js';
import type { ReflectionService } from '../reflections/reflection-service.js';
import {
  actionKeys,
  MAX_ACTION_TEXT,
  MAX_ACTIONS,
  MAX_NOTES,
  OWNER_ME,
  parseSessionSubmit,
  typedSessionValues,
  type ParsedSession,
} from './session-input.js';
import {
  ACTION_UPDATES,
  actionId,
  SupervisionRepository,
  type OpenActionItem,
  type SupervisionActionDoc,
} from './supervision-repository.js';
import { EscalationActions, escalationLine, handlerNames } from './escalation-actions.js';
import { Escalations } from './escalations.js';
import { ActionComments } from './action-comments.js';

type Answer = AdaptiveCard | string;

export type SupervisionDeps = Pick<
  CoreServices,
  'db' | 'clock' | 'cards' | 'people' | 'cohorts' | 'supervisions' | 'audit' | 'outbox'
> & { checkins: CheckinService; reflections: ReflectionService; projects: ProjectService };

export const NOT_A_SUPERVISOR =
  'Supervision records are kept by supervisors, for the students they supervise.';
export const ACTION_REFUSED =
  'You can only update actions you agreed to, or that a student you supervise agreed to.';
const KIND_LABEL = { individual: 'individual', group: 'group', project: 'project' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

const hasRole = (p: PersonDoc, role: PersonDoc['roles'][number]) => p.roles.includes(role);
const firstName = (name: string) => name.split(' ')[0] ?? name;

/** "Asha", "Asha and Ben", "Asha, Ben and Cara". */
export function nameList(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const ActionUpdateInput = z.object({
  actionId: safeText(300, { min: 1 }),
  update: z.enum(ACTION_UPDATES),
  due: isoDate.optional(),
  from: z.enum(['checkin', 'digest', 'students', 'notes']).default('checkin'),
  week: z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z.number().int().min(1).max(52).optional(),
  ),
});

export class SupervisionService implements CheckinFollowUps {
  readonly repo: SupervisionRepository;
  private readonly claims: Claims;
  /** The hourly escalation job (escalations.ts). */
  readonly escalations: Escalations;
  /** The lead's actions on an escalation card (escalation-actions.ts). */
  readonly escalationActions: EscalationActions;
  /** A student's comment on an agreed action, from the notes card (action-comments.ts). */
  readonly actionComments: ActionComments;

  constructor(private readonly s: SupervisionDeps) {
    this.repo = new SupervisionRepository(s.db);
    this.claims = new Claims(s.db);
    this.escalations = new Escalations(s, this.repo);
    this.escalationActions = new EscalationActions(s, this.repo);
    this.actionComments = new ActionComments(s, this.repo);
  }

  /** The hourly job (kept for callers of the service). */
  runEscalations(now: Date): Promise<number> {
    return this.escalations.run(now);
  }

  private now() {
    return this.s.clock.now();
  }

  private zone(person: PersonDoc, cohort?: CohortDoc | null) {
    return person.timeZone ?? cohort?.timeZone ?? 'Europe/London';
  }

  /** What an action on one student is about, for the policy. */
  private async studentTarget(tenantId: string, student: PersonDoc): Promise<Target> {
    return {
      studentId: student._id,
      supervisorIds: await this.s.supervisions.supervisorIdsOf(tenantId, student._id),
      cohortId: student.cohortId,
    };
  }

  /** The students the viewer may record supervision with (their supervisees), by name. */
  private async supervisees(tenantId: string, viewer: PersonDoc): Promise<PersonDoc[]> {
    if (!hasRole(viewer, 'supervisor')) return [];
    const ids = await this.s.supervisions.studentIdsOf(tenantId, viewer._id);
    const people = ids.length ? await this.s.people.byIds(tenantId, ids) : [];
    // The viewer's own links stand in for each student's supervisors (the rule only asks
    // whether the viewer is among them).
    return people
      .filter(
        (p) =>
          hasRole(p, 'student') &&
          can(viewer, 'supervision.session.record', {
            studentId: p._id,
            supervisorIds: [viewer._id],
            cohortId: p.cohortId,
          }),
      )
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  // -------------------------------------------------------------------------------------
  // Recording a session
  // -------------------------------------------------------------------------------------

  /** `record supervision` (and the summary's / my students' button): the session card. */
  async sessionCard(
    tenantId: string,
    viewer: PersonDoc,
    options: {
      studentIds?: string[];
      week?: number;
      values?: Record<string, string>;
      errors?: Record<string, string>;
      requestId?: string;
    } = {},
  ): Promise<Answer> {
    const students = await this.supervisees(tenantId, viewer);
    const projects = hasRole(viewer, 'supervisor') ? await this.projectTeamsOf(viewer) : [];
    if (students.length === 0 && projects.length === 0)
      return hasRole(viewer, 'supervisor')
        ? 'No students are linked to you yet, so there is no supervision to record. Your placement lead links students to supervisors.'
        : NOT_A_SUPERVISOR;
    const cohorts = await this.cohortsOf(tenantId, students);
    const today = localDateOf(this.now(), this.zone(viewer, cohorts.values().next().value));
    const preset = (options.studentIds ?? []).filter((id) => students.some((s) => s._id === id));
    let date = today;
    const firstCohort = preset.length
      ? cohorts.get(students.find((s) => s._id === preset[0])!.cohortId ?? '')
      : undefined;
    if (firstCohort && options.week) {
      const slot = supervisionDate(firstCohort, options.week);
      if (slot && slot <= today) date = slot;
    }
    const values: Record<string, string> = {
      attendees: preset.join(','),
      projectId: '',
      date,
      minutes: '60',
      kind: preset.length > 1 ? 'group' : 'individual',
      notes: '',
      ...Object.fromEntries(
        Array.from({ length: MAX_ACTIONS }, (_, i) => Object.values(actionKeys(i + 1)))
          .flat()
          .map((k) => [k, '']),
      ),
      ...(options.values ?? {}),
    };
    const errors = options.errors ?? {};
    const label = (s: PersonDoc) =>
      `${s.displayName}${s.cohortId && cohorts.get(s.cohortId) ? ` (${cohorts.get(s.cohortId)!.name})` : ''}`;
    const choices = students.map((s) => ({ title: label(s), value: s._id }));
    // Students of the viewer's project teams can own an action from a project session too.
    const teamIds = new Set<string>();
    for (const p of projects)
      for (const id of (await this.s.projects.membersOf(tenantId, p.projectId))?.studentIds ?? [])
        if (!students.some((s) => s._id === id)) teamIds.add(id);
    const teamStudents = teamIds.size ? await this.s.people.byIds(tenantId, [...teamIds]) : [];
    const ownerChoices = [
      ...choices,
      ...teamStudents
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((s) => ({ title: `${s.displayName} (project team)`, value: s._id })),
    ];
    return this.s.cards.render('supervision-session', {
      requestId: options.requestId ?? randomUUID(),
      formError: errors[FORM_ERROR_KEY] ?? '',
      values,
      // Input.Number binds a number (a string renders an empty box).
      minutes: /^\d{1,3}$/.test(values.minutes ?? '') ? Number(values.minutes) : 60,
      errors: Object.fromEntries(Object.keys(values).map((k) => [k, errors[k] ?? ''])),
      students: choices,
      projects: projects.map((p) => ({ title: `${p.title} (${p.clinicalTeam})`, value: p.projectId })),
      owners: [{ title: 'Me (supervisor)', value: OWNER_ME }, ...ownerChoices],
      maxNotes: MAX_NOTES,
      maxActionText: MAX_ACTION_TEXT,
      actions: Array.from({ length: MAX_ACTIONS }, (_, i) => {
        const k = actionKeys(i + 1);
        return {
          n: i + 1,
          textId: k.text,
          ownerId: k.owner,
          dueId: k.due,
          text: values[k.text] ?? '',
          owner: values[k.owner] ?? '',
          due: values[k.due] ?? '',
          textError: errors[k.text] ?? '',
          ownerError: errors[k.owner] ?? '',
          dueError: errors[k.due] ?? '',
        };
      }),
    });
  }

  /** The project teams the viewer supervises (src/features/projects). */
  private async projectTeamsOf(viewer: PersonDoc) {
    return (await this.s.projects.projectsOf(viewer)).filter((p) => p.role === 'supervisor');
  }

  private async cohortsOf(tenantId: string, people: PersonDoc[]): Promise<Map<string, CohortDoc>> {
    const ids = [...new Set(people.map((p) => p.cohortId).filter((c): c is string => !!c))];
    const map = new Map<string, CohortDoc>();
    for (const id of ids) {
      const c = await this.s.cohorts.byId(tenantId, id);
      if (c) map.set(id, c);
    }
    return map;
  }

  /**
   * Records the session. Every field is checked first; a refusal or a bad field writes
   * nothing. The session id comes from the card's request id, so a retried or double-clicked
   * submit lands on the same records (and never reopens an action already marked done).
   */
  async recordSession(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    const now = this.now();
    const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const requestId = safeText(100, { min: 1 }).safeParse(d.requestId);
    if (!hasRole(viewer, 'supervisor')) {
      await this.refuse(tenantId, viewer, 'supervision.session.record', null);
      return NOT_A_SUPERVISOR;
    }
    const again = (errors: Record<string, string>) =>
      this.sessionCard(tenantId, viewer, {
        values: typedSessionValues(data),
        errors: {
          [FORM_ERROR_KEY]: 'Please check the highlighted fields; nothing was saved yet.',
          ...errors,
        },
        requestId: requestId.success ? requestId.data : undefined,
      });
    if (!requestId.success)
      return again({
        [FORM_ERROR_KEY]: 'This form is out of date: please fill in a new one (type record supervision).',
      });
    const today = localDateOf(now, this.zone(viewer));
    // A project team: its students attend; the viewer must be one of its supervisors.
    let team: { studentIds: string[]; supervisorIds: string[] } | null = null;
    const projectId = safeText(200).safeParse(d.projectId ?? '');
    if (!projectId.success) return again({ projectId: 'Choose one of your project teams' });
    if (projectId.data) {
      const members = await this.s.projects.membersOf(tenantId, projectId.data);
      if (!members || !members.supervisorIds.includes(viewer._id)) {
        await this.refuse(tenantId, viewer, 'supervision.session.record', null);
        return again({ projectId: 'Choose one of your project teams' });
      }
      team = { studentIds: members.studentIds, supervisorIds: members.supervisorIds };
    }
    const parsed = parseSessionSubmit(data, today, team?.studentIds ?? []);
    if (!parsed.ok) return again(parsed.errors);
    const session = parsed.session;

    // Every attendee must be a student the viewer supervises (tampered ids are refused).
    const attendees = await this.s.people.byIds(tenantId, session.attendeeIds);
    const byId = new Map(attendees.map((a) => [a._id, a]));
    for (const id of session.attendeeIds) {
      const student = byId.get(id);
      if (
        !student ||
        !hasRole(student, 'student') ||
        !can(viewer, 'supervision.session.record', {
          ...(await this.studentTarget(tenantId, student)),
          projectStudentIds: team?.studentIds ?? [],
          projectSupervisorIds: team?.supervisorIds ?? [],
        })
      ) {
        await this.refuse(tenantId, viewer, 'supervision.session.record', student?._id ?? null);
        return again({ attendees: 'You can only record supervision with students you supervise' });
      }
    }
    const ordered = session.attendeeIds.map((id) => byId.get(id)!);
    const cohorts = await this.cohortsOf(tenantId, ordered);
    const sessionId = createHash('sha256')
      .update(`${viewer._id}|${requestId.data}`)
      .digest('hex')
      .slice(0, 24);
    await this.write(tenantId, viewer, sessionId, session, ordered, cohorts, now);
    const names = ordered.map((s) => s.displayName);
    const actionLines = session.actions.map(
      (a) =>
        `${a.owner === OWNER_ME ? 'You' : byId.get(a.owner)!.displayName}: ${a.text} (by ${formatDate(a.dueDate)})`,
    );
    return this.s.cards.render('notice', {
      title: 'Supervision recorded',
      message:
        `Recorded ${KIND_LABEL[session.kind]} supervision with ${nameList(names)} on ${formatDate(session.date)} (${session.minutes} minutes).` +
        (actionLines.length
          ? ` Agreed actions: ${actionLines.join('; ')}. Open actions appear in each owner's next check-in and in your next summary.`
          : ' No actions were agreed.') +
        ` ${ordered.length === 1 ? `${firstName(names[0]!)} has` : 'Each student has'} been sent the notes.`,
    });
  }

  private async write(
    tenantId: string,
    viewer: PersonDoc,
    sessionId: string,
    session: ParsedSession,
    attendees: PersonDoc[],
    cohorts: Map<string, CohortDoc>,
    now: Date,
  ): Promise<void> {
    const weekOf = (student: PersonDoc) => {
      const cohort = student.cohortId ? cohorts.get(student.cohortId) : undefined;
      return cohort ? (placementWeekOfDate(cohort, session.date)?.week ?? 0) : 0;
    };
    await this.repo.saveAttendeeRecords(
      tenantId,
      attendees.map((st) => ({
        studentId: st._id,
        cohortId: st.cohortId ?? '',
        week: weekOf(st),
        date: session.date,
        minutes: session.minutes,
        kind: session.kind,
        recordedBy: viewer._id,
        attendeeCount: attendees.length,
        projectId: session.projectId,
        notes: session.notes,
      })),
      sessionId,
      now,
    );
    const actions: SupervisionActionDoc[] = session.actions.map((a, i) => {
      const student = a.owner === OWNER_ME ? null : attendees.find((s) => s._id === a.owner)!;
      return {
        _id: actionId(tenantId, sessionId, i + 1),
        tenantId,
        sessionId,
        ownerId: student ? student._id : viewer._id,
        supervisorId: viewer._id,
        studentId: student ? student._id : null,
        cohortId: (student ?? attendees[0]!).cohortId ?? '',
        text: a.text,
        dueDate: a.dueDate,
        sessionDate: session.date,
        status: 'open',
        carriedOver: 0,
        lastUpdateBy: null,
        lastUpdateAt: null,
        closedAt: null,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      };
    });
    for (const a of actions) {
      const { tenantId: _t, ...doc } = a;
      await this.repo.addAction(tenantId, doc, now);
    }
    const others = (st: PersonDoc) => attendees.filter((a) => a._id !== st._id).map((a) => a.displayName);
    const requests: EnqueueRequest[] = attendees.map((st) => {
      const mine = actions.filter((a) => a.ownerId === st._id);
      return {
        dedupeKey: `supervision.notes|${sessionId}|${st._id}`,
        purpose: 'supervision.notes',
        target: { kind: 'person', personId: st._id },
        activity: this.s.cards.activity(
          'supervision-notes',
          {
            title: `Notes from your ${KIND_LABEL[session.kind]} supervision on ${formatDate(session.date)}`,
            facts: [
              { title: 'Supervisor', value: viewer.displayName },
              { title: 'Length', value: `${session.minutes} minutes` },
              ...(others(st).length ? [{ title: 'With', value: nameList(others(st)) }] : []),
            ],
            notes: session.notes,
            actions: mine.map((a) => ({
              actionId: a._id,
              due: a.dueDate,
              text: a.text,
              dueText: `by ${formatDate(a.dueDate)}`,
            })),
            footer: mine.length
              ? 'Mark an action done here, or tell your supervisor how it is going; open ones also appear on your next check-in.'
              : '',
          },
          `Notes from supervision on ${formatDate(session.date)}`,
        ),
      };
    });
    await this.s.outbox.enqueue(tenantId, requests, now);
    await this.s.audit.record(
      tenantId,
      {
        actorId: viewer._id,
        action: 'supervision.session.record',
        targetId: sessionId,
        details: {
          kind: session.kind,
          minutes: session.minutes,
          attendees: attendees.length,
          actions: actions.length,
          projectId: session.projectId,
        },
      },
      now,
    );
  }

  private async refuse(tenantId: string, viewer: PersonDoc, action: string, targetId: string | null) {
    await this.s.audit.record(
      tenantId,
      { actorId: viewer._id, action, targetId, outcome: 'refused' },
      this.now(),
    );
  }

  // -------------------------------------------------------------------------------------
  // Agreed actions
  // -------------------------------------------------------------------------------------

  private cardAction(
    item: Pick<OpenActionItem, 'actionId' | 'text' | 'dueDate' | 'status'>,
    today: string,
  ): CardAction {
    const late = item.dueDate < today;
    return {
      actionId: item.actionId,
      text: item.text,
      due: item.dueDate,
      dueText: `${late ? 'Was due' : 'Due'} ${formatDate(item.dueDate)}`,
      statusText: item.status === 'not-yet' ? 'Not done yet' : '',
    };
  }

  /** The owner's open actions for their check-in card: one read by _id. */
  async openActions(tenantId: string, personId: string): Promise<CardAction[]> {
    const items = await this.repo.openOf(tenantId, personId);
    const today = localDateOf(this.now(), 'Europe/London');
    return items.map((i) => this.cardAction(i, today));
  }

  /** Done / Not yet / Carry over, from a check-in card, a summary or `my students`. */
  async updateAction(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    const parsed = ActionUpdateInput.safeParse(data ?? {});
    if (!parsed.success || (parsed.data.update === 'carry-over' && !parsed.data.due))
      return 'That action could not be updated: the card is out of date. Type **check in** for the current one.';
    const input = parsed.data;
    const action = await this.repo.actionById(tenantId, input.actionId);
    const target: Target = action
      ? {
          personId: action.ownerId,
          studentId: action.studentId ?? undefined,
          supervisorIds: action.studentId
            ? await this.s.supervisions.supervisorIdsOf(tenantId, action.studentId)
            : [],
          cohortId: action.cohortId,
        }
      : {};
    if (!action || !can(viewer, 'supervision.action.update', target)) {
      await this.refuse(tenantId, viewer, 'supervision.action.update', action?._id ?? null);
      return ACTION_REFUSED;
    }
    const now = this.now();
    let message: string;
    if (input.update === 'done') {
      await this.repo.update(tenantId, action, { status: 'done' }, viewer._id, now);
      message = `Marked done: ${action.text}.`;
    } else if (input.update === 'not-yet') {
      await this.repo.update(tenantId, action, { status: 'not-yet' }, viewer._id, now);
      message = `Noted, not done yet: ${action.text}.`;
    } else {
      // The due date shown on the card names the carry-over: a double click moves it once.
      const next = addDays(input.due!, 7);
      if (
        input.due === action.dueDate &&
        (await this.claims.take('supervision.action.carry', `${action._id}|${input.due}`))
      )
        await this.repo.update(
          tenantId,
          action,
          { status: 'open', dueDate: next, carried: true },
          viewer._id,
          now,
        );
      message = `Carried over to ${formatDate(action.dueDate === input.due ? next : action.dueDate)}: ${action.text}.`;
    }
    await this.s.audit.record(
      tenantId,
      {
        actorId: viewer._id,
        action: 'supervision.action.update',
        targetId: action._id,
        details: { update: input.update },
      },
      now,
    );
    // From a summary or `my students` the answer is a short message and the card stays as it
    // is (its Refresh button redraws `my students`); a student's check-in card redraws itself.
    if (input.from === 'checkin' && hasRole(viewer, 'student') && viewer._id === action.ownerId)
      return this.s.checkins.open(tenantId, viewer, input.week);
    return message;
  }

  /** Each student's actions and escalation mark, and each supervisor's own actions. */
  async digest(tenantId: string, cohortId: string, now: Date): Promise<DigestFollowUps> {
    const [actions, escalations] = await Promise.all([
      this.repo.ofCohort(tenantId, cohortId),
      this.repo.escalationsOfCohort(tenantId, cohortId),
    ]);
    const today = localDateOf(now, 'Europe/London');
    const weekAgo = now.getTime() - 7 * DAY_MS;
    const students = new Map<string, { actions: string[]; escalationText: string }>();
    const entry = (id: string) => {
      let e = students.get(id);
      if (!e) students.set(id, (e = { actions: [], escalationText: '' }));
      return e;
    };
    const sorted = [...actions].sort(
      (a, b) => a.dueDate.localeCompare(b.dueDate) || a._id.localeCompare(b._id),
    );
    const supervisors = new Map<string, CardAction[]>();
    for (const a of sorted) {
      if (a.studentId) {
        if (a.status === 'done') {
          if (a.closedAt && new Date(a.closedAt).getTime() >= weekAgo)
            entry(a.studentId).actions.push(`Done ✓ ${a.text}`);
        } else {
          const late = a.dueDate < today;
          entry(a.studentId).actions.push(
            `${a.status === 'not-yet' ? 'Not done yet' : late ? 'Overdue' : 'Open'}: ${a.text} (${late ? 'was due' : 'due'} ${formatDate(a.dueDate)})`,
          );
        }
      } else if (a.status !== 'done') {
        supervisors.set(a.supervisorId, [
          ...(supervisors.get(a.supervisorId) ?? []),
          this.cardAction({ actionId: a._id, text: a.text, dueDate: a.dueDate, status: a.status }, today),
        ]);
      }
    }
    const handlers = await handlerNames(this.s, tenantId, escalations);
    for (const e of escalations) {
      if (e.endedAt) continue;
      entry(e.studentId).escalationText = escalationLine(e, handlers, 'Europe/London');
    }
    return { students, supervisors };
  }

  // -------------------------------------------------------------------------------------
  // `my students`
  // -------------------------------------------------------------------------------------

  /** Per student, the escalation going on (and who handled it), as one line. */
  private async openEscalationLines(tenantId: string, students: PersonDoc[], zone: string) {
    const open = [];
    for (const cohortId of new Set(students.map((s) => s.cohortId).filter((c): c is string => !!c)))
      for (const e of await this.repo.escalationsOfCohort(tenantId, cohortId)) if (!e.endedAt) open.push(e);
    const names = await handlerNames(this.s, tenantId, open);
    return new Map(open.map((e) => [e.studentId, escalationLine(e, names, zone)]));
  }

  async myStudents(tenantId: string, viewer: PersonDoc, notice = ''): Promise<Answer> {
    if (!can(viewer, 'supervision.students.view', { personId: viewer._id })) {
      await this.refuse(tenantId, viewer, 'supervision.students.view', null);
      return 'This list is for supervisors: it shows the students you supervise.';
    }
    const students = await this.supervisees(tenantId, viewer);
    const now = this.now();
    if (students.length === 0)
      return 'No students are linked to you yet. Your placement lead links students to supervisors.';
    const shared = await this.s.reflections.repo.sharedBy(
      tenantId,
      students.map((s) => s._id),
    );
    const escalations = await this.openEscalationLines(tenantId, students, this.zone(viewer));
    const today = localDateOf(now, this.zone(viewer));
    const rows = [];
    for (const st of students) {
      const [state, open] = await Promise.all([
        this.s.checkins.weekStateOf(tenantId, st, now),
        this.repo.openOf(tenantId, st._id),
      ]);
      const theirs = shared.filter((r) => r.personId === st._id);
      rows.push({
        studentId: st._id,
        name: st.displayName,
        subtitle: [state?.cohort.name, state?.week ? `week ${state.week} of ${state.cohort.weeks}` : null]
          .filter(Boolean)
          .join(' · '),
        checkinText: state?.text ?? 'Not on a cohort',
        week: state?.week ?? 0,
        submitted: state?.state === 'submitted',
        attention: state?.state === 'overdue' || (state?.wellbeing ?? 5) <= 2 || escalations.has(st._id),
        escalationText: escalations.get(st._id) ?? '',
        actions: open
          .map((a) => this.cardAction(a, today))
          .map((a) => ({
            line: `${a.text} · ${a.dueText}${a.statusText ? ` · ${a.statusText}` : ''}`,
          })),
        sharedText: theirs.length
          ? `${theirs.length} reflection${theirs.length === 1 ? '' : 's'} shared with you`
          : 'No reflections shared with you yet',
        reflections: theirs.slice(0, 3).map((r) => ({
          reflectionId: r._id,
          title: `${labelOf(REFLECTION_TOPICS, r.topic) ?? 'Reflection'}, shared ${formatDate(localDateOf(new Date(r.sharedAt ?? r.createdAt), this.zone(viewer)))}`,
        })),
      });
    }
    const mine = (await this.repo.openOf(tenantId, viewer._id)).map((a) => this.cardAction(a, today));
    return this.s.cards.render('my-students', {
      notice,
      intro: `${students.length} student${students.length === 1 ? '' : 's'} · ${formatDate(today)}`,
      students: rows,
      myActions: mine,
    });
  }

  /**
   * Per student (a supervisor's own, already authorised by the caller): open actions (one read
   * by _id each), how many reflections they shared, and the escalation going on, if any.
   * For the dashboard tab's supervisor view.
   */
  async followUpsOf(tenantId: string, studentIds: string[]) {
    const result = new Map<
      string,
      {
        openActions: { text: string; dueDate: string; notYet: boolean }[];
        sharedReflections: number;
        escalation: string | null;
      }
    >();
    if (studentIds.length === 0) return result;
    const people = await this.s.people.byIds(tenantId, studentIds);
    const shared = await this.s.reflections.repo.sharedBy(tenantId, studentIds);
    const escalations = await this.openEscalationLines(tenantId, people, 'Europe/London');
    for (const id of studentIds) {
      const open = await this.repo.openOf(tenantId, id);
      result.set(id, {
        openActions: open.map((a) => ({ text: a.text, dueDate: a.dueDate, notYet: a.status === 'not-yet' })),
        sharedReflections: shared.filter((r) => r.personId === id).length,
        escalation: escalations.get(id) ?? null,
      });
    }
    return result;
  }
}
