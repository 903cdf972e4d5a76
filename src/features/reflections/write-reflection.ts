/**
 * Writing a reflection: one card per step of the chosen model with a draft saved on every step,
 * then the tagging step (HCPC standards, pillars, topic) that saves it, private to the author.
 * Editing a saved reflection runs the same steps on a draft of it.
 */
import type { Reply } from '../../feature-kit/turn.js';
import { can } from '../../domain/authorization.js';
import { PILLARS, type ReflectionTopicId } from '../../domain/catalogues.js';
import { CURRENT_HCPC_CATALOGUE, HCPC_SOP_2023 } from '../../domain/hcpc-standards.js';
import { cardData } from '../../feature-kit/card-input.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import type { ReflectionAccess } from './reflection-access.js';
import { draftCard, startCardData, type StartOptions } from './reflection-cards.js';
import {
  DRAFT_NOT_FOUND,
  NOT_FOUND,
  STUDENTS_ONLY,
  writesOwn,
  zoneOf,
  type ReflectionDeps,
} from './reflection-deps.js';
import { cardId, parseInput, startInput, stepInput, tagsInput } from './reflection-input.js';
import { reflectionModel, stepAnswerError } from './reflection-models.js';
import {
  draftId as makeDraftId,
  reflectionId as makeReflectionId,
  type DraftDoc,
} from './reflections-repository.js';
import type { ViewReflection } from './view-reflection.js';

