import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { UNKNOWN_PERSON_MESSAGE } from '../../src/bot/application.js';
import { asText, cardTexts, E2E, firstCard, TENANT } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

describe('e2e: onboarding over HTTP with a fake Bot Connector', function () {
  this.timeout(60_000);
  const e2e = new E2E();
  const student = {
    id: '29:student-1',
    aadObjectId: 'aad-student-1',
    name: 'Priya Shah',
    email: 'priya.shah@example.nhs.uk',
  };
  const lead = {
    id: '29:lead-1',
    aadObjectId: 'aad-lead-1',
    name: 'Alex Morgan',
    email: 'alex.morgan@example.nhs.uk',
  };
  const stranger = {
    id: '29:stranger',
    aadObjectId: 'aad-stranger',
    name: 'Someone Else',
    email: 'someone@elsewhere.org',
  };
  let cohortId: string;

  before(async () => {
    await e2e.start();
    const now = new Date();
    const { people, cohorts } = e2e.services;
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 2',
        ...DEFAULT_COHORT,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: ['2025-02-21'],
      },
      now,
    ));
    await people.upsertByEmail(
      TENANT,
      {
        email: student.email,
        displayName: student.name,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId,
        timeZone: null,
      },
      now,
    );
    await people.upsertByEmail(
      TENANT,
      {
        email: lead.email,
        displayName: lead.name,
        roles: ['lead', 'admin'],
        profession: 'occupational therapy',
        cohortId: null,
        timeZone: null,
      },
      now,
    );
    [student, lead, stranger].forEach((u) => e2e.teamsUser(u));
  });
  after(() => e2e.stop());

  it('answers /healthz and /readyz', async () => {
    assert.equal((await fetch(`${e2e.baseUrl}/healthz`)).status, 200);
    const ready = await fetch(`${e2e.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
  });

  it('welcomes a rostered student on personal install, links their Teams identity and saves the conversation reference', async () => {
    const res = await e2e.post(e2e.install(student));
    assert.equal(res.status, 200);
    await e2e.connector.waitFor((calls) =>
      calls.some((c) => c.conversationId === `a:personal-${student.id}`),
    );
    const card = firstCard(e2e.sentTo(`a:personal-${student.id}`)[0]);
    const texts = cardTexts(card);
    assert.ok(texts.includes('Welcome, Priya'), texts.join(' | '));
    assert.ok(texts.some((t) => t.includes('check-in')));
    const person = await e2e.services.people.byEmail(TENANT, student.email);
    assert.equal(person?.teamsUserId, student.id);
    assert.equal(person?.aadObjectId, student.aadObjectId);
    const ref = await e2e.services.references.get(TENANT, `personal:${person!._id}`);
    assert.equal(ref?.reference.conversation?.id, `a:personal-${student.id}`);
    assert.equal(ref?.reference.serviceUrl, e2e.connector.url);
  });

  it('lists the commands for the caller’s role on help', async () => {
    const studentCard = firstCard(await e2e.lastReply(student, 'help'));
    const studentCommands = cardTexts(studentCard);
    assert.ok(studentCommands.includes('help'));
    assert.ok(!studentCommands.includes('link cohort'));

    const leadCard = firstCard(
      await e2e.lastReplyTo(e2e.channelMessage(lead, '19:cohort2channel@thread.tacv2', 'help')),
    );
    assert.ok(cardTexts(leadCard).includes('link cohort'));
  });

  it('tells an unknown person to ask their placement lead and stores nothing about them', async () => {
    const db = e2e.services.database.db;
    const before = await Promise.all(
      [collections.people, collections.conversationReferences, collections.turnState].map((c) =>
        db.collection(c.name).countDocuments(),
      ),
    );
    await e2e.post(e2e.install(stranger));
    await e2e.post(e2e.message(stranger, 'hello'));
    const replies = e2e.sentTo(`a:personal-${stranger.id}`);
    assert.equal(replies.length, 2);
    assert.equal(replies[1].text, UNKNOWN_PERSON_MESSAGE);
    const after = await Promise.all(
      [collections.people, collections.conversationReferences, collections.turnState].map((c) =>
        db.collection(c.name).countDocuments(),
      ),
    );
    assert.deepEqual(after, before);
    const anyMention = await db
      .collection(collections.turnState.name)
      .countDocuments({ _id: { $regex: 'stranger' } as never });
    assert.equal(anyMention, 0);
  });

  it('lets a lead link a team channel to a cohort, and refuses a student', async () => {
    const channelId = '19:cohort2channel@thread.tacv2';
    const card = firstCard(await e2e.lastReplyTo(e2e.channelMessage(lead, channelId, 'link cohort')));
    assert.ok(cardTexts(card).includes('Link this channel to a cohort'));

    const channelConversation = {
      id: `${channelId};messageid=1`,
      conversationType: 'channel',
      isGroup: true,
    };
    const channelData = { channel: { id: channelId }, team: { id: '19:team@thread.tacv2' } };
    const refused = await e2e.post(
      e2e.execute(student, 'cohort.link', { cohortId }, channelConversation, channelData),
    );
    assert.equal(refused.status, 200);
    assert.match(asText(refused.body.value), /Only a placement lead/);
    assert.equal((await e2e.services.cohorts.byId(TENANT, cohortId))?.teamsChannelId, null);
    const refusals = await e2e.services.audit.list(TENANT, { action: 'cohort.link' });
    assert.equal(refusals[0].outcome, 'refused');

    const res = await e2e.post(
      e2e.execute(lead, 'cohort.link', { cohortId }, channelConversation, channelData),
    );
    assert.equal(res.status, 200);
    assert.equal(res.body.type, 'application/vnd.microsoft.card.adaptive');
    assert.ok(cardTexts(res.body.value).includes('Channel linked'));
    const cohort = await e2e.services.cohorts.byId(TENANT, cohortId);
    assert.equal(cohort?.teamsChannelId, channelId);
    assert.equal(cohort?.serviceUrl, e2e.connector.url);
    const ref = await e2e.services.references.get(TENANT, `channel:${channelId}`);
    assert.equal(ref?.reference.conversation?.id, channelId);
  });

  it('rejects a tampered cohort id without linking anything', async () => {
    const channelId = '19:other@thread.tacv2';
    const res = await e2e.post(
      e2e.execute(
        lead,
        'cohort.link',
        { cohortId: { $gt: '' } },
        { id: channelId, conversationType: 'channel' },
        { channel: { id: channelId } },
      ),
    );
    // MongoDB operator keys in a card submit are taken out before the handler runs
    // (src/feature-kit/card-input.ts withoutUnsafeKeys): the card answers, nothing is linked.
    assert.equal(res.status, 200);
    assert.equal(await e2e.services.cohorts.byChannel(TENANT, channelId), null);
    const unknown = await e2e.post(
      e2e.execute(
        lead,
        'cohort.link',
        { cohortId: 'not-a-cohort' },
        { id: channelId, conversationType: 'channel' },
        { channel: { id: channelId } },
      ),
    );
    assert.match(asText(unknown.body.value), /could not find that cohort/);
    assert.equal(await e2e.services.cohorts.byChannel(TENANT, channelId), null);
  });

  it('answers a non-activity body with 400', async () => {
    const res = await fetch(`${e2e.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2]',
    });
    assert.equal(res.status, 400);
  });
});
