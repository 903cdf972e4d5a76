/**
 * Storage for projects: the project (title, clinical team, presentation slot), its members
 * (one document per person, so erasure removes a person without touching the project, and a
 * student's one project per cohort is a unique `_id`), milestones, weekly updates from the
 * check-in, presentation attendees and feedback. Every write that a card submit makes has a
 * natural-key `_id`, so a retry or double click lands on the same document.
 */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export interface PresentationSlot {
  /** Local date 'YYYY-MM-DD' and time 'HH:mm' in the cohort's zone. */
  date: string;
  time: string;
  /** The UTC instant of date + time. */
  startsAt: Date;
  minutes: number;
  /** The Teams meeting link, or '' for in person only. */
  teamsLink: string;
  /** Where it is held in person ('' or absent: online only). */
  place?: string;
  /** Where the feedback cards go after it; set when they were queued. */
  feedbackRequestedAt: Date | null;
  /** What raters score (1-5 each), set by the lead; absent on older slots (the default set). */
  criteria?: string[];
}

export interface ProjectDoc extends BaseDoc {
  cohortId: string;
  title: string;
  clinicalTeam: string;
  presentation: PresentationSlot | null;
}

export type MemberRole = 'student' | 'supervisor';

export interface ProjectMemberDoc extends BaseDoc {
  projectId: string;
  cohortId: string;
  personId: string;
  role: MemberRole;
}

export interface MilestoneDoc extends BaseDoc {
  projectId: string;
  title: string;
  /** Local date 'YYYY-MM-DD' within the cohort's placement. */
  date: string;
  /** The team member who sees it through (reminded before the date); absent on older ones. */
  ownerId?: string | null;
  /** Who added it (a student's proposal, or a supervisor or lead). */
  addedBy?: string;
  /** When it was marked done; null or absent while it is open. */
  doneAt?: Date | null;
}

export interface ProjectUpdateDoc extends BaseDoc {
  projectId: string;
  studentId: string;
  week: number;
  text: string;
}

export interface AttendeeDoc extends BaseDoc {
  projectId: string;
  personId: string;
}

export interface FeedbackDoc extends BaseDoc {
  projectId: string;
  raterId: string;
  rating: number;
  comment: string;
  /** A score (1-5) per criterion of the presentation; absent on older feedback. */
  scores?: { criterion: string; score: number }[];
}

export const projectId = (tenantId: string, requestId: string) => tenantDocId(tenantId, 'project', requestId);
export const memberId = (tenantId: string, role: MemberRole, scopeId: string, personId: string) =>
  tenantDocId(tenantId, 'projmember', role, scopeId, personId);
/** A student's membership is keyed by cohort: one project per student per cohort. */
export const studentMemberId = (tenantId: string, cohortId: string, personId: string) =>
  memberId(tenantId, 'student', cohortId, personId);
export const supervisorMemberId = (tenantId: string, projectId: string, personId: string) =>
  memberId(tenantId, 'supervisor', projectId, personId);
export const milestoneId = (tenantId: string, projectId: string, requestId: string) =>
  tenantDocId(tenantId, 'projms', projectId, requestId);
export const updateId = (tenantId: string, projectId: string, studentId: string, week: number) =>
  tenantDocId(tenantId, 'projupd', projectId, studentId, `w${week}`);
/** An update a student posts from the project card (any time), keyed by the card's request id. */
export const postedUpdateId = (tenantId: string, projectId: string, studentId: string, requestId: string) =>
  tenantDocId(tenantId, 'projupd', projectId, studentId, `p${requestId}`);
export const attendeeId = (tenantId: string, projectId: string, personId: string) =>
  tenantDocId(tenantId, 'projatt', projectId, personId);
export const feedbackId = (tenantId: string, projectId: string, raterId: string) =>
  tenantDocId(tenantId, 'projfb', projectId, raterId);

async function insertIfAbsent<T>(write: () => Promise<T>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (isDuplicateKeyError(err)) return false;
    throw err;
  }
}