export class WriteReflection {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'config' | 'clock' | 'cards' | 'audit' | 'repo' | 'coach'>,
    private readonly access: ReflectionAccess,
    private readonly view: ViewReflection,
  ) {}

  /** The start card's data, offering to continue the person's drafts. */
  async startCardData(tenantId: string, person: PersonDoc, options: StartOptions = {}) {
    const drafts = await this.deps.repo.draftsOf(tenantId, person._id);
    return startCardData(drafts, zoneOf(this.deps, person), options);
  }

  /** `reflect`: the start card, offering to continue any draft. */
  async startCard(
    tenantId: string,
    person: PersonDoc,
    options: { topic?: ReflectionTopicId } = {},
  ): Promise<Reply> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    return this.deps.cards.render('reflect-start', await this.startCardData(tenantId, person, options));
  }

  /** The model and topic are chosen: a draft is made (once per card flow) and its first step shown. */
  async start(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    const parsed = parseInput(startInput, data);
    if (!parsed.ok) {
      const raw = (data ?? {}) as Record<string, unknown>;
      return this.deps.cards.render(
        'reflect-start',
        await this.startCardData(tenantId, person, {
          flowId:
            typeof raw.flowId === 'string' && /^[A-Za-z0-9_-]{6,64}$/.test(raw.flowId)
              ? raw.flowId
              : undefined,
          error: Object.values(parsed.errors).join(' '),
        }),
      );
    }
    const { flowId, model, topic, linkId } = parsed.value;
    const now = this.deps.clock.now();
    const draft = await this.deps.repo.createDraft(tenantId, {
      _id: makeDraftId(tenantId, person._id, flowId),
      personId: person._id,
      flowId,
      model,
      step: 0,
      answers: {},
      tags: { standards: [], pillars: [], topic },
      linkId: linkId ? linkId : null,
      editOf: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    return this.draftCard(draft);
  }

  /** The draft's current card; the tagging step offers the coach when it is on. */
  draftCard(draft: DraftDoc, error?: Record<string, string>, typed?: Record<string, unknown>, notice = '') {
    return draftCard(this.deps.cards, draft, error, typed, { coach: this.deps.coach.enabled, notice });
  }

  /** The person's own draft by its card id, or null. */
  async ownDraft(tenantId: string, person: PersonDoc, id: unknown): Promise<DraftDoc | null> {
    if (!cardId.safeParse(id).success) return null;
    if (!isTenantId(id, tenantId) || !(id as string).startsWith(`${tenantId}|${person._id}|rdraft|`))
      return null;
    const draft = await this.deps.repo.draft(tenantId, id as string);
    return draft && can(person, 'reflection.write.self', { studentId: draft.personId }) ? draft : null;
  }

  async continueDraft(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const draft = await this.ownDraft(tenantId, person, cardData(data).draftId);
    if (!draft) return DRAFT_NOT_FOUND;
    return this.draftCard(draft);
  }

  async discardDraft(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const draft = await this.ownDraft(tenantId, person, cardData(data).draftId);
    if (draft) await this.deps.repo.deleteDraft(tenantId, draft._id);
    return this.deps.cards.render(
      'reflect-start',
      await this.startCardData(tenantId, person, { intro: draft ? 'Draft discarded.' : '' }),
    );
  }

  /** A text step: validate, save the answer to the draft, show the next (or previous) step. */
  async step(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const draft = await this.ownDraft(tenantId, person, raw.draftId);
    if (!draft) return DRAFT_NOT_FOUND;
    const model = reflectionModel(draft.model);
    const cardStep = Number(raw.step);
    if (!Number.isInteger(cardStep) || cardStep < 0 || cardStep >= model.steps.length)
      return this.draftCard(draft);
    const s = model.steps[cardStep]!;
    const parsed = parseInput(stepInput(s.maxLength), raw);
    if (!parsed.ok) return this.draftCard({ ...draft, step: cardStep }, parsed.errors, raw);
    const { nav, answer } = parsed.value;
    const blank = nav === 'next' ? stepAnswerError(s, answer) : null;
    if (blank) return this.draftCard({ ...draft, step: cardStep }, { answer: blank }, raw);
    const next = nav === 'back' ? Math.max(0, cardStep - 1) : nav === 'next' ? cardStep + 1 : cardStep;
    const now = this.deps.clock.now();
    await this.deps.repo.saveDraftStep(
      tenantId,
      draft._id,
      { step: next, answers: { [s.key]: answer } },
      now,
    );
    if (nav === 'pause')
      return this.deps.cards.render('notice', {
        title: 'Draft saved',
        message:
          'Your reflection is saved as a draft. Type **reflect** any time to continue where you left off.',
      });
    const saved = { ...draft, step: next, answers: { ...draft.answers, [s.key]: answer }, updatedAt: now };
    return this.draftCard(saved);
  }

  /** The tagging step: validate tags, then save the reflection (or go back a step). */
  async finish(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const draft = await this.ownDraft(tenantId, person, raw.draftId);
    if (!draft) return DRAFT_NOT_FOUND;
    const model = reflectionModel(draft.model);
    const tagsStep = model.steps.length;
    const parsed = parseInput(tagsInput, raw);
    if (!parsed.ok) return this.draftCard({ ...draft, step: tagsStep }, parsed.errors, raw);
    const tags = {
      standards: HCPC_SOP_2023.standards
        .map((s) => s.code as string)
        .filter((c) => parsed.value.standards.includes(c)),
      pillars: PILLARS.map((p) => p.id as string).filter((p) => parsed.value.pillars.includes(p)),
      topic: parsed.value.topic,
    };
    const now = this.deps.clock.now();
    if (parsed.value.nav === 'back') {
      const back = Math.max(0, tagsStep - 1);
      await this.deps.repo.saveDraftStep(tenantId, draft._id, { step: back, tags }, now);
      return this.draftCard({ ...draft, step: back, tags });
    }
    const missing = model.steps.filter((s) => (draft.answers[s.key] ?? '').trim() === '');
    if (missing.length === model.steps.length) {
      await this.deps.repo.saveDraftStep(tenantId, draft._id, { step: 0, tags }, now);
      return this.draftCard(
        { ...draft, step: 0, tags },
        { answer: 'Write something before you save your reflection.' },
      );
    }
    const blankStep = model.steps.findIndex((s) => stepAnswerError(s, draft.answers[s.key] ?? '') !== null);
    if (blankStep >= 0) {
      const s = model.steps[blankStep]!;
      await this.deps.repo.saveDraftStep(tenantId, draft._id, { step: blankStep, tags }, now);
      return this.draftCard({ ...draft, step: blankStep, tags }, { answer: stepAnswerError(s, '')! });
    }
    const answers = Object.fromEntries(model.steps.map((s) => [s.key, draft.answers[s.key] ?? '']));
    const id = draft.editOf
      ? await this.saveEdit(tenantId, person, draft, answers, tags, now)
      : await this.saveNew(tenantId, person, draft, answers, tags, now);
    if (id === null) return NOT_FOUND;
    await this.deps.repo.deleteDraft(tenantId, draft._id);
    return this.view.viewCard(tenantId, person, id, {
      notice: draft.editOf ? 'Changes saved.' : 'Reflection saved. It is private to you.',
    });
  }

  /** The edited reflection's id, or null (draft dropped) when it is gone or not the author's. */
  private async saveEdit(
    tenantId: string,
    person: PersonDoc,
    draft: DraftDoc,
    answers: Record<string, string>,
    tags: { standards: string[]; pillars: string[]; topic: string },
    now: Date,
  ): Promise<string | null> {
    const existing = await this.deps.repo.reflection(tenantId, draft.editOf!);
    if (!existing || existing.personId !== person._id) {
      await this.deps.repo.deleteDraft(tenantId, draft._id);
      return null;
    }
    await this.deps.repo.updateReflection(tenantId, existing._id, { answers, ...tags }, now);
    await this.deps.audit.record(
      tenantId,
      { actorId: person._id, action: 'reflection.edit', targetId: existing._id },
      now,
    );
    return existing._id;
  }

  /** Inserted once per card flow: a retried save lands on the same reflection. */
  private async saveNew(
    tenantId: string,
    person: PersonDoc,
    draft: DraftDoc,
    answers: Record<string, string>,
    tags: { standards: string[]; pillars: string[]; topic: string },
    now: Date,
  ): Promise<string> {
    const id = makeReflectionId(tenantId, person._id, draft.flowId);
    const inserted = await this.deps.repo.insertReflection(tenantId, {
      _id: id,
      personId: person._id,
      cohortId: person.cohortId,
      flowId: draft.flowId,
      model: draft.model,
      answers,
      linkId: draft.linkId,
      ...tags,
      standardsVersion: CURRENT_HCPC_CATALOGUE.version,
      shared: false,
      sharedAt: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted)
      await this.deps.audit.record(
        tenantId,
        {
          actorId: person._id,
          action: 'reflection.create',
          targetId: id,
          details: { standards: tags.standards.length },
        },
        now,
      );
    return id;
  }

  /** The author edits a saved reflection: a draft of it, from the first step. */
  async edit(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const found = await this.access.readable(tenantId, person, raw.reflectionId);
    if (!found || found.as !== 'owner')
      return this.access.refuse(tenantId, person, 'reflection.edit', raw.reflectionId);
    const r = found.reflection;
    const now = this.deps.clock.now();
    const draft = await this.deps.repo.createDraft(tenantId, {
      _id: makeDraftId(tenantId, person._id, `edit-${r.flowId}`),
      personId: person._id,
      flowId: `edit-${r.flowId}`,
      model: r.model,
      step: 0,
      answers: { ...r.answers },
      tags: { standards: [...r.standards], pillars: [...r.pillars], topic: r.topic },
      linkId: r.linkId,
      editOf: r._id,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    return this.draftCard(draft);
  }
}
