/**
 * Weekly supervision check-ins, put together from their use cases: the student's card (open,
 * submit, edit, `my check-ins`), what supervisors and leads see and do (supervisor view,
 * cohort status, pauses, nudges), and the scheduled work (plan, prompt, remind, digest).
 * Built once by src/services.ts, which gives it what it needs from other features (ports.ts);
 * it offers them CohortPlanner, CheckinPauseForm, StudentCheckinCard, CheckinHistory,
 * ConfidenceTrend and StudentPauses.
 *
 * No Teams types here: callers pass the tenant and the known person; answers are cards
 * (AdaptiveCard JSON) or short messages. Proactive messages go through the outbox only.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { Pause } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CheckinDeps } from './checkin-deps.js';
import type { StudentWeek } from './checkin-schedule.js';
import { CheckinToChat } from './checkin-to-chat.js';
import type { CheckinsRepository } from './checkins-repository.js';
import { CohortStatus } from './cohort-status.js';
import { confidenceTrend } from './confidence-trend.js';
import { checkinRecordsOf } from './journey-record.js';
import { LateCheckinNotices } from './late-checkins.js';
import { MissedWeekNudges } from './missed-week-nudges.js';
import { myCheckins } from './my-checkins.js';
import { OpenCheckin } from './open-checkin.js';
import { PauseCheckins } from './pause-checkins.js';
import type {
  CheckinHistory,
  CheckinPauseForm,
  CheckinWeekState,
  CohortPlanner,
  CheckinRecord,
  CheckinRecords,
  ConfidencePoint,
  ConfidenceTrend,
  StudentCheckinCard,
  StudentPauses,
} from './ports.js';
import { PromptPlanning, type JobPayload } from './prompt-planning.js';
import { SafeguardingAlerts } from './safeguarding-alert.js';
import { StudentCheckinCards } from './student-checkin-cards.js';
import { SubmitCheckin } from './submit-checkin.js';
import { SupervisorCheckins } from './supervisor-checkins.js';
import { SupervisorDigest } from './supervisor-digest.js';
import { studentWeekOf, weekStateOf } from './week-state.js';

type Answer = AdaptiveCard | string;

export class CheckinService
  implements
    CohortPlanner,
    CheckinPauseForm,
    StudentCheckinCard,
    CheckinHistory,
    ConfidenceTrend,
    CheckinRecords,
    StudentPauses
{
  readonly repo: CheckinsRepository;
  /** View, comment, countersign: the supervisor card (supervisor-checkins.ts). */
  readonly supervisor: SupervisorCheckins;
  /** Nudges after a missed deadline: the hourly job and the supervisor's button. */
  readonly nudges: MissedWeekNudges;
  /** The supervisor tab's "Open check-in": the supervisor card sent to the viewer's chat. */
  readonly toChat: CheckinToChat;
  readonly planning: PromptPlanning;
  readonly digest: SupervisorDigest;
  readonly pauses: PauseCheckins;
  readonly status: CohortStatus;
  private readonly opener: OpenCheckin;
  private readonly submitter: SubmitCheckin;

  constructor(private readonly s: CheckinDeps) {
    this.repo = s.repo;
    this.supervisor = new SupervisorCheckins(s, () => this.nudges);
    this.nudges = new MissedWeekNudges(s, this.supervisor);
    this.toChat = new CheckinToChat(s, this.supervisor);
    this.planning = new PromptPlanning(s);
    this.digest = new SupervisorDigest(s, s.followUps);
    this.pauses = new PauseCheckins(s, this.planning);
    this.status = new CohortStatus(s);
    const cards = new StudentCheckinCards(s, s);
    this.opener = new OpenCheckin(s, cards);
    this.submitter = new SubmitCheckin(s, cards, this.opener, [
      // First, so the student's confirmation starts with who was told.
      new SafeguardingAlerts(s).onSaved,
      new LateCheckinNotices(s).onSaved,
      ...s.savedHooks,
    ]);
  }

  // Student ------------------------------------------------------------------------------

  /** `check in`: the current week's card (the form, or the submitted state). */
  open(tenantId: string, person: PersonDoc, requestedWeek?: unknown): Promise<Answer> {
    return this.opener.open(tenantId, person, requestedWeek);
  }

  /** Action.Execute refresh (and `checkin.open`): the card for the current state of that week. */
  refresh(tenantId: string, person: PersonDoc, data: unknown): Promise<Answer> {
    return this.opener.refresh(tenantId, person, data);
  }

  edit(tenantId: string, person: PersonDoc, data: unknown): Promise<Answer> {
    return this.submitter.edit(tenantId, person, data);
  }

  submit(tenantId: string, person: PersonDoc, data: unknown): Promise<Answer> {
    return this.submitter.submit(tenantId, person, data);
  }

  /** `my check-ins`: one line per week so far. */
  mine(tenantId: string, person: PersonDoc): Promise<Answer> {
    return myCheckins(this.s, tenantId, person);
  }

  // Supervisors and leads ----------------------------------------------------------------

  cohortStatus(tenantId: string, viewer: PersonDoc): Promise<Answer> {
    return this.status.cohortStatus(tenantId, viewer);
  }

  pauseCard(tenantId: string, viewer: PersonDoc, error = '', values: Record<string, string> = {}) {
    return this.pauses.pauseCard(tenantId, viewer, error, values);
  }

  addPause(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    return this.pauses.addPause(tenantId, viewer, data);
  }

  // Scheduled work -----------------------------------------------------------------------

  planAll(now: Date): Promise<number> {
    return this.planning.planAll(now);
  }

  planOne(cohort: CohortDoc, now: Date): Promise<number> {
    return this.planning.planOne(cohort, now);
  }

  runStudentJob(kind: 'prompt' | 'reminder', tenantId: string, payload: JobPayload, now: Date) {
    return this.planning.runStudentJob(kind, tenantId, payload, now);
  }

  runDigest(tenantId: string, payload: JobPayload, now: Date): Promise<number> {
    return this.digest.runDigest(tenantId, payload, now);
  }

  // What other features read --------------------------------------------------------------

  ofCohort(tenantId: string, cohortId: string, uptoWeek: number) {
    return this.repo.ofCohort(tenantId, cohortId, uptoWeek);
  }

  /** A student's pauses (my placement: which days are paused). */
  pausesOf(tenantId: string, studentId: string): Promise<Pause[]> {
    return this.repo.pausesOf(tenantId, studentId);
  }

  pausesOfCohort(tenantId: string, cohortId: string): Promise<Map<string, Pause[]>> {
    return this.repo.pausesOfCohort(tenantId, cohortId);
  }

  studentWeekOf(
    cohort: CohortDoc,
    student: Pick<PersonDoc, 'timeZone'>,
    week: number,
    pauses: Pause[],
    zone?: string,
  ): StudentWeek {
    return studentWeekOf(cohort, student, week, pauses, zone);
  }

  weekStateOf(tenantId: string, student: PersonDoc, now: Date): Promise<CheckinWeekState | null> {
    return weekStateOf(this.s, tenantId, student, now);
  }

  confidenceTrend(tenantId: string, studentId: string): Promise<ConfidencePoint[]> {
    return confidenceTrend(this.repo, tenantId, studentId);
  }

  checkinRecordsOf(tenantId: string, studentId: string): Promise<CheckinRecord[]> {
    return checkinRecordsOf(this.repo, tenantId, studentId);
  }
}
