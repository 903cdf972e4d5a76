/**
 * The AHP directory: leaders students can book a short conversation with. Imported from
 * ahp-directory.csv by email; each host is also a person (role 'ahp-host', `personId`) so
 * the bot recognises them when they chat.
 */
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
import { TenantScope } from './tenant-scope.js';

export interface AhpHostDoc extends BaseDoc {
  email: string;
  displayName: string;
  profession: string;
  /** e.g. 'FTSU guardian', 'EDI lead', 'practice education' */
  roleType: string;
  bio: string;
  /** Room/site, or 'online'. */
  location: string;
  /** Most 20-minute conversations per week. */
  weeklyCap: number;
  /** people._id of the same person. */
  personId: string;
  /** False once the host is no longer in the imported directory; kept for past bookings. */
  active: boolean;
  /** Teams/video link for online conversations; set by the host in Teams (not imported). */
  onlineLink?: string | null;
}

/** A directory role that names a Freedom to Speak Up guardian. */
export const FTSU_ROLE = /\b(ftsu|freedom to speak up)\b/i;

export type AhpHostImport = Omit<AhpHostDoc, keyof BaseDoc | 'active'>;

export class AhpHostsRepository {
  constructor(private readonly db: Db) {}

  scope(tenantId: string) {
    return new TenantScope(this.db.collection<AhpHostDoc>(collections.ahpHosts.name), tenantId);
  }

  /** Upsert by email and mark active; 'unchanged' when every field already matches. */
  async upsertByEmail(
    tenantId: string,
    host: AhpHostImport,
    now: Date,
  ): Promise<'inserted' | 'updated' | 'unchanged'> {
    const scope = this.scope(tenantId);
    const fields = { ...host, email: host.email.toLowerCase(), active: true };
    if (await scope.findOne(fields)) return 'unchanged';
    const result = await scope.updateOne(
      { email: fields.email },
      {
        $set: { ...fields, updatedAt: now },
        $setOnInsert: { _id: tenantDocId(tenantId), schemaVersion: 1, createdAt: now },
      },
      { upsert: true },
    );
    return result.upsertedCount > 0 ? 'inserted' : 'updated';
  }

  /** Marks inactive every active host whose email is not in `keepEmails`; returns how many. */
  async deactivateAllExcept(tenantId: string, keepEmails: string[], now: Date): Promise<number> {
    const result = await this.scope(tenantId).updateMany(
      { email: { $nin: keepEmails.map((e) => e.toLowerCase()) }, active: true },
      { $set: { active: false, updatedAt: now } },
    );
    return result.modifiedCount;
  }

  /** The host's own edits from Teams (`my host profile`). */
  async updateProfile(
    tenantId: string,
    hostId: string,
    profile: { bio: string; location: string; onlineLink: string | null; weeklyCap: number },
    now: Date,
  ) {
    return this.scope(tenantId).findOneAndUpdate({ _id: hostId }, { $set: { ...profile, updatedAt: now } });
  }

  byId(tenantId: string, id: string) {
    return this.scope(tenantId).findOne({ _id: id });
  }

  byIds(tenantId: string, ids: string[]) {
    return this.scope(tenantId)
      .find({ _id: { $in: ids } })
      .toArray();
  }

  byEmail(tenantId: string, email: string) {
    return this.scope(tenantId).findOne({ email: email.toLowerCase() });
  }

  byPersonId(tenantId: string, personId: string) {
    return this.scope(tenantId).findOne({ personId });
  }

  /** Hosts students can book now, by name. */
  active(tenantId: string) {
    return this.scope(tenantId).find({ active: true }).sort({ displayName: 1 }).toArray();
  }

  /** Hosts students can book now, in stored order. */
  activeInStoredOrder(tenantId: string) {
    return this.scope(tenantId).find({ active: true }).toArray();
  }

  /** The trust's Freedom to Speak Up guardians: active hosts whose role says so. */
  async guardians(tenantId: string) {
    return (await this.activeInStoredOrder(tenantId)).filter((h) => FTSU_ROLE.test(h.roleType));
  }

  all(tenantId: string) {
    return this.scope(tenantId).find({}).sort({ email: 1 }).toArray();
  }
}
