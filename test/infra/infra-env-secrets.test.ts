/**
 * Offline checks of the infrastructure as code (infra/, m365agents*.yml, aad.manifest.json):
 * there is no Bicep compiler, Azure CLI or tenant here, so this checks what can be checked from
 * the text: parameters against parameter files, module paths and their parameters, the app
 * settings against src/config.ts, the web app's hardening, and that every ${{VAR}} the Toolkit
 * files use has a value or is written by an earlier step. docs/deploy.md says what is not checked.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { configSchema } from '../../src/config.js';
import { REPO_ROOT } from '../../tools/lib/app-package.js';
import { planSecrets } from '../../tools/ensure-env-secrets.mjs';

describe('infrastructure as code (offline checks)', () => {
  describe('tools/ensure-env-secrets.mjs', () => {
    const base = { DATABASE_KIND: 'CosmosDbMongoVCore', BOT_APP_TYPE: 'UserAssignedMSI' };

    it('generates the link secrets and the database password when missing, long enough for src/config.ts', () => {
      const { set, errors } = planSecrets({
        ...base,
        SECRET_EXPORT_LINK_SECRET: '${{SECRET_EXPORT_LINK_SECRET}}',
      });
      assert.deepEqual(errors, []);
      assert.ok(set['SECRET_EXPORT_LINK_SECRET']!.length >= 32);
      assert.ok(set['SECRET_SURVEY_HMAC_SECRET']!.length >= 16);
      assert.notEqual(set['SECRET_EXPORT_LINK_SECRET'], set['SECRET_SURVEY_HMAC_SECRET']);
      const pw = set['SECRET_MONGO_ADMIN_PASSWORD']!;
      for (const re of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) assert.match(pw, re);
      assert.equal(set['SECRET_ATLAS_CONNECTION_STRING'], '');
      const parsed = configSchema.safeParse({
        EXPORT_LINK_SECRET: set['SECRET_EXPORT_LINK_SECRET'],
        SURVEY_HMAC_SECRET: set['SECRET_SURVEY_HMAC_SECRET'],
      });
      assert.ok(parsed.success);
    });

    it('keeps secrets that are already set (survey ids depend on SURVEY_HMAC_SECRET staying the same)', () => {
      const existing = {
        ...base,
        SECRET_EXPORT_LINK_SECRET: 'x'.repeat(40),
        SECRET_SURVEY_HMAC_SECRET: 'y'.repeat(20),
        SECRET_MONGO_ADMIN_PASSWORD: 'Existing-1',
        SECRET_ATLAS_CONNECTION_STRING: '',
        SECRET_AAD_APP_CLIENT_SECRET: 'kept',
      };
      const { set, errors } = planSecrets(existing);
      assert.deepEqual(errors, []);
      assert.deepEqual(Object.keys(set), ['SECRET_ATLAS_CONNECTION_STRING']);
    });

    it('stops when Atlas has no connection string, SingleTenant has no client secret, or a choice is unknown', () => {
      assert.match(
        planSecrets({ ...base, DATABASE_KIND: 'AtlasConnectionString' }).errors.join('\n'),
        /SECRET_ATLAS_CONNECTION_STRING is required/,
      );
      assert.match(
        planSecrets({ ...base, BOT_APP_TYPE: 'SingleTenant' }).errors.join('\n'),
        /SECRET_AAD_APP_CLIENT_SECRET is required/,
      );
      assert.match(
        planSecrets({ ...base, BOT_APP_TYPE: 'MultiTenant' }).errors.join('\n'),
        /BOT_APP_TYPE must be one of/,
      );
      assert.match(
        planSecrets({ ...base, SECRET_SURVEY_HMAC_SECRET: 'short' }).errors.join('\n'),
        /at least 16 characters/,
      );
      const atlas = planSecrets({
        ...base,
        DATABASE_KIND: 'AtlasConnectionString',
        SECRET_ATLAS_CONNECTION_STRING: 'mongodb+srv://u:p@cluster.example.net/placement_companion',
      });
      assert.deepEqual(atlas.errors, []);
      assert.equal(atlas.set['SECRET_MONGO_ADMIN_PASSWORD'], '');
    });

    it('prints ::set-teamsfx-env lines, and exits 1 with a message when it cannot go on', () => {
      const script = path.join(REPO_ROOT, 'tools', 'ensure-env-secrets.mjs');
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SECRET_')));
      const ok = spawnSync(process.execPath, [script], { env: { ...clean, ...base }, encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stderr);
      const lines = ok.stdout.trim().split('\n');
      assert.deepEqual(
        lines.map((l) => /^::set-teamsfx-env (\w+)=/.exec(l)?.[1]).sort(),
        Object.keys(planSecrets(base).set).sort(),
      );
      const bad = spawnSync(process.execPath, [script], {
        env: { ...clean, ...base, DATABASE_KIND: 'AtlasConnectionString' },
        encoding: 'utf8',
      });
      assert.equal(bad.status, 1);
      assert.equal(bad.stdout, '');
      assert.match(bad.stderr, /SECRET_ATLAS_CONNECTION_STRING is required/);
    });
  });
});
