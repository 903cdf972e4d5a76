/** Which supervisors supervise which students (many-to-many). */
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
import { isDuplicateKeyError } from './mongo.js';
import { TenantScope } from './tenant-scope.js';

export interface SupervisionLinkDoc extends BaseDoc {
  studentId: string;
  supervisorId: string;
}

export class SupervisionLinksRepository {
  constructor(private readonly db: Db) {}

  scope(tenantId: string) {
    return new TenantScope(this.db.collection<SupervisionLinkDoc>(collections.supervisions.name), tenantId);
  }

  /** Insert-if-absent; returns true when the link is new. */
  async link(tenantId: string, studentId: string, supervisorId: string, now: Date): Promise<boolean> {
    try {
      await this.scope(tenantId).insertOne({
        _id: tenantDocId(tenantId),
        studentId,
        supervisorId,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Removes the student's links to every supervisor not in `keepSupervisorIds`; returns how many. */
  async unlinkAllExcept(tenantId: string, studentId: string, keepSupervisorIds: string[]): Promise<number> {
    const result = await this.scope(tenantId).deleteMany({
      studentId,
      supervisorId: { $nin: keepSupervisorIds },
    });
    return result.deletedCount;
  }

  async supervisorIdsOf(tenantId: string, studentId: string): Promise<string[]> {
    const links = await this.scope(tenantId).find({ studentId }).toArray();
    return links.map((l) => l.supervisorId);
  }

  async studentIdsOf(tenantId: string, supervisorId: string): Promise<string[]> {
    const links = await this.scope(tenantId).find({ supervisorId }).toArray();
    return links.map((l) => l.studentId);
  }

  /** The links of these students (none asked: none). */
  async linksOfStudents(tenantId: string, studentIds: string[]) {
    if (studentIds.length === 0) return [];
    return this.scope(tenantId)
      .find({ studentId: { $in: studentIds } })
      .toArray();
  }

  async isSupervisorOf(tenantId: string, supervisorId: string, studentId: string): Promise<boolean> {
    return (await this.scope(tenantId).countDocuments({ supervisorId, studentId })) > 0;
  }

  all(tenantId: string) {
    return this.scope(tenantId).find({}).toArray();
  }
}
