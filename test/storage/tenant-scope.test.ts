import assert from 'node:assert/strict';
import { TurnContext, TestAdapter, type Activity } from 'botbuilder';
import { tenantOf } from '../../src/bot/identity.js';
import { InvalidTenantIdError, isValidTenantId } from '../../src/domain/tenant-id.js';
import { tenantDocId } from '../../src/storage/documents.js';
import type { Database } from '../../src/storage/mongo.js';
import { isTenantId, TenantScope } from '../../src/storage/tenant-scope.js';
import { dropAndClose, freshDatabase } from '../helpers/db.js';

interface Doc {
  _id: string;
  tenantId: string;
  note: string;
}

describe('tenant ids are checked where they enter, and compared whole (real local database)', () => {
  let database: Database;
  before(async () => (database = await freshDatabase('tenants')));
  after(() => dropAndClose(database));

  it('accepts GUIDs and local slugs, refuses separators, spaces, operators and overlong ids', () => {
    for (const ok of ['11111111-2222-4333-8444-555555555555', 'local-tenant', 't1'])
      assert.ok(isValidTenantId(ok), ok);
    for (const bad of ['', 'a|b', 'a b', '$where', 'a.b', '-a', 'x'.repeat(65), 42, null])
      assert.ok(!isValidTenantId(bad), String(bad));
  });

  it('matches an id by its whole tenant segment, not a prefix', () => {
    const id = tenantDocId('abc', 'def', '1');
    assert.equal(isTenantId(id, 'abc'), true);
    assert.equal(isTenantId(id, 'ab'), false);
    assert.equal(isTenantId(id, 'abc|def'), false);
    assert.equal(isTenantId('abc-d|1', 'abc'), false);
  });

  it('a tenant whose id is a prefix of another tenant id, or carries |, reads nothing of it', async () => {
    const collection = database.db.collection<Doc>('tenant_probe');
    const owner = new TenantScope(collection, 'abc');
    const id = tenantDocId('abc', 'def', '1');
    await owner.insertOne({ _id: id, note: 'the owner’s' });
    assert.equal((await owner.findOne({ _id: id }))?.note, 'the owner’s');

    assert.equal(await new TenantScope(collection, 'ab').findOne({ _id: id }), null);
    assert.equal(await new TenantScope(collection, 'abc-def').findOne({ _id: id }), null);
    assert.throws(() => new TenantScope(collection, 'abc|def'), InvalidTenantIdError);
    assert.throws(() => new TenantScope(collection, ''), InvalidTenantIdError);
  });

  it('an activity naming a tenant id with | is refused before anything is read', () => {
    const context = (tenantId: string) =>
      new TurnContext(new TestAdapter(), {
        type: 'message',
        channelId: 'msteams',
        conversation: { id: 'c', tenantId },
        from: { id: '29:x' },
      } as Activity);
    assert.equal(tenantOf(context('tenant-a'), 'fallback'), 'tenant-a');
    assert.throws(() => tenantOf(context('tenant-a|x'), 'fallback'), InvalidTenantIdError);
    assert.throws(() => tenantOf(context('tenant a'), 'fallback'), InvalidTenantIdError);
  });
});
