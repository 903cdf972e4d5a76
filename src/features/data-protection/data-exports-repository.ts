/** One-time export links: stored by the hash of their token, with an expiry. */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';

export interface DataExportDoc {
  _id: string;
  tenantId: string;
  personId: string;
  expiresAt: Date;
  schemaVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export class DataExportsRepository {
  constructor(private readonly db: Db) {}

  private get collection() {
    return this.db.collection<DataExportDoc>(collections.dataExports.name);
  }

  async insert(doc: DataExportDoc): Promise<void> {
    await this.collection.insertOne(doc);
  }

  byId(id: string) {
    return this.collection.findOne({ _id: id });
  }

  async deleteById(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }

  async deleteExpired(now: Date): Promise<number> {
    return (await this.collection.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
