/**
 * Tokens for outgoing Bot Connector calls: one provider per bot identity, used by in-turn
 * replies (src/bot/connector-credentials.ts) and proactive sends (connector-client.ts) alike.
 *
 * - SingleTenant: OAuth2 client credentials against the bot's own Entra tenant
 *   (login.microsoftonline.com/<MicrosoftAppTenantId>), as botframework-connector's
 *   PasswordServiceClientCredentialFactory does for that type.
 * - MultiTenant: the same against the `botframework.com` tenant, whatever MicrosoftAppTenantId
 *   says (botbuilder passes no tenant for MultiTenant).
 * - UserAssignedMSI: the managed identity (managed-identity-token-provider.ts).
 *
 * Scope `https://api.botframework.com/.default` for all three. Blank credentials mean local
 * development: no token is sent. BOT_TOKEN_ENDPOINT moves the client-credentials endpoint (a
 * local fake in tests); `{tenant}` in it is replaced by the tenant the bot type asks for.
 *
 * Tokens are cached and renewed five minutes before they expire (the renewal offset MSAL
 * uses), one request at a time. When the token service cannot be reached the error says so
 * (TokenUnavailableError) and, for a short cool-down that grows while the outage lasts, further
 * calls fail at once instead of queueing up behind it; a token that has not expired yet is
 * still used meanwhile.
 */
import type { Config } from '../config.js';

export interface TokenProvider {
  token(): Promise<string | null>;
}

export const noTokens: TokenProvider = { token: async () => null };

/** Bot Connector audience (AuthenticationConstants.ToChannelFromBotOAuthScope + '/.default'). */
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';
/** AuthenticationConstants.ToChannelFromBotLoginUrlPrefix / DefaultChannelAuthTenant. */
export const LOGIN_URL = 'https://login.microsoftonline.com';
export const MULTI_TENANT_AUTHORITY_TENANT = 'botframework.com';

/** Renew this long before expiry (MSAL's default token renewal offset is 300 s). */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;
const COOL_DOWN_MIN_MS = 500;
const COOL_DOWN_MAX_MS = 30_000;

/** No token could be had: the token service is down, unreachable, or refused us. */
export class TokenUnavailableError extends Error {
  constructor(
    message: string,
    /** When asking again is worthwhile. */
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'TokenUnavailableError';
  }
}

export interface FetchedToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Epoch ms: renew from here on, if the issuer says so (earlier than the expiry margin). */
  refreshAt?: number;
}

/** Caching, single-flight and cool-down shared by every kind of token source. */
export abstract class CachedTokenProvider implements TokenProvider {
  private cached: (FetchedToken & { renewAt: number }) | null = null;
  private pending: Promise<string> | null = null;
  private failures = 0;
  private coolDownUntil = 0;
  /** Requests made to the token service (tests and diagnostics). */
  fetches = 0;

  constructor(protected readonly now: () => number = Date.now) {}

  protected abstract fetchToken(): Promise<FetchedToken>;
  /** What the token comes from, for error messages (never a secret). */
  protected abstract readonly source: string;

  async token(): Promise<string> {
    const now = this.now();
    if (this.cached && this.cached.renewAt > now) return this.cached.token;
    if (this.pending) return this.pending;
    if (now < this.coolDownUntil)
      return this.stillValidOr(
        new TokenUnavailableError(
          `no token from ${this.source} (failed ${this.failures}× in a row; trying again shortly)`,
          this.coolDownUntil - now,
        ),
      );
    this.pending = this.renew().finally(() => (this.pending = null));
    return this.pending;
  }

  private async renew(): Promise<string> {
    this.fetches++;
    let fetched: FetchedToken;
    try {
      fetched = await this.fetchToken();
    } catch (err) {
      this.failures++;
      const wait = Math.min(COOL_DOWN_MAX_MS, COOL_DOWN_MIN_MS * 2 ** (this.failures - 1));
      this.coolDownUntil = this.now() + wait;
      const reason = err instanceof Error ? err.message : String(err);
      return this.stillValidOr(new TokenUnavailableError(`no token from ${this.source}: ${reason}`, wait));
    }
    this.failures = 0;
    this.coolDownUntil = 0;
    const renewAt = Math.min(fetched.expiresAt - RENEW_BEFORE_EXPIRY_MS, fetched.refreshAt ?? Infinity);
    this.cached = { ...fetched, renewAt };
    return fetched.token;
  }

  /** A token that has not expired yet is better than none (its renewal failed). */
  private stillValidOr(error: TokenUnavailableError): string {
    if (this.cached && this.cached.expiresAt - 30_000 > this.now()) return this.cached.token;
    throw error;
  }
}

export class ClientCredentialsTokenProvider extends CachedTokenProvider {
  protected readonly source: string;
  readonly endpoint: string;

  constructor(
    private readonly params: {
      appId: string;
      appPassword: string;
      /** The authority's tenant: the bot's tenant (SingleTenant) or botframework.com (MultiTenant). */
      tenantId?: string;
      /** Overrides the token URL; `{tenant}` in it becomes the tenant. */
      endpoint?: string;
      scope?: string;
      now?: () => number;
    },
  ) {
    super(params.now);
    const tenant = params.tenantId || MULTI_TENANT_AUTHORITY_TENANT;
    this.endpoint = (params.endpoint ?? `${LOGIN_URL}/{tenant}/oauth2/v2.0/token`).replaceAll(
      '{tenant}',
      encodeURIComponent(tenant),
    );
    this.source = `the token endpoint ${this.endpoint}`;
  }

  protected async fetchToken(): Promise<FetchedToken> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.params.appId,
          client_secret: this.params.appPassword,
          scope: this.params.scope ?? BOT_FRAMEWORK_SCOPE,
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      throw new Error(`network error (${code ?? (err as Error).name})`, { cause: err });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`answered ${response.status}`);
    }
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new Error('returned no access_token');
    return { token: body.access_token, expiresAt: this.now() + (body.expires_in ?? 3600) * 1000 };
  }
}

/**
 * The token source for the configured bot identity (null: no app id, local development).
 * The managed identity provider is created by `managedIdentity` so this module does not
 * import @azure/identity for the other types.
 */
export function tokenProviderFor(
  config: Pick<
    Config,
    | 'MicrosoftAppId'
    | 'MicrosoftAppPassword'
    | 'MicrosoftAppTenantId'
    | 'MicrosoftAppType'
    | 'BOT_TOKEN_ENDPOINT'
  >,
  managedIdentity: (clientId: string) => TokenProvider,
): TokenProvider {
  const appId = config.MicrosoftAppId;
  if (!appId) return noTokens;
  switch (config.MicrosoftAppType) {
    case 'UserAssignedMSI':
      return managedIdentity(appId);
    case 'SingleTenant':
    case 'MultiTenant':
      if (!config.MicrosoftAppPassword)
        throw new Error(`MicrosoftAppPassword: required with MicrosoftAppType=${config.MicrosoftAppType}`);
      if (config.MicrosoftAppType === 'SingleTenant' && !config.MicrosoftAppTenantId)
        throw new Error('MicrosoftAppTenantId: required with MicrosoftAppType=SingleTenant');
      return new ClientCredentialsTokenProvider({
        appId,
        appPassword: config.MicrosoftAppPassword,
        tenantId:
          config.MicrosoftAppType === 'SingleTenant'
            ? config.MicrosoftAppTenantId
            : MULTI_TENANT_AUTHORITY_TENANT,
        endpoint: config.BOT_TOKEN_ENDPOINT,
      });
  }
}
