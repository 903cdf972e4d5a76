/**
 * E2E harness: runs the real service (restify + CloudAdapter + Teams AI app + real local
 * database) on a free loopback port with a fake Bot Connector, and builds Bot Framework
 * activities the way Teams sends them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createPlacementCompanion, type PlacementCompanion } from '../../src/app.js';
import { ControllableClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import type { PlatformRoutes } from '../../src/bot/application.js';
import type { AdaptiveCard } from '../../src/cards/cards.js';
import type { Feature } from '../../src/features/feature.js';
import { dropDatabaseNamed, uniqueDbName, testMongoUri } from '../helpers/db.js';
import { FakeConnector } from './fake-connector.js';

export const TENANT = 'tenant-e2e';

export interface TestUser {
  id: string;
  aadObjectId?: string;
  name: string;
  email?: string;
}

/** What a service with an app id must also have (a tenant, a public https URL, secrets of its own). */
export const PRODUCTION_LIKE_SETTINGS: Record<string, string> = {
  MicrosoftAppTenantId: TENANT,
  PUBLIC_BASE_URL: 'https://placement.test.example',
  EXPORT_LINK_SECRET: 'e2e-export-link-secret-0123456789abcdef',
  SURVEY_HMAC_SECRET: 'e2e-survey-secret-0123456789',
};

export class E2E {
  readonly connector = new FakeConnector();
  readonly clock = new ControllableClock();
  service!: PlacementCompanion;
  baseUrl = '';
  dbName = uniqueDbName('e2e');

  /** `features`: run only these (default: all), so a suite is not disturbed by others' scheduled messages; `monitorCommands`: database command events on `services.database.client`; `engines: false`: no scheduler or sender running. */
  async start(
    env: Record<string, string> = {},
    options: {
      features?: Feature[];
      /** Raw Teams AI routes, for platform-level tests only. */
      platformRoutes?: PlatformRoutes[];
      logger?: Logger;
      monitorCommands?: boolean;
      engines?: boolean;
    } = {},
  ): Promise<this> {
    await this.connector.start();
    // An app id switches the service to production rules: these settings become required.
    const withAppId = env.MicrosoftAppId ? PRODUCTION_LIKE_SETTINGS : {};
    const config = loadConfig({
      ...withAppId,
      MONGODB_URI: await testMongoUri(),
      MONGODB_DB: this.dbName,
      DEFAULT_TENANT_ID: TENANT,
      ENABLE_TEST_CLOCK: 'true',
      LOG_LEVEL: 'silent',
      JOBS_POLL_MS: '50',
      ...env,
    });
    this.service = await createPlacementCompanion({
      config,
      logger: options.logger ?? createLogger(config.LOG_LEVEL),
      mongoUri: await testMongoUri(),
      clock: this.clock,
      features: options.features,
      platformRoutes: options.platformRoutes,
      monitorCommands: options.monitorCommands,
      engines: options.engines,
    });
    const port = await this.service.listen(0, '127.0.0.1');
    this.baseUrl = `http://127.0.0.1:${port}`;
    return this;
  }

  /** Stops the service first: its database is dropped only once nothing writes to it (see dropDatabaseNamed). */
  async stop(drop = true): Promise<void> {
    const started = this.service !== undefined;
    await this.service?.stop();
    await this.connector.stop();
    if (drop && started) await dropDatabaseNamed(this.dbName);
  }

  get services() {
    return this.service.services;
  }

  /** A student on no cohort, known by email and in the Teams member directory. */
  async addStudent(user: TestUser): Promise<TestUser> {
    await this.services.people.upsertByEmail(
      TENANT,
      {
        email: user.email!,
        displayName: user.name,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: null,
        timeZone: null,
      },
      new Date(),
    );
    return this.teamsUser(user);
  }

  /** Registers the user in the fake connector's member directory (the Teams member lookup). */
  teamsUser(user: TestUser): TestUser {
    this.connector.addMember({
      id: user.id,
      name: user.name,
      email: user.email,
      userPrincipalName: user.email,
      aadObjectId: user.aadObjectId,
    });
    return user;
  }

  /** Sends an activity; an invoke is answered with an InvokeReply, a message with no body (null). */
  async post(activity: Record<string, unknown>): Promise<{ status: number; body: InvokeReply }> {
    const response = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  base(user: TestUser, conversation: Record<string, unknown>) {
    return {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.connector.url,
      timestamp: new Date().toISOString(),
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: '28:bot-e2e', name: 'Placement Companion' },
      conversation: { tenantId: TENANT, ...conversation },
      channelData: { tenant: { id: TENANT } },
      locale: 'en-GB',
    };
  }

  personalConversation(user: TestUser) {
    return { id: `a:personal-${user.id}`, conversationType: 'personal', isGroup: false };
  }

  message(user: TestUser, text: string) {
    return { ...this.base(user, this.personalConversation(user)), type: 'message', text };
  }

