/**
 * Claims: "exactly one of us does this". A claim is an insert of a unique _id, which every
 * target database applies atomically. Conditional updates (update where state = X) are not
 * enough: the local database (FerretDB 1.x on SQLite) applies them as read-then-write (we
 * measured 5 racing `updateOne({_id, state:'a'}, {$set:{state:'b'}})` report 59 modifications
 * over 20 rounds, where MongoDB reports 20). So every race
 * in this codebase — outbox deliveries, jobs, turn-state eTags, bookings — is settled by an
 * insert-if-absent.
 *
 * Ids are hashed: a claim reveals nothing about who or what it was for.
 */
import { createHash } from 'node:crypto';
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { isDuplicateKeyError } from './mongo.js';

interface ClaimDoc {
  _id: string;
  at: Date;
}

export class Claims {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<ClaimDoc>(collections.claims.name);
  }

  /** True for exactly one caller per (scope, key), ever (until purged). */
  async take(scope: string, key: string): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: claimId(scope, key), at: new Date() });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** When the claim was taken, or null if nobody holds it (a by-_id read). */
  async takenAt(scope: string, key: string): Promise<Date | null> {
    const doc = await this.collection.findOne({ _id: claimId(scope, key) });
    return doc?.at ?? null;
  }

  /** Old claims can go once nothing can still be racing for them (days, not seconds). */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    return (await this.collection.deleteMany({ at: { $lt: cutoff } })).deletedCount;
  }
}

export function claimId(scope: string, key: string): string {
  return createHash('sha256').update(`${scope}|${key}`).digest('base64url');
}
