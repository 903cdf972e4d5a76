/**
 * Credentials for the in-turn reply path (botbuilder's ConnectorClient, created by the
 * adapter's connector factory) that take their tokens from our TokenProvider, so replies and
 * proactive sends get tokens from the same source for every bot type (client credentials for
 * SingleTenant / MultiTenant, the managed identity for UserAssignedMSI): botbuilder's own
 * credential factories are never used with an app id.
 */
import { ServiceClientCredentialsFactory } from 'botframework-connector';
import type { TokenProvider } from '../proactive/token-provider.js';

interface SignableRequest {
  headers: { set(name: string, value: string): void };
}

export class TokenProviderCredentialsFactory extends ServiceClientCredentialsFactory {
  constructor(
    private readonly appId: string,
    private readonly tokens: TokenProvider,
  ) {
    super();
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return !this.appId;
  }

  async createCredentials(appId: string) {
    if (!(await this.isAuthenticationDisabled()) && !(await this.isValidAppId(appId)))
      throw new Error('Invalid appId.');
    const tokens = this.tokens;
    return {
      async signRequest<R extends SignableRequest>(request: R): Promise<R> {
        const token = await tokens.token();
        if (token) request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    } as never;
  }
}
