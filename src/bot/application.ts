/**
 * The Teams AI Application and the turn pipeline around it:
 * resolve who is speaking → unknown people get one short answer and nothing is stored →
 * known people: save the conversation reference, then the feature routes run.
 */
import { Application, type TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { timed } from '../http/turn-timings.js';
import type { Services } from '../services.js';
import { channelKey, personalKey } from '../storage/conversation-references-repository.js';
import type { PersonDoc } from '../storage/people-repository.js';
import type { Feature } from '../features/feature.js';
import type { Understanding } from '../understanding/understanding.js';
import { InteractorCardActions } from './card-actions.js';
import { FreeText } from './free-text.js';
import { IdentityResolver, tenantOf } from './identity.js';
import { botRoutesOn } from './routes.js';
import { setTurnPerson } from './turn-person.js';

export type AppApplication = Application<TurnState>;

export const UNKNOWN_PERSON_MESSAGE =
  "Hello! I'm Placement Companion. I can't find you on a placement roster in this organisation yet, so I haven't saved anything about you. Please ask your placement lead to add you, then say hello again.";

export const NOT_UNDERSTOOD_MESSAGE =
  "Sorry, I didn't catch that. Type **help** to see what I can do for you.";

/**
 * Routes on the Teams AI Application itself, below the feature seam: for platform-level tests
 * that need the raw TurnContext (e.g. sending an invokeResponse early). Features use BotRoutes.
 */
export type PlatformRoutes = (app: AppApplication, services: Services) => void;

export interface Bot {
  app: AppApplication;
  handleTurn(context: TurnContext): Promise<void>;
}

/** The Teams AI Application, answering card actions to the person who pressed (card-actions.ts). */
class PlacementApplication extends Application<TurnState> {
  private readonly cardActions = new InteractorCardActions<TurnState>(this);

  override get adaptiveCards(): InteractorCardActions<TurnState> {
    return this.cardActions;
  }
}

export function createBot(
  services: Services,
  features: Feature[],
  understanding: Understanding,
  platformRoutes: readonly PlatformRoutes[] = [],
): Bot {
  const app = new PlacementApplication({
    // No storage: no feature keeps Teams AI conversation or user state (everything lives in
    // the feature collections), so a turn reads and writes no state documents.
    storage: undefined,
    startTypingTimer: false,
    longRunningMessages: false,
    removeRecipientMention: true,
  });
  const routes = botRoutesOn(app);
  for (const add of platformRoutes) add(app, services);
  for (const feature of features) {
    feature.register?.(routes, services);
  }
  const identity = new IdentityResolver(services.people, services.clock, services.logger);
  const freeText = new FreeText(services, understanding);

  async function handleTurn(context: TurnContext): Promise<void> {
    const tenantId = tenantOf(context, services.config.DEFAULT_TENANT_ID);
    const recipientId = context.activity.recipient?.id;
    if (!services.botId.value && typeof recipientId === 'string') services.botId.value = recipientId;

    const person = await timed('identity', () => identity.resolve(context, tenantId));
    setTurnPerson(context, tenantId, person);
    if (!person) return answerUnknownPerson(context);

    await timed('reference', () => saveConversationReference(services, context, tenantId, person));
    // Words of distress get the kind answer before any route: never a command, never a model.
    if (await timed('understand', () => freeText.answerDistress(context))) return;
    const handled = await timed('service', () => app.run(context));
    if (handled || context.activity.type !== 'message') return;
    // Not an exact command: read it, then run the command it means as if typed.
    const command = await timed('understand', () => freeText.read(context));
    if (command === null) return;
    context.activity.text = command;
    if (!(await timed('service', () => app.run(context)))) await context.sendActivity(NOT_UNDERSTOOD_MESSAGE);
  }

  return { app, handleTurn };
}

async function answerUnknownPerson(context: TurnContext): Promise<void> {
  const activity = context.activity;
  if (activity.type === 'invoke') {
    await context.sendActivity({
      type: 'invokeResponse',
      value: {
        status: 200,
        body: {
          statusCode: 200,
          type: 'application/vnd.microsoft.activity.message',
          value: UNKNOWN_PERSON_MESSAGE,
        },
      },
    });
    return;
  }
  const botWasAdded =
    activity.type === 'conversationUpdate' &&
    activity.membersAdded?.some((m) => m.id === activity.recipient?.id);
  const personalInstall = botWasAdded && activity.conversation?.conversationType === 'personal';
  if (activity.type === 'message' || personalInstall) await context.sendActivity(UNKNOWN_PERSON_MESSAGE);
}

async function saveConversationReference(
  services: Services,
  context: TurnContext,
  tenantId: string,
  person: PersonDoc,
) {
  const activity = context.activity;
  const reference = {
    activityId: undefined,
    bot: activity.recipient,
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    locale: activity.locale,
  };
  const now = services.clock.now();
  const conversationType = activity.conversation?.conversationType;
  if (conversationType === 'channel') {
    const channelId = (activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
    if (typeof channelId !== 'string') return;
    await services.references.save(
      tenantId,
      channelKey(channelId),
      'channel',
      null,
      {
        ...reference,
        conversation: { id: channelId, conversationType: 'channel', isGroup: true, tenantId, name: '' },
      },
      now,
    );
    return;
  }
  if (conversationType === 'groupChat') return;
  await services.references.save(
    tenantId,
    personalKey(person._id),
    'personal',
    person._id,
    {
      ...reference,
      user: { id: activity.from.id, name: '' },
      conversation: { ...activity.conversation, name: '' },
    },
    now,
  );
}
