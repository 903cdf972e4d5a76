/**
 * Who is this? Teams users are matched to imported people by AAD object id, then by the
 * Teams user id we linked before, then by the email/UPN that the Teams member lookup
 * returns. Unknown people get no data stored.
 */
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Clock } from '../clock.js';
import { assertTenantId } from '../domain/tenant-id.js';
import type { Logger } from '../logger.js';
import type { PeopleRepository, PersonDoc } from '../storage/people-repository.js';

export function tenantOf(context: TurnContext, fallback: string): string {
  const activity = context.activity;
  const fromConversation = activity.conversation?.tenantId;
  const fromChannelData = (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
  const tenantId = fromConversation || fromChannelData || fallback;
  return assertTenantId(tenantId, 'activity tenant id');
}

export class IdentityResolver {
  constructor(
    private readonly people: PeopleRepository,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async resolve(context: TurnContext, tenantId: string): Promise<PersonDoc | null> {
    const from = context.activity.from;
    if (!from?.id || typeof from.id !== 'string') return null;
    const aadObjectId = typeof from.aadObjectId === 'string' ? from.aadObjectId : undefined;

    const linked =
      (aadObjectId ? await this.people.byAadObjectId(tenantId, aadObjectId) : null) ??
      (await this.people.byTeamsUserId(tenantId, from.id));
    if (linked) {
      if (linked.teamsUserId !== from.id || (aadObjectId && linked.aadObjectId !== aadObjectId)) {
        return this.people.linkTeamsIdentity(
          tenantId,
          linked._id,
          { teamsUserId: from.id, aadObjectId },
          this.clock.now(),
        );
      }
      return linked;
    }

    const email = await this.lookUpEmail(context, from.id);
    if (!email) return null;
    const person = await this.people.byEmail(tenantId, email);
    if (!person) return null;
    this.logger.info({ personId: person._id }, 'identity: linked Teams user to imported person');
    return this.people.linkTeamsIdentity(
      tenantId,
      person._id,
      { teamsUserId: from.id, aadObjectId },
      this.clock.now(),
    );
  }

  private async lookUpEmail(context: TurnContext, userId: string): Promise<string | null> {
    if (context.activity.channelId !== 'msteams') return null;
    try {
      const member = await TeamsInfo.getMember(context, userId);
      const email = member.email || member.userPrincipalName;
      return typeof email === 'string' && email.includes('@') ? email.toLowerCase() : null;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'identity: Teams member lookup failed');
      return null;
    }
  }
}
