/**
 * All settings come from environment variables, validated by one zod schema.
 * A bad value stops the process at start-up with a message naming the variable.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { isValidTenantId } from './domain/tenant-id.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const tenantIdText = optionalText.refine((v) => v === undefined || isValidTenantId(v), {
  message: 'must be a tenant id (letters, digits and - only, up to 64)',
});

/** Development-only default for EXPORT_LINK_SECRET; refused with an app id or NODE_ENV=production. */
export const DEV_EXPORT_LINK_SECRET = 'dev-only-export-link-secret-change-me';

/** Development-only default for SURVEY_HMAC_SECRET; refused with an app id or NODE_ENV=production. */
export const DEV_SURVEY_HMAC_SECRET = 'dev-only-survey-secret-change-me';

export const configSchema = z.object({
  PORT: int(1, 65535).default(3978),
  /**
   * Bind address. Default: 0.0.0.0 with an app id; loopback (127.0.0.1) without one, because
   * then nothing authenticates inbound requests (ALLOW_UNAUTHENTICATED=true lifts that).
   */
  HOST: optionalText,
  /** Local development only: serve without inbound authentication on any address. Refused with an app id. */
  ALLOW_UNAUTHENTICATED: bool.default('false'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  MONGODB_URI: optionalText.refine((v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v), {
    message: 'must start with mongodb:// or mongodb+srv://',
  }),
  /** Database name; default: the name in MONGODB_URI's path, else placement_companion. */
  MONGODB_DB: optionalText.refine((v) => v === undefined || DB_NAME.test(v), {
    message: 'letters, digits, _ and - only (up to 60)',
  }),
  LOCAL_DB_PORT: int(1, 65535).default(27027),
  LOCAL_DB_DATA: z.string().default('.data/db'),

  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppTenantId: tenantIdText,
  /**
   * SingleTenant (the default: app id + secret in one Entra tenant), UserAssignedMSI (app id =
   * the managed identity's client id, no secret) or MultiTenant (registrations made before
   * Azure stopped creating them in July 2025).
   */
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('SingleTenant'),

  /**
   * Tenant for admin imports and activities that carry none. Default: MicrosoftAppTenantId with
   * an app id, "local-tenant" without one.
   */
  DEFAULT_TENANT_ID: tenantIdText,
  DEFAULT_TIME_ZONE: z
    .string()
    .default('Europe/London')
    .refine((z) => IANAZone.isValidZone(z), { message: 'must be an IANA time zone such as Europe/London' }),
  /**
   * How people reach this service (signed links, the tab's SSO audience). Required with an app
   * id unless BOT_DOMAIN is set (then https://<BOT_DOMAIN>); http://localhost:<PORT> without one.
   */
  PUBLIC_BASE_URL: optionalText.refine((v) => v === undefined || /^https?:\/\/[^/\s]+/.test(v), {
    message: 'must be an http(s) URL such as https://placement.example.nhs.uk',
  }),
  /** The bot's public host name (Agents Toolkit's BOT_DOMAIN), used when PUBLIC_BASE_URL is unset. */
  BOT_DOMAIN: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9.-]+(:\d+)?$/.test(v), {
    message: 'must be a host name without scheme or path',
  }),

  SENDER_TENANT_RPS: int(1, 1000).default(50),
  SENDER_CONCURRENCY: int(1, 64).default(16),
  SENDER_MAX_ATTEMPTS: int(1, 50).default(8),
  /** How long a claimed outbox item may stay in flight before another sender takes it again. */
  SENDER_LEASE_MS: int(1000, 3_600_000).default(60_000),
  /**
   * Per-tenant send lease: one instance sends a tenant's messages at a time, renewing every
   * third of this; after an instance dies another takes its tenants within this (plus a scan).
   */
  SENDER_TENANT_LEASE_MS: int(1000, 120_000).default(10_000),
  /**
   * Finished proactive messages (check-in prompts, reminders, digests…) are deleted this many
   * days after they finished. Announcements are kept (leads edit, recall and look back on
   * them) until their cohort's retention (RETENTION_MONTHS).
   */
  OUTBOX_RETENTION_DAYS: int(1, 3650).default(90),
  /** Reminder to people who have not acknowledged an announcement, this long after it was sent. */
  ANNOUNCEMENT_REMINDER_MINUTES: int(1, 43_200).default(1440),
  JOBS_POLL_MS: int(10, 60_000).default(1000),
  JOBS_LEASE_MS: int(1000, 3_600_000).default(60_000),

  MIN_GROUP_SIZE: int(2, 100).default(5),
  /** Keys anonymous survey response ids (HMAC of run + person) and CSV export links. */
  SURVEY_HMAC_SECRET: z.string().min(16, 'must be at least 16 characters').default(DEV_SURVEY_HMAC_SECRET),
  /** Signs the short-lived learning-journey export links (HMAC-SHA256). */
  EXPORT_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_EXPORT_LINK_SECRET),
  MAX_INFLIGHT_TURNS: int(1, 10_000).default(200),
  REQUEST_TIMEOUT_MS: int(1000, 120_000).default(30_000),
  BODY_LIMIT_BYTES: int(1024, 10_000_000).default(256 * 1024),
  /**
   * Time limit for one turn on POST /api/messages (messages, conversation updates…). Teams
   * re-sends an activity the bot has not answered within 15 s, so this answers (202) well
   * before that; the turn's later replies are dropped and the sender is told to try again.
   */
  TURN_TIMEOUT_MS: int(250, 120_000).default(10_000),
  /**
   * Time limit for an invoke (card action). Teams waits 5 s for an invoke response and ignores
   * a later one ("Unable to reach the app"), so the timeout answer must leave before that.
   */
  INVOKE_TIMEOUT_MS: int(250, 60_000).default(4000),

  /** Lets tests move the clock through POST /test/clock. Refused when an app id is configured. */
  ENABLE_TEST_CLOCK: bool.default('false'),
  /**
   * Where outgoing Bot Connector calls get client-credentials tokens (SingleTenant, MultiTenant;
   * default Entra ID for the type's tenant); `{tenant}` in it becomes that tenant. Tests point it
   * at a local fake. UserAssignedMSI ignores it (the managed identity endpoint comes from Azure's
   * IDENTITY_ENDPOINT / IDENTITY_HEADER).
   */
  BOT_TOKEN_ENDPOINT: optionalText,
  /**
   * Where incoming JWTs' signing keys are published (OpenID metadata document) and the issuer
   * they must carry. Default: the Bot Framework's public cloud. Tests point these at a local
   * metadata document and JWKS; validation itself is never switched off.
   */
  BOT_OPENID_METADATA_URL: optionalText.refine((v) => v === undefined || /^https?:\/\//.test(v), {
    message: 'must be an http(s) URL',
  }),
  BOT_TOKEN_ISSUER: optionalText,
  /**
   * Dashboard tab SSO (Teams getAuthToken): the Entra ID token's audience (default
   * api://<PUBLIC_BASE_URL host>/<MicrosoftAppId>), where its signing keys are published, and
   * the issuer it must carry ({tid} is replaced by the token's tenant; default: Entra ID v2
   * https://login.microsoftonline.com/{tid}/v2.0 or v1 https://sts.windows.net/{tid}/).
   */
  TAB_SSO_AUDIENCE: optionalText,
  /**
   * The Entra app registration the tab's SSO token is issued for (Agents Toolkit's
   * AAD_APP_CLIENT_ID). Default: MicrosoftAppId, except with UserAssignedMSI (a managed identity
   * cannot expose an API, so the tab needs its own registration).
   */
  TAB_SSO_CLIENT_ID: optionalText,
  TAB_SSO_JWKS_URL: z
    .string()
    .regex(/^https?:\/\//, 'must be an http(s) URL')
    .default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
  TAB_SSO_ISSUER: optionalText,
  /** Local development sign-in for the dashboard (?as=<email>). Refused when an app id is set. */
  DASHBOARD_DEV_LOGIN: bool.default('false'),
  /**
   * Months after a cohort's last placement day before its data is purged; 0 (the default)
   * keeps it. Set it in production (e.g. 24): with it on, loading old data (such as the
   * fixtures) purges the cohorts that ended long enough ago at the next daily run.
   */
  RETENTION_MONTHS: int(0, 240).default(0),
  /**
   * The kind answer to distress (src/features/support) names who can help now. These are the
   * deployment's defaults (one trust, one university); names found in the data win: the
   * person's supervisors and leads, and the Freedom to Speak Up guardian from the AHP directory.
   */
  SUPPORT_STUDENT_WELLBEING: z
    .string()
    .default("Your university's student wellbeing service (on your university's student web pages)"),
  SUPPORT_STAFF_WELLBEING: z
    .string()
    .default("The trust's staff health and wellbeing service, or your line manager"),
  SUPPORT_FTSU: z.string().default("The trust's Freedom to Speak Up guardian (on the trust intranet)"),
  /** Application Insights: traces and metrics are exported there when set, nowhere otherwise. */
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText,
  /**
   * The optional coach on the trust's own Azure OpenAI deployment (docs/coach.md): off unless
   * COACH_ENABLED, and then nothing else is sent anywhere. It reads typed text the intent model
   * cannot place (choosing one of the bot's own commands) and, when a student asks on a draft,
   * gives formative feedback on that reflection.
   */
  COACH_ENABLED: bool.default('false'),
  /** https://<resource>.openai.azure.com (http only to a loopback address, for local testing). */
  AZURE_OPENAI_ENDPOINT: optionalText.refine(
    (v) =>
      v === undefined ||
      /^https:\/\/[^/\s]+/.test(v) ||
      /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(v),
    { message: 'must be https://<resource>.openai.azure.com (http only to 127.0.0.1 or localhost)' },
  ),
  /** The deployment's name (not the model's). */
  AZURE_OPENAI_DEPLOYMENT: optionalText.refine((v) => v === undefined || /^[A-Za-z0-9._-]{1,64}$/.test(v), {
    message: 'must be a deployment name (letters, digits, . _ and -, up to 64)',
  }),
  AZURE_OPENAI_API_VERSION: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'must be an API version such as 2024-10-21')
    .default('2024-10-21'),
  /** A key for the deployment; unset = the service's managed identity (Cognitive Services OpenAI User). */
  AZURE_OPENAI_API_KEY: optionalText,
  /** A user-assigned managed identity's client id for the deployment; unset = the system-assigned one. */
  AZURE_OPENAI_CLIENT_ID: optionalText,
  /** How long one model call may take before the bot answers without it (milliseconds). */
  COACH_TIMEOUT_MS: int(100, 3000).default(3000),
});

