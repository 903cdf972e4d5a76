/**
 * Reads remembered for a few seconds, for data that nearly every turn reads, that many people
 * share and that changes rarely (a cohort's calendar, a tenant's check-in pauses): after a
 * weekly prompt, hundreds of students submit at once and each would read the same documents.
 * A write made through this process forgets the entry at once; a change made elsewhere (the
 * admin CLI, another instance, the generic erase and retention deletes) is seen within `ttlMs`.
 * One instance per kind of data, shared by every repository in the process; keys carry the
 * database name. What `get` returns is the remembered value itself: callers copy what they hand on.
 */
import { LRUCache } from 'lru-cache';

export class RecentReads<T extends object> {
  private readonly remembered: LRUCache<string, T>;
  /** Bumped by every forget: a read that overlapped a write does not remember what it read. */
  private writes = 0;

  constructor(options: { max: number; ttlMs: number }) {
    this.remembered = new LRUCache<string, T>({ max: options.max, ttl: options.ttlMs });
  }

  async get(key: string, read: () => Promise<T | null>): Promise<T | null> {
    const known = this.remembered.get(key);
    if (known !== undefined) return known;
    const writesBefore = this.writes;
    const value = await read();
    if (value !== null && this.writes === writesBefore) this.remembered.set(key, value);
    return value;
  }

  /** After a write to what `key` names. */
  forget(key: string): void {
    this.writes++;
    this.remembered.delete(key);
  }
}
