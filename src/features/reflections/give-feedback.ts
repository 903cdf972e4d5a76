/**
 * A supervisor's written feedback on a reflection shared with them: stored once per card nonce,
 * and the student is told.
 */
import { can } from '../../domain/authorization.js';
import { cardData } from '../../feature-kit/card-input.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ReflectionAccess } from './reflection-access.js';
import { listCardData } from './reflection-cards.js';
import { titleOf, zoneOf, type ReflectionDeps } from './reflection-deps.js';
import { feedbackInput, parseInput } from './reflection-input.js';
import type { ViewReflection } from './view-reflection.js';

export class GiveFeedback {
  constructor(
    private readonly deps: Pick<
      ReflectionDeps,
      'config' | 'clock' | 'cards' | 'people' | 'outbox' | 'audit' | 'repo'
    >,
    private readonly access: ReflectionAccess,
    private readonly view: ViewReflection,
  ) {}

  async feedback(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const found = await this.access.readable(tenantId, person, raw.reflectionId);
    if (
      !found ||
      found.as !== 'supervisor' ||
      !can(person, 'reflection.feedback', await this.access.supervisorTarget(tenantId, found.reflection))
    )
      return this.access.refuse(tenantId, person, 'reflection.feedback', raw.reflectionId);
    const parsed = parseInput(feedbackInput, raw);
    if (!parsed.ok)
      return this.view.viewCard(tenantId, person, found.reflection._id, {
        error: Object.values(parsed.errors).join(' '),
        feedbackDraft: typeof raw.feedback === 'string' ? raw.feedback : '',
      });
    const r = found.reflection;
    const now = this.deps.clock.now();
    const feedbackId = `${r._id}|fb|${person._id}|${parsed.value.nonce}`;
    const inserted = await this.deps.repo.addFeedback(tenantId, {
      _id: feedbackId,
      reflectionId: r._id,
      studentId: r.personId,
      supervisorId: person._id,
      text: parsed.value.feedback,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) {
      await this.deps.audit.record(
        tenantId,
        { actorId: person._id, action: 'reflection.feedback', targetId: r._id },
        now,
      );
      const student = await this.deps.people.byId(tenantId, r.personId);
      await this.deps.outbox.enqueue(
        tenantId,
        [
          {
            dedupeKey: `reflection.feedback|${feedbackId}`,
            purpose: 'reflection.feedback',
            target: { kind: 'person', personId: r.personId },
            activity: this.deps.cards.activity(
              'reflection-list',
              listCardData(
                'New feedback on your reflection',
                `${person.displayName} gave written feedback on a reflection you shared.`,
                [
                  {
                    reflectionId: r._id,
                    title: titleOf(r, zoneOf(this.deps, student)),
                    subtitle: 'Open it to read the feedback.',
                  },
                ],
              ),
              'New feedback on your reflection',
            ),
          },
        ],
        now,
      );
    }
    return this.view.viewCard(tenantId, person, r._id, {
      notice: 'Feedback sent. The student has been notified.',
    });
  }
}
