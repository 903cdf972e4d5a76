import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { authenticationOptions, StrictBotFrameworkAuthentication } from '../../src/bot/adapter.js';
import { loadConfig } from '../../src/config.js';

describe('bot adapter: Bot Connector clients are made once per service URL, not per turn', () => {
  const config = loadConfig({ MONGODB_URI: 'mongodb://127.0.0.1:1/unused', LOG_LEVEL: 'silent' });
  const activity = (serviceUrl: string) =>
    ({
      type: 'message',
      channelId: 'msteams',
      serviceUrl,
      from: { id: '29:a' },
      conversation: { id: 'c' },
    }) as Activity;

  it('hands every turn on one service URL the same connector client, and another URL its own', async () => {
    const auth = new StrictBotFrameworkAuthentication(authenticationOptions(config));
    const turn = async (url: string) => {
      const result = await auth.authenticateRequest(activity(url), '');
      return result.connectorFactory!.create(url, result.audience);
    };
    const first = await turn('https://smba.example/emea/');
    const second = await turn('https://smba.example/emea/');
    const other = await turn('https://smba.example/amer/');
    assert.equal(first, second);
    assert.notEqual(first, other);
    const baseUri = (client: unknown) => (client as { baseUri: string }).baseUri;
    assert.equal(baseUri(first), 'https://smba.example/emea/');
    assert.equal(baseUri(other), 'https://smba.example/amer/');
  });

  it('keeps one user-token client per bot app id', async () => {
    const auth = new StrictBotFrameworkAuthentication(authenticationOptions(config));
    const { claimsIdentity } = await auth.authenticateRequest(activity('https://smba.example/emea/'), '');
    const a = await auth.createUserTokenClient(claimsIdentity);
    const b = await auth.createUserTokenClient(claimsIdentity);
    assert.equal(a, b);
  });
});