export class ProjectsRepository {
  constructor(private readonly db: Db) {}

  projects(tenantId: string) {
    return new TenantScope(this.db.collection<ProjectDoc>(collections.projects.name), tenantId);
  }
  members(tenantId: string) {
    return new TenantScope(this.db.collection<ProjectMemberDoc>(collections.projectMembers.name), tenantId);
  }
  milestones(tenantId: string) {
    return new TenantScope(this.db.collection<MilestoneDoc>(collections.projectMilestones.name), tenantId);
  }
  updates(tenantId: string) {
    return new TenantScope(this.db.collection<ProjectUpdateDoc>(collections.projectUpdates.name), tenantId);
  }
  attendees(tenantId: string) {
    return new TenantScope(this.db.collection<AttendeeDoc>(collections.projectAttendees.name), tenantId);
  }
  feedback(tenantId: string) {
    return new TenantScope(this.db.collection<FeedbackDoc>(collections.projectFeedback.name), tenantId);
  }

  // ------------------------------------------------------------------ projects

  /** Insert-if-absent; false when a retry of the same request already stored it. */
  insertProject(tenantId: string, doc: Omit<ProjectDoc, 'tenantId'>): Promise<boolean> {
    return insertIfAbsent(() => this.projects(tenantId).insertOne(doc));
  }

  project(tenantId: string, id: string) {
    return this.projects(tenantId).findOne({ _id: id });
  }

  projectsByIds(tenantId: string, ids: string[]) {
    return ids.length
      ? this.projects(tenantId)
          .find({ _id: { $in: ids } })
          .toArray()
      : Promise.resolve([]);
  }

  inCohort(tenantId: string, cohortId: string) {
    return this.projects(tenantId).find({ cohortId }).sort({ createdAt: 1 }).toArray();
  }

  async setPresentation(tenantId: string, id: string, slot: PresentationSlot, now: Date) {
    await this.projects(tenantId).updateOne({ _id: id }, { $set: { presentation: slot, updatedAt: now } });
  }

  /** Clears the slot if it is still the one starting at `startsAt`; false when it changed meanwhile. */
  async clearPresentation(tenantId: string, id: string, startsAt: Date, now: Date): Promise<boolean> {
    const res = await this.projects(tenantId).updateOne(
      { _id: id, 'presentation.startsAt': startsAt },
      { $set: { presentation: null, updatedAt: now } },
    );
    return res.modifiedCount === 1;
  }

  async setTitleAndTeam(tenantId: string, id: string, title: string, clinicalTeam: string, now: Date) {
    await this.projects(tenantId).updateOne({ _id: id }, { $set: { title, clinicalTeam, updatedAt: now } });
  }

  async markFeedbackRequested(tenantId: string, id: string, now: Date) {
    await this.projects(tenantId).updateOne(
      { _id: id },
      { $set: { 'presentation.feedbackRequestedAt': now, updatedAt: now } },
    );
  }

  async deleteProject(tenantId: string, id: string) {
    await this.projects(tenantId).deleteOne({ _id: id });
  }

  // ------------------------------------------------------------------ members

  /** Insert-if-absent. A student already on a project of the cohort loses (false). */
  insertMember(tenantId: string, doc: Omit<ProjectMemberDoc, 'tenantId'>): Promise<boolean> {
    return insertIfAbsent(() => this.members(tenantId).insertOne(doc));
  }

  member(tenantId: string, id: string) {
    return this.members(tenantId).findOne({ _id: id });
  }

  membersOf(tenantId: string, projectId: string) {
    return this.members(tenantId).find({ projectId }).toArray();
  }

  /** The project memberships of these students (a supervisor's students). */
  studentMembershipsOf(tenantId: string, studentIds: string[]) {
    return studentIds.length
      ? this.members(tenantId)
          .find({ personId: { $in: studentIds }, role: 'student' })
          .toArray()
      : Promise.resolve([]);
  }

