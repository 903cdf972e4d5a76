/**
 * How often the support answer was shown: one counter per tenant and month, nothing about the
 * person or what they wrote.
 */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId } from '../../storage/documents.js';

interface SupportCountDoc {
  _id: string;
  tenantId: string;
  month: string;
  count: number;
  schemaVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export class SupportAnswersRepository {
  constructor(private readonly db: Db) {}

  private counts() {
    return this.db.collection<SupportCountDoc>(collections.supportAnswers.name);
  }

  async countShown(tenantId: string, now: Date): Promise<void> {
    const month = now.toISOString().slice(0, 7);
    await this.counts().updateOne(
      { _id: tenantDocId(tenantId, 'support-answer', month), tenantId },
      {
        $inc: { count: 1 },
        $set: { updatedAt: now },
        $setOnInsert: { month, schemaVersion: 1, createdAt: now },
      },
      { upsert: true },
    );
  }

  perMonth(tenantId: string) {
    return this.counts().find({ tenantId }).sort({ month: 1 }).toArray();
  }
}