const DB_NAME = /^[A-Za-z0-9_-]{1,60}$/;
const DEFAULT_DB_NAME = 'placement_companion';
const LOCAL_TENANT_ID = 'local-tenant';

type RawConfig = z.infer<typeof configSchema>;

/** The settings with every default worked out: what the service runs with. */
export type Config = Omit<RawConfig, 'HOST' | 'MONGODB_DB' | 'PUBLIC_BASE_URL' | 'DEFAULT_TENANT_ID'> & {
  HOST: string;
  MONGODB_DB: string;
  PUBLIC_BASE_URL: string;
  DEFAULT_TENANT_ID: string;
  /** Where MONGODB_DB came from, said at start-up. */
  databaseNameFrom: 'MONGODB_DB' | 'MONGODB_URI' | 'default';
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const raw = result.data;
  const problems = [...authenticationProblems(raw), ...secretProblems(raw), ...coachProblems(raw)];
  const database = databaseName(raw);
  if ('problem' in database) problems.push(database.problem);
  const publicBaseUrl = resolvePublicBaseUrl(raw);
  if ('problem' in publicBaseUrl) problems.push(publicBaseUrl.problem);
  const defaultTenantId =
    raw.DEFAULT_TENANT_ID ?? (raw.MicrosoftAppId ? raw.MicrosoftAppTenantId : LOCAL_TENANT_ID);
  if (!defaultTenantId && raw.MicrosoftAppType === 'MultiTenant')
    problems.push(
      'DEFAULT_TENANT_ID: required when MicrosoftAppId is set without MicrosoftAppTenantId (the tenant admin imports land in)',
    );
  const host = raw.HOST ?? (raw.MicrosoftAppId || raw.ALLOW_UNAUTHENTICATED ? '0.0.0.0' : '127.0.0.1');
  if (!raw.MicrosoftAppId && !raw.ALLOW_UNAUTHENTICATED && !isLoopback(host))
    problems.push(
      `HOST: without MicrosoftAppId nothing authenticates inbound requests, so the service listens on loopback only; ${host} needs ALLOW_UNAUTHENTICATED=true (local development only)`,
    );
  if (problems.length > 0)
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  return {
    ...raw,
    HOST: host,
    MONGODB_DB: (database as { name: string }).name,
    databaseNameFrom: (database as { from: Config['databaseNameFrom'] }).from,
    PUBLIC_BASE_URL: (publicBaseUrl as { url: string }).url,
    DEFAULT_TENANT_ID: defaultTenantId!,
  };
}

