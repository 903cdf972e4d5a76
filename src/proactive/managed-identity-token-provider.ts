/**
 * Tokens for MicrosoftAppType=UserAssignedMSI: the bot's user-assigned managed identity
 * (MicrosoftAppId is its client id) through @azure/identity's ManagedIdentityCredential,
 * scope https://api.botframework.com/.default, as botframework-connector's
 * ManagedIdentityServiceClientCredentialsFactory asks for it.
 *
 * Where the token comes from is decided by MSAL from the environment Azure sets up: App
 * Service and Container Apps set IDENTITY_ENDPOINT + IDENTITY_HEADER (GET
 * `<IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=https://api.botframework.com&client_id=<id>`
 * with header `X-IDENTITY-HEADER`); Azure Arc sets IDENTITY_ENDPOINT + IMDS_ENDPOINT; with
 * none of these it asks the VM metadata service (IMDS, 169.254.169.254). MSAL reads those
 * variables on the first token request and keeps the choice, and its token cache, for the
 * life of the process (both are static).
 *
 * MSAL caches managed identity tokens itself (until 5 minutes before expiry; for tokens living
 * over 2 hours it renews after half their life). CachedTokenProvider caches on top so a send
 * does not go through MSAL's cache lookup each time, renews at the earlier of MSAL's refresh
 * time and 5 minutes before expiry, asks one request at a time, and fails fast for a moment
 * after a failure.
 */
import type { TokenCredential } from '@azure/identity';
import { BOT_FRAMEWORK_SCOPE, CachedTokenProvider, type FetchedToken } from './token-provider.js';

export class ManagedIdentityTokenProvider extends CachedTokenProvider {
  protected readonly source: string;
  private credential: Promise<TokenCredential> | null;

  constructor(
    private readonly params: {
      clientId: string;
      scope?: string;
      /** Tests may pass their own; default ManagedIdentityCredential({ clientId }). */
      credential?: TokenCredential;
      now?: () => number;
    },
  ) {
    super(params.now);
    this.source = `the managed identity ${params.clientId}`;
    this.credential = params.credential ? Promise.resolve(params.credential) : null;
  }

  /** @azure/identity is loaded with the first token (~0.2 s of start-up otherwise, for every bot type). */
  private defaultCredential(): Promise<TokenCredential> {
    return import('@azure/identity').then(
      ({ ManagedIdentityCredential }) =>
        new ManagedIdentityCredential({
          clientId: this.params.clientId,
          // The default is 5 retries from 800 ms (IMDS 404/410) and 3 with back-off from 1 s on
          // 5xx: far past a turn's time limit. The outbox retries proactive sends itself.
          retryOptions: { maxRetries: 2, retryDelayInMs: 200, maxRetryDelayInMs: 1000 },
        }),
    );
  }

  protected async fetchToken(): Promise<FetchedToken> {
    this.credential ??= this.defaultCredential().catch((err: unknown) => {
      this.credential = null;
      throw err;
    });
    const token = await (await this.credential).getToken(this.params.scope ?? BOT_FRAMEWORK_SCOPE);
    if (!token?.token) throw new Error('returned no token');
    return {
      token: token.token,
      expiresAt: token.expiresOnTimestamp,
      refreshAt: token.refreshAfterTimestamp,
    };
  }
}
