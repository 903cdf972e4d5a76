/**
 * Onboarding: the welcome card on install, `help`, and linking a team channel to a cohort.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { Turn } from '../../feature-kit/turn.js';
import { can } from '../../domain/authorization.js';
import { currentCohort } from '../../domain/current-cohort.js';
import { formatDate } from '../../domain/placement-calendar.js';
import type { Services } from '../../services.js';
import { channelKey } from '../../storage/conversation-references-repository.js';
import type { Feature } from '../feature.js';
import { welcomeCardData } from './role-guide.js';

export const onboardingFeature: Feature = {
  name: 'onboarding',
  register(routes, services) {
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

    routes.botInstalled(async (turn) => {
      // A channel install may arrive without channelData.channel, so the scope decides, not the id.
      if (turn.scope === 'team') {
        await turn.send(
          "Hello everyone, I'm Placement Companion. A placement lead can type **link cohort** here to connect this channel to a cohort for announcements.",
        );
        return;
      }
      await sendWelcome(turn, services);
    });

    // Typed `help`: everything. On install: a short start with "Show all commands".
    routes.message(/^\s*help\s*$/i, async (turn) => sendWelcome(turn, services, { all: true }));
    routes.cardAction('help.show', async (turn) => welcomeCard(turn, services));

    routes.message(/^\s*link\s+cohort\s*$/i, async (turn) => {
      const result = await linkCohortCard(turn, services);
      await turn.send(typeof result === 'string' ? result : services.cards.render('link-cohort', result));
    });
    routes.cardAction('cohort.link', async (turn, data) => linkCohort(turn, services, data));
  },
};

/** "Show all commands": the same welcome, now with every command the person can use here. */
function welcomeCard(turn: Turn, services: Services) {
  const person = turn.person;
  const commands = services.commands.for(person.roles, turn.scope);
  return services.cards.render('welcome', welcomeCardData(person, commands, { all: true }));
}

async function sendWelcome(turn: Turn, services: Services, options: { all?: boolean } = {}) {
  const person = turn.person;
  const commands = services.commands.for(person.roles, turn.scope);
  await turn.send(services.cards.render('welcome', welcomeCardData(person, commands, options)));
}

const LEAD_ONLY = 'Only a placement lead or an administrator can link a channel to a cohort.';
const OWN_COHORT_ONLY = 'You can only link a channel to a cohort you lead.';

function channelOf(turn: Turn) {
  if (turn.teamsChannelId === null) return null;
  return { channelId: turn.teamsChannelId, teamId: turn.teamsTeamId };
}

async function linkCohortCard(turn: Turn, services: Services) {
  const { person, tenantId } = turn;
  if (!person.roles.some((r) => r === 'lead' || r === 'admin')) return LEAD_ONLY;
  const channel = channelOf(turn);
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
    // The channel's cohort, else the lead's current one (running, else next, else latest ended).
    selected: linked?._id ?? (currentCohort(cohorts, services.clock.now()) ?? cohorts[0])._id,
    error: '',
  };
}

async function linkCohort(turn: Turn, services: Services, data: unknown): Promise<string | AdaptiveCard> {
  const { person, tenantId } = turn;
  const now = services.clock.now();
  if (!person.roles.some((r) => r === 'lead' || r === 'admin')) {
    await services.audit.record(
      tenantId,
      { actorId: person._id, action: 'cohort.link', outcome: 'refused' },
      now,
    );
    return LEAD_ONLY;
  }
  const channel = channelOf(turn);
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
      serviceUrl: turn.address.serviceUrl,
    },
    now,
  );
  await services.references.save(
    tenantId,
    channelKey(channel.channelId),
    'channel',
    null,
    {
      bot: turn.address.bot,
      channelId: turn.address.channelId,
      serviceUrl: turn.address.serviceUrl,
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
