/** MongoDB connection. The driver reconnects by itself; readiness is a cheap ping. */
import { MongoClient, type Db } from 'mongodb';

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
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 3000,
    connectTimeoutMS: 3000,
    appName: 'placement-companion',
    monitorCommands: options.monitorCommands ?? false,
  });
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
