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
import { configSchema } from '../../src/config.js';
import { loadEnv, REPO_ROOT } from '../../tools/lib/app-package.js';
import { parseBicep, property, stripComments } from './bicep-text.js';
import {
  INFRA,
  MAIN,
  read,
  PLACEHOLDER,
  placeholders,
  isPlatformSetting,
  parameterFiles,
  parameterFileProblems,
  moduleProblems,
  appSettingNames,
  settingValue,
} from './infra-checks.js';

describe('infrastructure as code (offline checks)', () => {
  const main = parseBicep(read(MAIN));

  describe('Bicep templates', () => {
    it('has one parameter file per environment, with a value for every required param and no unknown one', () => {
      const files = parameterFiles();
      assert.ok(files.length > 0, 'infra/azure.parameters.<env>.json');
      for (const file of files) {
        const env = /^azure\.parameters\.(.+)\.json$/.exec(path.basename(file))![1]!;
        assert.ok(existsSync(path.join(REPO_ROOT, 'env', `.env.${env}`)), `env/.env.${env} for ${file}`);
        const { parameters } = JSON.parse(read(file)) as { parameters: Record<string, unknown> };
        assert.deepEqual(parameterFileProblems(main, parameters), [], path.basename(file));
      }
    });

    it('finds a missing or unknown parameter (the check can fail)', () => {
      const { parameters } = JSON.parse(read(parameterFiles()[0]!)) as {
        parameters: Record<string, unknown>;
      };
      const { resourceBaseName: _dropped, ...rest } = parameters;
      assert.deepEqual(parameterFileProblems(main, { ...rest, notAParam: { value: 1 } }), [
        'names unknown param notAParam',
        'has no value for required param resourceBaseName',
      ]);
    });

    it('resolves every parameter file against its env file to allowed values', () => {
      for (const file of parameterFiles()) {
        const env = /^azure\.parameters\.(.+)\.json$/.exec(path.basename(file))![1]!;
        const values = loadEnv({ env }).values;
        const { parameters } = JSON.parse(read(file)) as { parameters: Record<string, { value: unknown }> };
        for (const p of main.params) {
          const entry = parameters[p.name];
          if (!entry || typeof entry.value !== 'string') continue;
          const names = placeholders(entry.value);
          // SECRET_* values are generated or supplied at provision time (env/.env.<env>.user).
          if (names.some((n) => n.startsWith('SECRET_'))) continue;
          const value = entry.value.replace(PLACEHOLDER, (_w, n: string) => values[n] ?? '');
          if (!p.hasDefault) assert.notEqual(value, '', `${p.name} is required but resolves to ''`);
          if (p.allowed && value !== '')
            assert.ok(p.allowed.includes(value), `${p.name}=${value} not in ${p.allowed}`);
          if (p.minLength !== undefined && value !== '')
            assert.ok(value.length >= p.minLength, `${p.name} too short`);
          if (p.maxLength !== undefined) assert.ok(value.length <= p.maxLength, `${p.name} too long`);
        }
      }
    });

    it('calls modules that exist, passing their declared params', () => {
      assert.ok(main.modules.length >= 2, 'bot registration and database modules');
      assert.deepEqual(moduleProblems(MAIN), []);
    });

    it('finds a module path that does not exist (the check can fail)', () => {
      const broken = read(MAIN).replace(
        "'./botRegistration/azurebot.bicep'",
        "'./botRegistration/missing.bicep'",
      );
      const mod = parseBicep(broken).modules.find((m) => m.symbol === 'azureBotRegistration')!;
      assert.equal(existsSync(path.resolve(INFRA, mod.target)), false);
    });

    it("writes only app settings that src/config.ts reads, or the platform's own", () => {
      const known = new Set(Object.keys(configSchema.shape));
      const names = appSettingNames(main);
      const unknown = names.filter((n) => !known.has(n) && !isPlatformSetting(n));
      assert.deepEqual(unknown, [], 'settings not in configSchema');
      for (const required of [
        'NODE_ENV',
        'MicrosoftAppType',
        'MicrosoftAppId',
        'MicrosoftAppTenantId',
        'MicrosoftAppPassword',
        'MONGODB_URI',
        'PUBLIC_BASE_URL',
        'TAB_SSO_CLIENT_ID',
        'DEFAULT_TENANT_ID',
        'EXPORT_LINK_SECRET',
        'SURVEY_HMAC_SECRET',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
        'RETENTION_MONTHS',
        'AZURE_CLIENT_ID',
      ]) {
        assert.ok(names.includes(required), `app setting ${required}`);
      }
      assert.equal(new Set(names).size, names.length, 'no setting written twice');
    });

    it('reads every secret setting through a Key Vault reference to a secret the templates create', () => {
      const kvRef = main.vars.get('kvRef')!;
      const secretNames = main.vars.get('secretNames')!;
      const secretResources = [MAIN, path.join(INFRA, 'modules', 'cosmos-mongo.bicep')].flatMap((f) =>
        parseBicep(read(f)).resources.filter((r) =>
          r.target.startsWith('Microsoft.KeyVault/vaults/secrets@'),
        ),
      );
      assert.ok(secretResources.length >= 4);
      for (const setting of [
        'MONGODB_URI',
        'EXPORT_LINK_SECRET',
        'SURVEY_HMAC_SECRET',
        'MicrosoftAppPassword',
      ]) {
        const value = settingValue(main, setting);
        const key = /^kvRef\.(\w+)$/.exec(value ?? '')?.[1];
        assert.ok(key, `${setting} = ${value} is a Key Vault reference`);
        const ref = property(kvRef, key);
        assert.match(
          ref ?? '',
          new RegExp(
            `^'@Microsoft\\.KeyVault\\(SecretUri=\\$\\{keyVault\\.properties\\.vaultUri\\}secrets/\\$\\{secretNames\\.${key}\\}/\\)'$`,
          ),
        );
        const secretName = property(secretNames, key);
        assert.match(secretName ?? '', /^'[a-z0-9-]+'$/);
        // Created as a secret: directly (name: secretNames.<key>) or by the database module.
        const direct = secretResources.some((r) => property(r.body, 'name') === `secretNames.${key}`);
        const viaModule = main.modules.some(
          (m) => property(property(m.body, 'params') ?? '', 'secretName') === `secretNames.${key}`,
        );
        assert.ok(direct || viaModule, `a Key Vault secret named by secretNames.${key}`);
      }
      assert.equal(
        property(main.resources.find((r) => r.symbol === 'webApp')!.body, 'keyVaultReferenceIdentity'),
        'identity.id',
      );
    });

    it('hardens the web app: Node 20 on Linux, HTTPS only, TLS 1.2, always on, health check /readyz, no FTP', () => {
      const webApp = main.resources.find((r) => r.target.startsWith('Microsoft.Web/sites@'));
      assert.ok(webApp);
      const props = property(webApp.body, 'properties')!;
      assert.equal(property(props, 'httpsOnly'), 'true');
      const site = property(props, 'siteConfig')!;
      assert.equal(property(site, 'linuxFxVersion'), "'NODE|20-lts'");
      assert.equal(property(site, 'minTlsVersion'), "'1.2'");
      assert.equal(property(site, 'alwaysOn'), 'true');
      assert.equal(property(site, 'healthCheckPath'), "'/readyz'");
      assert.equal(property(site, 'ftpsState'), "'Disabled'");
      assert.equal(property(site, 'appCommandLine'), "'npm run start:prod'");
      assert.equal(property(webApp.body, 'identity')?.includes("type: 'UserAssigned'"), true);
      assert.equal(settingValue(main, 'NODE_ENV'), "'production'");
    });

    it('has a Key Vault with RBAC, soft delete and purge protection, and Secrets User for the identity', () => {
      const vault = main.resources.find((r) => r.target.startsWith('Microsoft.KeyVault/vaults@'))!;
      const props = property(vault.body, 'properties')!;
      assert.equal(property(props, 'enableRbacAuthorization'), 'true');
      assert.equal(property(props, 'enableSoftDelete'), 'true');
      assert.equal(property(props, 'enablePurgeProtection'), 'true');
      const role = main.resources.find((r) =>
        r.target.startsWith('Microsoft.Authorization/roleAssignments@'),
      )!;
      assert.equal(property(role.body, 'scope'), 'keyVault');
      // Built-in role "Key Vault Secrets User".
      assert.equal(main.vars.get('keyVaultSecretsUserRoleId'), "'4633458b-17de-408a-b874-0445c86b69e6'");
      assert.match(property(role.body, 'properties')!, /principalId: identity\.properties\.principalId/);
    });

    it('registers the bot (UserAssignedMSI or SingleTenant) with the Teams channel', () => {
      const bot = parseBicep(read(path.join(INFRA, 'botRegistration', 'azurebot.bicep')));
      const appType = bot.params.find((p) => p.name === 'botAppType')!;
      assert.deepEqual(appType.allowed, ['UserAssignedMSI', 'SingleTenant']);
      assert.deepEqual(main.params.find((p) => p.name === 'botAppType')!.allowed, [
        'UserAssignedMSI',
        'SingleTenant',
      ]);
      const service = bot.resources.find((r) => r.target.startsWith('Microsoft.BotService/botServices@'))!;
      const props = property(service.body, 'properties')!;
      for (const key of ['msaAppType', 'msaAppId', 'msaAppTenantId', 'msaAppMSIResourceId']) {
        assert.ok(property(props, key), key);
      }
      assert.equal(property(props, 'endpoint'), "'https://${botAppDomain}/api/messages'");
      const channel = bot.resources.find((r) =>
        r.target.startsWith('Microsoft.BotService/botServices/channels@'),
      )!;
      assert.equal(property(channel.body, 'name'), "'MsTeamsChannel'");
      assert.doesNotMatch(read(path.join(INFRA, 'botRegistration', 'azurebot.bicep')), /MultiTenant/);
    });

    it('offers Cosmos DB for MongoDB vCore in UK South or an Atlas connection string', () => {
      assert.deepEqual(main.params.find((p) => p.name === 'databaseKind')!.allowed, [
        'CosmosDbMongoVCore',
        'AtlasConnectionString',
      ]);
      const cosmos = parseBicep(read(path.join(INFRA, 'modules', 'cosmos-mongo.bicep')));
      assert.ok(cosmos.resources.some((r) => r.target.startsWith('Microsoft.DocumentDB/mongoClusters@')));
      assert.match(
        stripComments(read(path.join(INFRA, 'modules', 'cosmos-mongo.bicep'))),
        /param location string = 'uksouth'/,
      );
      assert.equal(
        main.modules.find((m) => m.target === './modules/cosmos-mongo.bicep')!.condition,
        'useCosmos',
      );
      assert.equal(main.resources.find((r) => r.symbol === 'atlasUri')!.condition, '!useCosmos');
    });

    it('sends telemetry to workspace-based Application Insights', () => {
      const ai = main.resources.find((r) => r.target.startsWith('Microsoft.Insights/components@'))!;
      assert.equal(property(property(ai.body, 'properties')!, 'WorkspaceResourceId'), 'logAnalytics.id');
      assert.equal(
        settingValue(main, 'APPLICATIONINSIGHTS_CONNECTION_STRING'),
        'appInsights.properties.ConnectionString',
      );
    });
  });
});
