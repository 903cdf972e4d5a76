/**
 * Concerns raised with the trust's receivers (src/features/concerns). Two collections:
 * `concerns`, which receivers' cards read (the topic, the words, who it went to, the replies;
 * the sender's id only when they gave their name), and `concern_senders`, the sealed mapping
 * from an anonymous concern to its sender, read only by the reply path (deliverReply) and by
 * the sender's own data export and erasure. See docs/decisions/0009-anonymous-concerns.md.
 */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export type ConcernTopic = 'safety' | 'conduct' | 'placement' | 'other';

export interface ConcernReply {
  /** Null once the author is erased. Names are looked up when a card is drawn, never stored. */
  authorId: string | null;
  text: string;
  at: Date;
}

export interface ConcernDoc extends BaseDoc {
  /** The sender, only when they gave their name; null for an anonymous concern. */
  senderId: string | null;
  /** The sender's name as shown to receivers; '' when anonymous. */
  senderName: string;
  anonymous: boolean;
  /** The cohort it is about (the sender's), for retention; null for someone on no cohort. */
  cohortId: string | null;
  topic: ConcernTopic;
  text: string;
  /** Who was sent it (people._id; null once erased), and what each is to the sender (same order). */
  receiverIds: (string | null)[];
  receiverRoles: string[];
  /** The sender chose to tell their supervisor(s) too. */
  supervisorCopied: boolean;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  replies: ConcernReply[];
}

/** The sealed mapping: an anonymous concern's sender, for the reply path only. */
export interface ConcernSenderDoc extends BaseDoc {
  senderId: string;
  cohortId: string | null;
}

/** A concern's id from the form's request id: a double submit stores one concern. */
export const concernId = (tenantId: string, requestId: string) => tenantDocId(tenantId, 'concern', requestId);

export class ConcernsRepository {
  constructor(private readonly db: Db) {}

  private concerns(tenantId: string) {
    return new TenantScope(this.db.collection<ConcernDoc>(collections.concerns.name), tenantId);
  }

  private senders(tenantId: string) {
    return new TenantScope(this.db.collection<ConcernSenderDoc>(collections.concernSenders.name), tenantId);
  }

  /**
   * Stores a new concern (and, when anonymous, its sealed sender); false when this request id
   * was already stored (a double submit).
   */
  async insert(concern: ConcernDoc, anonymousSenderId: string | null): Promise<boolean> {
    if (anonymousSenderId) {
      try {
        await this.senders(concern.tenantId).insertOne({
          _id: concern._id,
          senderId: anonymousSenderId,
          cohortId: concern.cohortId,
          schemaVersion: 1,
          createdAt: concern.createdAt,
          updatedAt: concern.createdAt,
        });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    try {
      await this.concerns(concern.tenantId).insertOne(concern);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  byId(tenantId: string, id: string) {
    return this.concerns(tenantId).findOne({ _id: id });
  }

  /** Marks it acknowledged, once; returns the concern as it is now. */
  async acknowledge(tenantId: string, id: string, by: string, now: Date) {
    await this.concerns(tenantId).updateOne(
      { _id: id, acknowledgedAt: null },
      { $set: { acknowledgedBy: by, acknowledgedAt: now, updatedAt: now } },
    );
    return this.byId(tenantId, id);
  }

  /** Adds a reply (a reply also acknowledges); returns the concern as it is now. */
  async addReply(tenantId: string, id: string, reply: ConcernReply, now: Date) {
    await this.concerns(tenantId).updateOne(
      { _id: id, acknowledgedAt: null },
      { $set: { acknowledgedBy: reply.authorId, acknowledgedAt: now, updatedAt: now } },
    );
    await this.concerns(tenantId).updateOne(
      { _id: id },
      { $push: { replies: reply }, $set: { updatedAt: now } },
    );
    return this.byId(tenantId, id);
  }

  /** The reply path only: who sent the concern (named: on the concern; anonymous: sealed). */
  async senderOf(tenantId: string, concern: ConcernDoc): Promise<string | null> {
    if (!concern.anonymous) return concern.senderId;
    return (await this.senders(tenantId).findOne({ _id: concern._id }))?.senderId ?? null;
  }

  /** The concerns a person raised with their name, oldest first (their journey export). */
  namedBy(tenantId: string, senderId: string) {
    return this.concerns(tenantId).find({ senderId, anonymous: false }).sort({ createdAt: 1 }).toArray();
  }
}
