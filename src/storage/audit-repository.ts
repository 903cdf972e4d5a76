/** Audit trail: who did what to what, when. Holds ids and counts, never free text. */
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
import { GroupInserter } from './group-commit.js';
import { TenantScope } from './tenant-scope.js';

export interface AuditDoc extends BaseDoc {
  at: Date;
  actorId: string | null;
  action: string;
  targetId: string | null;
  outcome: 'ok' | 'refused' | 'error';
  details: Record<string, string | number | boolean | null>;
}

export class AuditRepository {
  /**
   * One group-committed insert stream (the repository is built once per process): entries
   * recorded while an insert is in flight go together in the next one (under load most turns
   * write an audit entry). Each caller still waits until its own entry is stored.
   */
  private readonly inserter: GroupInserter<AuditDoc>;

  constructor(private readonly db: Db) {
    this.inserter = new GroupInserter(() => db.collection<AuditDoc>(collections.audit.name));
  }

  scope(tenantId: string) {
    return new TenantScope(this.db.collection<AuditDoc>(collections.audit.name), tenantId);
  }

  async record(
    tenantId: string,
    entry: {
      actorId: string | null;
      action: string;
      targetId?: string | null;
      outcome?: AuditDoc['outcome'];
      details?: AuditDoc['details'];
    },
    now: Date,
  ): Promise<void> {
    const inserted = await this.inserter.insert({
      _id: tenantDocId(tenantId),
      tenantId,
      at: now,
      actorId: entry.actorId,
      action: entry.action,
      targetId: entry.targetId ?? null,
      outcome: entry.outcome ?? 'ok',
      details: entry.details ?? {},
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (!inserted) throw new Error('audit: entry id already taken'); // ids are random: not expected
  }

  list(tenantId: string, filter: { action?: string; actorId?: string } = {}) {
    return this.scope(tenantId).find(filter).sort({ at: -1 }).toArray();
  }
}
