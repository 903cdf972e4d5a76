/**
 * The reads and writes behind export, erasure and retention, across every collection the
 * registry (src/storage/collections.ts) marks as holding personal data. Driven by the registry,
 * not by features: a new collection is covered as soon as it is registered.
 */
import type { Db, Document } from 'mongodb';
import { collections, type CollectionSpec } from '../../storage/collections.js';
import type { PersonDoc } from '../../storage/people-repository.js';

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class PersonalRecordsRepository {
  constructor(private readonly db: Db) {}

  /** Documents of `spec` whose person fields hold one of the ids (exactly, or as a key segment). */
  async matching(tenantId: string, spec: CollectionSpec, ids: string[]): Promise<Document[]> {
    const fields = spec.personFields ?? [];
    // Exact ids, and ids embedded as a `|` segment of a natural key (tenant|<person>|w3).
    const embedded = new RegExp(`(^|\\|)(${ids.map(escapeRegex).join('|')})(\\||$)`);
    const docs = await this.db
      .collection(spec.name)
      .find({ $or: fields.flatMap((f) => [{ [f]: { $in: ids } }, { [f]: { $regex: embedded } }]) })
      .toArray();
    // Tenant-scoped collections carry tenantId; turn state and some jobs do not.
    return docs.filter((d) => typeof d.tenantId !== 'string' || d.tenantId === tenantId);
  }

  async setFields(spec: CollectionSpec, id: unknown, set: Document): Promise<void> {
    await this.db.collection(spec.name).updateOne({ _id: id } as Document, { $set: set });
  }

  async deleteIds(spec: CollectionSpec, ids: unknown[]): Promise<number> {
    const { deletedCount } = await this.db
      .collection(spec.name)
      .deleteMany({ _id: { $in: ids } } as Document);
    return deletedCount;
  }

  /** People (all tenants) whose erasure was requested before `cutoff` and is still on record. */
  erasureRequestedBefore(cutoff: Date): Promise<PersonDoc[]> {
    return this.db
      .collection<PersonDoc>(collections.people.name)
      .find({ erasureRequestedAt: { $lte: cutoff } })
      .toArray();
  }

  /** A cohort's documents in one registered collection (retention). */
  async deleteCohortDocuments(spec: CollectionSpec, tenantId: string, cohortId: string): Promise<number> {
    const { deletedCount } = await this.db.collection(spec.name).deleteMany({ tenantId, cohortId });
    return deletedCount;
  }

  /** Outbox items that still carry an activity, with their state (for scrubbing names from messages). */
  outboxItemsWithActivity(tenantId: string) {
    return this.db
      .collection(collections.outbox.name)
      .find({
        tenantId,
        state: { $in: ['pending', 'sent', 'failed', 'unreachable', 'cancelled'] },
        activity: { $ne: null },
      })
      .project<{ _id: unknown; activity: unknown; state: string }>({ _id: 1, activity: 1, state: 1 })
      .toArray();
  }

  /** Drops an outbox item's content (and cancels it if still pending), if its state is unchanged. */
  async scrubOutboxItem(item: { _id: unknown; state: string }): Promise<void> {
    const set = item.state === 'pending' ? { activity: null, state: 'cancelled' } : { activity: null };
    await this.db
      .collection(collections.outbox.name)
      .updateOne({ _id: item._id, state: item.state } as Document, { $set: set });
  }
}
