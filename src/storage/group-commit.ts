/**
 * Group commit (the outbox sender's per-message writes, audit entries): concurrent callers'
 * documents go to the database in one insertMany / bulk update while the previous one is in flight, and each
 * caller learns its own outcome (for inserts: false = its _id already existed). Every caller
 * still waits for its document to be stored, so nothing is acknowledged before it is durable;
 * the database just commits many at once (on the local database each commit, not each
 * document, is what costs).
 */
import type { Collection, Document, Filter, OptionalUnlessRequiredId, UpdateFilter } from 'mongodb';
import { isDuplicateKeyError, writeErrorsOf } from './mongo.js';

interface Waiting<T, R> {
  doc: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: callers' documents queue while a write is in flight and go to the database
 * together in the next one; each caller's promise settles with its own document's outcome.
 */
abstract class GroupCommit<T, R> {
  private waiting: Waiting<T, R>[] = [];
  private flushing: Promise<void> | null = null;

  constructor(protected readonly maxBatch = 200) {}

  protected submit(doc: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ doc, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        await this.write(batch).catch((err: unknown) => {
          for (const b of batch) b.reject(err);
        });
      }
    } finally {
      this.flushing = null;
    }
  }

  protected abstract write(batch: Waiting<T, R>[]): Promise<void>;
}

/** Insert-if-absent in groups. */
export class GroupInserter<T extends Document & { _id: string }> extends GroupCommit<T, boolean> {
  constructor(
    private readonly collection: () => Collection<T>,
    maxBatch = 200,
  ) {
    super(maxBatch);
  }

  /** True if this document was inserted, false if its _id already existed. */
  insert(doc: T): Promise<boolean> {
    return this.submit(doc);
  }

  protected async write(batch: Waiting<T, boolean>[]): Promise<void> {
    if (batch.length === 1) {
      const [one] = batch;
      try {
        await this.collection().insertOne(one!.doc as OptionalUnlessRequiredId<T>);
        one!.resolve(true);
      } catch (err) {
        if (isDuplicateKeyError(err)) one!.resolve(false);
        else one!.reject(err);
      }
      return;
    }
    try {
      await this.collection().insertMany(
        batch.map((b) => b.doc as OptionalUnlessRequiredId<T>),
        { ordered: false },
      );
      for (const b of batch) b.resolve(true);
    } catch (err) {
      const failed = writeErrorsOf(err);
      if (!failed) {
        for (const b of batch) b.reject(err);
        return;
      }
      // Unordered: every document was tried; the listed ones failed, the rest went in.
      for (let i = 0; i < batch.length; i++) {
        const error = failed.get(i);
        if (!error) batch[i]!.resolve(true);
        else if (error.code === 11000) batch[i]!.resolve(false);
        else batch[i]!.reject(new Error(error.errmsg ?? `insert failed with code ${error.code}`));
      }
    }
  }
}

/**
 * Group commit of `$set` updates by _id (one bulk write per group). On the local database an
 * update by _id is a keyed lookup (tools/local-db adds the index FerretDB's queries can use),
 * so one round trip carries many.
 */
export class GroupUpdater<T extends Document & { _id: string }> extends GroupCommit<
  { _id: string; set: Partial<T> },
  void
> {
  constructor(
    private readonly collection: () => Collection<T>,
    maxBatch = 200,
  ) {
    super(maxBatch);
  }

  set(id: string, fields: Partial<T>): Promise<void> {
    return this.submit({ _id: id, set: fields });
  }

  protected async write(batch: Waiting<{ _id: string; set: Partial<T> }, void>[]): Promise<void> {
    await this.collection().bulkWrite(
      batch.map((b) => ({
        updateOne: {
          filter: { _id: b.doc._id } as Filter<T>,
          update: { $set: b.doc.set } as UpdateFilter<T>,
        },
      })),
      { ordered: false },
    );
    for (const b of batch) b.resolve();
  }
}