function authenticationProblems(raw: RawConfig): string[] {
  const problems: string[] = [];
  if (!raw.MicrosoftAppId) {
    if (raw.NODE_ENV === 'production')
      problems.push(
        'MicrosoftAppId: required when NODE_ENV=production (without it nothing authenticates inbound requests)',
      );
    return problems;
  }
  if (raw.ALLOW_UNAUTHENTICATED)
    problems.push('ALLOW_UNAUTHENTICATED: must not be set when MicrosoftAppId is configured');
  if (raw.ENABLE_TEST_CLOCK)
    problems.push('ENABLE_TEST_CLOCK: must not be set when MicrosoftAppId is configured');
  if (raw.DASHBOARD_DEV_LOGIN)
    problems.push(
      'DASHBOARD_DEV_LOGIN: must not be set when MicrosoftAppId is configured or NODE_ENV=production',
    );
  const type = raw.MicrosoftAppType;
  if (type !== 'MultiTenant' && !raw.MicrosoftAppTenantId)
    problems.push(`MicrosoftAppTenantId: required with MicrosoftAppType=${type} (the bot's Entra tenant id)`);
  if (type === 'UserAssignedMSI' && raw.MicrosoftAppPassword)
    problems.push(
      'MicrosoftAppPassword: must be blank with MicrosoftAppType=UserAssignedMSI (the managed identity has no secret)',
    );
  if (type !== 'UserAssignedMSI' && !raw.MicrosoftAppPassword)
    problems.push(`MicrosoftAppPassword: required with MicrosoftAppType=${type}`);
  return problems;
}

