import assert from 'node:assert/strict';
import {
  ConfigError,
  DEV_EXPORT_LINK_SECRET,
  DEV_SURVEY_HMAC_SECRET,
  effectiveSettings,
  loadConfig,
  redactUri,
} from '../../src/config.js';

/** A complete production configuration; each test takes one thing away or adds one. */
const PRODUCTION = {
  NODE_ENV: 'production',
  MicrosoftAppId: '00000000-0000-4000-8000-00000000b001',
  MicrosoftAppPassword: 'client-secret',
  MicrosoftAppTenantId: '11111111-2222-4333-8444-555555555555',
  PUBLIC_BASE_URL: 'https://placement.example.nhs.uk',
  EXPORT_LINK_SECRET: 'x'.repeat(40),
  SURVEY_HMAC_SECRET: 'y'.repeat(20),
  MONGODB_URI: 'mongodb+srv://app:pw@cluster.example.net/pc_prod?retryWrites=true',
};

function refusal(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

describe('config: closed by default', () => {
  it('accepts the complete production configuration', () => {
    const config = loadConfig(PRODUCTION);
    assert.equal(config.HOST, '0.0.0.0');
    assert.equal(config.MicrosoftAppType, 'SingleTenant');
  });

  it('refuses production without an app id, naming MicrosoftAppId', () => {
    assert.match(
      refusal({ ...PRODUCTION, MicrosoftAppId: undefined }),
      /MicrosoftAppId: required when NODE_ENV=production/,
    );
    assert.match(refusal({ NODE_ENV: 'production' }), /MicrosoftAppId/);
  });

  it('refuses an app id with either development link secret, whatever NODE_ENV says', () => {
    const dev = { ...PRODUCTION, NODE_ENV: undefined };
    assert.match(
      refusal({ ...dev, EXPORT_LINK_SECRET: undefined }),
      /EXPORT_LINK_SECRET: must be set to a secret of your own when MicrosoftAppId/,
    );
    assert.match(refusal({ ...dev, EXPORT_LINK_SECRET: DEV_EXPORT_LINK_SECRET }), /EXPORT_LINK_SECRET/);
    assert.match(refusal({ ...dev, SURVEY_HMAC_SECRET: DEV_SURVEY_HMAC_SECRET }), /SURVEY_HMAC_SECRET/);
  });

  it('without an app id listens on loopback, and another address needs ALLOW_UNAUTHENTICATED', () => {
    assert.equal(loadConfig({}).HOST, '127.0.0.1');
    assert.match(refusal({ HOST: '0.0.0.0' }), /HOST: .*loopback only.*ALLOW_UNAUTHENTICATED=true/);
    assert.equal(loadConfig({ HOST: '::1' }).HOST, '::1');
    assert.equal(loadConfig({ ALLOW_UNAUTHENTICATED: 'true' }).HOST, '0.0.0.0');
    assert.equal(loadConfig({ ALLOW_UNAUTHENTICATED: 'true', HOST: '10.0.0.5' }).HOST, '10.0.0.5');
  });

  it('refuses ALLOW_UNAUTHENTICATED with an app id', () => {
    assert.match(
      refusal({ ...PRODUCTION, ALLOW_UNAUTHENTICATED: 'true' }),
      /ALLOW_UNAUTHENTICATED: must not be set/,
    );
  });

  it('lists every problem at once', () => {
    const message = refusal({ ...PRODUCTION, MicrosoftAppTenantId: undefined, PUBLIC_BASE_URL: undefined });
    assert.match(message, /MicrosoftAppTenantId/);
    assert.match(message, /PUBLIC_BASE_URL/);
  });
});

describe('config: bot identities', () => {
  it('defaults to SingleTenant, which needs the tenant id and a secret', () => {
    assert.match(
      refusal({ ...PRODUCTION, MicrosoftAppTenantId: undefined }),
      /MicrosoftAppTenantId: required with MicrosoftAppType=SingleTenant/,
    );
    assert.match(
      refusal({ ...PRODUCTION, MicrosoftAppPassword: undefined }),
      /MicrosoftAppPassword: required with MicrosoftAppType=SingleTenant/,
    );
  });

  it('UserAssignedMSI needs the tenant id and refuses a secret', () => {
    const msi = { ...PRODUCTION, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: undefined };
    assert.equal(loadConfig(msi).MicrosoftAppType, 'UserAssignedMSI');
    assert.match(
      refusal({ ...msi, MicrosoftAppPassword: 'x' }),
      /MicrosoftAppPassword: must be blank with MicrosoftAppType=UserAssignedMSI/,
    );
    assert.match(refusal({ ...msi, MicrosoftAppTenantId: undefined }), /MicrosoftAppTenantId: required/);
  });

  it('MultiTenant (old registrations) needs a secret and a DEFAULT_TENANT_ID when it has no tenant id', () => {
    const multi = { ...PRODUCTION, MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: undefined };
    assert.match(refusal(multi), /DEFAULT_TENANT_ID: required/);
    assert.equal(loadConfig({ ...multi, DEFAULT_TENANT_ID: 'tenant-a' }).DEFAULT_TENANT_ID, 'tenant-a');
  });

  it('refuses a tenant id that is not one', () => {
    assert.match(
      refusal({ ...PRODUCTION, MicrosoftAppTenantId: 'a|b' }),
      /MicrosoftAppTenantId: must be a tenant id/,
    );
    assert.match(refusal({ DEFAULT_TENANT_ID: 'tenant a' }), /DEFAULT_TENANT_ID: must be a tenant id/);
  });
});

describe('config: one source of truth for settings', () => {
  it('takes the database name from MONGODB_DB, else the URI path, else the default', () => {
    const fromUri = loadConfig({ MONGODB_URI: 'mongodb://a:1,b:2/pc_from_uri?replicaSet=rs' });
    assert.deepEqual([fromUri.MONGODB_DB, fromUri.databaseNameFrom], ['pc_from_uri', 'MONGODB_URI']);
    const overridden = loadConfig({ MONGODB_URI: 'mongodb://a:1/pc_from_uri', MONGODB_DB: 'other' });
    assert.deepEqual([overridden.MONGODB_DB, overridden.databaseNameFrom], ['other', 'MONGODB_DB']);
    const none = loadConfig({ MONGODB_URI: 'mongodb+srv://u:p@cluster.example.net/?tls=true' });
    assert.deepEqual([none.MONGODB_DB, none.databaseNameFrom], ['placement_companion', 'default']);
    assert.match(
      refusal({ MONGODB_URI: 'mongodb://a:1/bad.name' }),
      /MONGODB_URI: the database name in its path/,
    );
  });

  it('requires PUBLIC_BASE_URL with an app id (or BOT_DOMAIN), https only', () => {
    assert.match(
      refusal({ ...PRODUCTION, PUBLIC_BASE_URL: undefined }),
      /PUBLIC_BASE_URL: required when MicrosoftAppId is set/,
    );
    assert.equal(
      loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: undefined, BOT_DOMAIN: 'pc.azurewebsites.net' })
        .PUBLIC_BASE_URL,
      'https://pc.azurewebsites.net',
    );
    assert.match(refusal({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://pc.example' }), /must be https/);
    assert.equal(loadConfig({ PORT: '4000' }).PUBLIC_BASE_URL, 'http://localhost:4000');
  });

  it('DEFAULT_TENANT_ID defaults to the bot tenant with an app id, local-tenant without', () => {
    assert.equal(loadConfig(PRODUCTION).DEFAULT_TENANT_ID, PRODUCTION.MicrosoftAppTenantId);
    assert.equal(loadConfig({}).DEFAULT_TENANT_ID, 'local-tenant');
  });

  it('the start-up settings line carries no secret', () => {
    const line = JSON.stringify(effectiveSettings(loadConfig(PRODUCTION)));
    for (const secret of [
      PRODUCTION.MicrosoftAppPassword,
      PRODUCTION.EXPORT_LINK_SECRET,
      PRODUCTION.SURVEY_HMAC_SECRET,
      'app:pw',
    ])
      assert.ok(!line.includes(secret), `settings line leaks ${secret}`);
    assert.match(line, /"MONGODB_DB":"pc_prod"/);
    assert.match(line, /"databaseNameFrom":"MONGODB_URI"/);
    assert.equal(redactUri('mongodb://u:p@h:1/db?x=1'), 'mongodb://***@h:1/db');
  });
});
