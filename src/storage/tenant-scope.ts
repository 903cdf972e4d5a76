/**
 * A collection seen through one tenant. Every filter and insert gets the tenantId added
 * here (an upsert inherits it from the filter), so repository code cannot read or write across tenants by forgetting it.
 */
import type {
  AggregateOptions,
  Collection,
  Document,
  Filter,
  FindOptions,
  FindOneAndUpdateOptions,
  OptionalUnlessRequiredId,
  UpdateFilter,
  UpdateOptions,
} from 'mongodb';
import { assertTenantId, tenantSegment } from '../domain/tenant-id.js';
import { isDuplicateKeyError } from './mongo.js';

/** True when `id` was minted for `tenantId`: its whole tenant segment matches, not a prefix of it. */
export function isTenantId(id: unknown, tenantId: string): boolean {
  return tenantSegment(id) === tenantId;
}

/**
 * Two upserts of the same new document at once (Teams sends installationUpdate and
 * conversationUpdate together) both try to insert; the loser gets a duplicate key although
 * the document now exists. The same write again is then a plain update.
 */
async function retryUpsertRace<R>(
  options: { upsert?: boolean } | undefined,
  write: () => Promise<R>,
): Promise<R> {
  try {
    return await write();
  } catch (err) {
    if (!options?.upsert || !isDuplicateKeyError(err)) throw err;
    return write();
  }
}

export class TenantScope<T extends Document & { tenantId: string }> {
  constructor(
    readonly collection: Collection<T>,
    readonly tenantId: string,
  ) {
    assertTenantId(tenantId, 'TenantScope');
  }

  filter(filter: Filter<T> = {}): Filter<T> {
    // An id minted by tenantDocId() already names its tenant, and a filter that is exactly
    // { _id } is the one the local database (FerretDB/SQLite) answers by primary key rather
    // than by scanning the collection. Any other filter gets tenantId added.
    const keys = Object.keys(filter);
    if (keys.length === 1 && keys[0] === '_id' && isTenantId(filter._id, this.tenantId)) return filter;
    return { ...filter, tenantId: this.tenantId } as Filter<T>;
  }

  findOne(filter: Filter<T>, options?: FindOptions) {
    return this.collection.findOne(this.filter(filter), options);
  }

  find(filter: Filter<T> = {}, options?: FindOptions) {
    return this.collection.find(this.filter(filter), options);
  }

  countDocuments(filter: Filter<T> = {}) {
    return this.collection.countDocuments(this.filter(filter));
  }

  insertOne(doc: Omit<T, 'tenantId'>) {
    return this.collection.insertOne({ ...doc, tenantId: this.tenantId } as OptionalUnlessRequiredId<T>);
  }

  insertMany(docs: Omit<T, 'tenantId'>[]) {
    return this.collection.insertMany(
      docs.map((d) => ({ ...d, tenantId: this.tenantId }) as OptionalUnlessRequiredId<T>),
      { ordered: false },
    );
  }

  updateOne(filter: Filter<T>, update: UpdateFilter<T>, options?: UpdateOptions) {
    const scoped = this.filter(filter);
    return retryUpsertRace(options, () =>
      this.collection.updateOne(scoped, this.tenantOnUpsert(scoped, update, options), options),
    );
  }

  updateMany(filter: Filter<T>, update: UpdateFilter<T>) {
    return this.collection.updateMany(this.filter(filter), update);
  }

  findOneAndUpdate(filter: Filter<T>, update: UpdateFilter<T>, options: FindOneAndUpdateOptions = {}) {
    const scoped = this.filter(filter);
    return retryUpsertRace(options, () =>
      this.collection.findOneAndUpdate(scoped, this.tenantOnUpsert(scoped, update, options), {
        returnDocument: 'after',
        ...options,
      }),
    );
  }

  deleteOne(filter: Filter<T>) {
    return this.collection.deleteOne(this.filter(filter));
  }

  deleteMany(filter: Filter<T>) {
    return this.collection.deleteMany(this.filter(filter));
  }

  /** The tenant $match is always the first stage. */
  aggregate<R extends Document = Document>(pipeline: Document[], options?: AggregateOptions) {
    return this.collection.aggregate<R>([{ $match: { tenantId: this.tenantId } }, ...pipeline], options);
  }

  /** An upsert through the { _id } fast path must still write tenantId into a new document. */
  private tenantOnUpsert(
    scoped: Filter<T>,
    update: UpdateFilter<T>,
    options?: { upsert?: boolean },
  ): UpdateFilter<T> {
    if (!options?.upsert || 'tenantId' in scoped) return update;
    return {
      ...update,
      $setOnInsert: { ...(update.$setOnInsert ?? {}), tenantId: this.tenantId },
    } as UpdateFilter<T>;
  }
}
