/**
 * What a feature sees of a conversation turn, whatever chat platform carries it. The Bot
 * Framework / Teams AI objects stay behind this seam in src/bot (routes.ts builds these from a
 * TurnContext), so features import no platform package and a move to another SDK changes src/bot
 * only (docs/decisions).
 */
import type { AdaptiveCard, CardAttachment } from '../cards/cards.js';
import type { ConversationAddress } from '../storage/conversation-references-repository.js';
import type { PersonDoc } from '../storage/people-repository.js';
import type { Scope } from './commands.js';

/** What a handler answers: a card, or one line of text. */
export type Reply = AdaptiveCard | string;

/** Where the bot can reach a conversation later: stored for proactive messages. */
export type { ConversationAddress };

export interface Turn {
  readonly tenantId: string;
  /** The known person speaking (routes run only for people on a roster). */
  readonly person: PersonDoc;
  /** The message text, mentions of the bot removed ('' for card actions). */
  readonly text: string;
  /** personal chat, a team channel, or a group chat. */
  readonly scope: Scope;
  /** The Teams channel the turn came from, or null outside a channel. */
  readonly teamsChannelId: string | null;
  /** The Teams team (its general channel id) the turn came from, or null outside a team. */
  readonly teamsTeamId: string | null;
  /** Where the bot can reach this conversation later. */
  readonly address: ConversationAddress & { serviceUrl: string; channelId: string };
  /** The message's attachments as the platform sent them (untrusted: parse before use). */
  readonly attachments: readonly unknown[];
  /** Sends a card, a line of text, or several card attachments as one message. */
  send(reply: Reply | { attachments: CardAttachment[]; text?: string }): Promise<void>;
}

export type MessageHandler = (turn: Turn) => Promise<void>;
/** Which messages a route takes: a pattern on the text, or a test of the whole turn. */
export type MessageSelector = RegExp | ((turn: Turn) => boolean);
/**
 * An Adaptive Card Action.Execute: the handler's answer goes back to the person who pressed,
 * in place of the card (a card) or as a message (a string).
 */
export type CardActionHandler<TData = Record<string, unknown>> = (turn: Turn, data: TData) => Promise<Reply>;

/** The routes a feature adds to the bot. */
export interface BotRoutes {
  /** A typed command. Patterns are matched in registration order; the first match runs. */
  message(selector: MessageSelector, handler: MessageHandler): void;
  /** A card button (Action.Execute verb). */
  cardAction<TData = Record<string, unknown>>(verb: string | RegExp, handler: CardActionHandler<TData>): void;
  /** The bot was added to a personal chat, a team or a group chat. */
  botInstalled(handler: MessageHandler): void;
}
