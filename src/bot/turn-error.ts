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
    // Unreachable database only: a duplicate key or a validation error is not "down".
    const databaseDown =
      /MongoServerSelection|MongoNetwork|MongoNotConnected|MongoTopologyClosed|PoolCleared|ECONNREFUSED|server selection|topology|connection \d+ to .* closed/i.test(
        `${error?.name} ${error?.message}`,
      );
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
