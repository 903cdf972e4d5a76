/**
 * Reflections: guided reflection (Gibbs, What? So what? Now what?, free form) tagged to HCPC
 * standards and the four pillars, sharing with supervisors and their feedback, "my journey",
 * scheduled prompts, and the learning-journey export behind a short-lived signed link.
 */
import type { TurnContext } from 'botbuilder';
import type { Server } from 'restify';
import { turnPerson, turnTenantId } from '../../bot/turn-person.js';
import { ReflectionTopicId } from '../../domain/catalogues.js';
import type { Services } from '../../services.js';
import type { Feature } from '../feature.js';
import type { CardResult, ReflectionService } from './reflection-service.js';

export { ReflectionService } from './reflection-service.js';

/** How often the prompt planner looks ahead (it plans today and tomorrow). */
export const PLANNER_EVERY_MS = 60 * 60 * 1000;

function service(services: Services): ReflectionService {
  return services.reflections;
}

async function reply(context: TurnContext, services: Services, result: CardResult) {
  if (typeof result === 'string') await context.sendActivity(result);
  else
    await context.sendActivity({
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: result }],
    });
}

const caller = (context: TurnContext) => ({ tenantId: turnTenantId(context), person: turnPerson(context) });

export const reflectionsFeature: Feature = {
  name: 'reflections',
  registerOnApp(app, services) {
    const peers = services as unknown as { checkins?: unknown; conversations?: unknown; projects?: unknown; events?: unknown };
    services.reflections.attachPeers({
      checkins: peers.checkins,
      conversations: peers.conversations,
      projects: peers.projects,
      events: peers.events,
    });
    const add = (
      command: string,
      description: string,
      roles: ('student' | 'supervisor' | 'lead' | 'admin')[],
    ) => services.commands.add({ command, description, roles, scopes: ['personal'] });
    add('reflect', 'Write a guided reflection, or continue your draft', ['student']);
    add('my reflections', 'Read, share, edit or delete your reflections', ['student']);
    add('my journey', 'Your reflections by pillar and HCPC standard, and the gaps', ['student']);
    add('export my journey', 'Your learning journey as a printable document and CSV', ['student']);
    add('shared reflections', 'Reflections your students shared with you', ['supervisor']);
    add('export journey <student email>', 'What a student you supervise has shared, as a document', [
      'supervisor',
    ]);
    add('reflection prompts', 'Choose which placement days end with a reflection prompt', ['lead', 'admin']);
    add('peer reflections', 'Reflections fellow students shared with you (your project team or cohort)', [
      'student',
    ]);
    services.commands.add({
      command: 'reflective workshop',
      description:
        "Post a reflection prompt to the cohort's channel; replies become students' own reflections",
      roles: ['lead', 'admin'],
      scopes: ['personal', 'team'],
    });

    const on = (
      pattern: RegExp,
      handler: (context: TurnContext, match: RegExpMatchArray) => Promise<CardResult>,
    ) =>
      app.message(pattern, async (context) => {
        const text = (context.activity.text ?? '').replace(/<[^>]*>/g, ' ');
        await reply(
          context,
          services,
          await handler(context, text.match(pattern) ?? ([] as unknown as RegExpMatchArray)),
        );
      });
    const r = () => service(services);

    on(/^\s*reflect\s*$/i, (c) => r().startCard(caller(c).tenantId, caller(c).person));
    on(/^\s*my\s+reflections\s*$/i, (c) => r().listCard(caller(c).tenantId, caller(c).person));
    on(/^\s*my\s+journey\s*$/i, (c) => r().journeyCard(caller(c).tenantId, caller(c).person));
    on(/^\s*export\s+(my\s+)?(learning\s+)?journey\s*$/i, (c) =>
      r().exportCard(caller(c).tenantId, caller(c).person),
    );
    on(/^\s*export\s+journey\s+(?:of\s+)?([^\s@]+@[^\s@]+)\s*$/i, (c, m) =>
      r().exportCard(caller(c).tenantId, caller(c).person, { email: m[1]!.trim() }),
    );
    on(/^\s*shared\s+reflections\s*$/i, (c) => r().sharedListCard(caller(c).tenantId, caller(c).person));
    on(/^\s*reflection\s+prompts\s*$/i, (c) => r().scheduleCard(caller(c).tenantId, caller(c).person));
    on(/^\s*peer\s+reflections\s*$/i, (c) => r().peerListCard(caller(c).tenantId, caller(c).person));
    on(/^\s*reflective\s+workshop\s*$/i, (c) =>
      r().peer.workshopComposeCard(caller(c).tenantId, caller(c).person, { channelId: channelOf(c) }),
    );

    const verb = (
      name: string,
      handler: (
        tenantId: string,
        person: ReturnType<typeof turnPerson>,
        data: unknown,
      ) => Promise<CardResult>,
    ) =>
      app.adaptiveCards.actionExecute(name, async (context, _state, data) => {
        const { tenantId, person } = caller(context);
        return handler(tenantId, person, data);
      });
    verb('reflection.new', (t, p, d) => r().startCard(t, p, { topic: pickTopic(d) }));
    verb('reflection.start', (t, p, d) => r().start(t, p, d));
    verb('reflection.continue', (t, p, d) => r().continueDraft(t, p, d));
    verb('reflection.discard', (t, p, d) => r().discardDraft(t, p, d));
    verb('reflection.step', (t, p, d) => r().step(t, p, d));
    verb('reflection.finish', (t, p, d) => r().finish(t, p, d));
    verb('reflection.view', (t, p, d) => r().view(t, p, d));
    verb('reflection.share', (t, p, d) => r().share(t, p, d));
    verb('reflection.edit', (t, p, d) => r().edit(t, p, d));
    verb('reflection.delete', (t, p, d) => r().delete(t, p, d));
    verb('reflection.feedback', (t, p, d) => r().feedback(t, p, d));
    verb('reflection.list', (t, p) => r().listCard(t, p));
    verb('journey.show', (t, p) => r().journeyCard(t, p));
    verb('journey.export', (t, p, d) => {
      const studentId = (d as { studentId?: unknown } | null)?.studentId;
      return r().exportCard(t, p, studentId === undefined || studentId === p._id ? {} : { studentId });
    });
    verb('reflection.schedule', (t, p, d) => r().setSchedule(t, p, d));
    verb('reflection.peer.share', (t, p, d) => r().peerShare(t, p, d));
    verb('reflection.peer.view', (t, p, d) => r().peerView(t, p, d));
    verb('reflection.peer.reply', (t, p, d) => r().peerReply(t, p, d));
    verb('reflection.workshop.post', (t, p, d) => r().peer.postWorkshop(t, p, d));
    verb('reflection.workshop.reply', (t, p, d) => r().peer.replyToWorkshop(t, p, d));

    services.scheduler.every('reflections.plan', PLANNER_EVERY_MS, async ({ now }) => {
      await r().planPrompts(now);
    });
    services.scheduler.define('reflections.prompt', async (job) => {
      const { cohortId, date } = job.payload as { cohortId?: unknown; date?: unknown };
      if (!job.tenantId || !job.personId || typeof cohortId !== 'string' || typeof date !== 'string') return;
      await r().runPromptJob(job.tenantId, job.personId, cohortId, date);
    });
  },

  registerHttp(server: Server, services: Services) {
    // A wildcard, not `:token`: the router caps named parameters at 100 characters.
    server.get('/exports/*', async (req, res) => {
      const result = await service(services).openExport(
        (req.params as Record<string, unknown> | undefined)?.['*'],
      );
      const headers: Record<string, string> = {
        'Content-Type': result.contentType,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'X-Robots-Tag': 'noindex',
        'Content-Security-Policy':
          "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      };
      if (result.filename) headers['Content-Disposition'] = `attachment; filename="${result.filename}"`;
      res.writeHead(result.status, headers);
      res.end(result.body);
    });
  },
};

/** The Teams channel a message came from, or null (personal chat). */
function channelOf(context: TurnContext): string | null {
  const id = (context.activity.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id;
  return context.activity.conversation?.conversationType === 'channel' && typeof id === 'string' ? id : null;
}

function pickTopic(data: unknown): ReflectionTopicId | undefined {
  const parsed = ReflectionTopicId.safeParse((data as { topic?: unknown } | null)?.topic);
  return parsed.success ? parsed.data : undefined;
}
