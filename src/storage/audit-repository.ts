/** Audit trail: who did what to what, when. Holds ids and counts, never free text. */
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
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
  constructor(private readonly db: Db) {}

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
    await this.scope(tenantId).insertOne({
      _id: tenantDocId(tenantId),
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
  }

  list(tenantId: string, filter: { action?: string; actorId?: string } = {}) {
    return this.scope(tenantId).find(filter).sort({ at: -1 }).toArray();
  }
}
