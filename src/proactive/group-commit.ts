/**
 * Group commit for insert-if-absent: concurrent callers' documents go to the database in one
 * insertMany (unordered) while the previous one is in flight, and each caller learns whether
 * its own document was inserted (false = its _id already existed). Every caller still waits
 * for its document to be stored, so nothing is acknowledged before it is durable; the
 * database just commits many at once (on the local database each commit, not each document,
 * is what costs).
 */
import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { isDuplicateKeyError } from '../storage/mongo.js';

interface Waiting<T> {
  doc: T;
  resolve: (inserted: boolean) => void;
  reject: (err: unknown) => void;
}

export class GroupInserter<T extends Document & { _id: string }> {
  private waiting: Waiting<T>[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly collection: () => Collection<T>,
    private readonly maxBatch = 200,
  ) {}

  insert(doc: T): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.push({ doc, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.flushing = null;
    }
  }

  private async write(batch: Waiting<T>[]): Promise<void> {
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

function writeErrorsOf(err: unknown): Map<number, { code?: number; errmsg?: string }> | null {
  const raw = (err as { writeErrors?: unknown }).writeErrors;
  const list = (Array.isArray(raw) ? raw : raw ? [raw] : []) as {
    index?: number;
    code?: number;
    errmsg?: string;
    err?: { index?: number; code?: number; errmsg?: string };
  }[];
  if (list.length === 0) return null;
  const map = new Map<number, { code?: number; errmsg?: string }>();
  for (const e of list) {
    const index = e.index ?? e.err?.index;
    if (typeof index !== 'number') return null;
    map.set(index, { code: e.code ?? e.err?.code, errmsg: e.errmsg ?? e.err?.errmsg });
  }
  return map;
}
