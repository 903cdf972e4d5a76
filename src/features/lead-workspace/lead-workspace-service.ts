/**
 * The placement lead's workspace: create and edit cohorts (calendar, non-placement days,
 * supervision slot, time zone, check-in times), change the roster (add, move, pause, remove a
 * student; add supervisors, change a student's supervisors), add AHP hosts, and upload roster /
 * directory CSVs. One service for both surfaces: the personal-chat cards (workspace-chat.ts)
 * and the dashboard's Manage page.
 *
 * Every operation checks the policy (`can`), validates every input before any write (one
 * message per field, human labels), writes idempotently (natural keys, upserts, $addToSet),
 * audits who did what (ids and counts only), and re-plans the cohort's check-ins when its
 * calendar or roster changed. One use case per module; this class puts them together.
 */
import type { AhpHostsRepository } from '../../storage/ahp-hosts-repository.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { AddAhpHost } from './add-ahp-host.js';
import { CohortSetup } from './cohort-setup.js';
import { CohortViews, type CohortView } from './cohort-views.js';
import { RosterChanges } from './roster-changes.js';
import { RosterUpload, type UploadFile, type UploadOutcome } from './roster-upload.js';
import { UploadChat } from './upload-chat.js';
import { WorkspaceChat } from './workspace-chat.js';
import { WorkspaceContext, type Outcome, type WorkspaceDeps } from './workspace-context.js';

export { NOT_A_LEAD, NOT_YOUR_COHORT, type Outcome, type WorkspaceDeps } from './workspace-context.js';
export { cohortFormValues, type CohortView } from './cohort-views.js';

export class LeadWorkspaceService {
  readonly hosts: AhpHostsRepository;
  /** The workspace in the lead's personal chat (cards). */
  readonly chat: WorkspaceChat;
  /** Roster files sent in the lead's personal chat. */
  readonly uploadChat: UploadChat;
  private readonly ctx: WorkspaceContext;
  private readonly views: CohortViews;
  private readonly setup: CohortSetup;
  private readonly roster: RosterChanges;
  private readonly hostDirectory: AddAhpHost;
  private readonly uploads: RosterUpload;

  constructor(deps: WorkspaceDeps) {
    this.ctx = new WorkspaceContext(deps);
    this.hosts = deps.hosts;
    this.views = new CohortViews(this.ctx);
    this.setup = new CohortSetup(this.ctx);
    this.roster = new RosterChanges(this.ctx);
    this.hostDirectory = new AddAhpHost(this.ctx);
    this.uploads = new RosterUpload(deps);
    this.chat = new WorkspaceChat(deps, this);
    this.uploadChat = new UploadChat(deps, this);
  }

  /** A roster (cohorts.csv and/or people.csv) or directory CSV from Teams: all or nothing. */
  upload(tenantId: string, actor: PersonDoc, files: UploadFile[]): Promise<UploadOutcome> {
    return this.uploads.upload(tenantId, actor, files);
  }

  isLead(actor: PersonDoc): boolean {
    return this.ctx.isLead(actor);
  }

  /** The cohorts the actor may manage, in start-date order. */
  manageableCohorts(tenantId: string, actor: PersonDoc): Promise<CohortDoc[]> {
    return this.ctx.manageableCohorts(tenantId, actor);
  }

  view(tenantId: string, actor: PersonDoc, cohortId: string | null): Promise<Outcome<CohortView>> {
    return this.views.view(tenantId, actor, cohortId);
  }

  cohortView(tenantId: string, cohort: CohortDoc): Promise<CohortView> {
    return this.views.cohortView(tenantId, cohort);
  }

  saveCohort(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<CohortDoc>> {
    return this.setup.saveCohort(tenantId, actor, data);
  }

  addNonPlacementDay(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<CohortDoc>> {
    return this.setup.addNonPlacementDay(tenantId, actor, data);
  }

  removeNonPlacementDay(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<CohortDoc>> {
    return this.setup.removeNonPlacementDay(tenantId, actor, data);
  }

  addStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    return this.roster.addStudent(tenantId, actor, data);
  }

  addSupervisor(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    return this.roster.addSupervisor(tenantId, actor, data);
  }

  studentView(tenantId: string, actor: PersonDoc, data: unknown) {
    return this.roster.studentView(tenantId, actor, data);
  }

  setSupervisors(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    return this.roster.setSupervisors(tenantId, actor, data);
  }

  moveStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    return this.roster.moveStudent(tenantId, actor, data);
  }

  removeStudent(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<PersonDoc>> {
    return this.roster.removeStudent(tenantId, actor, data);
  }

  /** Whether the actor may pause this student's check-ins (the check-ins feature does the pause). */
  pausable(tenantId: string, actor: PersonDoc, data: unknown) {
    return this.roster.pausable(tenantId, actor, data);
  }

  /** Adds (or updates) an AHP host in the directory, so students can book conversations. */
  addHost(tenantId: string, actor: PersonDoc, data: unknown): Promise<Outcome<{ hostId: string }>> {
    return this.hostDirectory.run(tenantId, actor, data);
  }
}
