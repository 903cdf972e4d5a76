/**
 * The platform seam for features: BotRoutes on the Teams AI Application, and the project's own
 * Turn built from a Bot Framework TurnContext (src/feature-kit/turn.ts). Features register here
 * and never see a TurnContext.
 */
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { cardAttachment, type AdaptiveCard } from '../cards/cards.js';
import { scopeOf } from '../feature-kit/commands.js';
import { withoutUnsafeKeys } from '../feature-kit/card-input.js';
import type { BotRoutes, MessageSelector, Reply, Turn } from '../feature-kit/turn.js';
import type { InteractorCardActions } from './card-actions.js';
import { turnPerson, turnTenantId } from './turn-person.js';

type TeamsApplication = Application<TurnState> & { adaptiveCards: InteractorCardActions<TurnState> };

const turns = new WeakMap<TurnContext, Turn>();

/** The feature's view of this turn (one per TurnContext). */
export function turnOf(context: TurnContext): Turn {
  let turn = turns.get(context);
  if (!turn) {
    turn = new ContextTurn(context);
    turns.set(context, turn);
  }
  return turn;
}

class ContextTurn implements Turn {
  constructor(private readonly context: TurnContext) {}

  get tenantId(): string {
    return turnTenantId(this.context);
  }

  get person() {
    return turnPerson(this.context);
  }

  get text(): string {
    return this.context.activity.text ?? '';
  }

  get scope() {
    return scopeOf(this.context.activity.conversation?.conversationType);
  }

  private get channelData() {
    return this.context.activity.channelData as
      { channel?: { id?: unknown }; team?: { id?: unknown } } | undefined;
  }

  get teamsChannelId(): string | null {
    const id = this.channelData?.channel?.id;
    return this.context.activity.conversation?.conversationType === 'channel' && typeof id === 'string'
      ? id
      : null;
  }

  get teamsTeamId(): string | null {
    const id = this.channelData?.team?.id;
    return typeof id === 'string' ? id : null;
  }

  get address(): Turn['address'] {
    const a = this.context.activity;
    return {
      bot: a.recipient ? { id: a.recipient.id, name: a.recipient.name } : undefined,
      channelId: a.channelId,
      serviceUrl: a.serviceUrl,
      locale: a.locale,
      conversation: a.conversation
        ? {
            id: a.conversation.id,
            conversationType: a.conversation.conversationType,
            isGroup: a.conversation.isGroup,
            tenantId: a.conversation.tenantId,
            name: a.conversation.name,
          }
        : undefined,
    };
  }

  get attachments(): readonly unknown[] {
    return this.context.activity.attachments ?? [];
  }

  async send(
    reply: Reply | { attachments: { contentType: string; content: AdaptiveCard }[]; text?: string },
  ) {
    if (typeof reply === 'string') await this.context.sendActivity(reply);
    else if (isCard(reply)) await this.context.sendActivity({ attachments: [cardAttachment(reply)] });
    else await this.context.sendActivity({ text: reply.text, attachments: reply.attachments });
  }
}

function isCard(reply: object): reply is AdaptiveCard {
  return (reply as { type?: unknown }).type === 'AdaptiveCard';
}

function messageSelector(selector: MessageSelector) {
  if (selector instanceof RegExp) return selector;
  return async (context: TurnContext) => context.activity.type === 'message' && selector(turnOf(context));
}

export function botRoutesOn(app: TeamsApplication): BotRoutes {
  return {
    message(selector, handler) {
      app.message(messageSelector(selector), async (context) => handler(turnOf(context)));
    },
    cardAction(verb, handler) {
      app.adaptiveCards.actionExecute(verb, async (context, _state, data) =>
        // Operator keys in card data are answered by the card (parseCardInput), never stored.
        handler(turnOf(context), withoutUnsafeKeys(data) as never),
      );
    },
    botInstalled(handler) {
      app.conversationUpdate('membersAdded', async (context) => {
        const added = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient?.id);
        if (added) await handler(turnOf(context));
      });
    },
  };
}
