/**
 * Today's bot identities end to end, over real HTTP: for SingleTenant, UserAssignedMSI and
 * MultiTenant the service runs with an app id and real inbound JWT validation (local OpenID
 * metadata + JWKS, test/security/fake-identity.ts). A signed message's reply and a proactive
 * send through the outbox both reach the fake Bot Connector with a bearer token from that
 * type's (fake) issuer: Entra ID's token endpoint for the bot's tenant (SingleTenant) or for
 * botframework.com (MultiTenant), or the managed identity endpoint (UserAssignedMSI,
 * test/security/fake-managed-identity.ts, reached through @azure/identity). Every request the
 * connector sees, member lookups included, carries that token.
 *
 * Then, with the token service down while a proactive message is queued, nothing is delivered
 * and nothing is marked failed, even after more tries than SENDER_MAX_ATTEMPTS; once it is back
 * the message is delivered exactly once.
 */
import assert from 'node:assert/strict';
import { personalKey } from '../../src/storage/conversation-references-repository.js';
import { outboxItemId } from '../../src/proactive/outbox.js';
import { FakeIdentity, makeKey, type TestKey } from '../security/fake-identity.js';
import { sharedFakeManagedIdentity, type FakeManagedIdentity } from '../security/fake-managed-identity.js';
import { E2E, TENANT } from './harness.js';

type BotType = 'SingleTenant' | 'UserAssignedMSI' | 'MultiTenant';

