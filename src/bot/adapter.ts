/**
 * CloudAdapter with Bot Framework authentication from config. With an app id configured,
 * every incoming request's JWT is validated; blank credentials mean local-only development.
 *
 * BOT_OPENID_METADATA_URL / BOT_TOKEN_ISSUER move where signing keys are fetched from and the
 * issuer tokens must carry (a private cloud, or the tests' local metadata document); every
 * other parameter keeps the public cloud's value. With an app id, in-turn replies take tokens
 * from the same TokenProvider as proactive sends, for every bot type.
 */
import {
  type Activity,
  CallerIdConstants,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  ConnectorFactory,
  JwtTokenValidation,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.js';
import type { TokenProvider } from '../proactive/token-provider.js';
import { TokenProviderCredentialsFactory } from './connector-credentials.js';

export function authenticationOptions(config: Config): ConfigurationBotFrameworkAuthenticationOptions {
  const options: Record<string, unknown> = {
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
    // Without an app id botbuilder authenticates nothing only in its MultiTenant mode (the
    // others assert an app id); config.ts allows that for loopback development alone.
    MicrosoftAppType: config.MicrosoftAppId ? config.MicrosoftAppType : 'MultiTenant',
  };
  if (config.BOT_OPENID_METADATA_URL || config.BOT_TOKEN_ISSUER) {
    // Setting any of these makes botframework-connector use exactly the values given, so
    // every one is filled (public-cloud defaults for the ones not configured).
    Object.assign(options, {
      ValidateAuthority: true,
      ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer:
        config.BOT_TOKEN_ISSUER ?? AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl:
        config.BOT_OPENID_METADATA_URL ?? AuthenticationConstants.ToBotFromChannelOpenIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
    });
  }
  return options as ConfigurationBotFrameworkAuthenticationOptions;
}

/**
 * Every way a token can fail validation is an authentication failure (401). botframework-
 * connector throws its AuthenticationError for most, but lets jsonwebtoken's own errors
 * (bad signature, unsigned token, not yet valid) escape, which CloudAdapter turns into a 500
 * that echoes the message. Here they all become AuthenticationError; a failure to load the
 * signing keys keeps its 5xx status so the caller can answer 503.
 */
export class StrictBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  /**
   * CloudAdapter asks for a new ConnectorClient and UserTokenClient on every turn, and building
   * their HTTP pipelines was ~5% of a check-in submit's CPU. They hold nothing per turn (their
   * credentials cache and renew tokens), so they are kept per bot app id and service URL, as
   * botbuilder's older BotFrameworkAdapter kept its connector clients.
   */
  private readonly connectorClients = new LRUCache<string, Promise<ConnectorClient>>({ max: 1_000 });
  private readonly userTokenClients = new LRUCache<string, Promise<UserTokenClient>>({ max: 100 });

  override async authenticateRequest(
    activity: Activity,
    authHeader: string,
  ): Promise<AuthenticateRequestResult> {
    let result: AuthenticateRequestResult;
    try {
      result = await super.authenticateRequest(activity, authHeader);
    } catch (err) {
      throw asAuthenticationError(err);
    }
    if (!result.connectorFactory) return result;
    const appId = JwtTokenValidation.getAppIdFromClaims(result.claimsIdentity.claims) ?? '';
    return {
      ...result,
      connectorFactory: new RememberedConnectorFactory(result.connectorFactory, this.connectorClients, appId),
    };
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId = JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
    return remembered(this.userTokenClients, appId, () => super.createUserTokenClient(claimsIdentity));
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string) {
    try {
      return await super.authenticateStreamingRequest(authHeader, channelIdHeader);
    } catch (err) {
      throw asAuthenticationError(err);
    }
  }

  override async authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    try {
      return await super.authenticateChannelRequest(authHeader);
    } catch (err) {
      throw asAuthenticationError(err);
    }
  }
}

/** The client made for a key, made once; a failed attempt is not kept. */
function remembered<T>(cache: LRUCache<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let client = cache.get(key);
  if (!client) {
    client = make();
    cache.set(key, client);
    client.catch(() => cache.delete(key));
  }
  return client;
}

class RememberedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly clients: LRUCache<string, Promise<ConnectorClient>>,
    private readonly appId: string,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    const key = JSON.stringify([this.appId, serviceUrl, audience ?? null]);
    return remembered(this.clients, key, () => this.inner.create(serviceUrl, audience));
  }
}

function asAuthenticationError(err: unknown): AuthenticationError {
  if (err instanceof AuthenticationError) return err;
  return new AuthenticationError(`Unauthorized: ${(err as Error)?.name ?? 'invalid token'}`, 401);
}

/** True when an inbound request failed authentication (answer 401, or 503 if keys could not be loaded). */
export function authenticationFailure(err: unknown): { status: 401 | 503 } | null {
  if (!(err instanceof AuthenticationError)) return null;
  return { status: err.statusCode >= 500 ? 503 : 401 };
}

/** CloudAdapter that lets the HTTP layer write the response itself (status, body, logs). */
export class PlacementAdapter extends CloudAdapter {
  /** Authenticates the request, runs the turn, and returns the invoke response if any. */
  handle(
    authHeader: string,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authHeader, activity, logic);
  }
}

export function createAdapter(
  config: Config,
  overrides: Partial<ConfigurationBotFrameworkAuthenticationOptions> = {},
  tokens?: TokenProvider,
): PlacementAdapter {
  // With an app id, in-turn replies take their tokens from the same provider as proactive
  // sends (one token source per bot type, src/proactive/token-provider.ts): botbuilder's own
  // credential factories never fetch a token.
  if (config.MicrosoftAppId && !tokens)
    throw new Error('createAdapter: an app id needs the token provider for outgoing calls');
  const credentials =
    config.MicrosoftAppId && tokens
      ? new TokenProviderCredentialsFactory(config.MicrosoftAppId, tokens)
      : undefined;
  const auth = new StrictBotFrameworkAuthentication(
    { ...authenticationOptions(config), ...overrides } as ConfigurationBotFrameworkAuthenticationOptions,
    credentials,
  );
  return new PlacementAdapter(auth);
}
