import assert from 'node:assert/strict';
import { PersonalData } from '../../../src/features/data-protection/personal-data.js';
import { createRepositories } from '../../../src/storage/repositories.js';
import { collections } from '../../../src/storage/collections.js';
import { PeopleRepository } from '../../../src/storage/people-repository.js';
import type { Database } from '../../../src/storage/mongo.js';
import { dropAndClose, freshDatabase } from '../../helpers/db.js';

const TENANT = 'tenant-export';

describe('personal data export: shared documents', () => {
  let database: Database;
  before(async () => {
    database = await freshDatabase('pdexport');
  });
  after(() => dropAndClose(database));

  it('shows the person only their own entry of a list of people (an announcement audience), not the others', async () => {
    const now = new Date('2025-02-03T09:00:00Z');
    const people = new PeopleRepository(database.db);
    for (const [email, name] of [
      ['me@example.nhs.uk', 'Me'],
      ['other@example.nhs.uk', 'Other'],
    ]) {
      await people.upsertByEmail(
        TENANT,
        {
          email,
          displayName: name,
          roles: ['student'],
          profession: 'physiotherapy',
          cohortId: 'c1',
          timeZone: null,
        },
        now,
      );
    }
    const me = (await people.byEmail(TENANT, 'me@example.nhs.uk'))!;
    const other = (await people.byEmail(TENANT, 'other@example.nhs.uk'))!;
    await database.db.collection(collections.announcements.name).insertOne({
      _id: 'ann-1' as never,
      tenantId: TENANT,
      cohortId: 'c1',
      authorId: 'lead-1',
      audience: [other._id, me._id, 'third-person'],
      content: { title: 'Study day moved' },
    });

    const exported = await new PersonalData(createRepositories(database.db)).export(TENANT, me, now);

    const announcements = exported.collections[collections.announcements.name]!;
    assert.equal(announcements.length, 1);
    assert.deepEqual(announcements[0]!.audience, [me._id]);
    assert.equal((announcements[0]!.content as { title: string }).title, 'Study day moved');
    const text = JSON.stringify(exported);
    assert.ok(!text.includes(other._id), 'another student’s id is in the export');
    assert.ok(!text.includes('third-person'));
    // The stored document is unchanged.
    const stored = await database.db
      .collection(collections.announcements.name)
      .findOne({ _id: 'ann-1' as never });
    assert.equal((stored!.audience as string[]).length, 3);
  });
});