/** Development link secrets are public (they are in this file): usable only where nothing is real. */
function secretProblems(raw: RawConfig): string[] {
  if (!raw.MicrosoftAppId && raw.NODE_ENV !== 'production') return [];
  const why = raw.MicrosoftAppId ? 'when MicrosoftAppId is configured' : 'when NODE_ENV=production';
  const problems: string[] = [];
  if (raw.EXPORT_LINK_SECRET === DEV_EXPORT_LINK_SECRET)
    problems.push(`EXPORT_LINK_SECRET: must be set to a secret of your own ${why}`);
  if (raw.SURVEY_HMAC_SECRET === DEV_SURVEY_HMAC_SECRET)
    problems.push(`SURVEY_HMAC_SECRET: must be set to a secret of your own ${why}`);
  return problems;
}

/** The coach needs a deployment to talk to; a key and a managed identity are exclusive. */
function coachProblems(raw: RawConfig): string[] {
  if (!raw.COACH_ENABLED) return [];
  const problems: string[] = [];
  if (!raw.AZURE_OPENAI_ENDPOINT)
    problems.push(
      'AZURE_OPENAI_ENDPOINT: required with COACH_ENABLED=true (https://<resource>.openai.azure.com)',
    );
  if (!raw.AZURE_OPENAI_DEPLOYMENT)
    problems.push('AZURE_OPENAI_DEPLOYMENT: required with COACH_ENABLED=true (the deployment name)');
  if (raw.AZURE_OPENAI_API_KEY && raw.AZURE_OPENAI_CLIENT_ID)
    problems.push(
      'AZURE_OPENAI_CLIENT_ID: leave blank with AZURE_OPENAI_API_KEY (a key or a managed identity, not both)',
    );
  if (raw.COACH_TIMEOUT_MS > raw.INVOKE_TIMEOUT_MS - 500)
    problems.push(
      `COACH_TIMEOUT_MS: must leave the card answer time, at most INVOKE_TIMEOUT_MS - 500 (${raw.INVOKE_TIMEOUT_MS - 500})`,
    );
  return problems;
}

