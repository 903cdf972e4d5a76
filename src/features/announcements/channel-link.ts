/**
 * The cohort's channel link has one source of truth: `cohort.teamsChannelId` (set by
 * `link cohort` in the channel, or by `teams_channel_id` in an imported roster), which is
 * also what the channel's `link cohort` card shows as "Currently linked". A proactive post
 * needs a conversation reference as well: when the link came from a roster import there is
 * none yet, so one is made from the cohort's (or the current turn's) Bot Connector address
 * (ConversationReferencesRepository.ensureChannel, shared with the reflective workshop).
 */
import type { ConversationReferencesRepository } from '../../storage/conversation-references-repository.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';

export interface TurnAddress {
  serviceUrl?: string | null;
  bot?: { id: string; name?: string } | null;
}

/** The channel's outbox key when the cohort is linked to a channel a post can reach; else null. */
export async function ensureChannelReference(
  references: Pick<ConversationReferencesRepository, 'ensureChannel'>,
  tenantId: string,
  cohort: Pick<CohortDoc, 'teamsChannelId' | 'serviceUrl'>,
  turn: TurnAddress,
  now: Date,
): Promise<string | null> {
  if (!cohort.teamsChannelId) return null;
  return references.ensureChannel(
    tenantId,
    cohort.teamsChannelId,
    { serviceUrl: cohort.serviceUrl || turn.serviceUrl, bot: turn.bot },
    now,
  );
}
