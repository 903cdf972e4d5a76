/**
 * Where an outbox item goes, and the Bot Connector call that takes it there. Where it goes: the conversation of its recipient (a stored conversation
 * reference, or a personal conversation created for someone the bot knows from a roster but who
 * never chatted with it), or, for an update or delete, the conversation of the original message.
 */
import {
  personalKey,
  type ConversationReferencesRepository,
} from '../storage/conversation-references-repository.js';
import type { PeopleRepository } from '../storage/people-repository.js';
import { DeliveryError, type ConnectorClient, type ConnectorTarget } from './connector-client.js';
import type { Outbox, OutboxItem } from './outbox.js';

export class TargetResolver {
  constructor(
    private readonly deps: {
      outbox: Outbox;
      connector: ConnectorClient;
      references: ConversationReferencesRepository;
      people: PeopleRepository;
      botId: () => string | null;
    },
  ) {}

  async resolve(item: OutboxItem): Promise<ConnectorTarget | null> {
    if (item.op !== 'send' && item.originalItemId) {
      const original = await this.deps.outbox.byId(item.tenantId, item.originalItemId);
      if (original && (original.state === 'pending' || original.state === 'sending')) {
        // The original is still on its way: change it once it has landed.
        throw new DeliveryError(409, 'original not delivered yet', 2000);
      }
      if (original?.conversationId && original.serviceUrl) {
        return { conversationId: original.conversationId, serviceUrl: original.serviceUrl };
      }
      return null;
    }
    const key = item.target.kind === 'person' ? personalKey(item.target.personId) : item.target.key;
    const ref = await this.deps.references.get(item.tenantId, key);
    if (ref?.reference.conversation?.id && ref.reference.serviceUrl) {
      return { conversationId: ref.reference.conversation.id, serviceUrl: ref.reference.serviceUrl };
    }
    if (item.target.kind === 'person')
      return this.createPersonalConversation(item.tenantId, item.target.personId);
    return null;
  }

  /** A person we know from Teams (a channel roster) but who never chatted with the bot. */
  private async createPersonalConversation(
    tenantId: string,
    personId: string,
  ): Promise<ConnectorTarget | null> {
    const person = await this.deps.people.byId(tenantId, personId);
    const botId = this.deps.botId();
    if (!person?.teamsUserId || !botId) return null;
    const anyRef = await this.deps.references
      .scope(tenantId)
      .findOne({ 'reference.serviceUrl': { $exists: true } }, { sort: { updatedAt: -1 } });
    const serviceUrl = anyRef?.reference.serviceUrl;
    if (!serviceUrl) return null;
    const { id } = await this.deps.connector.createPersonalConversation(serviceUrl, {
      tenantId,
      botId,
      userId: person.teamsUserId,
    });
    await this.deps.references.save(
      tenantId,
      personalKey(personId),
      'personal',
      personId,
      {
        serviceUrl,
        channelId: 'msteams',
        conversation: { id, conversationType: 'personal', tenantId, isGroup: false, name: '' },
        bot: { id: botId, name: '' },
        user: { id: person.teamsUserId, name: '' },
      },
      new Date(),
    );
    return { conversationId: id, serviceUrl };
  }

  /** The Bot Connector call for the item: send, or change / remove the original message. */
  async deliver(item: OutboxItem, target: ConnectorTarget): Promise<string | null> {
    if (item.op === 'send') {
      const activity = { type: 'message', ...(item.activity ?? {}) };
      return (await this.deps.connector.send(target, activity)).id;
    }
    const original = item.originalItemId
      ? await this.deps.outbox.byId(item.tenantId, item.originalItemId)
      : null;
    if (!original?.sentActivityId) throw new DeliveryError(404, 'the original message was never delivered');
    if (item.op === 'update') {
      await this.deps.connector.update(target, original.sentActivityId, {
        type: 'message',
        ...(item.activity ?? {}),
      });
    } else {
      await this.deps.connector.delete(target, original.sentActivityId);
    }
    return original.sentActivityId;
  }
}
