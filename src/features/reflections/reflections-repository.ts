/**
 * Storage for reflections: finished reflections, drafts (one per card flow, saved on every
 * step), supervisor feedback on shared reflections, and each cohort's prompt schedule.
 * Ids are natural keys (`tenantDocId(tenant, person, 'refl', flowId)`), so a retried or
 * double-clicked submit lands on the same document, and lookups use the `{ _id }` fast path.
 */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { TenantScope } from '../../storage/tenant-scope.js';
import type { ReflectionModelId } from './reflection-models.js';

export interface ReflectionTags {
  standards: string[];
  pillars: string[];
  topic: string;
}

export interface ReflectionDoc extends BaseDoc, ReflectionTags {
  personId: string;
  cohortId: string | null;
  flowId: string;
  model: ReflectionModelId;
  answers: Record<string, string>;
  /** What the reflection is linked to (e.g. a 20-minute conversation booking id), or null. */
  linkId: string | null;
  /** Catalogue version of `standards` (src/domain/hcpc-standards.ts). */
  standardsVersion: string;
  /** Shared with the student's supervisors (private by default). */
  shared: boolean;
  sharedAt: Date | null;
  /** Also shared with fellow students: the author's project team or their cohort (absent/null: not). */
  peerShare?: PeerGroup | null;
  peerSharedAt?: Date | null;
  /** Written as the reply to a reflective-workshop prompt (reflection_workshops._id). */
  workshopId?: string | null;
}

export const PEER_GROUPS = ['project', 'cohort'] as const;
export type PeerGroup = (typeof PEER_GROUPS)[number];

export interface PeerReplyDoc extends BaseDoc {
  reflectionId: string;
  /** The reflection's author (so erasing them removes replies to their reflections). */
  authorId: string;
  replierId: string;
  text: string;
}

export interface WorkshopDoc extends BaseDoc {
  cohortId: string;
  prompt: string;
}

export interface DraftDoc extends BaseDoc {
  personId: string;
  flowId: string;
  model: ReflectionModelId;
  /** Index of the step the student is on; `steps.length` is the tagging step. */
  step: number;
  answers: Record<string, string>;
  tags: ReflectionTags;
  linkId: string | null;
  /** Editing an existing reflection: its id; null for a new reflection. */
  editOf: string | null;
}

export interface FeedbackDoc extends BaseDoc {
  reflectionId: string;
  studentId: string;
  supervisorId: string;
  text: string;
}

/** A student's read-only, expiring view of their journey for a named assessor. */
export interface JourneyShareDoc extends BaseDoc {
  studentId: string;
  assessorEmail: string;
  assessorName: string | null;
  /** The assessor's people._id when they are on the roster. */
  assessorId: string | null;
  includeCheckins: boolean;
  expiresAt: Date;
  revokedAt: Date | null;
}

export const PROMPT_AFTER = ['off', 'clinical', 'leadership', 'placement'] as const;
export type PromptAfter = (typeof PROMPT_AFTER)[number];

export interface PromptScheduleDoc extends BaseDoc {
  cohortId: string;
  /** Which placement days end with a reflection prompt. */
  after: PromptAfter;
  /** Local time of the prompt, 'HH:mm'. */
  time: string;
}

export const reflectionId = (tenantId: string, personId: string, flowId: string) =>
  tenantDocId(tenantId, personId, 'refl', flowId);
export const draftId = (tenantId: string, personId: string, flowId: string) =>
  tenantDocId(tenantId, personId, 'rdraft', flowId);
export const journeyShareId = (tenantId: string, studentId: string, nonce: string) =>
  tenantDocId(tenantId, studentId, 'jshare', nonce);
export const scheduleId = (tenantId: string, cohortId: string) => tenantDocId(tenantId, 'rsched', cohortId);

export class ReflectionsRepository {
  constructor(private readonly db: Db) {}

  reflections(tenantId: string) {
    return new TenantScope(this.db.collection<ReflectionDoc>(collections.reflections.name), tenantId);
  }

