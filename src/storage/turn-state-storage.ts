/**
 * botbuilder `Storage` on MongoDB with eTag optimistic concurrency: a write carrying an
 * eTag succeeds only if the stored item still has that eTag ('*' or no eTag = overwrite).
 * Items are stored as JSON text so keys with '$' or '.' in state cannot break the document.
 */
import { randomUUID } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Collection, Db } from 'mongodb';
import { collections } from './collections.js';
import { Claims } from './claims.js';

interface TurnStateDoc {
  _id: string;
  json: string;
  eTag: string;
  userId?: string;
  conversationId?: string;
  updatedAt: Date;
}

export class EtagConflictError extends Error {
  constructor(key: string) {
    super(`Storage: eTag conflict writing '${key}'; the item was changed by another turn`);
    this.name = 'EtagConflictError';
  }
}

export class MongoTurnStateStorage implements Storage {
  private readonly collection: Collection<TurnStateDoc>;

  private readonly claims: Claims;

  constructor(db: Db) {
    this.collection = db.collection<TurnStateDoc>(collections.turnState.name);
    this.claims = new Claims(db);
  }

  /**
   * One lookup per key, each exactly `{ _id }`: every turn reads its conversation and user
   * state, and the local database (FerretDB 1.x) scans the whole collection for `{ _id: { $in } }`.
   */
  async read(keys: string[]): Promise<StoreItems> {
    const docs = await Promise.all([...new Set(keys)].map((key) => this.collection.findOne({ _id: key })));
    const items: StoreItems = {};
    for (const doc of docs) if (doc) items[doc._id] = { ...JSON.parse(doc.json), eTag: doc.eTag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...state } = (item ?? {}) as { eTag?: string };
      const next = {
        json: JSON.stringify(state),
        eTag: randomUUID(),
        userId: userIdOf(key),
        conversationId: conversationIdOf(key),
        updatedAt: new Date(),
      };
      if (!eTag || eTag === '*') {
        await this.collection.updateOne({ _id: key }, { $set: next }, { upsert: true });
        continue;
      }
      // Only one writer may replace a given eTag: settled by a claim, then written.
      if (!(await this.claims.take('turn-state', `${key}#${eTag}`))) throw new EtagConflictError(key);
      const result = await this.collection.updateOne({ _id: key, eTag }, { $set: next });
      if (result.matchedCount === 0) throw new EtagConflictError(key);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.collection.deleteMany({ _id: { $in: keys } });
  }
}

/** Teams AI user-state keys end in `/users/<userId>`; kept so a person's state can be erased. */
function userIdOf(key: string): string | undefined {
  const match = /\/users\/([^/]+)$/.exec(key);
  return match?.[1];
}

/** Conversation-state keys end in `/conversations/<conversationId>`; kept for the same reason. */
function conversationIdOf(key: string): string | undefined {
  const match = /\/conversations\/([^/]+)$/.exec(key);
  return match?.[1];
}
