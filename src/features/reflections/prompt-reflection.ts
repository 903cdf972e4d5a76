/**
 * "Reflect now" cards sent through the outbox, with the topic preselected: offered to other
 * features (after a 20-minute conversation, after an event) as the ReflectionPrompter port.
 */
import { labelOf, REFLECTION_TOPICS } from '../../domain/catalogues.js';
import type { ReflectionPromptOptions, ReflectionPrompter } from './ports.js';
import { startCardData } from './reflection-cards.js';
import { isStudent, zoneOf, type ReflectionDeps } from './reflection-deps.js';

export class PromptReflection implements ReflectionPrompter {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'config' | 'clock' | 'cards' | 'people' | 'outbox' | 'repo'>,
  ) {}

  /**
   * Sends the person the start card, `linkId` kept on the reflection. False when this prompt was
   * already sent (same person, topic and link, or the same `dedupeKey`) or the person is not a student.
   */
  async promptReflection(
    tenantId: string,
    personId: string,
    options: ReflectionPromptOptions,
  ): Promise<boolean> {
    const person = await this.deps.people.byId(tenantId, personId);
    if (!person || !isStudent(person)) return false;
    const key = options.dedupeKey ?? `reflection.prompt|${personId}|${options.topic}|${options.linkId ?? ''}`;
    const flowId = `p${Buffer.from(key).toString('base64url').slice(-40)}`.replace(/[^A-Za-z0-9_-]/g, '');
    const drafts = await this.deps.repo.draftsOf(tenantId, person._id);
    const data = startCardData(drafts, zoneOf(this.deps, person), {
      flowId,
      topic: options.topic,
      linkId: options.linkId ?? null,
      intro:
        options.message ??
        `Take five minutes to reflect on your ${labelOf(REFLECTION_TOPICS, options.topic)!.toLowerCase()} while it is fresh.`,
    });
    const inserted = await this.deps.outbox.enqueue(
      tenantId,
      [
        {
          dedupeKey: key,
          purpose: 'reflection.prompt',
          target: { kind: 'person', personId },
          activity: this.deps.cards.activity('reflect-start', data, 'Time to reflect'),
        },
      ],
      this.deps.clock.now(),
    );
    return inserted > 0;
  }
}
