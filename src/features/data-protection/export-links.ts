/**
 * One-time download links for a person's data export. The link carries 192 random bits; only
 * their SHA-256 is stored (with the person and an expiry), so reading the database does not
 * yield a working link. A link opens once (a claim on its hash) and expires after 15 minutes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Claims } from '../../storage/claims.js';
import type { DataExportsRepository } from './data-exports-repository.js';

export type { DataExportDoc } from './data-exports-repository.js';

export const EXPORT_LINK_TTL_MS = 15 * 60 * 1000;

const idOf = (token: string) => `export|${createHash('sha256').update(token).digest('base64url')}`;

export class DataExportLinks {
  constructor(private readonly deps: { dataExports: DataExportsRepository; claims: Claims }) {}

  async create(tenantId: string, personId: string, now: Date): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.deps.dataExports.insert({
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
    const doc = await this.deps.dataExports.byId(id);
    if (!doc || doc.expiresAt.getTime() <= now.getTime()) return null;
    if (!(await this.deps.claims.take('data-export', id))) return null;
    await this.deps.dataExports.deleteById(id);
    return { tenantId: doc.tenantId, personId: doc.personId };
  }

  purgeExpired(now: Date): Promise<number> {
    return this.deps.dataExports.deleteExpired(now);
  }
}
