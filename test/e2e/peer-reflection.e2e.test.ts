/**
 * Peer reflection and the reflective workshop (issue 17, part 3), over HTTP with the fake Bot
 * Connector and the real local database.
 *
 * Cohort 2 (linked to a channel): Priya, Ben and Cara are the "Falls huddle" team; Dan is on
 * another team; Eve is on no project. Sam supervises Priya. Wendy leads the cohort. Zoe is a
 * student of another cohort.
 */
import assert from 'node:assert/strict';
import { CURRENT_HCPC_CATALOGUE } from '../../src/domain/hcpc-standards.js';
import { NO_LONGER_SHARED, NOT_SHARED } from '../../src/features/reflections/peer-cards.js';
import { NOT_FOUND } from '../../src/features/reflections/reflection-service.js';
import { reflectionId } from '../../src/features/reflections/reflections-repository.js';
import { collections } from '../../src/storage/collections.js';
import { channelKey } from '../../src/storage/conversation-references-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const CHANNEL = '19:peer-cohort2@thread.tacv2';
const user = (key: string, name: string): TestUser => ({
  id: `29:pr-${key}`,
  aadObjectId: `aad-pr-${key}`,
  name,
  email: `${key}.pr@example.nhs.uk`,
});
const SECRET_TEXT = 'I froze when the consultant challenged our data in the huddle.';

