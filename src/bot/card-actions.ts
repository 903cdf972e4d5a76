/**
 * Action.Execute answers, for every feature's `app.adaptiveCards.actionExecute(...)`: the card
 * (or text) a handler returns goes back in the invoke response, to the person who pressed the
 * button, and nothing else happens on the way.
 *
 * The Teams AI library's own version answers a card that carries `refresh` by first replacing
 * the posted message for everyone (`updateActivity`, an HTTP call to the Bot Connector with
 * retries) and only then setting the invoke response, and from then on does so for every answer
 * of that verb. Every check-in submit waited on that call: seconds when the connector is slow,
 * until the invoke time limit when it is unreachable, and a failed update failed the whole
 * submit after it was saved. It also showed one person's view to a whole channel.
 *
 * Answering the interactor is what Universal Actions expect: the posted card keeps its own
 * `refresh`, so Teams fetches the current view (through the feature's refresh verb) wherever
 * the message is shown again; the answer keeps its `refresh` too. A feature that must change a
 * posted message for everyone does it through the outbox (`op: 'update'`), off the invoke.
 */
import {
  type AdaptiveCard,
  AdaptiveCards,
  type Application,
  type RouteSelector,
  type TurnState,
} from '@microsoft/teams-ai';
import { INVOKE_RESPONSE_KEY, type TurnContext } from 'botbuilder';
import { annotateCardVerb } from '../telemetry/http-spans.js';

export const ACTION_INVOKE_NAME = 'adaptiveCard/action';
const MESSAGE_RESPONSE = 'application/vnd.microsoft.activity.message';
const CARD_RESPONSE = 'application/vnd.microsoft.card.adaptive';

type Verb = string | RegExp | RouteSelector;

export class InteractorCardActions<TState extends TurnState> extends AdaptiveCards<TState> {
  constructor(private readonly application: Application<TState>) {
    super(application);
  }

  override actionExecute<TData = Record<string, unknown>>(
    verb: Verb | Verb[],
    handler: (context: TurnContext, state: TState, data: TData) => Promise<AdaptiveCard | string>,
  ): Application<TState> {
    for (const v of Array.isArray(verb) ? verb : [verb]) {
      this.application.addRoute(
        actionExecuteSelector(v),
        async (context, state) => {
          if (typeof v === 'string') annotateCardVerb(v);
          const value = context.activity.value as { action?: { data?: TData } } | undefined;
          const result = await handler(context, state, value?.action?.data ?? ({} as TData));
          // A handler may have answered itself (e.g. with an error message).
          if (context.turnState.get(INVOKE_RESPONSE_KEY)) return;
          const body =
            typeof result === 'string'
              ? { statusCode: 200, type: MESSAGE_RESPONSE, value: result }
              : { statusCode: 200, type: CARD_RESPONSE, value: result };
          await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
        },
        true,
      );
    }
    return this.application;
  }
}

function isActionExecute(context: TurnContext): boolean {
  const a = context.activity;
  return (
    a?.type === 'invoke' &&
    a.name === ACTION_INVOKE_NAME &&
    (a.value as { action?: { type?: unknown } } | undefined)?.action?.type === 'Action.Execute'
  );
}

function actionExecuteSelector(verb: Verb): RouteSelector {
  if (typeof verb === 'function') return verb;
  return async (context) => {
    if (!isActionExecute(context)) return false;
    const actual = (context.activity.value as { action?: { verb?: unknown } }).action?.verb;
    if (typeof actual !== 'string') return false;
    return verb instanceof RegExp ? verb.test(actual) : actual === verb;
  };
}
