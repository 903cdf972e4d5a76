/**
 * Onboarding: the welcome card on install, `help`, and linking a team channel to a cohort.
 */
import type { TurnContext } from 'botbuilder';
import type { AdaptiveCard } from '../../bot/cards.js';
import { scopeOf } from '../../bot/commands.js';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import { can } from '../../domain/authorization.js';
import { formatDate } from '../../domain/placement-calendar.js';
import type { Services } from '../../services.js';
import { channelKey } from '../../storage/conversation-references-repository.js';
import type { Feature } from '../feature.js';
import { welcomeCardData } from './role-guide.js';

export const onboardingFeature: Feature = {
  name: 'onboarding',
  register(app, services) {
    services.commands.add({
      command: 'help',
      description: 'What I can do for you',
      roles: 'any',
      scopes: ['personal', 'team', 'groupChat'],
    });
    services.commands.add({
      command: 'link cohort',
      description: 'Link this channel to a cohort, for announcements and the dashboard',
      roles: ['lead', 'admin'],
      scopes: ['team'],
    });

    app.conversationUpdate('membersAdded', async (context) => {
      const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient?.id);
      if (!botAdded) return;
      if (context.activity.conversation?.conversationType === 'channel') {
        await context.sendActivity(
          "Hello everyone, I'm Placement Companion. A placement lead can type **link cohort** here to connect this channel to a cohort for announcements.",
        );
        return;
      }
      await sendWelcome(context, services);
    });

    // Typed `help`: everything. On install: a short start with "Show all commands".
    app.message(/^\s*help\s*$/i, async (context) => sendWelcome(context, services, { all: true }));
    app.adaptiveCards.actionExecute('help.show', async (context) => welcomeCard(context, services));

    app.message(/^\s*link\s+cohort\s*$/i, async (context) => {
      const result = await linkCohortCard(context, services);
      if (typeof result === 'string') await context.sendActivity(result);
      else await context.sendActivity({ attachments: [services.cards.attachment('link-cohort', result)] });
    });
    app.adaptiveCards.actionExecute('cohort.link', async (context, _state, data) =>
      linkCohort(context, services, data),
    );
  },
};

/** "Show all commands": the same welcome, now with every command the person can use here. */
function welcomeCard(context: TurnContext, services: Services) {
  const person = turnPerson(context);
  const commands = services.commands.for(
    person.roles,
    scopeOf(context.activity.conversation?.conversationType),
  );
  return services.cards.render('welcome', welcomeCardData(person, commands, { all: true }));
}

async function sendWelcome(context: TurnContext, services: Services, options: { all?: boolean } = {}) {
  const person = turnPerson(context);
  const commands = services.commands.for(
    person.roles,
    scopeOf(context.activity.conversation?.conversationType),
  );
  await context.sendActivity({
    attachments: [services.cards.attachment('welcome', welcomeCardData(person, commands, options))],
  });
}

const LEAD_ONLY = 'Only a placement lead or an administrator can link a channel to a cohort.';
const OWN_COHORT_ONLY = 'You can only link a channel to a cohort you lead.';

function channelOf(context: TurnContext) {
  const channelData = context.activity.channelData as
    { channel?: { id?: unknown }; team?: { id?: unknown } } | undefined;
  const channelId = channelData?.channel?.id;
  const teamId = channelData?.team?.id;
  if (context.activity.conversation?.conversationType !== 'channel' || typeof channelId !== 'string')
    return null;
  return { channelId, teamId: typeof teamId === 'string' ? teamId : null };
}

async function linkCohortCard(context: TurnContext, services: Services) {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  if (!person.roles.some((r) => r === 'lead' || r === 'admin')) return LEAD_ONLY;
  const channel = channelOf(context);
  if (!channel) return 'Please type **link cohort** in the team channel you want to link.';
  const all = await services.cohorts.all(tenantId);
  if (all.length === 0)
    return 'There are no cohorts yet. An administrator needs to import the placement roster first.';
  const cohorts = all.filter((c) => can(person, 'cohort.link', { cohortId: c._id }));
  if (cohorts.length === 0) return OWN_COHORT_ONLY;
  const linked = cohorts.find((c) => c.teamsChannelId === channel.channelId);
  return {
    linkedName: linked?.name ?? '',
    choices: cohorts.map((c) => ({
      title: `${c.name} (starts ${formatDate(c.startDate)}, ${c.weeks} weeks)`,
      value: c._id,
    })),
    selected: linked?._id ?? cohorts[0]._id,
    error: '',
  };
}

async function linkCohort(
  context: TurnContext,
  services: Services,
  data: unknown,
): Promise<string | AdaptiveCard> {
  const person = turnPerson(context);
  const tenantId = turnTenantId(context);
  const now = services.clock.now();
  if (!person.roles.some((r) => r === 'lead' || r === 'admin')) {
    await services.audit.record(
      tenantId,
      { actorId: person._id, action: 'cohort.link', outcome: 'refused' },
      now,
    );
    return LEAD_ONLY;
  }
  const channel = channelOf(context);
  if (!channel) return 'Please link a cohort from inside the team channel.';
  const cohortId = (data as { cohortId?: unknown } | null)?.cohortId;
  const cohort = typeof cohortId === 'string' ? await services.cohorts.byId(tenantId, cohortId) : null;
  if (!cohort)
    return 'I could not find that cohort. Please type **link cohort** again and pick one from the list.';
  if (!can(person, 'cohort.link', { cohortId: cohort._id })) {
    await services.audit.record(
      tenantId,
      { actorId: person._id, action: 'cohort.link', targetId: cohort._id, outcome: 'refused' },
      now,
    );
    return OWN_COHORT_ONLY;
  }
  await services.cohorts.linkChannel(
    tenantId,
    cohort._id,
    {
      teamsChannelId: channel.channelId,
      teamsTeamId: channel.teamId,
      serviceUrl: context.activity.serviceUrl,
    },
    now,
  );
  await services.references.save(
    tenantId,
    channelKey(channel.channelId),
    'channel',
    null,
    {
      bot: context.activity.recipient,
      channelId: context.activity.channelId,
      serviceUrl: context.activity.serviceUrl,
      conversation: { id: channel.channelId, conversationType: 'channel', isGroup: true, tenantId, name: '' },
    },
    now,
  );
  await services.audit.record(
    tenantId,
    { actorId: person._id, action: 'cohort.link', targetId: cohort._id },
    now,
  );
  return services.cards.render('notice', {
    title: 'Channel linked',
    message: `This channel is now linked to ${cohort.name}. Announcements for the cohort will be posted here.`,
  });
}
