/**
 * One token source per bot identity (src/proactive/token-provider.ts,
 * managed-identity-token-provider.ts): which authority and which identity each bot type asks,
 * caching and renewal before expiry, and what a token service outage turns into for a send.
 * Against local fakes of Entra ID's token endpoint and App Service's managed identity endpoint.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryError, HttpConnectorClient } from '../../src/proactive/connector-client.js';
import { ManagedIdentityTokenProvider } from '../../src/proactive/managed-identity-token-provider.js';
import {
  ClientCredentialsTokenProvider,
  noTokens,
  TokenUnavailableError,
  tokenProviderFor,
} from '../../src/proactive/token-provider.js';
import { FakeIdentity } from './fake-identity.js';
import { sharedFakeManagedIdentity, type FakeManagedIdentity } from './fake-managed-identity.js';

const APP_ID = '00000000-0000-4000-8000-0000000070c0';
const TENANT_ID = '11111111-2222-4333-8444-555555555555';

describe('security: outgoing tokens per bot identity', function () {
  this.timeout(30_000);
  const identity = new FakeIdentity();
  let msi: FakeManagedIdentity;
  let restoreEnv: () => void;

  before(async () => {
    await identity.start();
    msi = await sharedFakeManagedIdentity();
    restoreEnv = msi.useInEnvironment();
  });
  after(async () => {
    restoreEnv();
    await identity.stop();
  });
  afterEach(() => {
    identity.down = false;
    identity.expiresInS = 3600;
    msi.down = false;
    msi.lifetimeS = 24 * 3600;
  });

  describe('which authority each bot type asks', () => {
    const base = { MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT_ID, BOT_TOKEN_ENDPOINT: undefined };
    const noMsi = () => {
      throw new Error('not a managed identity');
    };

    it("SingleTenant: client credentials against the bot's own tenant", () => {
      const tokens = tokenProviderFor(
        { ...base, MicrosoftAppType: 'SingleTenant', MicrosoftAppPassword: 'secret' },
        noMsi,
      );
      assert.ok(tokens instanceof ClientCredentialsTokenProvider);
      assert.equal(tokens.endpoint, `https://login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/token`);
    });

    it('MultiTenant: the botframework.com tenant, even with MicrosoftAppTenantId set (as botbuilder does)', () => {
      const tokens = tokenProviderFor(
        { ...base, MicrosoftAppType: 'MultiTenant', MicrosoftAppPassword: 'secret' },
        noMsi,
      );
      assert.ok(tokens instanceof ClientCredentialsTokenProvider);
      assert.equal(tokens.endpoint, 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token');
    });

    it('UserAssignedMSI: the managed identity whose client id is MicrosoftAppId (no password needed)', () => {
      const made: string[] = [];
      const tokens = tokenProviderFor(
        { ...base, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: undefined },
        (clientId) => (made.push(clientId), noTokens),
      );
      assert.deepEqual(made, [APP_ID]);
      assert.equal(tokens, noTokens);
    });

    it('no app id: no tokens (local development)', () => {
      const tokens = tokenProviderFor(
        {
          MicrosoftAppId: undefined,
          MicrosoftAppPassword: undefined,
          MicrosoftAppTenantId: undefined,
          MicrosoftAppType: 'SingleTenant',
          BOT_TOKEN_ENDPOINT: undefined,
        },
        noMsi,
      );
      assert.equal(tokens, noTokens);
    });
  });

  describe('client credentials', () => {
    it('asks once, keeps the token, and renews it 5 minutes before it expires', async () => {
      let now = 1_000_000_000_000;
      const tokens = new ClientCredentialsTokenProvider({
        appId: APP_ID,
        appPassword: 'secret',
        tenantId: TENANT_ID,
        endpoint: identity.tenantTokenEndpoint,
        now: () => now,
      });
      const before = identity.tokenCalls.length;
      const first = await Promise.all([tokens.token(), tokens.token(), tokens.token()]);
      assert.equal(new Set(first).size, 1);
      assert.match(first[0], new RegExp(`^tok-cc-${TENANT_ID}-${APP_ID}-`));
      const call = identity.tokenCalls.at(-1)!;
      assert.equal(call.tenant, TENANT_ID);
      assert.equal(call.form.get('scope'), 'https://api.botframework.com/.default');
      assert.equal(identity.tokenCalls.length - before, 1, 'three concurrent calls, one request');

      now += 3600_000 - 301_000; // 5 min 1 s before expiry: still good
      assert.equal(await tokens.token(), first[0]);
      assert.equal(identity.tokenCalls.length - before, 1);
      now += 2_000; // inside the last 5 minutes: renewed
      const renewed = await tokens.token();
      assert.notEqual(renewed, first[0]);
      assert.equal(identity.tokenCalls.length - before, 2);
    });

    it('token endpoint down: TokenUnavailableError, no request storm, and a still-valid token is used meanwhile', async () => {
      let now = 1_000_000_000_000;
      const tokens = new ClientCredentialsTokenProvider({
        appId: APP_ID,
        appPassword: 'secret',
        tenantId: TENANT_ID,
        endpoint: identity.tenantTokenEndpoint,
        now: () => now,
      });
      identity.down = true;
      const before = identity.tokenCalls.length;
      await assert.rejects(tokens.token(), (err: unknown) => {
        assert.ok(err instanceof TokenUnavailableError);
        assert.match(err.message, /answered 503/);
        assert.ok(err.retryAfterMs > 0);
        return true;
      });
      await assert.rejects(tokens.token(), TokenUnavailableError);
      assert.equal(
        identity.tokenCalls.length - before,
        1,
        'the second call failed fast, during the cool-down',
      );
      now += 60_000;
      identity.down = false;
      const token = await tokens.token();
      assert.match(token, /^tok-cc-/);
      // Near expiry the renewal fails: the token still valid is used rather than none.
      now += 3600_000 - 120_000;
      identity.down = true;
      assert.equal(await tokens.token(), token);
      now += 120_000;
      await assert.rejects(tokens.token(), TokenUnavailableError);
    });

    it('a proactive send without a token is a transient DeliveryError marked tokenUnavailable, and never reaches the connector', async () => {
      let connectorCalls = 0;
      const connector = http.createServer((_req, res) => (connectorCalls++, res.end('{}')));
      await new Promise<void>((r) => connector.listen(0, '127.0.0.1', r));
      // A port nobody listens on: connection refused. Chosen while the connector listens, so
      // the system cannot hand this port to the connector (it did once: 'no access_token').
      const closed = http.createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((r) => closed.close(() => r()));
      try {
        const client = new HttpConnectorClient(
          new ClientCredentialsTokenProvider({
            appId: APP_ID,
            appPassword: 'secret',
            endpoint: `http://127.0.0.1:${port}/{tenant}/oauth2/v2.0/token`,
          }),
        );
        const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
        await assert.rejects(
          client.send({ serviceUrl, conversationId: 'a:1' }, { text: 'hi' }),
          (err: unknown) => {
            assert.ok(err instanceof DeliveryError);
            assert.equal(err.transient, true);
            assert.equal(err.tokenUnavailable, true);
            assert.match(err.message, /network error/);
            assert.ok((err.retryAfterMs ?? 0) > 0);
            return true;
          },
        );
        assert.equal(connectorCalls, 0);
      } finally {
        await new Promise<void>((r) => connector.close(() => r()));
      }
    });
  });

  describe('managed identity (@azure/identity against a fake App Service endpoint)', () => {
    it('asks the identity endpoint as App Service expects, for the bot framework resource and the client id', async () => {
      const clientId = 'aaaaaaaa-0000-4000-8000-00000000c001';
      const tokens = new ManagedIdentityTokenProvider({ clientId });
      const token = await tokens.token();
      assert.match(token, new RegExp(`^tok-msi-${clientId}-`));
      const [call, ...more] = msi.callsFor(clientId);
      assert.equal(more.length, 0);
      assert.equal(call.apiVersion, '2019-08-01');
      assert.equal(call.resource, 'https://api.botframework.com');
      assert.equal(call.identityHeader, msi.secret);
    });

    it('keeps the token (one request for many calls) and fetches a new one shortly before it expires', async () => {
      const clientId = 'aaaaaaaa-0000-4000-8000-00000000c002';
      // 302 s: inside the 5-minute renewal window 2 s from now (MSAL's cache uses the same offset).
      msi.lifetimeS = 302;
      const tokens = new ManagedIdentityTokenProvider({ clientId });
      const first = await tokens.token();
      for (let i = 0; i < 20; i++) assert.equal(await tokens.token(), first);
      assert.equal(msi.callsFor(clientId).length, 1, 'not a request per call');
      await new Promise((r) => setTimeout(r, 3_000)); // MSAL's cache reads the real clock
      const second = await tokens.token();
      assert.notEqual(second, first);
      assert.equal(msi.callsFor(clientId).length, 2);
      assert.equal(await tokens.token(), second);
      assert.equal(msi.callsFor(clientId).length, 2);
    });

    it('endpoint down: TokenUnavailableError (after at most a couple of quick retries), then recovers', async () => {
      const clientId = 'aaaaaaaa-0000-4000-8000-00000000c003';
      const tokens = new ManagedIdentityTokenProvider({ clientId });
      msi.down = true;
      const started = Date.now();
      await assert.rejects(tokens.token(), TokenUnavailableError);
      assert.ok(Date.now() - started < 5_000, `gave up within a turn's time (${Date.now() - started} ms)`);
      const asked = msi.callsFor(clientId).length;
      assert.ok(asked >= 1 && asked <= 3, `${asked} requests`);
      msi.down = false;
      await new Promise((r) => setTimeout(r, 600)); // the provider's first cool-down
      assert.match(await tokens.token(), new RegExp(`^tok-msi-${clientId}-`));
    });
  });
});
