/**
 * Storage for supervision sessions and what was agreed in them.
 *
 * - supervision_sessions: one record per attendee of a session (so a student's export and
 *   erasure take exactly their own record), `_id` = tenant|supervision|<session>|<student>.
 * - supervision_actions: one document per agreed action, `_id` = tenant|supervision-action|<session>|<n>.
 * - supervision_open_actions: per owner (student or supervisor) their open actions in one
 *   document read by `_id`, so the check-in card costs one indexed read, not a query.
 * - supervision_escalations: one per student and episode, `_id` = tenant|escalation|<student>|<kind>|w<start>;
 *   the unique insert is what makes "one card per episode" true under concurrency.
 */
import type { Db } from 'mongodb';
import type { EpisodeKind } from '../../domain/escalation.js';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export const SUPERVISION_KINDS = ['individual', 'group', 'project'] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

/** One attendee's record of a session. */
export interface SupervisionSessionDoc extends BaseDoc {
  studentId: string;
  cohortId: string;
  week: number;
  date: string;
  minutes: number;
  kind: SupervisionKind;
  recordedBy: string;
  /** The session this record belongs to (absent on records made before sessions had ids). */
  sessionId?: string;
  /** How many students attended (1 for individual supervision). */
  attendeeCount?: number;
  /** The project team the session was for, when it was for one. */
  projectId?: string | null;
  /** Notes the attendees see. */
  notes?: string;
}

export type ActionStatus = 'open' | 'not-yet' | 'done';
export const ACTION_UPDATES = ['done', 'not-yet', 'carry-over'] as const;
export type ActionUpdate = (typeof ACTION_UPDATES)[number];

export interface SupervisionActionDoc extends BaseDoc {
  sessionId: string;
  /** Who does it: a student who attended, or the supervisor. */
  ownerId: string;
  /** The supervisor who recorded the session. */
  supervisorId: string;
  /** The student it is about (the owner when a student owns it; null when the supervisor does). */
  studentId: string | null;
  cohortId: string;
  text: string;
  dueDate: string;
  sessionDate: string;
  status: ActionStatus;
  carriedOver: number;
  lastUpdateBy: string | null;
  lastUpdateAt: Date | null;
  closedAt: Date | null;
  /** The owner's comments on it (from the notes card); absent on older documents. */
  comments?: { id: string; authorId: string; text: string; at: Date }[];
}

/** An open action as the owner's check-in card shows it. */
export interface OpenActionItem {
  actionId: string;
  text: string;
  dueDate: string;
  sessionDate: string;
  status: Exclude<ActionStatus, 'done'>;
}

export interface OpenActionsDoc extends BaseDoc {
  ownerId: string;
  /** Keyed by a short hex key of the action id (safe as a field name). */
  items: Record<string, OpenActionItem>;
}

export interface EscalationDoc extends BaseDoc {
  studentId: string;
  cohortId: string;
  kind: EpisodeKind;
  startWeek: number;
  weeks: number[];
  notified: number;
  endedAt: Date | null;
  /** Set once, by the first lead who marks it handled (a claim settles a race). */
  handledBy?: string | null;
  handledAt?: Date | null;
}

export const sessionRecordId = (tenantId: string, sessionId: string, studentId: string) =>
  tenantDocId(tenantId, 'supervision', sessionId, studentId);
export const actionId = (tenantId: string, sessionId: string, n: number) =>
  tenantDocId(tenantId, 'supervision-action', sessionId, String(n));
export const openActionsId = (tenantId: string, ownerId: string) =>
  tenantDocId(tenantId, 'open-actions', ownerId);
export const escalationId = (tenantId: string, studentId: string, kind: EpisodeKind, startWeek: number) =>
  tenantDocId(tenantId, 'escalation', studentId, kind, `w${startWeek}`);

/** A field-name-safe key for an action id (no dots, no dollar signs). */
export function itemKey(id: string): string {
  return `a${Buffer.from(id).toString('hex')}`;
}

