/**
 * Drives a running Microsoft 365 Agents Playground the way its web client does (read from
 * node_modules/@microsoft/m365agentsplayground/dist/client): the conversation stream over a
 * WebSocket (`/_ws_conversation/v1/conversations/stream`: createMessage / updateMessage /
 * typing), `POST /_debug/conversation/{id}/installation` when a chat is opened (the playground
 * then sends installationUpdate + conversationUpdate to the bot), `POST
 * /_conversation/v1/conversations/{id}/messages` to send, and `POST /_conversation/v1/invoke`
 * with `adaptiveCard/action` for an Action.Execute (the card's inputs merged into the action's
 * data, as the Adaptive Cards renderer does). No browser involved.
 */
import WebSocket from 'ws';
import type { PlaygroundUser } from '../../tools/playground.js';

export interface StreamMessage {
  action: 'createMessage' | 'updateMessage';
  conversationId: string;
  messageId: string;
  fromId: string;
  text?: string;
  cards: Record<string, unknown>[];
}

export interface InvokeResult {
  /** application/vnd.microsoft.card.adaptive (value is the card) or …activity.message (value is text). */
  type: string;
  value: Record<string, unknown> | string;
}

/** The parts of the playground's configuration (GET /_internal/v1/config) the tests read. */
export interface PlaygroundConfig {
  tenantId: string;
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  bot: { id: string; name: string };
  personalChat: { id: string };
  teams: { id: string; channels: { id: string }[] }[];
}

interface CardInput {
  id: string;
  type: string;
  isRequired: boolean;
  value?: string;
  choices?: string[];
}

export class PlaygroundClient {
  readonly messages: StreamMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    readonly baseUrl: string,
    private readonly ws: WebSocket,
  ) {
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString()) as {
        action: string;
        actionConversationId: string;
        message?: {
          messageId: string;
          from: { id: string };
          text?: string;
          attachments?: { contentType: string; content: Record<string, unknown> }[];
        };
      };
      if (event.action !== 'createMessage' && event.action !== 'updateMessage') return;
      const m = event.message!;
      this.messages.push({
        action: event.action,
        conversationId: event.actionConversationId,
        messageId: m.messageId,
        fromId: m.from.id,
        text: m.text,
        cards: (m.attachments ?? [])
          .filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')
          .map((a) => a.content),
      });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(baseUrl: string): Promise<PlaygroundClient> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new PlaygroundClient(baseUrl, ws);
  }

  close(): void {
    this.ws.close();
  }

  /** The answer's JSON as the caller expects it (T); null when the answer is empty. */
  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  /** What the web client loads first (waits until the bot endpoint answers). */
  config(): Promise<{ config: PlaygroundConfig }> {
    return this.request('GET', '/_internal/v1/config');
  }

  /** The members the playground's connector reports for a conversation (what the bot sees). */
  members(conversationId: string): Promise<{ id: string; email: string }[]> {
    return this.request('GET', `/_connector/v3/conversations/${encodeURIComponent(conversationId)}/members`);
  }

  /** Opening a chat or channel with the app for the first time: the install activities. */
  install(conversationId: string): Promise<void> {
    return this.request(
      'POST',
      `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`,
      {},
    );
  }

  /** Types a message (as the playground's current user; mention the bot in a channel). */
  send(
    conversationId: string,
    fromId: string,
    text: string,
    mention?: { id: string; name: string },
  ): Promise<{ messageId: string; postConversationId?: string }> {
    const at = mention ? `<at>${mention.name}</at>` : '';
    return this.request(
      'POST',
      `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`,
      {
        from: { id: fromId },
        text: mention ? `${at} ${text}` : text,
        textFormat: 'plain',
        ...(mention ? { mentions: [{ mentioned: { id: mention.id }, text: at }] } : {}),
      },
    );
  }

  /** Waits for the next stream message (after `after` messages) from `fromId` matching `match`. */
  async next(
    fromId: string,
    match: (m: StreamMessage) => boolean,
    options: { after?: number; timeoutMs?: number } = {},
  ): Promise<StreamMessage> {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    for (;;) {
      const found = this.messages.slice(options.after ?? 0).find((m) => m.fromId === fromId && match(m));
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.messages.map(
          (m) => `${m.conversationId}: ${m.text ?? texts(m.cards[0]).slice(0, 3).join(' / ')}`,
        );
        throw new Error(
          `no matching message from ${fromId} within the time; stream so far:\n${seen.join('\n')}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Clicks an Action.Execute on a card message: fills the card's inputs (given values, else
   * the card's own), merges them into the action's data and sends the invoke.
   */
  async execute(
    conversationId: string,
    userId: string,
    message: StreamMessage,
    verb: string,
    fill: Record<string, string> = {},
    card: Record<string, unknown> = message.cards[0]!,
  ): Promise<InvokeResult> {
    const action = findAction(card, verb);
    if (!action) throw new Error(`no Action.Execute with verb ${verb} on the card`);
    const inputs = cardInputs(card);
    const values: Record<string, string> = {};
    for (const input of inputs) {
      const value = fill[input.id] ?? input.value ?? '';
      if (input.choices && value !== '' && !input.choices.includes(value))
        throw new Error(
          `input ${input.id}: ${value} is not one of its choices (${input.choices.join(', ')})`,
        );
      values[input.id] = value;
    }
    for (const id of Object.keys(fill))
      if (!inputs.some((i) => i.id === id)) throw new Error(`the card has no input ${id}`);
    return this.request('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action',
      from: { id: userId },
      conversation: { id: conversationId },
      replyToId: message.messageId,
      value: {
        action: {
          type: 'Action.Execute',
          title: action.title,
          verb,
          data: { ...(action.data ?? {}), ...values },
        },
      },
    });
  }
}

function walk(node: unknown, visit: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((v) => walk(v, visit));
  }
}

export function texts(card: unknown): string[] {
  const out: string[] = [];
  walk(card, (n) => {
    if (n.type === 'TextBlock' && typeof n.text === 'string') out.push(n.text);
    if (n.type === 'TextRun' && typeof n.text === 'string') out.push(n.text);
    if (n.type === 'FactSet' && Array.isArray(n.facts))
      for (const f of n.facts as { title: string; value: string }[]) out.push(`${f.title}: ${f.value}`);
  });
  return out;
}

export function verbs(card: unknown): string[] {
  const out: string[] = [];
  walk(card, (n) => {
    if (n.type === 'Action.Execute' && typeof n.verb === 'string') out.push(n.verb);
  });
  return out;
}

function findAction(card: unknown, verb: string): { title?: string; data?: Record<string, unknown> } | null {
  let found: { title?: string; data?: Record<string, unknown> } | null = null;
  walk(card, (n) => {
    if (!found && n.type === 'Action.Execute' && n.verb === verb)
      found = n as { title?: string; data?: Record<string, unknown> };
  });
  return found;
}

export function cardInputs(card: unknown): CardInput[] {
  const out: CardInput[] = [];
  walk(card, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && typeof n.id === 'string')
      out.push({
        id: n.id,
        type: n.type,
        isRequired: n.isRequired === true,
        value: typeof n.value === 'string' ? n.value : undefined,
        choices: Array.isArray(n.choices)
          ? (n.choices as { value: string }[]).map((c) => c.value)
          : undefined,
      });
  });
  return out;
}