describe('e2e: peer reflection and the reflective workshop (issue 17)', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const wendy = user('wendy', 'Wendy Marsh');
  const sam = user('sam', 'Sam Okoro');
  const priya = user('priya', 'Priya Shah');
  const ben = user('ben', 'Ben Jones');
  const cara = user('cara', 'Cara Lewis');
  const dan = user('dan', 'Dan Brown');
  const eve = user('eve', 'Eve Walker');
  const zoe = user('zoe', 'Zoe Other');
  const everyone = [wendy, sam, priya, ben, cara, dan, eve, zoe];
  const ids = new Map<TestUser, string>();
  const id = (u: TestUser) => ids.get(u)!;
  let cohortId = '';
  let sharedId = '';
  let insert: (flowId: string, answer: string, shared: boolean, tags?: boolean) => Promise<string>;
  let privateId = '';
  const start = new Date('2025-02-11T09:00:00Z');

  const execute = async (
    u: TestUser,
    verb: string,
    data: Record<string, unknown>,
    conversation?: Record<string, unknown>,
  ) => {
    const res = await e2e.post(
      e2e.execute(
        u,
        verb,
        data,
        conversation,
        conversation ? { channel: { id: CHANNEL }, team: { id: '19:team' } } : undefined,
      ),
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a card or a message
    return res.body.value as any;
  };
  const exec = (u: TestUser, verb: string, data: Record<string, unknown>) => execute(u, verb, data);
  const say = async (u: TestUser, text: string) => {
    const message = e2e.message(u, text);
    await e2e.post(message);
    const replies = e2e.sentTo(`a:personal-${u.id}`).filter((a) => a.replyToId === message.id);
    assert.equal(replies.length, 1, `one reply to "${text}"`);
    return replies[0]!;
  };
  const json = (v: unknown) => JSON.stringify(v);
  const texts = (v: unknown) => (v && typeof v === 'object' ? cardTexts(v) : [String(v)]);
  const count = (name: string, filter: Record<string, unknown> = {}) =>
    e2e.services.database.db.collection(name).countDocuments({ tenantId: TENANT, ...filter });
  const reflection = () => e2e.services.reflections.repo.reflection(TENANT, sharedId);
  /** What the person can see of Priya's reflection: by opening it, in `peer reflections`. */
  async function sees(u: TestUser): Promise<boolean> {
    const view = await exec(u, 'reflection.view', { reflectionId: sharedId });
    const list = firstCard(await say(u, 'peer reflections'));
    const inList = !!list && json(list).includes(sharedId);
    const opened = json(view).includes(SECRET_TEXT);
    assert.equal(inList || u === priya, opened, `${u.name}: list and view agree`);
    return opened;
  }

  before(async () => {
    e2e.clock.set(start);
    await e2e.start();
    const { people, cohorts, supervisions, references } = e2e.services;
    const calendar = {
      ...DEFAULT_COHORT,
      clinicalDays: ['Mon', 'Tue'] as const,
      leadershipDays: ['Wed', 'Thu', 'Fri'] as const,
    };
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      { name: 'Leadership 2025 cohort 2', ...calendar } as never,
      start,
    ));
    const { id: otherCohort } = await cohorts.upsertByName(
      TENANT,
      { name: 'Leadership 2024 cohort 1', ...calendar } as never,
      start,
    );
    await cohorts.linkChannel(
      TENANT,
      cohortId,
      { teamsChannelId: CHANNEL, teamsTeamId: '19:team', serviceUrl: e2e.connector.url },
      start,
    );
    await references.save(
      TENANT,
      channelKey(CHANNEL),
      'channel',
      null,
      {
        serviceUrl: e2e.connector.url,
        conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, name: '' },
      },
      start,
    );
    const spec: [TestUser, ('student' | 'supervisor' | 'lead')[], string][] = [
      [wendy, ['lead'], cohortId],
      [sam, ['supervisor'], cohortId],
      [priya, ['student'], cohortId],
      [ben, ['student'], cohortId],
      [cara, ['student'], cohortId],
      [dan, ['student'], cohortId],
      [eve, ['student'], cohortId],
      [zoe, ['student'], otherCohort],
    ];
    for (const [u, roles, cohort] of spec) {
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession: 'physiotherapy',
          cohortId: cohort,
          timeZone: null,
        },
        start,
      );
      ids.set(u, (await people.byEmail(TENANT, u.email!))!._id);
      e2e.teamsUser(u);
    }
    await supervisions.link(TENANT, id(priya), id(sam), start);
    for (const u of everyone) await e2e.post(e2e.install(u));
    const lead = (await people.byId(TENANT, id(wendy)))!;
    const team = async (requestId: string, title: string, students: TestUser[]) =>
      e2e.services.projects.create(TENANT, lead, {
        requestId,
        cohortId,
        title,
        clinicalTeam: 'Ward 7',
        studentIds: students.map(id).join(','),
        supervisorIds: id(sam),
      });
    assert.ok(
      cardTexts(await team('peer-falls-team', 'Falls huddle', [priya, ben, cara])).includes('Falls huddle'),
    );
    assert.ok(
      cardTexts(await team('peer-letters-team', 'Discharge letters', [dan])).includes('Discharge letters'),
    );
    insert = async (flowId: string, answer: string, shared: boolean, tags = true) => {
      const _id = reflectionId(TENANT, id(priya), flowId);
      await e2e.services.reflections.repo.insertReflection(TENANT, {
        _id,
        personId: id(priya),
        cohortId,
        flowId,
        model: 'free',
        answers: { text: answer },
        linkId: null,
        standards: tags ? ['9'] : [],
        pillars: tags ? ['leadership'] : [],
        topic: 'qi-project',
        standardsVersion: CURRENT_HCPC_CATALOGUE.version,
        shared,
        sharedAt: shared ? start : null,
        schemaVersion: 1,
        createdAt: start,
        updatedAt: start,
      });
      return _id;
    };
    sharedId = await insert('peer-one', SECRET_TEXT, false);
    privateId = await insert('peer-two', 'A second, private reflection.', true);
    await e2e.services.sender.drain();
  });
  after(() => e2e.stop());

  it('private by default: no fellow student, not even a teammate, sees it', async () => {
    const own = await exec(priya, 'reflection.view', { reflectionId: sharedId });
    assert.ok(json(own).includes('My project team (Falls huddle)'), 'the author is offered their team');
    assert.ok(texts(own).includes('Private to you') || json(own).includes('Private to you'));
    for (const u of [ben, cara, dan, eve, zoe, sam]) assert.equal(await sees(u), false, u.name);
    assert.ok(await sees(priya));
  });

  it('shared with the project team: the 3 members see it; a student of another team is refused with no content', async () => {
    const card = await exec(priya, 'reflection.peer.share', { reflectionId: sharedId, peerShare: 'project' });
    assert.ok(
      cardTexts(card).includes(
        'Shared with your project team (2 students). You can stop sharing at any time.',
      ),
      cardTexts(card).join(' | '),
    );
    for (const u of [priya, ben, cara]) assert.equal(await sees(u), true, u.name);
    for (const u of [dan, eve, zoe, sam]) assert.equal(await sees(u), false, u.name);
    // Dan probes every way in over HTTP: a refusal, nothing of the reflection.
    const view = await exec(dan, 'reflection.view', { reflectionId: sharedId });
    assert.equal(view, NOT_FOUND);
    const peerView = await exec(dan, 'reflection.peer.view', { reflectionId: sharedId });
    assert.ok(cardTexts(peerView).includes(NOT_SHARED) && !json(peerView).includes(SECRET_TEXT));
    const reply = await exec(dan, 'reflection.peer.reply', {
      reflectionId: sharedId,
      nonce: 'dan-nonce-1',
      reply: 'Hi',
    });
    assert.ok(!json(reply).includes(SECRET_TEXT));
    assert.equal(await count(collections.reflectionPeerReplies.name), 0);
    // Teammates were told (once each), nobody else.
    await e2e.services.sender.drain();
    const told = await e2e.services.outbox.collection().find({ purpose: 'reflection.peer.shared' }).toArray();
    assert.deepEqual(told.map((t) => t.personId).sort(), [ben, cara].map(id).sort());
    const peerCard = await exec(ben, 'reflection.view', { reflectionId: sharedId });
    assert.ok(cardTexts(peerCard).includes('Shared with your project team by Priya Shah'));
    // A peer cannot change the sharing, edit or delete it.
    assert.equal(
      await exec(ben, 'reflection.peer.share', { reflectionId: sharedId, peerShare: 'cohort' }),
      NOT_FOUND,
    );
    assert.equal(await exec(ben, 'reflection.delete', { reflectionId: sharedId, confirm: true }), NOT_FOUND);
    assert.equal((await reflection())!.peerShare, 'project');
  });

  it('peers reply with a short comment (validated, once per card); the author sees it', async () => {
    const card = await exec(ben, 'reflection.view', { reflectionId: sharedId });
    const nonce = card.body
      .flatMap((b: { actions?: { data?: { nonce?: string } }[] }) => b.actions ?? [])
      .find((a: { data?: { nonce?: string } }) => a.data?.nonce)!.data.nonce as string;
    const long = await exec(ben, 'reflection.peer.reply', {
      reflectionId: sharedId,
      nonce,
      reply: 'x'.repeat(20_000),
    });
    assert.ok(cardTexts(long).includes('Must be 500 characters or fewer'));
    const empty = await exec(ben, 'reflection.peer.reply', { reflectionId: sharedId, nonce, reply: '   ' });
    assert.ok(cardTexts(empty).includes('Required'));
    assert.equal(await count(collections.reflectionPeerReplies.name), 0);
    const tampered = await exec(ben, 'reflection.peer.reply', {
      reflectionId: `${TENANT}|nope`,
      nonce,
      reply: 'Hi',
    });
    assert.ok(cardTexts(tampered).includes(NOT_SHARED));
    for (let i = 0; i < 2; i++) {
      const sent = await exec(ben, 'reflection.peer.reply', {
        reflectionId: sharedId,
        nonce,
        reply: 'Same on our ward: asking first helped.',
      });
      assert.ok(cardTexts(sent).includes('Reply sent.'));
    }
    assert.equal(await count(collections.reflectionPeerReplies.name), 1);
    const own = await exec(priya, 'reflection.view', { reflectionId: sharedId });
    assert.ok(cardTexts(own).includes('Same on our ward: asking first helped.'));
    assert.ok(
      cardTexts(await exec(cara, 'reflection.view', { reflectionId: sharedId })).includes(
        'Ben Jones, Tue 11 Feb 2025',
      ),
    );
  });

  it('the export marks which reflections were shared with whom', async () => {
    const card = firstCard(await say(priya, 'export my journey'))!;
    const urls = (card.actions as { type: string; url: string }[])
      .filter((a) => a.type === 'Action.OpenUrl')
      .map((a) => a.url);
    const local = (url: string) => url.replace('http://localhost:3978', e2e.baseUrl);
    const html = await (await fetch(local(urls[0]!))).text();
    assert.deepEqual([...html.matchAll(/<dd data-shared-with>([^<]*)<\/dd>/g)].map((m) => m[1]).sort(), [
      'project team',
      'supervisors',
    ]);
    const csv = await (await fetch(local(urls[1]!))).text();
    assert.ok(csv.split('\r\n')[0]!.includes('shared_with'));
    assert.ok(csv.includes('project team') && csv.includes('supervisors'));
  });

  it('revoking removes it from every peer view and deletes the notifications from their chats', async () => {
    const card = await exec(priya, 'reflection.peer.share', { reflectionId: sharedId, peerShare: 'none' });
    assert.ok(cardTexts(card).includes('No longer shared with fellow students: it is gone from their view.'));
    for (const u of [ben, cara, dan, eve]) assert.equal(await sees(u), false, u.name);
    // The peer card's refresh now shows no content.
    const refreshed = await exec(ben, 'reflection.peer.view', { reflectionId: sharedId, seen: true });
    assert.ok(cardTexts(refreshed).includes(NO_LONGER_SHARED) && !json(refreshed).includes(SECRET_TEXT));
    assert.ok(
      !json(
        await exec(ben, 'reflection.peer.reply', {
          reflectionId: sharedId,
          nonce: 'late-nonce',
          reply: 'Hi',
        }),
      ).includes(SECRET_TEXT),
    );
    await e2e.services.sender.drain();
    const withdrawn = await e2e.services.outbox
      .collection()
      .find({ purpose: 'reflection.peer.withdrawn' })
      .toArray();
    assert.deepEqual(
      withdrawn.map((w) => w.op),
      ['delete', 'delete'],
    );
    const deleted = e2e.connector.calls.filter((c) => c.method === 'DELETE' && c.status < 300);
    assert.equal(deleted.length, 2);
    assert.equal(await sees(priya), true);
  });

  it('shared with the cohort: every fellow student of the cohort, nobody from another cohort; bad choices change nothing', async () => {
    const bad = await exec(priya, 'reflection.peer.share', { reflectionId: sharedId, peerShare: 'everyone' });
    assert.ok(cardTexts(bad).includes('Choose who to share with'));
    assert.equal((await reflection())!.peerShare, null);
    await exec(priya, 'reflection.peer.share', { reflectionId: sharedId, peerShare: 'cohort' });
    for (const u of [ben, cara, dan, eve]) assert.equal(await sees(u), true, u.name);
    for (const u of [zoe, sam, wendy]) assert.equal(await sees(u), false, u.name);
    await exec(priya, 'reflection.peer.share', { reflectionId: sharedId, peerShare: 'none' });
    for (const u of [ben, dan, eve]) assert.equal(await sees(u), false, u.name);
    assert.equal(
      (await e2e.services.reflections.repo.reflection(TENANT, privateId))!.peerShare ?? null,
      null,
    );
  });

  it('peers read the truth: a heading that is not "Your reflection", "not shared with you" for one never shared, no blank tags', async () => {
    const untagged = await insert('peer-untagged', 'Untagged thoughts about handover.', true, false);
    await exec(priya, 'reflection.peer.share', { reflectionId: untagged, peerShare: 'project' });
    const peer = await exec(ben, 'reflection.view', { reflectionId: untagged });
    assert.ok(cardTexts(peer).includes('Untagged thoughts about handover.'));
    assert.ok(!cardTexts(peer).includes('Your reflection'), cardTexts(peer).join(' | '));
    assert.ok(cardTexts(peer).includes('Priya’s reflection'), cardTexts(peer).join(' | '));
    assert.ok(JSON.stringify(peer.refresh).includes('"seen":true'), 'the refresh says the card was seen');
    const supervisor = await exec(sam, 'reflection.view', { reflectionId: untagged });
    assert.ok(!cardTexts(supervisor).includes('Your reflection'), cardTexts(supervisor).join(' | '));
    // Dan (another team) was never shared it: told so, not that it is "no longer" shared.
    const probe = await exec(dan, 'reflection.peer.view', { reflectionId: untagged });
    assert.ok(cardTexts(probe).includes(NOT_SHARED), cardTexts(probe).join(' | '));
    assert.ok(!cardTexts(probe).includes(NO_LONGER_SHARED));
    // Untagged: no blank "Pillars" / "HCPC standards" facts, no trailing " · " in the list.
    const own = await exec(priya, 'reflection.view', { reflectionId: untagged });
    const facts = JSON.stringify(own);
    assert.ok(!facts.includes('"title":"Pillars"') && !facts.includes('"title":"HCPC standards"'), facts);
    const list = firstCard(await say(priya, 'my reflections'));
    const listed = JSON.stringify(list);
    assert.ok(!/ · "/.test(listed) && !/ · \\n/.test(listed), listed);
    await exec(priya, 'reflection.peer.share', { reflectionId: untagged, peerShare: 'none' });
  });

  it('reflective workshop: the lead posts a prompt to the cohort channel; replies are each student’s private reflection', async () => {
    const channelConversation = { id: `${CHANNEL};messageid=1`, conversationType: 'channel', isGroup: true };
    // In the channel the lead gets the compose card for that cohort.
    const inChannel = e2e.channelMessage(wendy, CHANNEL, 'reflective workshop');
    await e2e.post(inChannel);
    const channelReply = e2e.connector.calls.find((c) => c.activity?.replyToId === inChannel.id);
    assert.ok(channelReply && cardTexts(firstCard(channelReply.activity)).includes('Reflective workshop'));
    const form = await say(wendy, 'reflective workshop');
    const requestId = String(json(firstCard(form)).match(/"requestId":"([^"]+)"/)![1]);
    const before = await count(collections.reflectionWorkshops.name);
    const long = await exec(wendy, 'reflection.workshop.post', {
      requestId,
      cohortId,
      prompt: 'p'.repeat(20_000),
    });
    assert.ok(cardTexts(long).includes('Must be 1000 characters or fewer'));
    const tampered = await exec(wendy, 'reflection.workshop.post', {
      requestId,
      cohortId: `${TENANT}|nope`,
      prompt: 'Hi',
    });
    assert.match(String(tampered), /Only the placement lead/);
    assert.match(
      String(await exec(priya, 'reflection.workshop.post', { requestId, cohortId, prompt: 'Hi' })),
      /Only the placement lead/,
    );
    assert.equal(await count(collections.reflectionWorkshops.name), before);
    const prompt = 'Think of a moment this week when you had to lead without authority.';
    for (let i = 0; i < 2; i++) {
      const posted = await exec(wendy, 'reflection.workshop.post', { requestId, cohortId, prompt });
      assert.ok(cardTexts(posted).includes('Workshop prompt posted'));
    }
    await e2e.services.sender.drain();
    const posts = e2e.connector
      .delivered(CHANNEL)
      .filter((c) => cardTexts(firstCard(c.activity)).includes(prompt));
    assert.equal(posts.length, 1);
    const workshopId = String(json(firstCard(posts[0]!.activity)).match(/"workshopId":"([^"]+)"/)![1]);

    const replyAs = (u: TestUser, reply: string) =>
      execute(u, 'reflection.workshop.reply', { workshopId, reply }, channelConversation);
    assert.ok(
      cardTexts(await replyAs(priya, 'r'.repeat(20_000))).includes('Must be 6000 characters or fewer'),
    );
    assert.equal(await count(collections.reflections.name, { topic: 'workshop' }), 0);
    for (const u of [priya, ben]) {
      const done = await replyAs(u, `${u.name}: I asked the team before deciding.`);
      assert.ok(
        cardTexts(done).some((t) => t.startsWith('Saved as your own private reflection.')),
        cardTexts(done).join(' | '),
      );
    }
    const again = await replyAs(priya, 'A second go.');
    assert.ok(cardTexts(again).some((t) => t.startsWith('You already replied to this prompt')));
    assert.match(String(await replyAs(zoe, 'Not my cohort.')), /Only students of this cohort/);
    assert.match(String(await replyAs(wendy, 'Lead reply.')), /Only students of this cohort/);
    const stored = await e2e.services.database.db
      .collection(collections.reflections.name)
      .find({ tenantId: TENANT, topic: 'workshop' })
      .toArray();
    assert.deepEqual(stored.map((r) => r.personId).sort(), [priya, ben].map(id).sort());
    assert.ok(stored.every((r) => r.shared === false && !r.peerShare && r.workshopId === workshopId));
    // Each finds it among their own reflections; nobody else can open it.
    assert.ok(
      json(firstCard(await say(priya, 'my reflections'))).includes(
        String(stored.find((r) => r.personId === id(priya))!._id),
      ),
    );
    assert.equal(
      await exec(ben, 'reflection.view', { reflectionId: stored.find((r) => r.personId === id(priya))!._id }),
      NOT_FOUND,
    );
  });
});
