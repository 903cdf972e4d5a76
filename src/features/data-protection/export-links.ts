/**
 * One-time download links for a person's data export. The link carries 192 random bits; only
 * their SHA-256 is stored (with the person and an expiry), so reading the database does not
 * yield a working link. A link opens once (a claim on its hash) and expires after 15 minutes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { Claims } from '../../storage/claims.js';
import { collections } from '../../storage/collections.js';

export const EXPORT_LINK_TTL_MS = 15 * 60 * 1000;

export interface DataExportDoc {
  _id: string;
  tenantId: string;
  personId: string;
  expiresAt: Date;
  schemaVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

const idOf = (token: string) => `export|${createHash('sha256').update(token).digest('base64url')}`;

export class DataExportLinks {
  private readonly claims: Claims;

  constructor(private readonly db: Db) {
    this.claims = new Claims(db);
  }

  private get collection() {
    return this.db.collection<DataExportDoc>(collections.dataExports.name);
  }

  async create(tenantId: string, personId: string, now: Date): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.collection.insertOne({
      _id: idOf(token),
      tenantId,
      personId,
      expiresAt: new Date(now.getTime() + EXPORT_LINK_TTL_MS),
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    return token;
  }

  /** The link's owner, once; null for unknown, used or expired links. */
  async redeem(token: unknown, now: Date): Promise<{ tenantId: string; personId: string } | null> {
    if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{32}$/.test(token)) return null;
    const id = idOf(token);
    const doc = await this.collection.findOne({ _id: id });
    if (!doc || doc.expiresAt.getTime() <= now.getTime()) return null;
    if (!(await this.claims.take('data-export', id))) return null;
    await this.collection.deleteOne({ _id: id });
    return { tenantId: doc.tenantId, personId: doc.personId };
  }

  async purgeExpired(now: Date): Promise<number> {
    return (await this.collection.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
