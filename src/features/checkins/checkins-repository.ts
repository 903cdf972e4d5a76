/**
 * Storage for weekly check-ins: the check-ins themselves (one per student per week, natural-key
 * ids so a double submit lands on the same document), per-student pauses (sickness, study
 * leave). Supervision sessions and their actions live in src/features/supervision.
 */
import type { Db, ModifyResult } from 'mongodb';
import type { Pause } from '../../domain/placement-calendar.js';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { RecentReads } from '../../storage/recent-reads.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export interface CheckinAnswers {
  wellbeing: number;
  progress: string;
  leadership: string;
  wentWell: string;
  hard: string;
  topics: string;
  /** Confidence 1..5 per CONFIDENCE_AREAS id. */
  confidence: Record<string, number>;
}

export interface CheckinComment {
  id: string;
  authorId: string;
  text: string;
  at: Date;
}

export interface CheckinDoc extends BaseDoc {
  studentId: string;
  cohortId: string;
  week: number;
  of: number;
  answers: CheckinAnswers;
  dueAt: Date | null;
  /** First submission. */
  submittedAt: Date;
  lastEditedAt: Date;
  /** Submitted after the due time. */
  late: boolean;
  comments: CheckinComment[];
  countersignedBy: string | null;
  countersignedAt: Date | null;
}

