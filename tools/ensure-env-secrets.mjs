#!/usr/bin/env node
/**
 * Run by the `script` step in m365agents.yml before arm/deploy. Makes sure every SECRET_* value
 * that infra/azure.parameters.<env>.json needs exists, generating the ones that can be generated
 * and stopping with a clear message for the ones an operator must supply.
 *
 * It prints `::set-teamsfx-env NAME=value` lines, the Agents Toolkit's way for a script to write
 * environment values; names starting with SECRET_ go to env/.env.<env>.user (gitignored).
 * A value that is already set is never printed or replaced: the link secrets must stay the same
 * for the life of an environment (survey response ids are keyed by SURVEY_HMAC_SECRET).
 *
 * Plain Node (no dependencies), so it runs before `npm ci`.
 */
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

/** A value is missing when empty or still an unresolved Toolkit placeholder (`${{NAME}}`). */
const missing = (v) =>
  v === undefined || v.trim() === '' || /^\$\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}$/.test(v.trim());

/** 64 URL-safe characters from 48 random bytes. */
const secret = () => randomBytes(48).toString('base64url');

/**
 * Cosmos DB vCore administrator passwords need characters from three of: upper case, lower case,
 * digits, symbols. The fixed prefix guarantees all four; the rest is random.
 */
const adminPassword = () => `Pc7-${randomBytes(24).toString('base64url')}`;

const DATABASE_KINDS = ['CosmosDbMongoVCore', 'AtlasConnectionString'];
const BOT_APP_TYPES = ['UserAssignedMSI', 'SingleTenant'];

/**
 * @param {Record<string, string | undefined>} env
 * @returns {{ set: Record<string, string>, errors: string[] }}
 */
export function planSecrets(env, options = {}) {
  const set = {};
  const errors = [];
  if (options.linkSecretsOnly) {
    ensureLinkSecrets(env, set, errors);
    return { set, errors };
  }
  const kind = env.DATABASE_KIND;
  const appType = env.BOT_APP_TYPE;
  if (!DATABASE_KINDS.includes(kind ?? '')) {
    errors.push(`DATABASE_KIND must be one of ${DATABASE_KINDS.join(', ')} (got "${kind ?? ''}")`);
  }
  if (!BOT_APP_TYPES.includes(appType ?? '')) {
    errors.push(`BOT_APP_TYPE must be one of ${BOT_APP_TYPES.join(', ')} (got "${appType ?? ''}")`);
  }

  ensureLinkSecrets(env, set, errors);

  if (missing(env.SECRET_MONGO_ADMIN_PASSWORD)) {
    set.SECRET_MONGO_ADMIN_PASSWORD = kind === 'CosmosDbMongoVCore' ? adminPassword() : '';
  }
  if (missing(env.SECRET_ATLAS_CONNECTION_STRING)) {
    if (kind === 'AtlasConnectionString') {
      errors.push(
        'SECRET_ATLAS_CONNECTION_STRING is required with DATABASE_KIND=AtlasConnectionString: put ' +
          'mongodb+srv://<user>:<password>@<cluster>/placement_companion?retryWrites=true&w=majority in env/.env.<env>.user',
      );
    } else {
      set.SECRET_ATLAS_CONNECTION_STRING = '';
    }
  } else if (!/^mongodb(\+srv)?:\/\//.test(env.SECRET_ATLAS_CONNECTION_STRING.trim())) {
    errors.push('SECRET_ATLAS_CONNECTION_STRING must start with mongodb:// or mongodb+srv://');
  }
  if (missing(env.SECRET_AAD_APP_CLIENT_SECRET)) {
    if (appType === 'SingleTenant') {
      errors.push(
        'SECRET_AAD_APP_CLIENT_SECRET is required with BOT_APP_TYPE=SingleTenant (aadApp/create writes it when it ' +
          'creates the app; for an existing app, add a client secret and put it in env/.env.<env>.user)',
      );
    } else {
      set.SECRET_AAD_APP_CLIENT_SECRET = '';
    }
  }
  return { set, errors };
}

/** The two link secrets the service refuses to run without once it has an app id. */
function ensureLinkSecrets(env, set, errors) {
  if (missing(env.SECRET_EXPORT_LINK_SECRET)) set.SECRET_EXPORT_LINK_SECRET = secret();
  else if (env.SECRET_EXPORT_LINK_SECRET.length < 32)
    errors.push('SECRET_EXPORT_LINK_SECRET must be at least 32 characters');
  if (missing(env.SECRET_SURVEY_HMAC_SECRET)) set.SECRET_SURVEY_HMAC_SECRET = secret();
  else if (env.SECRET_SURVEY_HMAC_SECRET.length < 16)
    errors.push('SECRET_SURVEY_HMAC_SECRET must be at least 16 characters');
}

function main() {
  // --link-secrets-only: local debugging (m365agents.local.yml) needs no Azure secrets.
  const { set, errors } = planSecrets(process.env, {
    linkSecretsOnly: process.argv.includes('--link-secrets-only'),
  });
  if (errors.length > 0) {
    for (const e of errors) console.error(`ensure-env-secrets: ${e}`);
    process.exit(1);
  }
  for (const [name, value] of Object.entries(set)) console.log(`::set-teamsfx-env ${name}=${value}`);
  const generated = Object.entries(set)
    .filter(([, v]) => v !== '')
    .map(([k]) => k);
  console.error(
    generated.length > 0
      ? `ensure-env-secrets: generated ${generated.join(', ')} (kept in env/.env.<env>.user and Key Vault)`
      : 'ensure-env-secrets: all secrets already set',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