export class SupervisionRepository {
  constructor(private readonly db: Db) {}

  sessions(tenantId: string) {
    return new TenantScope(
      this.db.collection<SupervisionSessionDoc>(collections.supervisionSessions.name),
      tenantId,
    );
  }

  actions(tenantId: string) {
    return new TenantScope(
      this.db.collection<SupervisionActionDoc>(collections.supervisionActions.name),
      tenantId,
    );
  }

  open(tenantId: string) {
    return new TenantScope(
      this.db.collection<OpenActionsDoc>(collections.supervisionOpenActions.name),
      tenantId,
    );
  }

  escalations(tenantId: string) {
    return new TenantScope(
      this.db.collection<EscalationDoc>(collections.supervisionEscalations.name),
      tenantId,
    );
  }

  /** One student's session records and the actions about them, date order (the journey export). */
  async recordOf(
    tenantId: string,
    studentId: string,
  ): Promise<{ sessions: SupervisionSessionDoc[]; actions: SupervisionActionDoc[] }> {
    const [sessions, actions] = await Promise.all([
      this.sessions(tenantId).find({ studentId }).toArray(),
      this.actions(tenantId).find({ studentId }).toArray(),
    ]);
    sessions.sort((a, b) => a.date.localeCompare(b.date));
    actions.sort((a, b) => a.sessionDate.localeCompare(b.sessionDate) || a._id.localeCompare(b._id));
    return { sessions, actions };
  }

  /** Idempotent: a retried submit writes the same records again. */
  async saveAttendeeRecords(
    tenantId: string,
    records: Omit<SupervisionSessionDoc, keyof BaseDoc | 'sessionId'>[],
    sessionId: string,
    now: Date,
  ): Promise<void> {
    for (const r of records) {
      await this.sessions(tenantId).updateOne(
        { _id: sessionRecordId(tenantId, sessionId, r.studentId) },
        { $set: { ...r, sessionId, updatedAt: now }, $setOnInsert: { schemaVersion: 1, createdAt: now } },
        { upsert: true },
      );
    }
  }

  /** The attendee records of the sessions held for a project team. */
  sessionsOfProject(tenantId: string, projectId: string) {
    return this.sessions(tenantId).find({ projectId }).sort({ date: 1 }).toArray();
  }

  actionsOfSessions(tenantId: string, sessionIds: string[]) {
    return sessionIds.length
      ? this.actions(tenantId)
          .find({ sessionId: { $in: sessionIds } })
          .toArray()
      : Promise.resolve([]);
  }

  sessionsOf(tenantId: string, studentId: string) {
    return this.sessions(tenantId).find({ studentId }).sort({ date: 1 }).toArray();
  }

  /**
   * Inserts the action and puts it on its owner's open list. A retry (the action exists)
   * puts it back on the list only if nobody has updated it yet, so a double submit never
   * reopens an action the owner has marked done.
   */
  async addAction(
    tenantId: string,
    action: Omit<SupervisionActionDoc, 'tenantId'>,
    now: Date,
  ): Promise<void> {
    let fresh = true;
    try {
      await this.actions(tenantId).insertOne(action);
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const existing = await this.actions(tenantId).findOne({ _id: action._id });
      fresh = !!existing && existing.status === 'open' && !existing.lastUpdateAt;
    }
    if (fresh) await this.setOpenItem(tenantId, action, now);
  }

  private async setOpenItem(
    tenantId: string,
    a: Pick<SupervisionActionDoc, '_id' | 'ownerId' | 'text' | 'dueDate' | 'sessionDate' | 'status'>,
    now: Date,
  ): Promise<void> {
    const item: OpenActionItem = {
      actionId: a._id,
      text: a.text,
      dueDate: a.dueDate,
      sessionDate: a.sessionDate,
      status: a.status === 'not-yet' ? 'not-yet' : 'open',
    };
    await this.open(tenantId).updateOne(
      { _id: openActionsId(tenantId, a.ownerId) },
      {
        $set: { ownerId: a.ownerId, [`items.${itemKey(a._id)}`]: item, updatedAt: now },
        $setOnInsert: { schemaVersion: 1, createdAt: now },
      },
      { upsert: true },
    );
  }

