import assert from 'node:assert/strict';
import { ConfigError, DEV_EXPORT_LINK_SECRET, loadConfig } from '../../../src/config.js';

describe('reflections: EXPORT_LINK_SECRET configuration', () => {
  const production = {
    NODE_ENV: 'production',
    SURVEY_HMAC_SECRET: 'a-production-survey-secret-000000',
    MicrosoftAppId: 'app-id',
    MicrosoftAppPassword: 'app-secret',
    MicrosoftAppTenantId: 'tenant-a',
    PUBLIC_BASE_URL: 'https://placement.example.nhs.uk',
  };

  it('uses a development default outside production', () => {
    assert.equal(loadConfig({}).EXPORT_LINK_SECRET, DEV_EXPORT_LINK_SECRET);
  });

  it('refuses to start in production without a secret of its own', () => {
    assert.throws(
      () => loadConfig(production),
      (err: Error) => err instanceof ConfigError && /EXPORT_LINK_SECRET/.test(err.message),
    );
    assert.throws(
      () => loadConfig({ ...production, EXPORT_LINK_SECRET: DEV_EXPORT_LINK_SECRET }),
      /EXPORT_LINK_SECRET/,
    );
  });

  it('accepts a long enough secret in production and rejects a short one', () => {
    const secret = 'k'.repeat(40);
    assert.throws(
      () => loadConfig({ ...production, EXPORT_LINK_SECRET: 'short' }),
      /EXPORT_LINK_SECRET: must be at least 32 characters/,
    );
    try {
      assert.equal(loadConfig({ ...production, EXPORT_LINK_SECRET: secret }).EXPORT_LINK_SECRET, secret);
    } catch (err) {
      // Other production-only settings may be required by other features; none of them may be ours.
      assert.doesNotMatch((err as Error).message, /EXPORT_LINK_SECRET/);
    }
  });
});