  drafts(tenantId: string) {
    return new TenantScope(this.db.collection<DraftDoc>(collections.reflectionDrafts.name), tenantId);
  }

  feedback(tenantId: string) {
    return new TenantScope(this.db.collection<FeedbackDoc>(collections.reflectionFeedback.name), tenantId);
  }

  schedules(tenantId: string) {
    return new TenantScope(
      this.db.collection<PromptScheduleDoc>(collections.reflectionSchedules.name),
      tenantId,
    );
  }

  journeyShares(tenantId: string) {
    return new TenantScope(this.db.collection<JourneyShareDoc>(collections.journeyShares.name), tenantId);
  }

  /** Insert-if-absent (a double click lands on the same share): the stored share, and whether this call made it. */
  async insertJourneyShare(
    tenantId: string,
    doc: Omit<JourneyShareDoc, 'tenantId'>,
  ): Promise<{ share: JourneyShareDoc; created: boolean }> {
    let created = true;
    try {
      await this.journeyShares(tenantId).insertOne(doc);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      created = false;
    }
    return { share: (await this.journeyShares(tenantId).findOne({ _id: doc._id }))!, created };
  }

  journeyShare(tenantId: string, id: string) {
    return this.journeyShares(tenantId).findOne({ _id: id });
  }

  /** A student's shares that are neither revoked nor expired, soonest expiry first. */
  async activeJourneyShares(tenantId: string, studentId: string, now: Date): Promise<JourneyShareDoc[]> {
    const all = await this.journeyShares(tenantId).find({ studentId, revokedAt: null }).toArray();
    return all
      .filter((s) => s.expiresAt.getTime() > now.getTime())
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
  }

  /** True when this call revoked it (false: unknown, already revoked). */
  async revokeJourneyShare(tenantId: string, id: string, now: Date): Promise<boolean> {
    const res = await this.journeyShares(tenantId).updateOne(
      { _id: id, revokedAt: null },
      { $set: { revokedAt: now, updatedAt: now } },
    );
    return res.modifiedCount === 1;
  }

