/**
 * Supervision sessions with agreed actions, their follow-up, escalation and the supervisor's
 * on-demand view, put together from their use cases:
 *
 * - record-session.ts / session-card.ts: a supervisor records a session ONCE for one student
 *   or a group (a project team's students too), with notes and up to four agreed actions.
 * - agreed-actions.ts: open actions on the owner's next check-in card or the supervisor's next
 *   summary, with Done / Not yet / Carry over (the CheckinFollowUps check-ins need).
 * - escalations.ts / escalation-actions.ts: the hourly escalation job and the lead's card.
 * - my-students.ts: `my students`, and the same follow-ups for the dashboard.
 *
 * Built once by src/services.ts, which gives it what it needs from other features (ports.ts).
 * No Teams types here; proactive messages only through the outbox.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CardAction, DigestFollowUps } from '../checkins/ports.js';
import { ActionComments } from './action-comments.js';
import { AgreedActions } from './agreed-actions.js';
import { EscalationActions } from './escalation-actions.js';
import { Escalations } from './escalations.js';
import { MyStudents } from './my-students.js';
import type {
  CheckinFollowUps,
  ProjectSupervisionRecords,
  ProjectSupervisionSession,
  StudentFollowUps,
  SupervisionFollowUps,
  SupervisionRecord,
  SupervisionRecords,
} from './ports.js';
import { sessionsOfProject } from './project-sessions.js';
import { RecordSession } from './record-session.js';
import { SessionCard } from './session-card.js';
import type { SupervisionDeps } from './supervision-deps.js';
import type { SupervisionRepository } from './supervision-repository.js';

type Answer = AdaptiveCard | string;

export class SupervisionService
  implements CheckinFollowUps, SupervisionFollowUps, ProjectSupervisionRecords, SupervisionRecords
{
  readonly repo: SupervisionRepository;
  /** The hourly escalation job (escalations.ts). */
  readonly escalations: Escalations;
  /** The lead's actions on an escalation card (escalation-actions.ts). */
  readonly escalationActions: EscalationActions;
  /** A student's comment on an agreed action, from the notes card (action-comments.ts). */
  readonly actionComments: ActionComments;
  readonly actions: AgreedActions;
  private readonly card: SessionCard;
  private readonly recorder: RecordSession;
  private readonly students: MyStudents;

  constructor(s: SupervisionDeps) {
    this.repo = s.repo;
    this.escalations = new Escalations(s);
    this.escalationActions = new EscalationActions(s);
    this.actionComments = new ActionComments(s);
    this.actions = new AgreedActions(s);
    this.card = new SessionCard(s);
    this.recorder = new RecordSession(s, this.card);
    this.students = new MyStudents(s);
  }

  /** The hourly job (kept for callers of the service). */
  runEscalations(now: Date): Promise<number> {
    return this.escalations.run(now);
  }

  sessionCard(tenantId: string, viewer: PersonDoc, options?: Parameters<SessionCard['sessionCard']>[2]) {
    return this.card.sessionCard(tenantId, viewer, options);
  }

  recordSession(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    return this.recorder.recordSession(tenantId, viewer, data);
  }

  openActions(tenantId: string, personId: string): Promise<CardAction[]> {
    return this.actions.openActions(tenantId, personId);
  }

  updateAction(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    return this.actions.updateAction(tenantId, viewer, data);
  }

  digest(tenantId: string, cohortId: string, now: Date): Promise<DigestFollowUps> {
    return this.actions.digest(tenantId, cohortId, now);
  }

  myStudents(tenantId: string, viewer: PersonDoc, notice = ''): Promise<Answer> {
    return this.students.myStudents(tenantId, viewer, notice);
  }

  sessionsOfProject(tenantId: string, projectId: string): Promise<ProjectSupervisionSession[]> {
    return sessionsOfProject(this.repo, tenantId, projectId);
  }

  followUpsOf(tenantId: string, studentIds: string[]): Promise<Map<string, StudentFollowUps>> {
    return this.students.followUpsOf(tenantId, studentIds);
  }

  /** The student's sessions and agreed actions, for their learning-journey export. */
  async supervisionRecordOf(tenantId: string, studentId: string): Promise<SupervisionRecord> {
    const { sessions, actions } = await this.repo.recordOf(tenantId, studentId);
    return {
      sessions: sessions.map((s) => ({
        date: s.date,
        week: s.week,
        kind: s.kind,
        minutes: s.minutes,
        notes: s.notes ?? '',
        recordedBy: s.recordedBy,
      })),
      actions: actions.map((a) => ({
        sessionDate: a.sessionDate,
        text: a.text,
        dueDate: a.dueDate,
        status: a.status,
        owner: a.ownerId === studentId ? 'student' : 'supervisor',
      })),
    };
  }
}
