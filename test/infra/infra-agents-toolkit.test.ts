/**
 * Offline checks of the infrastructure as code (infra/, m365agents*.yml, aad.manifest.json):
 * there is no Bicep compiler, Azure CLI or tenant here, so this checks what can be checked from
 * the text: parameters against parameter files, module paths and their parameters, the app
 * settings against src/config.ts, the web app's hardening, and that every ${{VAR}} the Toolkit
 * files use has a value or is written by an earlier step. docs/deploy.md says what is not checked.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema, loadConfig } from '../../src/config.js';
import { REPO_ROOT } from '../../tools/lib/app-package.js';
import { planSecrets } from '../../tools/ensure-env-secrets.mjs';
import { parseBicep } from './bicep-text.js';
import {
  MAIN,
  read,
  TEAMS_CLIENTS,
  readYaml,
  type Step,
  undefinedVariables,
  stripYamlComments,
} from './infra-checks.js';

describe('infrastructure as code (offline checks)', () => {
  const main = parseBicep(read(MAIN));

  describe('Agents Toolkit files', () => {
    it('m365agents.yml provisions, then deploys the built app to the web app arm/deploy created', () => {
      const doc = parseYaml(read(path.join(REPO_ROOT, 'm365agents.yml'))) as Record<string, Step[]>;
      const uses = doc['provision']!.map((s) => s.uses);
      for (const step of [
        'teamsApp/create',
        'aadApp/create',
        'arm/deploy',
        'aadApp/update',
        'teamsApp/validateManifest',
        'teamsApp/zipAppPackage',
        'teamsApp/validateAppPackage',
        'teamsApp/update',
      ]) {
        assert.ok(uses.includes(step), `provision uses ${step}`);
      }
      // The Application ID URI needs BOT_DOMAIN, an arm/deploy output.
      assert.ok(uses.indexOf('aadApp/update') > uses.indexOf('arm/deploy'));
      const deploy = doc['deploy']!;
      const npm = deploy.filter((s) => s.uses === 'cli/runNpmCommand').map((s) => String(s.with!['args']));
      assert.deepEqual(
        npm.map((a) => a.split(' ').slice(0, 2).join(' ')),
        ['ci --no-audit', 'run build', 'prune --omit=dev'],
      );
      const zip = deploy.find((s) => s.uses === 'azureAppService/zipDeploy')!;
      assert.equal(zip.with!['resourceId'], '${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}');
      assert.ok(main.outputs.includes('BOT_AZURE_APP_SERVICE_RESOURCE_ID'));
      assert.ok(existsSync(path.join(REPO_ROOT, String(zip.with!['ignoreFile']))));
      const aad = doc['provision']!.find((s) => s.uses === 'aadApp/create')!;
      assert.equal(aad.with!['signInAudience'], 'AzureADMyOrg');
    });

    it('writes .localConfigs that the service starts with (an app id refuses anything less)', () => {
      const doc = parseYaml(read(path.join(REPO_ROOT, 'm365agents.local.yml'))) as Record<string, Step[]>;
      const file = doc['deploy']!.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile')!;
      const envs = file.with!['envs'] as Record<string, unknown>;
      // The values the Toolkit fills in: ids, the tunnel host and the generated secrets.
      const sample: Record<string, string> = {
        BOT_ID: '00000000-0000-4000-8000-00000000b0b0',
        AAD_APP_CLIENT_ID: '00000000-0000-4000-8000-00000000b0b0',
        AAD_APP_TENANT_ID: '11111111-2222-4333-8444-555555555555',
        SECRET_AAD_APP_CLIENT_SECRET: 'client-secret',
        BOT_DOMAIN: 'abc123.devtunnels.ms',
        ...planSecrets({}, { linkSecretsOnly: true }).set,
      };
      const resolved = Object.fromEntries(
        Object.entries(envs).map(([k, v]) => [
          k,
          String(v).replace(/\$\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
            assert.ok(name in sample, `no sample value for ${name}`);
            return sample[name]!;
          }),
        ]),
      );
      const config = loadConfig(resolved);
      assert.equal(config.MicrosoftAppType, 'SingleTenant');
      assert.equal(config.PUBLIC_BASE_URL, 'https://abc123.devtunnels.ms');
    });

    it('uses in m365agents.yml only variables that env/.env.dev defines or an earlier step writes', () => {
      assert.deepEqual(undefinedVariables(path.join(REPO_ROOT, 'm365agents.yml'), 'dev'), []);
    });

    it('uses in m365agents.local.yml only variables that env/.env.local defines or an earlier step writes', () => {
      assert.deepEqual(undefinedVariables(path.join(REPO_ROOT, 'm365agents.local.yml'), 'local'), []);
    });

    it('reports a variable that nothing defines (the check can fail)', () => {
      const file = path.join(REPO_ROOT, 'm365agents.yml');
      // The deploy steps alone: nothing has written arm/deploy's BOT_AZURE_APP_SERVICE_RESOURCE_ID.
      const { deploy } = readYaml(file);
      assert.deepEqual(undefinedVariables(file, 'dev', { deploy }), [
        'm365agents.yml deploy[3] azureAppService/zipDeploy: BOT_AZURE_APP_SERVICE_RESOURCE_ID',
      ]);
    });

    it('runs local debugging as SingleTenant, never MultiTenant, with settings src/config.ts reads', () => {
      const text = read(path.join(REPO_ROOT, 'm365agents.local.yml'));
      assert.doesNotMatch(stripYamlComments(text), /MultiTenant/);
      const doc = parseYaml(text) as Record<string, Step[]>;
      const file = doc['deploy']!.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile')!;
      const envs = file.with!['envs'] as Record<string, unknown>;
      assert.equal(envs['MicrosoftAppType'], 'SingleTenant');
      assert.ok(envs['MicrosoftAppTenantId'], 'SingleTenant needs the tenant id');
      const known = new Set(Object.keys(configSchema.shape));
      assert.deepEqual(
        Object.keys(envs).filter((k) => !known.has(k)),
        [],
      );
      const aad = doc['provision']!.find((s) => s.uses === 'aadApp/create')!;
      assert.equal(aad.with!['signInAudience'], 'AzureADMyOrg');
    });

    it('exposes access_as_user for the tab SSO and pre-authorises both Teams clients (aad.manifest.json)', () => {
      const aad = JSON.parse(read(path.join(REPO_ROOT, 'aad.manifest.json'))) as {
        appId: string;
        signInAudience: string;
        identifierUris: string[];
        oauth2Permissions: Array<{ id: string; value: string; isEnabled: boolean }>;
        preAuthorizedApplications: Array<{ appId: string; permissionIds: string[] }>;
      };
      const scope = aad.oauth2Permissions.find((p) => p.value === 'access_as_user');
      assert.ok(scope?.isEnabled);
      for (const client of TEAMS_CLIENTS) {
        const pre = aad.preAuthorizedApplications.find((a) => a.appId === client);
        assert.deepEqual(pre?.permissionIds, [scope.id], `pre-authorised ${client}`);
      }
      assert.deepEqual(aad.identifierUris, ['api://${{BOT_DOMAIN}}/${{AAD_APP_CLIENT_ID}}']);
      assert.equal(aad.appId, '${{AAD_APP_CLIENT_ID}}');
      assert.equal(aad.signInAudience, 'AzureADMyOrg');
      // The Teams manifest asks for a token for that same app and Application ID URI.
      const manifest = JSON.parse(read(path.join(REPO_ROOT, 'appPackage', 'manifest.json'))) as {
        webApplicationInfo: { id: string; resource: string };
      };
      assert.deepEqual(manifest.webApplicationInfo, { id: aad.appId, resource: aad.identifierUris[0] });
    });
  });
});
