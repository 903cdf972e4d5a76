/**
 * Recording a supervision session, once for one student or a group (a project team's students
 * attend together): date, length, kind, notes the attendees see, and up to four agreed
 * actions, each with an owner and a due date. Each attendee gets the notes and their actions.
 */
import { createHash } from 'node:crypto';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { formatDate, localDateOf, placementWeekOfDate } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY, safeText } from '../../domain/validation.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { SessionCard } from './session-card.js';
import { OWNER_ME, parseSessionSubmit, typedSessionValues, type ParsedSession } from './session-input.js';
import {
  cohortsOf,
  firstName,
  hasRole,
  nameList,
  NOT_A_SUPERVISOR,
  refuse,
  studentTarget,
  zoneOf,
  type SupervisionDeps,
} from './supervision-deps.js';
import { actionId, type SupervisionActionDoc } from './supervision-repository.js';

type Answer = AdaptiveCard | string;

export const KIND_LABEL = { individual: 'individual', group: 'group', project: 'project' } as const;

export class RecordSession {
  constructor(
    private readonly s: SupervisionDeps,
    private readonly card: SessionCard,
  ) {}

  /**
   * Records the session. Every field is checked first; a refusal or a bad field writes
   * nothing. The session id comes from the card's request id, so a retried or double-clicked
   * submit lands on the same records (and never reopens an action already marked done).
   */
  async recordSession(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    const now = this.s.clock.now();
    const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    const requestId = safeText(100, { min: 1 }).safeParse(d.requestId);
    if (!hasRole(viewer, 'supervisor')) {
      await refuse(this.s, tenantId, viewer, 'supervision.session.record', null);
      return NOT_A_SUPERVISOR;
    }
    const again = (errors: Record<string, string>) =>
      this.card.sessionCard(tenantId, viewer, {
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
    const today = localDateOf(now, zoneOf(viewer));
    // A project team: its students attend; the viewer must be one of its supervisors.
    let team: { studentIds: string[]; supervisorIds: string[] } | null = null;
    const projectId = safeText(200).safeParse(d.projectId ?? '');
    if (!projectId.success) return again({ projectId: 'Choose one of your project teams' });
    if (projectId.data) {
      const members = await this.s.projects().membersOf(tenantId, projectId.data);
      if (!members || !members.supervisorIds.includes(viewer._id)) {
        await refuse(this.s, tenantId, viewer, 'supervision.session.record', null);
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
          ...(await studentTarget(this.s, tenantId, student)),
          projectStudentIds: team?.studentIds ?? [],
          projectSupervisorIds: team?.supervisorIds ?? [],
        })
      ) {
        await refuse(this.s, tenantId, viewer, 'supervision.session.record', student?._id ?? null);
        return again({ attendees: 'You can only record supervision with students you supervise' });
      }
    }
    const ordered = session.attendeeIds.map((id) => byId.get(id)!);
    const cohorts = await cohortsOf(this.s, tenantId, ordered);
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
    await this.s.repo.saveAttendeeRecords(
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
      await this.s.repo.addAction(tenantId, doc, now);
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
}