  /** The owner's open actions, due date order: one read by _id. */
  async openOf(tenantId: string, ownerId: string): Promise<OpenActionItem[]> {
    const doc = await this.open(tenantId).findOne({ _id: openActionsId(tenantId, ownerId) });
    return Object.values(doc?.items ?? {}).sort(
      (a, b) => a.dueDate.localeCompare(b.dueDate) || a.actionId.localeCompare(b.actionId),
    );
  }

  /** Adds a comment once (a retry with the same id changes nothing). */
  async addActionComment(
    tenantId: string,
    id: string,
    comment: { id: string; authorId: string; text: string; at: Date },
  ): Promise<void> {
    await this.actions(tenantId).updateOne(
      { _id: id, 'comments.id': { $ne: comment.id } },
      { $push: { comments: comment }, $set: { updatedAt: comment.at } },
    );
  }

  actionById(tenantId: string, id: string) {
    return this.actions(tenantId).findOne({ _id: id });
  }

  /** Sets the action's state (the same answer twice changes nothing) and its owner's list. */
  async update(
    tenantId: string,
    action: SupervisionActionDoc,
    change: { status: ActionStatus; dueDate?: string; carried?: boolean },
    by: string,
    now: Date,
  ): Promise<SupervisionActionDoc> {
    const set: Partial<SupervisionActionDoc> = {
      status: change.status,
      lastUpdateBy: by,
      lastUpdateAt: now,
      updatedAt: now,
      closedAt: change.status === 'done' ? (action.closedAt ?? now) : null,
    };
    if (change.dueDate) set.dueDate = change.dueDate;
    await this.actions(tenantId).updateOne(
      { _id: action._id },
      change.carried ? { $set: set, $inc: { carriedOver: 1 } } : { $set: set },
    );
    const updated = { ...action, ...set };
    if (change.status === 'done') {
      await this.open(tenantId).updateOne(
        { _id: openActionsId(tenantId, action.ownerId) },
        { $unset: { [`items.${itemKey(action._id)}`]: '' }, $set: { updatedAt: now } },
      );
    } else {
      await this.setOpenItem(tenantId, updated, now);
    }
    return updated;
  }

  /** Every action agreed for a cohort's students (the digest's, a job: not a hot path). */
  ofCohort(tenantId: string, cohortId: string) {
    return this.actions(tenantId).find({ cohortId }).toArray();
  }

  ofSupervisor(tenantId: string, supervisorId: string) {
    return this.actions(tenantId).find({ supervisorId }).toArray();
  }

  // Escalations ----------------------------------------------------------------------------

  /** True for the first caller of an episode (insert-if-absent on its deterministic id). */
  async startEpisode(tenantId: string, doc: Omit<EscalationDoc, 'tenantId'>): Promise<boolean> {
    try {
      await this.escalations(tenantId).insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async extendEpisode(tenantId: string, id: string, weeks: number[], now: Date): Promise<void> {
    await this.escalations(tenantId).updateOne({ _id: id }, { $set: { weeks, updatedAt: now } });
  }

  async endEpisode(tenantId: string, id: string, now: Date): Promise<void> {
    await this.escalations(tenantId).updateOne({ _id: id }, { $set: { endedAt: now, updatedAt: now } });
  }

  escalationById(tenantId: string, id: string) {
    return this.escalations(tenantId).findOne({ _id: id });
  }

  /** Only the claim's winner calls this: the first handler stands. */
  async markHandled(tenantId: string, id: string, by: string, now: Date): Promise<void> {
    await this.escalations(tenantId).updateOne(
      { _id: id },
      { $set: { handledBy: by, handledAt: now, updatedAt: now } },
    );
  }

  escalationsOfCohort(tenantId: string, cohortId: string) {
    return this.escalations(tenantId).find({ cohortId }).toArray();
  }
}
