import assert from 'node:assert/strict';
import { AuditRepository } from '../../src/storage/audit-repository.js';
import { collections } from '../../src/storage/collections.js';
import type { Database } from '../../src/storage/mongo.js';
import { dropAndClose, freshDatabase, watchedConnection } from '../helpers/db.js';

describe('audit repository: entries are group-committed (real local database)', () => {
  let database: Database;
  let watched: Database;
  const inserts: number[] = [];
  before(async () => {
    database = await freshDatabase('audit');
    watched = await watchedConnection(database, (e) => {
      if (e.commandName === 'insert' && e.command.insert === collections.audit.name)
        inserts.push(e.command.documents.length);
    });
  });
  after(async () => {
    await watched.close();
    await dropAndClose(database);
  });
  const now = new Date('2025-10-21T10:00:00Z');

  it('an entry is stored when record() returns', async () => {
    const audit = new AuditRepository(watched.db);
    await audit.record(
      't1',
      { actorId: 'p1', action: 'checkin.submit', targetId: 'c1', details: { week: 1 } },
      now,
    );
    const [entry] = await audit.list('t1', { action: 'checkin.submit' });
    assert.equal(entry?.actorId, 'p1');
    assert.equal(entry?.tenantId, 't1');
    assert.deepEqual(entry?.details, { week: 1 });
  });

  it('entries recorded together go to the database in a few inserts, each caller told of its own', async () => {
    inserts.length = 0;
    // One repository per process, shared by every feature (createRepositories).
    const a = new AuditRepository(watched.db);
    const b = a;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).record(`t${i % 3}`, { actorId: `p${i}`, action: 'bulk.test' }, now),
      ),
    );
    assert.equal(
      inserts.reduce((x, y) => x + y, 0),
      40,
    );
    assert.ok(inserts.length <= 3, `40 entries in ${inserts.length} inserts: ${inserts.join(', ')}`);
    for (const t of ['t0', 't1', 't2']) {
      const listed = await a.list(t, { action: 'bulk.test' });
      assert.equal(listed.length, t === 't0' ? 14 : 13, t);
      assert.ok(listed.every((e) => e.tenantId === t));
    }
  });

  it('an entry the database refuses fails its own caller only', async () => {
    const audit = new AuditRepository(watched.db);
    const results = await Promise.allSettled([
      audit.record('t1', { actorId: 'ok-1', action: 'refusal.test' }, now),
      audit.record('t1', { actorId: 'ok-2', action: 'refusal.test' }, now),
      audit.record('t1', { actorId: 'bad', action: 'refusal.test', details: { $where: 1 } }, now),
      audit.record('t1', { actorId: 'ok-3', action: 'refusal.test' }, now),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    const stored = (await audit.list('t1', { action: 'refusal.test' })).map((e) => e.actorId).sort();
    assert.deepEqual(stored, ['ok-1', 'ok-2', 'ok-3']);
  });
});
