/**
 * `presentation starter`: the student picks 3 to 5 of their reflections and gets a signed link
 * (15 minutes, reusable until then) to a PowerPoint of their journey (presentation-starter.ts),
 * built when the link is opened. The student's own journey only ('journey.export.self').
 */
import { z } from 'zod';
import { can } from '../../domain/authorization.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { createExportToken, EXPORT_LINK_TTL_MS } from './export-links.js';
import { MAX_PICKS, MIN_PICKS } from './presentation-starter.js';
import { hash, titleOf, zoneOf, type ReflectionDeps } from './reflection-deps.js';
import { parseInput } from './reflection-input.js';

type SlidesDeps = Pick<ReflectionDeps, 'config' | 'clock' | 'cards' | 'audit' | 'repo'>;

const picksInput = z.object({
  picks: z
    .union([z.string().max(500), z.array(z.string().max(40)).max(50)])
    .optional()
    .transform((v) =>
      v === undefined
        ? []
        : [...new Set((Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))],
    ),
});

export const PICK_MESSAGE = `Pick ${MIN_PICKS} to ${MAX_PICKS} of your reflections.`;

export class JourneySlides {
  constructor(private readonly deps: SlidesDeps) {}

  /** The card: the student's reflections to pick from, and the link once made. */
  async slidesCard(
    tenantId: string,
    person: PersonDoc,
    state: { picks?: string[]; error?: string; notice?: string; url?: string } = {},
  ): Promise<Reply> {
    if (!can(person, 'journey.export.self', { studentId: person._id }))
      return 'The presentation starter is for students on placement. Type **help** to see what I can do for you.';
    const zone = zoneOf(this.deps, person);
    const reflections = (await this.deps.repo.reflectionsOf(tenantId, person._id)).sort(
      (a, b) => b.createdAt.getTime() - a.createdAt.getTime(),
    );
    if (reflections.length < MIN_PICKS)
      return `The presentation starter needs at least ${MIN_PICKS} reflections to choose from; you have ${reflections.length} so far. Type **reflect** to write one.`;
    return this.deps.cards.render('journey-slides', {
      notice: state.notice ?? '',
      error: state.error ?? '',
      picks: (state.picks ?? []).join(','),
      choices: reflections.slice(0, 40).map((r) => ({ title: titleOf(r, zone), value: hash(r._id) })),
      url: state.url ?? '',
    });
  }

  /** journey.slides: check the picks, then the card with the link to the deck. */
  async makeSlides(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const now = this.deps.clock.now();
    if (!can(person, 'journey.export.self', { studentId: person._id }))
      return this.slidesCard(tenantId, person);
    const parsed = parseInput(picksInput, data);
    const own = new Set((await this.deps.repo.reflectionsOf(tenantId, person._id)).map((r) => hash(r._id)));
    const picks = parsed.ok ? parsed.value.picks.filter((k) => own.has(k)) : [];
    if (picks.length < MIN_PICKS || picks.length > MAX_PICKS)
      return this.slidesCard(tenantId, person, { picks, error: PICK_MESSAGE });
    const base = this.deps.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    const { token } = createExportToken(this.deps.config.EXPORT_LINK_SECRET, {
      tenantId,
      requesterId: person._id,
      subjectId: person._id,
      format: 'pptx',
      now,
      picks,
    });
    await this.deps.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'journey.slides',
        targetId: person._id,
        details: { picks: picks.length },
      },
      now,
    );
    const until = new Intl.DateTimeFormat('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: zoneOf(this.deps, person),
    }).format(new Date(now.getTime() + EXPORT_LINK_TTL_MS));
    return this.slidesCard(tenantId, person, {
      picks,
      notice: `Your slides are ready. The link works until ${until}; you can open it again until then.`,
      url: `${base}/exports/${token}`,
    });
  }
}
