/**
 * Authentication for real: the adapter's Bot Framework JWT validation runs against a local
 * OpenID metadata document and JWKS (test/security/fake-identity.ts) with tokens signed by
 * test RSA keys. Nothing is switched off: the service runs with an app id and password.
 */
import assert from 'node:assert/strict';
import { base64url } from 'jose';
import { collections } from '../../src/storage/collections.js';
import { E2E, TENANT } from '../e2e/harness.js';
import { FakeIdentity, makeKey, type TestKey } from './fake-identity.js';

const APP_ID = '00000000-0000-4000-8000-00000000a11d';

describe('security: inbound JWT validation and outbound tokens', function () {
  this.timeout(60_000);
  const identity = new FakeIdentity();
  const e2e = new E2E();
  let signingKey: TestKey;
  let unpublishedKey: TestKey;
  const student = {
    id: '29:auth-student',
    aadObjectId: 'aad-auth-student',
    name: 'Sam Carter',
    email: 'sam.carter@example.nhs.uk',
  };

  before(async () => {
    await identity.start();
    signingKey = await makeKey('published-key');
    unpublishedKey = await makeKey('unpublished-key');
    identity.published = [signingKey];
    await e2e.start({
      ENABLE_TEST_CLOCK: 'false',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'test-secret',
      BOT_OPENID_METADATA_URL: identity.metadataUrl,
      BOT_TOKEN_ISSUER: identity.issuer,
      BOT_TOKEN_ENDPOINT: identity.tokenEndpoint,
    });
    await e2e.services.people.upsertByEmail(
      TENANT,
      {
        email: student.email,
        displayName: student.name,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: null,
        timeZone: null,
      },
      new Date(),
    );
    e2e.teamsUser(student);
  });
  after(async () => {
    await e2e.stop();
    await identity.stop();
  });

  async function postWith(authorization: string | null, activity = e2e.message(student, 'help')) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== null) headers.authorization = authorization;
    const response = await fetch(`${e2e.baseUrl}/api/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify(activity),
    });
    return { status: response.status, text: await response.text() };
  }

  const stored = () =>
    Promise.all(
      [collections.people, collections.conversationReferences, collections.turnState].map((c) =>
        e2e.services.database.db
          .collection(c.name)
          .countDocuments({ teamsUserId: { $exists: true } } as never)
          .then(
            async (n) =>
              n +
              (c === collections.people
                ? 0
                : await e2e.services.database.db.collection(c.name).countDocuments()),
          ),
      ),
    );

  const claims = () => ({ aud: APP_ID, serviceurl: e2e.connector.url });

  const rejected: [string, () => Promise<string | null>][] = [
    ['no Authorization header', async () => null],
    ['an empty bearer token', async () => 'Bearer '],
    ['a token that is not a JWT', async () => 'Bearer not-a-jwt'],
    ['a Basic scheme', async () => `Basic ${Buffer.from('a:b').toString('base64')}`],
    [
      'an unsigned token (alg none)',
      async () => {
        const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'published-key' }));
        const now = Math.floor(Date.now() / 1000);
        const payload = base64url.encode(
          JSON.stringify({
            iss: identity.issuer,
            aud: APP_ID,
            serviceurl: e2e.connector.url,
            nbf: now - 60,
            exp: now + 3600,
          }),
        );
        return `Bearer ${header}.${payload}.`;
      },
    ],
    [
      'an expired token (beyond the 5-minute clock tolerance)',
      async () => `Bearer ${await identity.sign(signingKey, { ...claims(), expiresInS: -600 })}`,
    ],
    [
      'a token not valid yet',
      async () => `Bearer ${await identity.sign(signingKey, { ...claims(), notBeforeS: 900 })}`,
    ],
    [
      'a token for another bot (wrong audience)',
      async () => `Bearer ${await identity.sign(signingKey, { ...claims(), aud: 'some-other-app' })}`,
    ],
    [
      'a token from another issuer',
      async () => `Bearer ${await identity.sign(signingKey, { ...claims(), iss: 'https://evil.example' })}`,
    ],
    [
      'a token signed by a key that is not published',
      async () => `Bearer ${await identity.sign(unpublishedKey, claims())}`,
    ],
    [
      'a token signed by another key under a published key id',
      async () => `Bearer ${await identity.sign({ ...unpublishedKey, kid: signingKey.kid }, claims())}`,
    ],
    [
      'a token for another serviceUrl',
      async () =>
        `Bearer ${await identity.sign(signingKey, { ...claims(), serviceurl: 'https://evil.example/' })}`,
    ],
  ];

  for (const [what, header] of rejected) {
    it(`answers 401 to ${what}, runs no turn and stores nothing`, async () => {
      const before = await stored();
      const callsBefore = e2e.connector.calls.length;
      const res = await postWith(await header());
      assert.equal(res.status, 401, res.text);
      assert.doesNotMatch(res.text, /at .*\.js|Error:|stack/i, 'no stack trace or internals in the answer');
      assert.equal(e2e.connector.calls.length, callsBefore, 'the bot sent nothing');
      assert.deepEqual(await stored(), before);
    });
  }

  it('accepts a valid token (200), and its reply carries a token from the configured token endpoint', async () => {
    const res = await postWith(`Bearer ${await identity.sign(signingKey, claims())}`);
    assert.equal(res.status, 200, res.text);
    await e2e.connector.waitFor((calls) =>
      calls.some((c) => c.conversationId === `a:personal-${student.id}`),
    );
    const reply = e2e.connector.delivered(`a:personal-${student.id}`).at(-1)!;
    assert.equal(reply.authorization, `Bearer ${identity.issuedToken}`);
    const request = identity.tokenRequests.at(-1)!;
    assert.equal(request.get('client_id'), APP_ID);
    assert.equal(request.get('grant_type'), 'client_credentials');
    assert.equal(request.get('client_secret'), 'test-secret');
    assert.ok(identity.metadataFetches >= 1, 'keys came from the local metadata document');
    const person = await e2e.services.people.byEmail(TENANT, student.email);
    assert.equal(person?.teamsUserId, student.id, 'the turn ran: the person was linked');
  });

  it('proactive sends get the same token', async () => {
    const person = (await e2e.services.people.byEmail(TENANT, student.email))!;
    await e2e.services.outbox.enqueue(TENANT, [
      {
        dedupeKey: 'auth-test-proactive',
        purpose: 'test',
        target: { kind: 'person', personId: person._id },
        activity: { text: 'Proactive hello' },
      },
    ]);
    await e2e.services.sender.drain(10_000);
    const sent = e2e.connector
      .delivered(`a:personal-${student.id}`)
      .find((c) => c.activity?.text === 'Proactive hello');
    assert.equal(sent?.authorization, `Bearer ${identity.issuedToken}`);
  });
});