describe('e2e: bot identities (SingleTenant, UserAssignedMSI, MultiTenant)', function () {
  this.timeout(60_000);
  const identity = new FakeIdentity();
  let msi: FakeManagedIdentity;
  let restoreEnv: () => void;
  let signingKey: TestKey;

  before(async () => {
    await identity.start();
    signingKey = await makeKey('identities-key');
    identity.published = [signingKey];
    msi = await sharedFakeManagedIdentity();
    // MSAL reads these on its first token request (and keeps its choice for the process).
    restoreEnv = msi.useInEnvironment();
  });
  after(async () => {
    restoreEnv();
    await identity.stop();
  });

  function envFor(type: BotType, appId: string): Record<string, string> {
    const common = {
      ENABLE_TEST_CLOCK: 'false',
      MicrosoftAppId: appId,
      MicrosoftAppType: type,
      BOT_OPENID_METADATA_URL: identity.metadataUrl,
      BOT_TOKEN_ISSUER: identity.issuer,
    };
    if (type === 'UserAssignedMSI') return common; // no password, no token endpoint: the managed identity
    return {
      ...common,
      MicrosoftAppPassword: `secret-${appId}`,
      BOT_TOKEN_ENDPOINT: identity.tenantTokenEndpoint,
    };
  }

  /** The tokens the right issuer handed out for this bot (and only those). */
  function issuedFor(type: BotType, appId: string): Set<string> {
    if (type === 'UserAssignedMSI') {
      return new Set(
        msi
          .callsFor(appId)
          .filter(
            (c) =>
              c.status === 200 &&
              c.identityHeader === msi.secret &&
              c.resource === 'https://api.botframework.com',
          )
          .map((c) => c.token!),
      );
    }
    const tenant = type === 'SingleTenant' ? TENANT : 'botframework.com';
    return new Set(
      identity.tokenCalls
        .filter(
          (c) =>
            c.status === 200 &&
            c.tenant === tenant &&
            c.form.get('client_id') === appId &&
            c.form.get('client_secret') === `secret-${appId}` &&
            c.form.get('scope') === 'https://api.botframework.com/.default',
        )
        .map((c) => c.token!),
    );
  }

  const tokenShape: Record<BotType, (appId: string) => RegExp> = {
    SingleTenant: (appId) => new RegExp(`^Bearer tok-cc-${TENANT}-${appId}-\\d+$`),
    MultiTenant: (appId) => new RegExp(`^Bearer tok-cc-botframework\\.com-${appId}-\\d+$`),
    UserAssignedMSI: (appId) => new RegExp(`^Bearer tok-msi-${appId}-\\d+$`),
  };

  const types: [BotType, string][] = [
    ['SingleTenant', '00000000-0000-4000-8000-0000000051a1'],
    ['UserAssignedMSI', '00000000-0000-4000-8000-0000000051a2'],
    ['MultiTenant', '00000000-0000-4000-8000-0000000051a3'],
  ];

  for (const [type, appId] of types) {
    describe(type, () => {
      const e2e = new E2E();
      const student = {
        id: `29:identity-${type}`,
        aadObjectId: `aad-identity-${type}`,
        name: 'Sam Carter',
        email: `sam.${type.toLowerCase()}@example.nhs.uk`,
      };

      before(async () => {
        await e2e.start(envFor(type, appId));
        await e2e.addStudent(student);
      });
      after(() => e2e.stop());

      it('a signed message: the reply (and the member lookup) carry a token from the right issuer', async () => {
        const activity = e2e.message(student, 'help');
        const jwt = await identity.sign(signingKey, { aud: appId, serviceurl: e2e.connector.url });
        const response = await fetch(`${e2e.baseUrl}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
          body: JSON.stringify(activity),
        });
        assert.equal(response.status, 200, await response.text());
        await e2e.connector.waitFor((calls) => calls.some((c) => c.activity?.replyToId === activity.id));
        const reply = e2e.connector.delivered().find((c) => c.activity?.replyToId === activity.id)!;
        assert.match(reply.authorization ?? '', tokenShape[type](appId));
        assert.ok(issuedFor(type, appId).has(reply.authorization!.slice('Bearer '.length)));
        assert.ok(
          e2e.connector.requests.some((r) => r.method === 'GET' && r.path.includes('/members/')),
          'the turn looked the member up',
        );
        for (const request of e2e.connector.requests)
          assert.match(
            request.authorization ?? '(none)',
            tokenShape[type](appId),
            `${request.method} ${request.path}`,
          );
        const person = await e2e.services.people.byEmail(TENANT, student.email);
        assert.equal(person?.teamsUserId, student.id, 'the turn ran');
      });

      it('a proactive send through the outbox carries a token from the same issuer', async () => {
        const person = (await e2e.services.people.byEmail(TENANT, student.email))!;
        await e2e.services.outbox.enqueue(TENANT, [
          {
            dedupeKey: `identity-${type}-proactive`,
            purpose: 'test',
            target: { kind: 'person', personId: person._id },
            activity: { text: `Proactive hello (${type})` },
          },
        ]);
        await e2e.services.sender.drain(10_000);
        const sent = e2e.connector
          .delivered(`a:personal-${student.id}`)
          .filter((c) => c.activity?.text === `Proactive hello (${type})`);
        assert.equal(sent.length, 1);
        assert.match(sent[0].authorization ?? '(none)', tokenShape[type](appId));
        assert.ok(issuedFor(type, appId).has(sent[0].authorization!.slice('Bearer '.length)));
        for (const request of e2e.connector.requests)
          assert.match(
            request.authorization ?? '(none)',
            tokenShape[type](appId),
            `${request.method} ${request.path}`,
          );
        // One token for the reply, the lookup and the send: cached, not fetched per call.
        assert.equal(issuedFor(type, appId).size, 1);
      });
    });
  }

  for (const [type, firstAppId] of types) {
    // Another app id: a fresh token cache (MSAL's is process-wide), so the outage is felt at once.
    const appId = firstAppId.replace(/51a(\d)$/, 'd0a$1');

    describe(`${type}: token service down while a proactive message is queued`, () => {
      const e2e = new E2E();
      const student = {
        id: `29:outage-${type}`,
        aadObjectId: `aad-outage-${type}`,
        name: 'Ana Lopez',
        email: `ana.${type.toLowerCase()}@example.nhs.uk`,
      };
      const setDown = (down: boolean) => {
        if (type === 'UserAssignedMSI') msi.down = down;
        else identity.down = down;
      };

      before(async () => {
        await e2e.start({ ...envFor(type, appId), SENDER_MAX_ATTEMPTS: '2' });
        await e2e.addStudent(student);
      });
      after(async () => {
        setDown(false);
        await e2e.stop();
      });

      it('delivers nothing and fails nothing while it is down (beyond SENDER_MAX_ATTEMPTS tries), then delivers exactly once', async () => {
        const person = (await e2e.services.people.byEmail(TENANT, student.email))!;
        const conversationId = `a:personal-${student.id}`;
        await e2e.services.references.save(
          TENANT,
          personalKey(person._id),
          'personal',
          person._id,
          {
            serviceUrl: e2e.connector.url,
            channelId: 'msteams',
            conversation: {
              id: conversationId,
              conversationType: 'personal',
              tenantId: TENANT,
              isGroup: false,
              name: '',
            },
            bot: { id: '28:bot-e2e', name: '' },
            user: { id: student.id, name: '' },
          },
          new Date(),
        );
        setDown(true);
        const dedupeKey = `outage-${type}`;
        await e2e.services.outbox.enqueue(TENANT, [
          {
            dedupeKey,
            purpose: 'test',
            target: { kind: 'person', personId: person._id },
            activity: { text: `During the outage (${type})` },
          },
        ]);
        const stats = e2e.services.sender.stats;
        const deadline = Date.now() + 20_000;
        while (stats.retried + stats.failed < 3 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        assert.equal(stats.failed, 0, 'nothing marked failed');
        assert.ok(stats.retried >= 3, `tried ${stats.retried} times, more than SENDER_MAX_ATTEMPTS (2)`);
        const item = await e2e.services.outbox.collection().findOne({ _id: outboxItemId(TENANT, dedupeKey) });
        assert.equal(item?.state, 'pending');
        assert.match(item?.lastError ?? '', /no token from/);
        assert.equal(e2e.connector.requests.length, 0, 'nothing reached the Bot Connector');
        const failedTokenRequests =
          type === 'UserAssignedMSI'
            ? msi.callsFor(appId).filter((c) => c.status === 503).length
            : identity.tokenCalls.filter((c) => c.form.get('client_id') === appId && c.status === 503).length;
        assert.ok(failedTokenRequests >= 3, `${failedTokenRequests} token requests failed`);

        setDown(false);
        await e2e.services.sender.drain(30_000);
        const sent = e2e.connector.delivered(conversationId);
        assert.equal(sent.length, 1, 'delivered exactly once');
        assert.equal(sent[0].activity?.text, `During the outage (${type})`);
        assert.match(sent[0].authorization ?? '(none)', tokenShape[type](appId));
        assert.ok(issuedFor(type, appId).has(sent[0].authorization!.slice('Bearer '.length)));
        // drain() returns once no delivery is due; the item's own state is written just after
        // its last delivery, so read it until it settles (bounded).
        let after: { state?: string } | null = null;
        for (
          const until = Date.now() + 5_000;
          Date.now() < until;
          await new Promise((r) => setTimeout(r, 50))
        ) {
          after = await e2e.services.outbox.collection().findOne({ _id: outboxItemId(TENANT, dedupeKey) });
          if (after?.state !== 'pending') break;
        }
        assert.equal(after?.state, 'sent');
        assert.equal(stats.failed, 0);
      });
    });
  }
});
