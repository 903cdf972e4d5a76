/**
 * RecentReads: a value read once is answered from memory until its time is up or it is
 * forgotten; nothing missing is remembered, and a read that overlapped a write is not kept.
 */
import assert from 'node:assert/strict';
import { RecentReads } from '../../src/storage/recent-reads.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RecentReads', () => {
  it('reads once for many gets within the time; forget makes the next get read again', async () => {
    const recent = new RecentReads<{ v: number }>({ max: 10, ttlMs: 5_000 });
    let reads = 0;
    const read = async () => ({ v: ++reads });
    assert.deepEqual(await recent.get('a', read), { v: 1 });
    assert.deepEqual(await recent.get('a', read), { v: 1 });
    assert.deepEqual(await recent.get('b', read), { v: 2 }, 'keys are apart');
    recent.forget('a');
    assert.deepEqual(await recent.get('a', read), { v: 3 });
    assert.deepEqual(await recent.get('b', read), { v: 2 }, 'forgetting a leaves b');
  });

  it('reads again once the time is up', async () => {
    const recent = new RecentReads<{ v: number }>({ max: 10, ttlMs: 40 });
    let reads = 0;
    const read = async () => ({ v: ++reads });
    await recent.get('a', read);
    await sleep(80);
    assert.deepEqual(await recent.get('a', read), { v: 2 });
  });

  it('does not remember a missing value', async () => {
    const recent = new RecentReads<{ v: number }>({ max: 10, ttlMs: 5_000 });
    let reads = 0;
    const missing = async () => (reads++, null);
    assert.equal(await recent.get('a', missing), null);
    assert.equal(await recent.get('a', missing), null);
    assert.equal(reads, 2);
  });

  it('a read that a write overtook is handed to its caller but not remembered', async () => {
    const recent = new RecentReads<{ v: string }>({ max: 10, ttlMs: 5_000 });
    let finishRead!: (v: { v: string }) => void;
    const slow = recent.get('a', () => new Promise((r) => (finishRead = r)));
    recent.forget('a'); // a write lands while the read is on its way
    finishRead({ v: 'before the write' });
    assert.deepEqual(await slow, { v: 'before the write' });
    assert.deepEqual(await recent.get('a', async () => ({ v: 'after the write' })), { v: 'after the write' });
  });
});
