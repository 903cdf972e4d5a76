/**
 * Conversation references: what we need to message a person (personal chat) or a channel
 * later, proactively. Saved on install and on every message from a known person.
 */
import type { ConversationReference } from 'botbuilder';
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
import { TenantScope } from './tenant-scope.js';

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

export interface ConversationReferenceDoc extends BaseDoc {
  /** `personal:<personId>` or `channel:<channelId>` or `group:<conversationId>`. */
  key: string;
  kind: ConversationKind;
  personId: string | null;
  reference: Partial<ConversationReference>;
}

export const personalKey = (personId: string) => `personal:${personId}`;
export const channelKey = (channelId: string) => `channel:${channelId}`;

export class ConversationReferencesRepository {
  constructor(private readonly db: Db) {}

  scope(tenantId: string) {
    return new TenantScope(
      this.db.collection<ConversationReferenceDoc>(collections.conversationReferences.name),
      tenantId,
    );
  }

  async save(
    tenantId: string,
    key: string,
    kind: ConversationKind,
    personId: string | null,
    reference: Partial<ConversationReference>,
    now: Date,
  ) {
    // An upsert race (two first-contact turns at once) is retried by TenantScope.
    await this.scope(tenantId).updateOne(
      { _id: tenantDocId(tenantId, key) },
      {
        $set: { key, kind, personId, reference: stripUndefined(reference), updatedAt: now },
        $setOnInsert: { schemaVersion: 1, createdAt: now },
      },
      { upsert: true },
    );
  }

  async get(tenantId: string, key: string) {
    return this.scope(tenantId).findOne({ _id: tenantDocId(tenantId, key) });
  }
}

function stripUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
