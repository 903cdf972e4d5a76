/** Shape every stored document shares, and the helpers that stamp it. */
import { randomUUID } from 'node:crypto';

export interface BaseDoc {
  _id: string;
  tenantId: string;
  schemaVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Ids carry their tenant (`<tenantId>|<rest>`): a by-id lookup can skip the tenantId filter
 * without ever crossing tenants (see TenantScope.filter). `rest` defaults to a random UUID;
 * pass a natural key (e.g. person and week) to make a write idempotent by construction.
 */
export function tenantDocId(tenantId: string, ...naturalKey: string[]): string {
  return `${tenantId}|${naturalKey.length > 0 ? naturalKey.join('|') : randomUUID()}`;
}

/** Fields for a new document: use with insertOne or $setOnInsert. */
export function creationStamp(now: Date, schemaVersion = 1) {
  return { schemaVersion, createdAt: now };
}
