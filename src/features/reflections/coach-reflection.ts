/**
 * The optional reflection coach (issue 25): on the tagging step of a draft the student may ask
 * the trust's own model for formative feedback (which steps are thin, which HCPC standards it
 * evidences, one question to deepen it), then add those standards to the tags or ignore it.
 * Asking is the opt-in, per draft; nothing is sent unless they press the button and the coach
 * is on. The draft is only changed when they choose to add the standards.
 */
import { PILLARS, ReflectionTopicId } from '../../domain/catalogues.js';
import { HCPC_SOP_2023, standardLabel } from '../../domain/hcpc-standards.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { DRAFT_NOT_FOUND, type ReflectionDeps } from './reflection-deps.js';
import { coachInput, parseInput } from './reflection-input.js';
import { reflectionModel } from './reflection-models.js';
import type { DraftDoc, ReflectionTags } from './reflections-repository.js';
import type { WriteReflection } from './write-reflection.js';

export const COACH_OFF = 'The coach is not switched on for your organisation. Your draft is saved as it was.';
export const COACH_UNAVAILABLE =
  "The coach couldn't answer just now. Your draft is safe: you can save it as it is, or ask again later.";
export const COACH_NOTHING_YET =
  'Write something in your reflection first, then the coach can comment on it.';

export class CoachReflection {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'clock' | 'cards' | 'repo' | 'coach'>,
    private readonly write: WriteReflection,
  ) {}

  /** `reflection.coach`: the coach's feedback on the draft, or the tagging step with why not. */
  async feedback(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const parsed = parseInput(coachInput, data);
    const draft = parsed.ok ? await this.write.ownDraft(tenantId, person, parsed.value.draftId) : null;
    if (!parsed.ok || !draft) return DRAFT_NOT_FOUND;
    const model = reflectionModel(draft.model);
    const atTags = { ...draft, step: model.steps.length, tags: this.chosenTags(draft, parsed.value) };
    await this.deps.repo.saveDraftStep(
      tenantId,
      draft._id,
      { step: atTags.step, tags: atTags.tags },
      this.deps.clock.now(),
    );
    if (!this.deps.coach.enabled) return this.write.draftCard(atTags, undefined, undefined, COACH_OFF);
    const steps = model.steps.map((s) => ({ title: s.title, answer: draft.answers[s.key] ?? '' }));
    if (steps.every((s) => s.answer.trim() === ''))
      return this.write.draftCard(atTags, undefined, undefined, COACH_NOTHING_YET);
    const feedback = await this.deps.coach.reflectionFeedback(tenantId, person._id, {
      modelLabel: model.label,
      steps,
    });
    if (!feedback) return this.write.draftCard(atTags, undefined, undefined, COACH_UNAVAILABLE);
    const toAdd = feedback.standards.filter((c) => !atTags.tags.standards.includes(c));
    return this.deps.cards.render('reflection-coach', {
      draftId: draft._id,
      modelLabel: model.label,
      thinText:
        feedback.thinSteps.length > 0
          ? feedback.thinSteps.join(', ')
          : 'None: every step has something in it.',
      standardsText:
        feedback.standards.length > 0
          ? feedback.standards.map(standardLabel).join(' · ')
          : 'The coach did not link it to a standard: choose the ones you think fit.',
      question: feedback.question || 'What would you do differently next time, and why?',
      canAdd: toAdd.length > 0,
      standardCodes: feedback.standards.join(','),
    });
  }

  /** `reflection.coach.accept`: the coach's standards added to the draft's tags. */
  async accept(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const parsed = parseInput(coachInput, data);
    const draft = parsed.ok ? await this.write.ownDraft(tenantId, person, parsed.value.draftId) : null;
    if (!parsed.ok || !draft) return DRAFT_NOT_FOUND;
    const model = reflectionModel(draft.model);
    const wanted = new Set([...draft.tags.standards, ...parsed.value.standards]);
    const tags = {
      ...draft.tags,
      standards: HCPC_SOP_2023.standards.map((s) => s.code as string).filter((c) => wanted.has(c)),
    };
    const step = model.steps.length;
    await this.deps.repo.saveDraftStep(tenantId, draft._id, { step, tags }, this.deps.clock.now());
    const added = tags.standards.filter((c) => !draft.tags.standards.includes(c));
    return this.write.draftCard(
      { ...draft, step, tags },
      undefined,
      undefined,
      added.length > 0
        ? `Added ${added.map((c) => `SOP ${c}`).join(', ')}. Check the tags, then save when you're ready.`
        : 'Those standards were already in your tags.',
    );
  }

  /** The tags chosen on the card so far (unknown values dropped), else the draft's. */
  private chosenTags(
    draft: DraftDoc,
    input: { standards: string[]; pillars: string[]; topic?: string },
  ): ReflectionTags {
    const standards = HCPC_SOP_2023.standards
      .map((s) => s.code as string)
      .filter((c) => input.standards.includes(c));
    const pillars = PILLARS.map((p) => p.id as string).filter((p) => input.pillars.includes(p));
    const topic = ReflectionTopicId.safeParse(input.topic);
    return {
      standards: input.standards.length > 0 ? standards : draft.tags.standards,
      pillars: input.pillars.length > 0 ? pillars : draft.tags.pillars,
      topic: topic.success ? topic.data : draft.tags.topic,
    };
  }
}