  membershipsOf(tenantId: string, personId: string) {
    return this.members(tenantId).find({ personId }).toArray();
  }

  async removeMember(tenantId: string, id: string) {
    return (await this.members(tenantId).deleteOne({ _id: id })).deletedCount;
  }

  // ------------------------------------------------------------------ milestones, updates

  insertMilestone(tenantId: string, doc: Omit<MilestoneDoc, 'tenantId'>): Promise<boolean> {
    return insertIfAbsent(() => this.milestones(tenantId).insertOne(doc));
  }

  milestone(tenantId: string, id: string) {
    return this.milestones(tenantId).findOne({ _id: id });
  }

  milestonesOf(tenantId: string, projectId: string) {
    return this.milestones(tenantId).find({ projectId }).sort({ date: 1, createdAt: 1 }).toArray();
  }

  async setMilestoneDone(tenantId: string, id: string, doneAt: Date | null, now: Date) {
    await this.milestones(tenantId).updateOne({ _id: id }, { $set: { doneAt, updatedAt: now } });
  }

  async deleteMilestone(tenantId: string, id: string) {
    return (await this.milestones(tenantId).deleteOne({ _id: id })).deletedCount;
  }

  /** One update per student per week: the check-in's latest answer (an edit replaces it). */
  async saveUpdate(
    tenantId: string,
    doc: Pick<ProjectUpdateDoc, 'projectId' | 'studentId' | 'week' | 'text'>,
    now: Date,
  ) {
    await this.updates(tenantId).updateOne(
      { _id: updateId(tenantId, doc.projectId, doc.studentId, doc.week) },
      { $set: { ...doc, updatedAt: now }, $setOnInsert: { schemaVersion: 1, createdAt: now } },
      { upsert: true },
    );
  }

  /** Insert-if-absent: a double click on "Post update" stores it once. */
  insertUpdate(tenantId: string, doc: Omit<ProjectUpdateDoc, 'tenantId'>): Promise<boolean> {
    return insertIfAbsent(() => this.updates(tenantId).insertOne(doc));
  }

  updatesOf(tenantId: string, projectId: string) {
    return this.updates(tenantId).find({ projectId }).sort({ week: 1, createdAt: 1 }).toArray();
  }

  // ------------------------------------------------------------------ presentation

  insertAttendee(tenantId: string, doc: Omit<AttendeeDoc, 'tenantId'>): Promise<boolean> {
    return insertIfAbsent(() => this.attendees(tenantId).insertOne(doc));
  }

  attendeesOf(tenantId: string, projectId: string) {
    return this.attendees(tenantId).find({ projectId }).toArray();
  }

  async removeAttendees(tenantId: string, projectId: string, keep: string[]) {
    await this.attendees(tenantId).deleteMany({ projectId, personId: { $nin: keep } });
  }

  /** Insert-if-absent per rater: a second submit is refused (false), the first one stands. */
  insertFeedback(tenantId: string, doc: Omit<FeedbackDoc, 'tenantId'>): Promise<boolean> {
    return insertIfAbsent(() => this.feedback(tenantId).insertOne(doc));
  }

  /** A rater's feedback, new or changed (while feedback is open); true when it is their first. */
  async saveFeedback(
    tenantId: string,
    doc: Pick<FeedbackDoc, 'projectId' | 'raterId' | 'rating' | 'comment' | 'scores'>,
    now: Date,
  ): Promise<boolean> {
    const result = await this.feedback(tenantId).updateOne(
      { _id: feedbackId(tenantId, doc.projectId, doc.raterId) },
      { $set: { ...doc, updatedAt: now }, $setOnInsert: { schemaVersion: 1, createdAt: now } },
      { upsert: true },
    );
    return result.upsertedCount > 0;
  }

  feedbackById(tenantId: string, id: string) {
    return this.feedback(tenantId).findOne({ _id: id });
  }

  feedbackOf(tenantId: string, projectId: string) {
    return this.feedback(tenantId).find({ projectId }).sort({ createdAt: 1 }).toArray();
  }
}
