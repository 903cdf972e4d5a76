/**
 * The cohort's channel link has one source of truth: `cohort.teamsChannelId` (set by
 * `link cohort` in the channel, or by `teams_channel_id` in an imported roster), which is
 * also what the channel's `link cohort` card shows as "Currently linked". A proactive post
 * needs a conversation reference as well: when the link came from a roster import there is
 * none yet, so one is made from the cohort's (or the current turn's) Bot Connector address.
 */
import { channelKey, type ConversationReferencesRepository } from '../../storage/conversation-references-repository.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';

export interface TurnAddress {
  serviceUrl?: string | null;
  bot?: { id: string; name?: string } | null;
}

/** The channel's outbox key when the cohort is linked to a channel a post can reach; else null. */
export async function ensureChannelReference(
  references: Pick<ConversationReferencesRepository, 'get' | 'save'>,
  tenantId: string,
  cohort: Pick<CohortDoc, 'teamsChannelId' | 'serviceUrl'>,
  turn: TurnAddress,
  now: Date,
): Promise<string | null> {
  if (!cohort.teamsChannelId) return null;
  const key = channelKey(cohort.teamsChannelId);
  if (await references.get(tenantId, key)) return key;
  const serviceUrl = cohort.serviceUrl || turn.serviceUrl;
  if (!serviceUrl) return null;
  await references.save(
    tenantId,
    key,
    'channel',
    null,
    {
      ...(turn.bot ? { bot: { id: turn.bot.id, name: turn.bot.name ?? '' } } : {}),
      channelId: 'msteams',
      serviceUrl,
      conversation: { id: cohort.teamsChannelId, conversationType: 'channel', isGroup: true, tenantId, name: '' },
    },
    now,
  );
  return key;
}
