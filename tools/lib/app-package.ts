/**
 * Builds the Teams app package (manifest.json + color.png + outline.png) for one environment.
 * Shared by tools/package-app.ts (`npm run package`) and test/app-package/.
 *
 * Values come from env/.env.<env>, then env/.env.<env>.user (gitignored) overriding key by key,
 * then — only when `processEnv` is passed — non-empty process environment variables (lets CI inject values).
 * Placeholders use the Agents Toolkit syntax `${{NAME}}`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppManifestUtils } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ICONS = { color: { file: 'color.png', size: 192 }, outline: { file: 'outline.png', size: 32 } };
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Parses KEY=VALUE lines; `#` comments, blank lines, optional `export ` and matching quotes. */
export function parseEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`line ${i + 1}: expected KEY=VALUE, got "${line}"`);
    let value = m[2]!;
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2]!;
    else value = value.replace(/\s+#.*$/, '');
    out[m[1]!] = value;
  }
  return out;
}

export interface EnvOptions {
  env: string;
  /** Folder holding .env.<env> files; default <repo>/env. */
  envDir?: string;
  /** Highest-precedence values, e.g. process.env in the CLI. Empty strings are ignored. */
  processEnv?: Record<string, string | undefined>;
}

export function loadEnv({ env, envDir = path.join(REPO_ROOT, 'env'), processEnv }: EnvOptions): {
  values: Record<string, string>;
  files: string[];
} {
  if (!/^[A-Za-z0-9_-]+$/.test(env)) throw new Error(`Invalid environment name "${env}"`);
  const base = path.join(envDir, `.env.${env}`);
  if (!existsSync(base))
    throw new Error(`No environment file ${base} (create it, or set TEAMSFX_ENV to one that exists)`);
  const files = [base];
  const values: Record<string, string> = {};
  for (const file of [base, `${base}.user`]) {
    if (!existsSync(file)) continue;
    if (file !== base) files.push(file);
    try {
      Object.assign(values, parseEnv(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  for (const [k, v] of Object.entries(processEnv ?? {})) {
    if (v) values[k] = v;
  }
  return { values, files };
}

/** Replaces `${{NAME}}`; names with no (or an empty) value are returned in `unresolved`. */
export function substitute(
  text: string,
  values: Record<string, string>,
): { text: string; unresolved: string[] } {
  const unresolved = new Set<string>();
  const out = text.replace(PLACEHOLDER, (whole, name: string) => {
    const v = values[name];
    if (v === undefined || v === '') {
      unresolved.add(name);
      return whole;
    }
    return v;
  });
  return { text: out, unresolved: [...unresolved].sort() };
}

const require = createRequire(import.meta.url);

/** Loads the JSON schema named by the manifest's $schema from @microsoft/app-manifest (no network). */
export function loadLocalSchema(schemaUrl: string): object {
  const m = /\/json-schemas\/(teams\/v[^/]+\/MicrosoftTeams\.schema\.json)$/.exec(schemaUrl);
  if (!m) throw new Error(`Unrecognised manifest $schema "${schemaUrl}"`);
  const pkgDir = path.dirname(require.resolve('@microsoft/app-manifest/package.json'));
  const file = path.join(pkgDir, 'build', 'json-schemas', m[1]!);
  if (!existsSync(file))
    throw new Error(`@microsoft/app-manifest does not ship ${m[1]} (update the package?)`);
  // Same clean-up the library applies to its own copies before parsing.
  return JSON.parse(
    readFileSync(file, 'utf8').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b'),
  ) as object;
}

/** Schema errors for a manifest object (empty array = valid). Offline: uses the shipped schema. */
export async function validateManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const schemaUrl = manifest['$schema'];
  if (typeof schemaUrl !== 'string') return ['/$schema is missing'];
  const schema = loadLocalSchema(schemaUrl);
  // The library's types want its TeamsManifest class; any parsed JSON object is accepted at run time.
  return AppManifestUtils.validateAgainstSchema(manifest as never, schema as never);
}

export function checkIcon(buf: Buffer, name: string, size: number): string[] {
  const errors: string[] = [];
  let png: PNG;
  try {
    png = PNG.sync.read(buf);
  } catch (err) {
    return [`${name}: not a PNG (${(err as Error).message})`];
  }
  if (png.width !== size || png.height !== size) {
    errors.push(`${name}: must be ${size}×${size}, is ${png.width}×${png.height}`);
  }
  return errors;
}

export interface BuildOptions extends EnvOptions {
  /** Folder with manifest.json and icons; default <repo>/appPackage. */
  appDir?: string;
  /** Where the zip goes; default <appDir>/build. */
  outDir?: string;
}

export interface BuildResult {
  zipPath: string;
  manifest: Record<string, unknown>;
  envFiles: string[];
}

export class AppPackageError extends Error {
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(`${message}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AppPackageError';
  }
}

/** Substitutes, validates (schema + icons) and returns the manifest; throws AppPackageError. */
export async function resolveManifest(opts: BuildOptions): Promise<{
  manifest: Record<string, unknown>;
  envFiles: string[];
}> {
  const appDir = opts.appDir ?? path.join(REPO_ROOT, 'appPackage');
  const { values, files } = loadEnv(opts);
  const template = readFileSync(path.join(appDir, 'manifest.json'), 'utf8');
  const { text, unresolved } = substitute(template, values);
  if (unresolved.length) {
    throw new AppPackageError(
      `Unresolved placeholders in appPackage/manifest.json for environment "${opts.env}" (set them in ${files.join(' or ')})`,
      unresolved.map((n) => `\${{${n}}}`),
    );
  }
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const errors = await validateManifest(manifest);
  for (const { file, size } of Object.values(ICONS)) {
    const p = path.join(appDir, file);
    if (!existsSync(p)) errors.push(`${file}: missing (run npx tsx tools/make-icons.ts)`);
    else errors.push(...checkIcon(readFileSync(p), file, size));
  }
  if (errors.length) throw new AppPackageError(`Manifest for environment "${opts.env}" is not valid`, errors);
  return { manifest, envFiles: files };
}

export async function buildAppPackage(opts: BuildOptions): Promise<BuildResult> {
  const appDir = opts.appDir ?? path.join(REPO_ROOT, 'appPackage');
  const outDir = opts.outDir ?? path.join(appDir, 'build');
  const { manifest, envFiles } = await resolveManifest(opts);
  const zip = new JSZip();
  // Fixed dates keep the zip byte-identical across runs for the same inputs.
  const date = new Date('2024-01-01T00:00:00Z');
  zip.file('manifest.json', JSON.stringify(manifest, null, 2) + '\n', { date });
  for (const { file } of Object.values(ICONS))
    zip.file(file, readFileSync(path.join(appDir, file)), { date });
  await mkdir(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${opts.env}.zip`);
  await writeFile(zipPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { zipPath, manifest, envFiles };
}
