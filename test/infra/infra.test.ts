/**
 * Offline checks of the infrastructure as code (infra/, m365agents*.yml, aad.manifest.json):
 * there is no Bicep compiler, Azure CLI or tenant here, so this checks what can be checked from
 * the text: parameters against parameter files, module paths and their parameters, the app
 * settings against src/config.ts, the web app's hardening, and that every ${{VAR}} the Toolkit
 * files use has a value or is written by an earlier step. docs/deploy.md says what is not checked.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { configSchema, loadConfig } from '../../src/config.js';
import { loadEnv, REPO_ROOT } from '../../tools/lib/app-package.js';
import { planSecrets } from '../../tools/ensure-env-secrets.mjs';
import { matchBrace, objectKeys, parseBicep, property, stripComments, type BicepFile } from './bicep-text.js';

const INFRA = path.join(REPO_ROOT, 'infra');
const MAIN = path.join(INFRA, 'azure.bicep');
const read = (file: string) => readFileSync(file, 'utf8');
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const placeholders = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
const TEAMS_CLIENTS = ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346'];

/** Settings App Service or the Azure SDK read, which are not the service's own (src/config.ts). */
const isPlatformSetting = (name: string) =>
  name === 'AZURE_CLIENT_ID' || name.startsWith('WEBSITE_') || name.startsWith('SCM_');

const parameterFiles = () =>
  readdirSync(INFRA)
    .filter((f) => /^azure\.parameters\..+\.json$/.test(f))
    .map((f) => path.join(INFRA, f));

/** Problems between a template's params and a parameter file's names. */
function parameterFileProblems(bicep: BicepFile, parameters: Record<string, unknown>): string[] {
  const declared = new Set(bicep.params.map((p) => p.name));
  const problems = Object.keys(parameters)
    .filter((name) => !declared.has(name))
    .map((name) => `names unknown param ${name}`);
  for (const p of bicep.params) {
    if (!p.hasDefault && !(p.name in parameters)) problems.push(`has no value for required param ${p.name}`);
  }
  return problems;
}

/** Every module the file calls exists, and its params are passed as declared (recursively). */
function moduleProblems(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const problems: string[] = [];
  for (const mod of parseBicep(read(file)).modules) {
    const target = path.resolve(path.dirname(file), mod.target);
    const where = `${path.relative(REPO_ROOT, file)} module ${mod.symbol}`;
    if (!existsSync(target)) {
      problems.push(`${where}: ${mod.target} does not exist`);
      continue;
    }
    const declared = parseBicep(read(target)).params;
    const passed = objectKeys(property(mod.body, 'params') ?? '');
    for (const name of passed) {
      if (!declared.some((p) => p.name === name)) problems.push(`${where}: passes unknown param ${name}`);
    }
    for (const p of declared) {
      if (!p.hasDefault && !passed.includes(p.name))
        problems.push(`${where}: misses required param ${p.name}`);
    }
    problems.push(...moduleProblems(target, seen));
  }
  return problems;
}

/** Names of the app settings the template writes, from the web app's appsettings resource. */
function appSettingNames(bicep: BicepFile): string[] {
  const config = bicep.resources.find((r) => r.target.startsWith('Microsoft.Web/sites/config@'));
  assert.ok(config, 'a Microsoft.Web/sites/config resource');
  assert.equal(property(config.body, 'name'), "'appsettings'");
  const props = property(config.body, 'properties')!;
  const union = /^union\(([^)]*)\)$/.exec(props);
  const parts = union ? union[1]!.split(',').map((s) => s.trim()) : [];
  const names: string[] = [];
  for (const part of parts) {
    const expr = bicep.vars.get(part);
    assert.ok(expr !== undefined, `var ${part}`);
    // An object literal, or a conditional between object literals.
    for (let i = expr.indexOf('{'); i >= 0; i = expr.indexOf('{', i + 1)) {
      const end = matchBrace(expr, i);
      names.push(...objectKeys(expr.slice(i + 1, end)));
      i = end;
    }
  }
  assert.ok(names.length > 0, `no app settings found in ${props}`);
  return names;
}

function settingValue(bicep: BicepFile, name: string): string | undefined {
  for (const expr of bicep.vars.values()) {
    const m = new RegExp(`(^|[\\s{])${name}\\s*:\\s*([^\\n}]+)`).exec(expr);
    if (m) return m[2]!.trim();
  }
  return undefined;
}

const readYaml = (file: string) => parseYaml(read(file)) as Record<string, Step[] | undefined>;

interface Step {
  uses: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

/**
 * Walks a Toolkit project file's lifecycle steps in order and returns each ${{VAR}} that is
 * used before anything defines it: defined means a key of env/.env.<env> or written by an
 * earlier step (writeToEnvironmentFile, arm/deploy outputs, a script's ::set-teamsfx-env,
 * aadApp/update's generated permission id). Files a step reads (parameters, manifests) count.
 */
function undefinedVariables(ymlFile: string, env: string, doc = readYaml(ymlFile)): string[] {
  const envValues = loadEnv({ env }).values;
  const defined = new Set(Object.keys(envValues));
  const problems: string[] = [];
  const use = (names: string[], where: string) => {
    for (const n of names) if (!defined.has(n)) problems.push(`${where}: ${n}`);
  };
  for (const stage of ['provision', 'deploy', 'publish']) {
    for (const [i, step] of (doc[stage] ?? []).entries()) {
      const where = `${path.basename(ymlFile)} ${stage}[${i}] ${step.uses}`;
      use(placeholders(JSON.stringify({ with: step.with, env: step.env })), where);
      const w = step.with ?? {};
      const readsFile = (p: unknown) => {
        const file = path.join(REPO_ROOT, String(p).replace('${{TEAMSFX_ENV}}', env));
        assert.ok(existsSync(file), `${where} reads ${file}`);
        use(placeholders(read(file)), `${where} (${path.relative(REPO_ROOT, file)})`);
      };
      if (step.uses === 'arm/deploy') {
        for (const t of w['templates'] as Array<{ path: string; parameters: string }>) {
          readsFile(t.parameters);
          for (const o of parseBicep(read(path.join(REPO_ROOT, t.path))).outputs) defined.add(o);
        }
      }
      if (step.uses === 'aadApp/update') {
        // The driver generates it when the manifest refers to it and it is not set yet.
        defined.add('AAD_APP_ACCESS_AS_USER_PERMISSION_ID');
        readsFile(w['manifestPath']);
      }
      if (step.uses === 'teamsApp/validateManifest' || step.uses === 'teamsApp/zipAppPackage') {
        readsFile(w['manifestPath']);
      }
      if (step.uses === 'script') {
        const run = String(w['run']);
        for (const m of run.matchAll(/::set-teamsfx-env\s+([A-Za-z_]\w*)=/g)) defined.add(m[1]!);
        if (run.includes('ensure-env-secrets.mjs')) {
          const { set } = planSecrets({
            DATABASE_KIND: 'CosmosDbMongoVCore',
            BOT_APP_TYPE: 'UserAssignedMSI',
          });
          for (const n of Object.keys(set)) defined.add(n);
        }
      }
      for (const n of Object.values(step.writeToEnvironmentFile ?? {})) defined.add(n);
    }
  }
  return problems;
}

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

function stripYamlComments(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .join('\n');
}
