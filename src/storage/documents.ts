/** Shape every stored document shares, and the helpers that stamp it. */
import { randomUUID } from 'node:crypto';

export interface BaseDoc {
  _id: string;
  tenantId: string;
  schemaVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export const newId = (): string => randomUUID();

/** Fields for a new document: use with insertOne or $setOnInsert. */
export function creationStamp(now: Date, schemaVersion = 1) {
  return { schemaVersion, createdAt: now };
}
