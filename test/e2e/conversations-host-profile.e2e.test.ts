/**
 * A host edits their 20-minute-conversations profile (every field validated; only AHP hosts may),
 * in the same world as conversations.e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { TENANT } from './harness.js';
import { conversationsWorld } from './conversations-world.js';

describe('e2e: 20-minute conversations over HTTP', function () {
  this.timeout(120_000);
  const { e2e, students, hosts, invoke, texts } = conversationsWorld();

  it('lets a host edit their profile, validating every field', async () => {
    const host = hosts['pod']!.user;
    const bad = await invoke(host, 'conv.profile.save', {
      bio: '',
      location: 'Room 1',
      onlineLink: 'http://insecure',
      weeklyCap: '0',
    });
    const badTexts = texts(bad);
    assert.ok(badTexts.includes('Required'));
    assert.ok(badTexts.includes('Must be an https:// link'));
    assert.ok(badTexts.includes('Choose a value from 1 to 20'));
    assert.equal(
      (await e2e.services.conversations.hosts.byId(TENANT, hosts['pod']!.hostId))?.location,
      'Fulbourn Hospital, room 2.1',
    );
    const ok = await invoke(host, 'conv.profile.save', {
      bio: 'EDI lead; ask me about inclusive recruitment.',
      location: 'online',
      onlineLink: 'https://teams.microsoft.com/l/meetup-join/x',
      weeklyCap: '2',
    });
    assert.ok(texts(ok).some((t) => t.startsWith('Saved.')));
    const saved = await e2e.services.conversations.hosts.byId(TENANT, hosts['pod']!.hostId);
    assert.deepEqual(
      [saved?.location, saved?.onlineLink, saved?.weeklyCap],
      ['online', 'https://teams.microsoft.com/l/meetup-join/x', 2],
    );
    assert.match(
      String(
        (await invoke(students[0]!, 'conv.profile.save', { bio: 'x', location: 'y', weeklyCap: '3' })).value,
      ),
      /Only AHP hosts/,
    );
  });
});
