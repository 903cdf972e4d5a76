/** MongoDB connection. The driver reconnects by itself; readiness is a cheap ping. */
import { MongoClient, type Db } from 'mongodb';
import { traceDatabaseCommands } from '../telemetry/database-spans.js';
import { activeTelemetry } from '../telemetry/telemetry.js';

export interface Database {
  client: MongoClient;
  db: Db;
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function connectDatabase(
  uri: string,
  dbName: string,
  options: { monitorCommands?: boolean } = {},
): Promise<Database> {
  // Database spans need the driver's command events; they stay off while telemetry is off.
  const traced = activeTelemetry() !== null;
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    appName: 'placement-companion',
    monitorCommands: (options.monitorCommands ?? false) || traced,
  });
  if (traced) traceDatabaseCommands(client);
  await client.connect();
  const db = client.db(dbName);
  return {
    client,
    db,
    async ping(timeoutMs = 1500) {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          db.command({ ping: 1 }).then((r) => r.ok === 1),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
        ]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => client.close(),
  };
}

/** True for MongoDB's duplicate-key error: an expected outcome of insert-if-absent. */
export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * The per-document errors of an unordered insertMany / bulk write, by the document's index in
 * the request; null when the error lists none or names no index.
 */
export function writeErrorsOf(err: unknown): Map<number, { code?: number; errmsg?: string }> | null {
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