  install(user: TestUser) {
    return {
      ...this.base(user, this.personalConversation(user)),
      type: 'conversationUpdate',
      membersAdded: [{ id: user.id }, { id: '28:bot-e2e' }],
    };
  }

  channelMessage(user: TestUser, channelId: string, text: string, teamId = '19:team@thread.tacv2') {
    const activity = this.base(user, {
      id: `${channelId};messageid=${Date.now()}`,
      conversationType: 'channel',
      isGroup: true,
    });
    return {
      ...activity,
      type: 'message',
      text: `<at>Placement Companion</at> ${text}`,
      entities: [
        {
          type: 'mention',
          mentioned: { id: '28:bot-e2e', name: 'Placement Companion' },
          text: '<at>Placement Companion</at>',
        },
      ],
      channelData: { ...activity.channelData, channel: { id: channelId }, team: { id: teamId } },
    };
  }

  /** An Action.Execute (Universal Actions) invoke from a card. */
  execute(
    user: TestUser,
    verb: string,
    data: Record<string, unknown>,
    conversation?: Record<string, unknown>,
    channelData?: Record<string, unknown>,
  ) {
    const activity = this.base(user, conversation ?? this.personalConversation(user));
    return {
      ...activity,
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: 'card-activity-1',
      value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      channelData: { ...activity.channelData, ...(channelData ?? {}) },
    };
  }

  /**
   * Sends a message in the user's personal chat and returns the bot's replies to it, leaving out
   * any proactive delivery (a check-in prompt, a reminder) the engines send into that chat meanwhile.
   */
  async say(user: TestUser, text: string, extra: Record<string, unknown> = {}) {
    const activity = { ...this.message(user, text), ...extra };
    const response = await this.post(activity);
    const replies = this.sentTo(this.personalConversation(user).id).filter(
      (a) => a.replyToId === activity.id,
    );
    return { response, replies, last: replies.at(-1) };
  }

  /** Posts any activity (a channel message, a file upload) and returns the bot's last reply to it. */
  async lastReplyTo(activity: { id: string }) {
    await this.post(activity);
    return this.connector
      .delivered()
      .map((c) => c.activity!)
      .filter((a) => a.replyToId === activity.id)
      .at(-1);
  }

  /** The bot's last reply to a message from the user in their personal chat. */
  async lastReply(user: TestUser, text: string) {
    return (await this.say(user, text)).last;
  }

  /**
   * `delete my data` confirmed: the button is answered at once ("Deleting your data"); resolves
   * with that answer once the bot said in the personal chat that the erasure is done.
   */
  async eraseConfirmed(user: TestUser, doneText: string): Promise<{ status: number; body: InvokeReply }> {
    const chat = this.personalConversation(user).id;
    const before = this.sentTo(chat).length;
    const res = await this.post(this.execute(user, 'data.erase.confirm', {}));
    await this.connector.waitFor(
      () =>
        this.sentTo(chat)
          .slice(before)
          .some((a) => a.text === doneText),
      60_000,
    );
    return res;
  }

  /** Texts and card titles the bot sent into a conversation, in order. */
  sentTo(conversationId: string) {
    return this.connector.delivered(conversationId).map((c) => c.activity!);
  }
}

/** The service's answer to an invoke: a card (Action.Execute) or a message text. */
export interface InvokeReply {
  statusCode: number;
  type: string;
  value: AdaptiveCard | string;
}

/** An invoke answer's value that is a message text; fails the test when it is a card. */
export function asText(value: InvokeReply['value']): string {
  if (typeof value !== 'string') assert.fail(`a message, not ${JSON.stringify(value)}`);
  return value;
}

/** An invoke answer's value that is a card; fails the test when it is a message. */
export function asCard(value: InvokeReply['value']): AdaptiveCard {
  if (typeof value === 'string') assert.fail(`a card, not the message "${value}"`);
  return value;
}

/** All TextBlock texts in an Adaptive Card, for assertions. */
export function cardTexts(card: unknown): string[] {
  const texts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (record.type === 'TextBlock' && typeof record.text === 'string') texts.push(record.text);
      if (
        record.type === 'Fact' ||
        ('title' in record && 'value' in record && typeof record.title === 'string')
      )
        texts.push(String(record.title));
      Object.values(record).forEach(walk);
    }
  };
  walk(card);
  return texts;
}

export function firstCard(activity: Record<string, unknown> | null | undefined): AdaptiveCard | undefined {
  const attachments =
    (activity?.attachments as { contentType: string; content: AdaptiveCard }[] | undefined) ?? [];
  return attachments.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}

/** The data of the first Action.Execute with this verb anywhere in a card. */
export function actionData(card: unknown, verb: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const r = node as Record<string, unknown>;
      if (r.type === 'Action.Execute' && r.verb === verb) {
        found = (r.data as Record<string, unknown>) ?? {};
        return;
      }
      Object.values(r).forEach(walk);
    }
  };
  walk(card);
  return found;
}
