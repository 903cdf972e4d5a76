/**
 * Outgoing Bot Connector REST calls for proactive delivery. Written directly on fetch (not
 * botbuilder's ConnectorClient, whose HTTP pipeline retries on its own) so the sender alone
 * decides about retries, Retry-After and rate limits, and sees every status code.
 */
import { TokenUnavailableError, type TokenProvider } from './token-provider.js';

export class DeliveryError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterMs: number | null = null,
    /**
     * No token could be had for the call (the token service is down): nothing reached the Bot
     * Connector, and the message is not at fault, so this is no attempt at delivering it.
     */
    readonly tokenUnavailable = false,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }

  /** Worth trying again later (throttled, precondition, gateway trouble, network). */
  get transient(): boolean {
    return this.status === 429 || this.status === 412 || this.status === 0 || this.status >= 500;
  }
}

export interface ConnectorTarget {
  serviceUrl: string;
  conversationId: string;
}

export interface ConnectorClient {
  send(target: ConnectorTarget, activity: object): Promise<{ id: string | null }>;
  update(target: ConnectorTarget, activityId: string, activity: object): Promise<void>;
  delete(target: ConnectorTarget, activityId: string): Promise<void>;
  createPersonalConversation(
    serviceUrl: string,
    params: { tenantId: string; botId: string; userId: string },
  ): Promise<{ id: string }>;
}

export class HttpConnectorClient implements ConnectorClient {
  constructor(
    private readonly tokens: TokenProvider,
    private readonly timeoutMs = 15_000,
  ) {}

  async send(target: ConnectorTarget, activity: object) {
    const body = await this.call(
      'POST',
      target.serviceUrl,
      `v3/conversations/${enc(target.conversationId)}/activities`,
      activity,
    );
    return { id: typeof body?.id === 'string' ? body.id : null };
  }

  async update(target: ConnectorTarget, activityId: string, activity: object) {
    await this.call(
      'PUT',
      target.serviceUrl,
      `v3/conversations/${enc(target.conversationId)}/activities/${enc(activityId)}`,
      {
        ...activity,
        id: activityId,
      },
    );
  }

  async delete(target: ConnectorTarget, activityId: string) {
    await this.call(
      'DELETE',
      target.serviceUrl,
      `v3/conversations/${enc(target.conversationId)}/activities/${enc(activityId)}`,
    );
  }

  async createPersonalConversation(
    serviceUrl: string,
    params: { tenantId: string; botId: string; userId: string },
  ) {
    const body = await this.call('POST', serviceUrl, 'v3/conversations', {
      isGroup: false,
      bot: { id: params.botId },
      members: [{ id: params.userId }],
      tenantId: params.tenantId,
      channelData: { tenant: { id: params.tenantId } },
    });
    if (typeof body?.id !== 'string') throw new DeliveryError(502, 'createConversation returned no id');
    return { id: body.id };
  }

  private async call(
    method: string,
    serviceUrl: string,
    path: string,
    payload?: object,
  ): Promise<{ id?: unknown } | null> {
    const url = new URL(path, serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = await this.tokens.token().catch((err: unknown) => {
      // Transient: the sender tries again later, however long the token service is down.
      const retryAfterMs = err instanceof TokenUnavailableError ? err.retryAfterMs : null;
      throw new DeliveryError(503, (err as Error).message, retryAfterMs, true);
    });
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: payload ? JSON.stringify(payload) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new DeliveryError(0, `network error calling the Bot Connector: ${(err as Error).name}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new DeliveryError(
        response.status,
        `Bot Connector answered ${response.status}`,
        parseRetryAfter(response.headers.get('retry-after')),
      );
    }
    const text = await response.text();
    return text ? (JSON.parse(text) as { id?: unknown }) : null;
  }
}

const enc = encodeURIComponent;

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
