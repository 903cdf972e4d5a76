/**
 * Announcements and their acknowledgements. An acknowledgement's _id is derived from the
 * announcement and the person, so acknowledging twice (a double click, a Teams retry, a
 * second copy of the card) stores one document; counts come from countDocuments over those
 * documents, never from a counter updated by concurrent requests.
 */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export type AnnouncementTarget = 'channel' | 'members' | 'both';
export type AnnouncementState = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'recalled';

export interface AnnouncementContent {
  title: string;
  /** Markdown subset that Adaptive Card TextBlocks render: bold, italic, lists, https links. */
  body: string;
  linkUrl: string | null;
  imageUrl: string | null;
  importance: 'normal' | 'urgent';
  ackRequired: boolean;
}

export interface AnnouncementDoc extends BaseDoc {
  cohortId: string;
  authorId: string;
  content: AnnouncementContent;
  target: AnnouncementTarget;
  state: AnnouncementState;
  /** The instant chosen for a scheduled send (null = send now). */
  sendAt: Date | null;
  /** The cohort's time zone when composed: how the schedule was entered and is shown. */
  timeZone: string;
  /** `channel:<id>` when the channel is a target. */
  channelKey: string | null;
  /** Who is asked to read it (person ids), fixed when it is sent. */
  audience: string[];
  revision: number;
  sentAt: Date | null;
  editedAt: Date | null;
  recalledAt: Date | null;
  /** How many times the lead resent it to those not reached (absent on older documents = 0). */
  resends?: number;
}

export interface AckDoc extends BaseDoc {
  announcementId: string;
  personId: string;
  at: Date;
}

export class AnnouncementsRepository {
  constructor(private readonly db: Db) {}

  scope(tenantId: string) {
    return new TenantScope(this.db.collection<AnnouncementDoc>(collections.announcements.name), tenantId);
  }

  acks(tenantId: string) {
    return new TenantScope(this.db.collection<AckDoc>(collections.announcementAcks.name), tenantId);
  }

  async insert(tenantId: string, doc: Omit<AnnouncementDoc, 'tenantId'>): Promise<void> {
    await this.scope(tenantId).insertOne(doc);
  }

  byId(tenantId: string, id: string) {
    return this.scope(tenantId).findOne({ _id: id });
  }

  async set(tenantId: string, id: string, fields: Partial<AnnouncementDoc>, now: Date): Promise<void> {
    await this.scope(tenantId).updateOne({ _id: id }, { $set: { ...fields, updatedAt: now } });
  }

  /** Most recent first, for the cohorts given (all cohorts when null). */
  recent(tenantId: string, cohortIds: string[] | null, limit = 10) {
    const filter = cohortIds ? { cohortId: { $in: cohortIds } } : {};
    return this.scope(tenantId)
      .find({ ...filter, state: { $ne: 'draft' } }, { projection: { audience: 0 } })
      .sort({ createdAt: -1 })
      .limit(limit)
      .toArray();
  }

  /** Insert-if-absent: true when this was the person's first acknowledgement. */
  async acknowledge(tenantId: string, announcementId: string, personId: string, now: Date): Promise<boolean> {
    try {
      await this.acks(tenantId).insertOne({
        _id: ackId(tenantId, announcementId, personId),
        announcementId,
        personId,
        at: now,
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

  ackOf(tenantId: string, announcementId: string, personId: string) {
    return this.acks(tenantId).findOne({ _id: ackId(tenantId, announcementId, personId) });
  }

  countAcks(tenantId: string, announcementId: string): Promise<number> {
    return this.acks(tenantId).countDocuments({ announcementId });
  }

  /** When each person acknowledged it. */
  async ackTimes(tenantId: string, announcementId: string): Promise<Map<string, Date>> {
    const docs = await this.acks(tenantId)
      .find({ announcementId }, { projection: { personId: 1, at: 1 } })
      .toArray();
    return new Map(docs.map((d) => [d.personId, d.at]));
  }

  async ackers(tenantId: string, announcementId: string): Promise<Set<string>> {
    const docs = await this.acks(tenantId)
      .find({ announcementId }, { projection: { personId: 1 } })
      .toArray();
    return new Set(docs.map((d) => d.personId));
  }
}

export function ackId(tenantId: string, announcementId: string, personId: string): string {
  return tenantDocId(tenantId, 'ack', announcementId, personId);
}
