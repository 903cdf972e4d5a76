/**
 * Projects: a lead (or a supervisor attached to the cohort) creates a quality-improvement
 * project for a cohort: title, the clinical team it serves, its students (any profession) and
 * supervisors. Milestones with an owner and dates inside the placement (reminded before, done
 * or overdue); a weekly project update from each student's check-in, or posted any time; a final presentation slot whose invited staff get a feedback card after
 * it (rating 1-5 and a comment, once per rater); the team sees the feedback once there is any.
 *
 * This class is the feature's one entry point: it holds the shared context and hands each
 * request to its use-case module. Other features see it only as the interfaces in ports.ts.
 */
import type { PersonDoc } from '../../storage/people-repository.js';
import { recordCheckinUpdate } from './checkin-updates.js';
import { createProject, newProjectCard } from './create-project.js';
import { editProjectCard, saveProject } from './edit-project.js';
import { submitFeedback } from './feedback.js';
import { runFeedbackJob } from './feedback-job.js';
import { runMilestoneReminder } from './milestone-reminders.js';
import { addMilestone, milestonesCard, removeMilestone, toggleMilestoneDone } from './milestones.js';
import { postUpdate } from './post-update.js';
import type {
  CheckinProjectUpdate,
  ProjectCheckinUpdates,
  ProjectJourney,
  ProjectJourneys,
  ProjectMembers,
  ProjectSummary,
  ProjectTeams,
} from './ports.js';
import { presentationCard, savePresentation } from './presentation.js';
import { cancelPresentation } from './cancel-presentation.js';
import { ProjectContext, type CardResult, type ProjectDeps } from './project-context.js';
import { journeyOf } from './project-journey.js';
import { projectOfStudent, projectsOf } from './project-teams.js';
import { myProjects, viewProject } from './project-view.js';
import type { ProjectDoc, ProjectsRepository } from './projects-repository.js';

export { NOT_FOUND, type CardResult, type ProjectDeps } from './project-context.js';
export { JOB_FEEDBACK } from './feedback-job.js';
export { JOB_MILESTONE_REMINDER } from './milestone-reminders.js';

type CardVerb = (tenantId: string, person: PersonDoc, data?: unknown) => Promise<CardResult>;

export class ProjectService implements ProjectTeams, ProjectJourneys, ProjectCheckinUpdates {
  readonly repo: ProjectsRepository;
  private readonly ctx: ProjectContext;

  constructor(deps: ProjectDeps) {
    this.ctx = new ProjectContext(deps);
    this.repo = this.ctx.repo;
  }

  // What other features read (ports.ts).
  membersOf(tenantId: string, projectId: string): Promise<ProjectMembers | null> {
    return this.ctx.membersOf(tenantId, projectId);
  }
  projectsOf(person: Pick<PersonDoc, 'tenantId' | '_id'>): Promise<ProjectSummary[]> {
    return projectsOf(this.ctx, person);
  }
  projectOfStudent(tenantId: string, studentId: string, cohortId: string): Promise<ProjectDoc | null> {
    return projectOfStudent(this.ctx, tenantId, studentId, cohortId);
  }
  recordCheckinUpdate(tenantId: string, update: CheckinProjectUpdate): Promise<ProjectDoc | null> {
    return recordCheckinUpdate(this.ctx, tenantId, update);
  }
  journeyOf(tenantId: string, studentId: string): Promise<ProjectJourney | null> {
    return journeyOf(this.ctx, tenantId, studentId);
  }

  // Commands and card verbs (index.ts).
  readonly newCard: CardVerb = (t, p, d) => newProjectCard(this.ctx, t, p, d);
  readonly create: CardVerb = (t, p, d) => createProject(this.ctx, t, p, d);
  readonly view: CardVerb = (t, p, d) => viewProject(this.ctx, t, p, d);
  readonly mine = (t: string, p: PersonDoc) => myProjects(this.ctx, t, p);
  readonly editCard: CardVerb = (t, p, d) => editProjectCard(this.ctx, t, p, d);
  readonly save: CardVerb = (t, p, d) => saveProject(this.ctx, t, p, d);
  readonly milestonesCard: CardVerb = (t, p, d) => milestonesCard(this.ctx, t, p, d);
  readonly addMilestone: CardVerb = (t, p, d) => addMilestone(this.ctx, t, p, d);
  readonly removeMilestone: CardVerb = (t, p, d) => removeMilestone(this.ctx, t, p, d);
  readonly toggleMilestoneDone: CardVerb = (t, p, d) => toggleMilestoneDone(this.ctx, t, p, d);
  readonly postUpdate: CardVerb = (t, p, d) => postUpdate(this.ctx, t, p, d);
  readonly presentationCard: CardVerb = (t, p, d) => presentationCard(this.ctx, t, p, d);
  readonly savePresentation: CardVerb = (t, p, d) => savePresentation(this.ctx, t, p, d);
  readonly cancelPresentation: CardVerb = (t, p, d) => cancelPresentation(this.ctx, t, p, d);
  readonly submitFeedback: CardVerb = (t, p, d) => submitFeedback(this.ctx, t, p, d);

  // Jobs.
  runFeedbackJob(tenantId: string, projectId: string, startsAtIso: string): Promise<number> {
    return runFeedbackJob(this.ctx, tenantId, projectId, startsAtIso);
  }
  runMilestoneReminder(tenantId: string, milestoneId: string, date: string): Promise<number> {
    return runMilestoneReminder(this.ctx, tenantId, milestoneId, date);
  }
}
