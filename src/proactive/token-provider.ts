/**
 * Tokens for outgoing Bot Connector calls (OAuth2 client credentials). Blank credentials
 * mean local development: no token is sent. The endpoint is configurable so tests can use a
 * local fake token service.
 */
export interface TokenProvider {
  token(): Promise<string | null>;
}

export const noTokens: TokenProvider = { token: async () => null };

export class ClientCredentialsTokenProvider implements TokenProvider {
  private cached: { token: string; expiresAt: number } | null = null;
  private pending: Promise<string> | null = null;

  constructor(
    private readonly params: {
      appId: string;
      appPassword: string;
      tenantId?: string;
      endpoint?: string;
      scope?: string;
    },
  ) {}

  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAt - 60_000 > Date.now()) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => (this.pending = null));
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const tenant = this.params.tenantId ?? 'botframework.com';
    const endpoint = this.params.endpoint ?? `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`;
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.params.appId,
        client_secret: this.params.appPassword,
        scope: this.params.scope ?? 'https://api.botframework.com/.default',
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    const body = (await response.json()) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new Error('token endpoint returned no access_token');
    this.cached = { token: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }
}
