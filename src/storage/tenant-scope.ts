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

export class TenantScope<T extends Document & { tenantId: string }> {
  constructor(
    readonly collection: Collection<T>,
    readonly tenantId: string,
  ) {
    if (!tenantId) throw new Error('TenantScope: tenantId is required');
  }

  filter(filter: Filter<T> = {}): Filter<T> {
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
    return this.collection.updateOne(this.filter(filter), update, options);
  }

  updateMany(filter: Filter<T>, update: UpdateFilter<T>) {
    return this.collection.updateMany(this.filter(filter), update);
  }

  findOneAndUpdate(filter: Filter<T>, update: UpdateFilter<T>, options: FindOneAndUpdateOptions = {}) {
    return this.collection.findOneAndUpdate(this.filter(filter), update, {
      returnDocument: 'after',
      ...options,
    });
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
}