  /** Insert-if-absent; returns the draft (new or the one a retry already made). */
  async createDraft(tenantId: string, draft: Omit<DraftDoc, 'tenantId'>): Promise<DraftDoc> {
    try {
      await this.drafts(tenantId).insertOne(draft);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    return (await this.drafts(tenantId).findOne({ _id: draft._id }))!;
  }

  draft(tenantId: string, id: string) {
    return this.drafts(tenantId).findOne({ _id: id });
  }

  draftsOf(tenantId: string, personId: string) {
    return this.drafts(tenantId).find({ personId }).sort({ updatedAt: -1 }).toArray();
  }

  async saveDraftStep(
    tenantId: string,
    id: string,
    set: { step: number; answers?: Record<string, string>; tags?: ReflectionTags },
    now: Date,
  ) {
    const update: Record<string, unknown> = { step: set.step, updatedAt: now };
    for (const [key, value] of Object.entries(set.answers ?? {})) update[`answers.${key}`] = value;
    if (set.tags) update.tags = set.tags;
    await this.drafts(tenantId).updateOne({ _id: id }, { $set: update });
  }

  async deleteDraft(tenantId: string, id: string) {
    return (await this.drafts(tenantId).deleteOne({ _id: id })).deletedCount;
  }

  reflection(tenantId: string, id: string) {
    return this.reflections(tenantId).findOne({ _id: id });
  }

  /** Insert-if-absent: a retried "save" finds the reflection already there. */
  async insertReflection(tenantId: string, doc: Omit<ReflectionDoc, 'tenantId'>): Promise<boolean> {
    try {
      await this.reflections(tenantId).insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async updateReflection(
    tenantId: string,
    id: string,
    set: Partial<
      Pick<
        ReflectionDoc,
        'answers' | 'standards' | 'pillars' | 'topic' | 'shared' | 'sharedAt' | 'peerShare' | 'peerSharedAt'
      >
    >,
    now: Date,
  ) {
    return this.reflections(tenantId).updateOne({ _id: id }, { $set: { ...set, updatedAt: now } });
  }

  /** Real delete: the reflection and every piece of feedback and every peer reply on it. */
  async deleteReflection(tenantId: string, id: string): Promise<number> {
    await this.feedback(tenantId).deleteMany({ reflectionId: id });
    await this.peerReplies(tenantId).deleteMany({ reflectionId: id });
    return (await this.reflections(tenantId).deleteOne({ _id: id })).deletedCount;
  }

  reflectionsOf(tenantId: string, personId: string) {
    return this.reflections(tenantId).find({ personId }).sort({ createdAt: 1 }).toArray();
  }

  sharedBy(tenantId: string, personIds: string[]) {
    return this.reflections(tenantId)
      .find({ personId: { $in: personIds }, shared: true })
      .sort({ sharedAt: -1 })
      .toArray();
  }

  /** Tags only, for counts (lean documents). */
  tagsOf(tenantId: string, personId: string) {
    return this.reflections(tenantId)
      .find({ personId }, { projection: { createdAt: 1, pillars: 1, standards: 1, topic: 1 } })
      .toArray() as Promise<Pick<ReflectionDoc, 'createdAt' | 'pillars' | 'standards' | 'topic'>[]>;
  }

  /** Insert-if-absent on the card's nonce: a double click stores one piece of feedback. */
  async addFeedback(tenantId: string, doc: Omit<FeedbackDoc, 'tenantId'>): Promise<boolean> {
    try {
      await this.feedback(tenantId).insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  feedbackOn(tenantId: string, reflectionIds: string[]) {
    return this.feedback(tenantId)
      .find({ reflectionId: { $in: reflectionIds } })
      .sort({ createdAt: 1 })
      .toArray();
  }

  peerReplies(tenantId: string) {
    return new TenantScope(
      this.db.collection<PeerReplyDoc>(collections.reflectionPeerReplies.name),
      tenantId,
    );
  }

  workshops(tenantId: string) {
    return new TenantScope(this.db.collection<WorkshopDoc>(collections.reflectionWorkshops.name), tenantId);
  }

  /** Insert-if-absent on the card's nonce: a double click stores one reply. */
  async addPeerReply(tenantId: string, doc: Omit<PeerReplyDoc, 'tenantId'>): Promise<boolean> {
    try {
      await this.peerReplies(tenantId).insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  peerRepliesOn(tenantId: string, reflectionId: string) {
    return this.peerReplies(tenantId).find({ reflectionId }).sort({ createdAt: 1 }).toArray();
  }

  /** Reflections of a cohort that their authors shared with peers (for `peer reflections`). */
  peerSharedIn(tenantId: string, cohortId: string) {
    return this.reflections(tenantId)
      .find({ cohortId, peerShare: { $in: [...PEER_GROUPS] } })
      .sort({ peerSharedAt: -1 })
      .toArray();
  }

  /** Insert-if-absent; false when a retry already stored it. */
  async insertWorkshop(tenantId: string, doc: Omit<WorkshopDoc, 'tenantId'>): Promise<boolean> {
    try {
      await this.workshops(tenantId).insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  workshop(tenantId: string, id: string) {
    return this.workshops(tenantId).findOne({ _id: id });
  }

  schedule(tenantId: string, cohortId: string) {
    return this.schedules(tenantId).findOne({ _id: scheduleId(tenantId, cohortId) });
  }

  async setSchedule(tenantId: string, cohortId: string, after: PromptAfter, time: string, now: Date) {
    await this.schedules(tenantId).updateOne(
      { _id: scheduleId(tenantId, cohortId) },
      {
        $set: { cohortId, after, time, updatedAt: now },
        $setOnInsert: { schemaVersion: 1, createdAt: now },
      },
      { upsert: true },
    );
  }

  /** Every cohort's schedule that is switched on, across tenants (for the planner). */
  activeSchedules() {
    return this.db
      .collection<PromptScheduleDoc>(collections.reflectionSchedules.name)
      .find({ after: { $ne: 'off' } })
      .toArray();
  }
}
