/**
 * CloudAdapter with Bot Framework authentication from config. With an app id configured,
 * every incoming request's JWT is validated; blank credentials mean local-only development.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import type { Config } from '../config.js';

export function createAdapter(
  config: Config,
  overrides: Partial<ConfigurationBotFrameworkAuthenticationOptions> = {},
): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
    MicrosoftAppType: config.MicrosoftAppType,
    ...overrides,
  } as ConfigurationBotFrameworkAuthenticationOptions);
  return new CloudAdapter(auth);
}
