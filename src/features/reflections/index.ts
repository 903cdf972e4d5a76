/**
 * Reflections: routes only. Guided reflection, sharing with supervisors and fellow students,
 * feedback, "my journey", scheduled prompts, the reflective workshop, and the learning-journey
 * export behind a short-lived signed link (the use cases are reflection-service.ts's modules).
 */
import type { Server } from 'restify';
import { ReflectionTopicId } from '../../domain/catalogues.js';
import { cardData } from '../../feature-kit/card-input.js';
import type { Reply, Turn } from '../../feature-kit/turn.js';
import type { Services } from '../../services.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { Feature } from '../feature.js';
import { newNonce } from './reflection-deps.js';

export { ReflectionService } from './reflection-service.js';

/** How often the prompt planner looks ahead (it plans today and tomorrow). */
export const PLANNER_EVERY_MS = 60 * 60 * 1000;

export const reflectionsFeature: Feature = {
  name: 'reflections',
  register(routes, services) {
    const add = (
      command: string,
      description: string,
      roles: ('student' | 'supervisor' | 'lead' | 'admin')[],
    ) => services.commands.add({ command, description, roles, scopes: ['personal'] });
    add('reflect', 'Write a guided reflection, or continue your draft', ['student']);
    add('my reflections', 'Read, share, edit or delete your reflections', ['student']);
    add('my journey', 'Your reflections by pillar and HCPC standard, and the gaps', ['student']);
    add('export my journey', 'Your learning journey as a printable document and CSV', ['student']);
    add(
      'share my journey with <email>',
      'A read-only copy of your journey for an assessor, until you stop it',
      ['student'],
    );
    add('presentation starter', 'A PowerPoint of your journey to edit for your final presentation', [
      'student',
    ]);
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

    const r = services.reflections;
    const on = (pattern: RegExp, handler: (turn: Turn, match: RegExpMatchArray) => Promise<Reply>) =>
      routes.message(pattern, async (turn) => {
        const text = turn.text.replace(/<[^>]*>/g, ' ');
        await turn.send(await handler(turn, text.match(pattern) ?? ([] as unknown as RegExpMatchArray)));
      });
    on(/^\s*reflect\s*$/i, (t) => r.write.startCard(t.tenantId, t.person));
    on(/^\s*my\s+reflections\s*$/i, (t) => r.view.listCard(t.tenantId, t.person));
    on(/^\s*my\s+journey\s*$/i, (t) => r.journey.journeyCard(t.tenantId, t.person));
    on(/^\s*export\s+(my\s+)?(learning\s+)?journey\s*$/i, (t) => r.export.exportCard(t.tenantId, t.person));
    on(/^\s*export\s+journey\s+(?:of\s+)?([^\s@]+@[^\s@]+)\s*$/i, (t, m) =>
      r.export.exportCard(t.tenantId, t.person, { email: m[1]!.trim() }),
    );
    on(/^\s*share\s+(?:my\s+)?(?:learning\s+)?journey\s+with\s+([^\s@]+@[^\s@]+)\s*$/i, (t, m) =>
      r.shares.share(t.tenantId, t.person, { nonce: newNonce(), assessorEmail: m[1]!.trim() }),
    );
    on(/^\s*(?:presentation\s+starter|make\s+my\s+slides)\s*$/i, (t) =>
      r.slides.slidesCard(t.tenantId, t.person),
    );
    on(/^\s*shared\s+reflections\s*$/i, (t) => r.view.sharedListCard(t.tenantId, t.person));
    on(/^\s*reflection\s+prompts\s*$/i, (t) => r.schedule.scheduleCard(t.tenantId, t.person));
    on(/^\s*peer\s+reflections\s*$/i, (t) => r.peerReplies.peerListCard(t.tenantId, t.person));
    on(/^\s*reflective\s+workshop\s*$/i, (t) =>
      r.workshop.workshopComposeCard(t.tenantId, t.person, { channelId: t.teamsChannelId }),
    );

    const verb = (
      name: string,
      handler: (tenantId: string, person: PersonDoc, data: unknown) => Promise<Reply>,
    ) => routes.cardAction(name, (turn, data) => handler(turn.tenantId, turn.person, data));
    verb('reflection.new', (t, p, d) => r.write.startCard(t, p, { topic: pickTopic(d) }));
    verb('reflection.start', (t, p, d) => r.write.start(t, p, d));
    verb('reflection.continue', (t, p, d) => r.write.continueDraft(t, p, d));
    verb('reflection.discard', (t, p, d) => r.write.discardDraft(t, p, d));
    verb('reflection.step', (t, p, d) => r.write.step(t, p, d));
    verb('reflection.finish', (t, p, d) => r.write.finish(t, p, d));
    verb('reflection.coach', (t, p, d) => r.coaching.feedback(t, p, d));
    verb('reflection.coach.accept', (t, p, d) => r.coaching.accept(t, p, d));
    verb('reflection.view', (t, p, d) => r.view.view(t, p, d));
    verb('reflection.share', (t, p, d) => r.sharing.share(t, p, d));
    verb('reflection.edit', (t, p, d) => r.write.edit(t, p, d));
    verb('reflection.delete', (t, p, d) => r.deleting.delete(t, p, d));
    verb('reflection.feedback', (t, p, d) => r.feedback.feedback(t, p, d));
    verb('reflection.list', (t, p) => r.view.listCard(t, p));
    verb('journey.show', (t, p) => r.journey.journeyCard(t, p));
    verb('journey.export', (t, p, d) => {
      const { studentId, includeCheckins } = cardData(d) as {
        studentId?: unknown;
        includeCheckins?: unknown;
      };
      return studentId === undefined || studentId === p._id
        ? r.export.exportCard(t, p, {}, { includeCheckins: includeCheckins === 'true' })
        : r.export.exportCard(t, p, { studentId });
    });
    verb('journey.share', (t, p, d) => r.shares.share(t, p, d));
    verb('journey.slides', (t, p, d) => r.slides.makeSlides(t, p, d));
    verb('journey.share.revoke', (t, p, d) => r.shares.revoke(t, p, d));
    verb('reflection.schedule', (t, p, d) => r.schedule.setSchedule(t, p, d));
    verb('reflection.peer.share', (t, p, d) => r.peerSharing.peerShare(t, p, d));
    verb('reflection.peer.view', (t, p, d) => r.peerReplies.peerView(t, p, d));
    verb('reflection.peer.reply', (t, p, d) => r.peerReplies.peerReply(t, p, d));
    routes.cardAction('reflection.workshop.post', (turn, data) =>
      r.workshop.postWorkshop(turn.tenantId, turn.person, data, turn.address),
    );
    verb('reflection.workshop.reply', (t, p, d) => r.workshop.replyToWorkshop(t, p, d));

    services.scheduler.every('reflections.plan', PLANNER_EVERY_MS, async ({ now }) => {
      await r.schedule.planPrompts(now);
    });
    services.scheduler.define('reflections.prompt', async (job) => {
      const { cohortId, date } = job.payload as { cohortId?: unknown; date?: unknown };
      if (!job.tenantId || !job.personId || typeof cohortId !== 'string' || typeof date !== 'string') return;
      await r.schedule.runPromptJob(job.tenantId, job.personId, cohortId, date);
    });
  },

  registerHttp(server: Server, services: Services) {
    // A wildcard, not `:token`: the router caps named parameters at 100 characters.
    server.get('/exports/*', async (req, res) => {
      const result = await services.reflections.export.openExport(
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

function pickTopic(data: unknown): ReflectionTopicId | undefined {
  const parsed = ReflectionTopicId.safeParse(cardData(data).topic);
  return parsed.success ? parsed.data : undefined;
}
