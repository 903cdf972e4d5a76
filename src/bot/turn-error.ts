/**
 * The one onTurnError: log with the activity id, tell the person something short and true,
 * never a stack trace.
 */
import { INVOKE_RESPONSE_KEY, type TurnContext } from 'botbuilder';
import type { Logger } from '../logger.js';

export const TURN_ERROR_MESSAGE =
  "Sorry, something went wrong on my side and I couldn't finish that. Nothing you sent was lost; please try again in a minute.";

export const DATABASE_DOWN_MESSAGE =
  "Sorry, I can't reach my records just now, so I couldn't do that. Please try again in a few minutes.";

/**
 * Whether a turn failed because the database cannot be reached. A duplicate key or a
 * validation error is not "down", and neither is a refused connection to anything else (the
 * Bot Connector, a file download): a bare ECONNREFUSED counts only from the Mongo driver.
 */
export function isDatabaseUnreachable(error: Error | undefined): boolean {
  const name = error?.name ?? '';
  const message = error?.message ?? '';
  if (/MongoServerSelection|MongoNetwork|MongoNotConnected|MongoTopologyClosed|PoolCleared/i.test(name))
    return true;
  if (!name.startsWith('Mongo')) return false;
  return /ECONNREFUSED|server selection|topology|connection \d+ to .* closed|PoolCleared/i.test(message);
}

export function createTurnErrorHandler(logger: Logger) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    const activity = context.activity;
    logger.error(
      {
        activityId: activity?.id,
        type: activity?.type,
        name: activity?.name,
        err: error?.name,
        message: error?.message,
      },
      'turn failed',
    );
    const databaseDown = isDatabaseUnreachable(error);
    const text = databaseDown ? DATABASE_DOWN_MESSAGE : TURN_ERROR_MESSAGE;
    try {
      if (activity?.type === 'invoke') {
        if (context.turnState.get(INVOKE_RESPONSE_KEY)) return;
        await context.sendActivity({
          type: 'invokeResponse',
          value: {
            status: 200,
            body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text },
          },
        });
      } else {
        await context.sendActivity(text);
      }
    } catch (sendError) {
      logger.error(
        { activityId: activity?.id, err: (sendError as Error).message },
        'could not tell the user about the failure',
      );
    }
  };
}