export const PAUSE_REASONS = ['sickness', 'study-leave', 'other'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

export interface PauseDoc extends BaseDoc {
  studentId: string;
  cohortId: string | null;
  from: string;
  to: string;
  reason: PauseReason;
  createdBy: string;
}

export const checkinId = (tenantId: string, studentId: string, week: number) =>
  tenantDocId(tenantId, 'checkin', studentId, `w${week}`);

/**
 * How long a tenant's check-in pauses are remembered (src/storage/recent-reads.ts). Every
 * check-in turn needs the student's pauses, and pauses are few and added rarely: one read of
 * the tenant's pauses serves every student's turns for this long (on the local database a
 * student's own query decoded every pause of every tenant anyway: it filters no field but
 * `_id` in SQL). A pause added through this process is seen at once.
 */
export const PAUSE_READ_CACHE_MS = 2_000;

/** Built once per process (src/services.ts), so every check-in turn shares its remembered pauses. */
export class CheckinsRepository {
  private readonly recentPauses = new RecentReads<Map<string, Pause[]>>({
    max: 1_000,
    ttlMs: PAUSE_READ_CACHE_MS,
  });

  constructor(private readonly db: Db) {}

  checkins(tenantId: string) {
    return new TenantScope(this.db.collection<CheckinDoc>(collections.checkins.name), tenantId);
  }

  // Private: pauses are added through addPause, which forgets the remembered ones.
  private pausesScope(tenantId: string) {
    return new TenantScope(this.db.collection<PauseDoc>(collections.checkinPauses.name), tenantId);
  }

  async byId(tenantId: string, id: string): Promise<CheckinDoc | null> {
    const doc = await this.checkins(tenantId).findOne({ _id: id });
    return doc && normalise(doc);
  }

  get(tenantId: string, studentId: string, week: number) {
    return this.byId(tenantId, checkinId(tenantId, studentId, week));
  }

  /** All check-ins of one student, week order. */
  async ofStudent(tenantId: string, studentId: string): Promise<CheckinDoc[]> {
    const docs = await this.checkins(tenantId).find({ studentId }).sort({ week: 1 }).toArray();
    return docs.map(normalise);
  }

  /** Check-ins of a cohort up to and including `uptoWeek`. */
  async ofCohort(tenantId: string, cohortId: string, uptoWeek: number): Promise<CheckinDoc[]> {
    const docs = await this.checkins(tenantId)
      .find({ cohortId, week: { $lte: uptoWeek } })
      .toArray();
    return docs.map(normalise);
  }

  /** The students who have a check-in for the cohort's week. */
  async submittedStudentIds(tenantId: string, cohortId: string, week: number): Promise<Set<string>> {
    const docs = await this.checkins(tenantId)
      .find({ cohortId, week }, { projection: { studentId: 1 } })
      .toArray();
    return new Set(docs.map((c) => c.studentId));
  }

  /**
   * Insert or edit the student's check-in for a week. The id is the natural key, so a retry or
   * a double click updates the same document; two racing first submits settle on the unique
   * _id (the loser's duplicate-key error turns into an edit).
   */
  async save(
    tenantId: string,
    fields: {
      studentId: string;
      cohortId: string;
      week: number;
      of: number;
      answers: CheckinAnswers;
      dueAt: Date | null;
    },
    now: Date,
  ): Promise<{ outcome: 'inserted' | 'updated'; checkin: CheckinDoc }> {
    const _id = checkinId(tenantId, fields.studentId, fields.week);
    const update = {
      $set: {
        answers: fields.answers,
        lastEditedAt: now,
        updatedAt: now,
        // An edit needs a fresh countersignature.
        countersignedBy: null,
        countersignedAt: null,
      },
      $setOnInsert: {
        studentId: fields.studentId,
        cohortId: fields.cohortId,
        week: fields.week,
        of: fields.of,
        dueAt: fields.dueAt,
        submittedAt: now,
        late: fields.dueAt !== null && now.getTime() > fields.dueAt.getTime(),
        schemaVersion: 1,
        createdAt: now,
      },
      // Creates `comments: []` on insert and changes nothing after. Not in $setOnInsert: FerretDB
      // 1.x drops an empty array there in findAndModify (it keeps it in update).
      $push: { comments: { $each: [] } },
    };
    for (let attempt = 0; ; attempt++) {
      try {
        // One call that writes and hands back the stored check-in (with its comments and
        // countersignature), for the card the student sees next.
        const result = (await this.checkins(tenantId).findOneAndUpdate({ _id }, update, {
          upsert: true,
          returnDocument: 'after',
          includeResultMetadata: true,
        })) as unknown as ModifyResult<CheckinDoc>;
        if (!result.value) throw new Error(`checkins: the upsert of ${_id} returned no document`);
        return {
          outcome: result.lastErrorObject?.updatedExisting ? 'updated' : 'inserted',
          checkin: result.value,
        };
      } catch (err) {
        if (!isDuplicateKeyError(err) || attempt > 0) throw err;
      }
    }
  }

  async addComment(tenantId: string, id: string, comment: CheckinComment, now: Date): Promise<boolean> {
    const result = await this.checkins(tenantId).updateOne(
      { _id: id, 'comments.id': { $ne: comment.id } },
      { $push: { comments: comment }, $set: { updatedAt: now } },
    );
    return result.modifiedCount === 1;
  }

  async countersign(tenantId: string, id: string, by: string, now: Date): Promise<void> {
    await this.checkins(tenantId).updateOne(
      { _id: id },
      { $set: { countersignedBy: by, countersignedAt: now, updatedAt: now } },
    );
  }

  // Pauses --------------------------------------------------------------------------------

  /** Idempotent: the same student, dates and reason make the same pause. */
  async addPause(
    tenantId: string,
    pause: { studentId: string; cohortId: string | null; from: string; to: string; reason: PauseReason },
    createdBy: string,
    now: Date,
  ): Promise<boolean> {
    try {
      await this.pausesScope(tenantId).insertOne({
        _id: tenantDocId(tenantId, 'pause', pause.studentId, pause.from, pause.to),
        ...pause,
        createdBy,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    } finally {
      this.recentPauses.forget(this.pausesKey(tenantId));
    }
  }

  private pausesKey(tenantId: string) {
    return `${this.db.databaseName}|${tenantId}`;
  }

  /** The student's pauses, whatever cohort they were added in (remembered: PAUSE_READ_CACHE_MS). */
  async pausesOf(tenantId: string, studentId: string): Promise<Pause[]> {
    const byStudent = await this.recentPauses.get(this.pausesKey(tenantId), async () =>
      byStudentOf(await this.pausesScope(tenantId).find({}).toArray()),
    );
    return (byStudent?.get(studentId) ?? []).map((p) => ({ ...p }));
  }

  /** Pauses of every student of a cohort, by student id. */
  async pausesOfCohort(tenantId: string, cohortId: string): Promise<Map<string, Pause[]>> {
    return byStudentOf(await this.pausesScope(tenantId).find({ cohortId }).toArray());
  }
}

/**
 * The local database (FerretDB 1.x) drops empty arrays and nulls given in `$setOnInsert` of an
 * upsert, so fields that start empty are filled in on read.
 */
function normalise(doc: CheckinDoc): CheckinDoc {
  return {
    ...doc,
    comments: doc.comments ?? [],
    dueAt: doc.dueAt ?? null,
    countersignedBy: doc.countersignedBy ?? null,
    countersignedAt: doc.countersignedAt ?? null,
  };
}

function byStudentOf(docs: PauseDoc[]): Map<string, Pause[]> {
  const byStudent = new Map<string, Pause[]>();
  for (const d of docs) {
    const pause: Pause = { from: d.from, to: d.to, reason: d.reason };
    const pauses = byStudent.get(d.studentId);
    if (pauses) pauses.push(pause);
    else byStudent.set(d.studentId, [pause]);
  }
  return byStudent;
}
