/**
 * What the infrastructure-as-code checks share: the paths, text helpers and the checks of
 * parameter files, modules, app settings and Toolkit variables (see infra-*.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadEnv, REPO_ROOT } from '../../tools/lib/app-package.js';
import { planSecrets } from '../../tools/ensure-env-secrets.mjs';
import { matchBrace, objectKeys, parseBicep, property, type BicepFile } from './bicep-text.js';

export const INFRA = path.join(REPO_ROOT, 'infra');
export const MAIN = path.join(INFRA, 'azure.bicep');
export const read = (file: string) => readFileSync(file, 'utf8');
export const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
export const placeholders = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
export const TEAMS_CLIENTS = ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346'];

/** Settings App Service or the Azure SDK read, which are not the service's own (src/config.ts). */
export const isPlatformSetting = (name: string) =>
  name === 'AZURE_CLIENT_ID' || name.startsWith('WEBSITE_') || name.startsWith('SCM_');

export const parameterFiles = () =>
  readdirSync(INFRA)
    .filter((f) => /^azure\.parameters\..+\.json$/.test(f))
    .map((f) => path.join(INFRA, f));

/** Problems between a template's params and a parameter file's names. */
export function parameterFileProblems(bicep: BicepFile, parameters: Record<string, unknown>): string[] {
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
export function moduleProblems(file: string, seen = new Set<string>()): string[] {
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
export function appSettingNames(bicep: BicepFile): string[] {
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

export function settingValue(bicep: BicepFile, name: string): string | undefined {
  for (const expr of bicep.vars.values()) {
    const m = new RegExp(`(^|[\\s{])${name}\\s*:\\s*([^\\n}]+)`).exec(expr);
    if (m) return m[2]!.trim();
  }
  return undefined;
}

export const readYaml = (file: string) => parseYaml(read(file)) as Record<string, Step[] | undefined>;

export interface Step {
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
export function undefinedVariables(ymlFile: string, env: string, doc = readYaml(ymlFile)): string[] {
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

export function stripYamlComments(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, ''))
    .join('\n');
}