/** MONGODB_DB, else the database named in the URI's path, else the default. */
function databaseName(
  raw: RawConfig,
): { name: string; from: Config['databaseNameFrom'] } | { problem: string } {
  if (raw.MONGODB_DB) return { name: raw.MONGODB_DB, from: 'MONGODB_DB' };
  const inUri = raw.MONGODB_URI ? databaseInUri(raw.MONGODB_URI) : undefined;
  if (inUri === undefined) return { name: DEFAULT_DB_NAME, from: 'default' };
  if (!DB_NAME.test(inUri))
    return {
      problem: `MONGODB_URI: the database name in its path ("${inUri}") may use letters, digits, _ and - only; or set MONGODB_DB`,
    };
  return { name: inUri, from: 'MONGODB_URI' };
}

/** The database named in a connection string's path (hosts may be a comma list, so not WHATWG URL). */
export function databaseInUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/.exec(uri);
  const name = match?.[1] ? decodeURIComponent(match[1]) : '';
  return name === '' ? undefined : name;
}

function resolvePublicBaseUrl(raw: RawConfig): { url: string } | { problem: string } {
  const url = raw.PUBLIC_BASE_URL ?? (raw.BOT_DOMAIN ? `https://${raw.BOT_DOMAIN}` : undefined);
  if (!raw.MicrosoftAppId) return { url: url ?? `http://localhost:${raw.PORT}` };
  if (!url)
    return {
      problem:
        "PUBLIC_BASE_URL: required when MicrosoftAppId is set (https://<the bot's domain>), or set BOT_DOMAIN",
    };
  if (!url.startsWith('https://'))
    return { problem: 'PUBLIC_BASE_URL: must be https:// when MicrosoftAppId is set' };
  return { url: url.replace(/\/+$/, '') };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The tab's SSO app registration: TAB_SSO_CLIENT_ID, else the bot's own app (not a managed
 * identity's client id, which cannot expose an API). Undefined: tab SSO is not configured.
 */
export function tabSsoClientId(config: Config): string | undefined {
  if (config.TAB_SSO_CLIENT_ID) return config.TAB_SSO_CLIENT_ID;
  return config.MicrosoftAppType === 'UserAssignedMSI' ? undefined : config.MicrosoftAppId;
}

/** The effective settings without secrets, for the start-up log line. */
export function effectiveSettings(config: Config): Record<string, unknown> {
  return {
    NODE_ENV: config.NODE_ENV,
    HOST: config.HOST,
    PORT: config.PORT,
    inboundAuthentication: config.MicrosoftAppId ? 'on' : 'OFF (local development only)',
    MicrosoftAppType: config.MicrosoftAppId ? config.MicrosoftAppType : undefined,
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
    DEFAULT_TENANT_ID: config.DEFAULT_TENANT_ID,
    database: config.MONGODB_URI ? redactUri(config.MONGODB_URI) : 'local (embedded)',
    MONGODB_DB: config.MONGODB_DB,
    databaseNameFrom: config.databaseNameFrom,
    PUBLIC_BASE_URL: config.PUBLIC_BASE_URL,
    tabSsoClientId: tabSsoClientId(config) ?? 'not configured',
    telemetry: config.APPLICATIONINSIGHTS_CONNECTION_STRING ? 'Application Insights' : 'off',
    coach: config.COACH_ENABLED
      ? `on: ${config.AZURE_OPENAI_ENDPOINT} / ${config.AZURE_OPENAI_DEPLOYMENT} (${config.AZURE_OPENAI_API_KEY ? 'key' : 'managed identity'})`
      : 'off',
    DEFAULT_TIME_ZONE: config.DEFAULT_TIME_ZONE,
    RETENTION_MONTHS: config.RETENTION_MONTHS,
    SENDER_TENANT_RPS: config.SENDER_TENANT_RPS,
    SENDER_CONCURRENCY: config.SENDER_CONCURRENCY,
    ENABLE_TEST_CLOCK: config.ENABLE_TEST_CLOCK || undefined,
    DASHBOARD_DEV_LOGIN: config.DASHBOARD_DEV_LOGIN || undefined,
  };
}

/** A connection string without its user and password. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)[^@/]*@/, '$1***@').replace(/\?.*$/, '');
}
