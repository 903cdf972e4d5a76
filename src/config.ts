/**
 * All settings come from environment variables, validated by one zod schema.
 * A bad value stops the process at start-up with a message naming the variable.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';

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

/** Development-only default for EXPORT_LINK_SECRET; refused when NODE_ENV=production. */
export const DEV_EXPORT_LINK_SECRET = 'dev-only-export-link-secret-change-me';

/** Development-only default for SURVEY_HMAC_SECRET; refused when NODE_ENV=production. */
export const DEV_SURVEY_HMAC_SECRET = 'dev-only-survey-secret-change-me';

export const configSchema = z.object({
  PORT: int(1, 65535).default(3978),
  HOST: z.string().min(1).default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  MONGODB_URI: optionalText.refine((v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v), {
    message: 'must start with mongodb:// or mongodb+srv://',
  }),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ and - only')
    .default('placement_companion'),
  LOCAL_DB_PORT: int(1, 65535).default(27027),
  LOCAL_DB_DATA: z.string().default('.data/db'),

  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppTenantId: optionalText,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),

  DEFAULT_TENANT_ID: z.string().min(1).default('local-tenant'),
  DEFAULT_TIME_ZONE: z
    .string()
    .default('Europe/London')
    .refine((z) => IANAZone.isValidZone(z), { message: 'must be an IANA time zone such as Europe/London' }),
  PUBLIC_BASE_URL: z.string().url().default('http://localhost:3978'),

  SENDER_TENANT_RPS: int(1, 1000).default(50),
  SENDER_CONCURRENCY: int(1, 64).default(16),
  SENDER_MAX_ATTEMPTS: int(1, 50).default(8),
  /** How long a claimed outbox item may stay in flight before another sender takes it again. */
  SENDER_LEASE_MS: int(1000, 3_600_000).default(60_000),
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
  /** Where outgoing Bot Connector calls get tokens; overridable so tests can use a local fake. */
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
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.ENABLE_TEST_CLOCK && config.MicrosoftAppId) {
    throw new ConfigError(
      'Invalid configuration:\n  ENABLE_TEST_CLOCK: must not be set when MicrosoftAppId is configured',
    );
  }
  if (config.NODE_ENV === 'production' && config.EXPORT_LINK_SECRET === DEV_EXPORT_LINK_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  EXPORT_LINK_SECRET: must be set to a secret of your own when NODE_ENV=production',
    );
  }
  if (config.DASHBOARD_DEV_LOGIN && (config.MicrosoftAppId || config.NODE_ENV === 'production')) {
    throw new ConfigError(
      'Invalid configuration:\n  DASHBOARD_DEV_LOGIN: must not be set when MicrosoftAppId is configured or NODE_ENV=production',
    );
  }
  if (config.NODE_ENV === 'production' && config.SURVEY_HMAC_SECRET === DEV_SURVEY_HMAC_SECRET) {
    throw new ConfigError(
      'Invalid configuration:\n  SURVEY_HMAC_SECRET: must be set to a secret of your own when NODE_ENV=production',
    );
  }
  if (
    config.MicrosoftAppId &&
    !config.MicrosoftAppPassword &&
    config.MicrosoftAppType !== 'UserAssignedMSI'
  ) {
    throw new ConfigError(
      'Invalid configuration:\n  MicrosoftAppPassword: required when MicrosoftAppId is set',
    );
  }
  return config;
}
