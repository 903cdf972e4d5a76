/**
 * The local database (FerretDB 1.x on SQLite) with and without the _id lookup index that
 * tools/local-db adds (tools/local-db/id_index.go): time per findOne / updateOne / deleteOne
 * by _id on a collection of N documents, and the ratio. Lookups target documents spread over
 * the whole collection (a scan that finds its document early would flatter the unindexed run).
 *
 *   npx tsx bench/local-db-lookups.ts [documents=10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectDatabase } from '../src/storage/mongo.js';
import { startLocalDb } from '../tools/local-db/local-db.js';

const DOCUMENTS = Number(process.argv[2] ?? 10_000);
const OPS = 60;

async function measure(idIndexes: boolean) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pc-bench-lookups-'));
  const localDb = await startLocalDb({ dataDir, quiet: true, idIndexes });
  const database = await connectDatabase(localDb.uri, 'bench_lookups');
  const items = database.db.collection<{ _id: string; state: string; n: number; body: string }>('items');
  const body = 'x'.repeat(1500); // about an outbox item with its card
  for (let i = 0; i < DOCUMENTS; i += 1000)
    await items.insertMany(
      Array.from({ length: Math.min(1000, DOCUMENTS - i) }, (_, k) => ({
        _id: `item-${i + k}`,
        state: 'pending',
        n: i + k,
        body,
      })),
    );
  await new Promise((r) => setTimeout(r, 600)); // the index watcher polls every 200 ms
  const spread = (i: number) => `item-${Math.floor(((i + 0.5) / OPS) * DOCUMENTS)}`;
  const time = async (op: (i: number) => Promise<unknown>) => {
    const start = performance.now();
    for (let i = 0; i < OPS; i++) await op(i);
    return (performance.now() - start) / OPS;
  };
  const result = {
    findOne: await time((i) => items.findOne({ _id: spread(i) })),
    updateOne: await time((i) => items.updateOne({ _id: spread(i) }, { $set: { state: 'sent' } })),
    deleteOne: await time((i) => items.deleteOne({ _id: spread(i) })),
  };
  await database.close();
  await localDb.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return result;
}

async function main() {
  const without = await measure(false);
  const withIndex = await measure(true);
  console.log(`local database, ${DOCUMENTS} documents of ~1.5 KB, ${OPS} operations each, by _id:`);
  for (const op of Object.keys(without) as (keyof typeof without)[])
    console.log(
      `  ${op.padEnd(9)} without index ${without[op].toFixed(2)} ms, with ${withIndex[op].toFixed(2)} ms: ` +
        `${(without[op] / withIndex[op]).toFixed(1)}× faster`,
    );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
