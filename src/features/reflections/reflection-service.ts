/**
 * ReflectionService: guided reflections (Gibbs, What? So what? Now what?, free form) written
 * one card per step with a draft saved on every step; tagging to HCPC standards, pillars and
 * topic; private by default with sharing to the student's supervisors and their feedback;
 * the "my journey" summary; scheduled prompts; and the signed-link export.
 *
 * For other features (all methods take the tenant and person ids, no Teams types):
 * - `promptReflection(tenantId, personId, { topic, linkId })` sends a "reflect now" card
 *   (e.g. after a 20-minute conversation; `linkId` = the booking id). Idempotent per
 *   (person, topic, linkId).
 * - `countsFor(tenantId, personId)` counts by pillar, standard and topic.
 * - `journeyFor(tenantId, personId)` adds weeks without a reflection and standards without
 *   evidence (what the dashboard shows).
 *
 * Card handlers return a card (refresh in place) or a short message. Authorisation is
 * checked here: a reflection is seen by its author, and by the author's supervisors only
 * once the author shared it.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Target } from '../../domain/authorization.js';
import {
  CONFIDENCE_AREAS,
  labelOf,
  PILLARS,
  REFLECTION_TOPICS,
  toChoices,
  type ReflectionTopicId,
} from '../../domain/catalogues.js';
import { CURRENT_HCPC_CATALOGUE, HCPC_SOP_2023, standardTitle } from '../../domain/hcpc-standards.js';
import {
  addDays,
  dayKind,
  formatDate,
  localDateOf,
  localInstant,
  parseTime,
  type CohortCalendar,
} from '../../domain/placement-calendar.js';
import { formatZodIssues, rejectMongoOperatorKeys, UnsafeKeyError } from '../../domain/validation.js';
import type { CoreServices } from '../../services.js';
import { Claims } from '../../storage/claims.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import { createExportToken, verifyExportToken, type ExportFormat } from './export-links.js';
import {
  renderJourneyCsv,
  renderJourneyHtml,
  reflectionTitle,
  type ConfidencePoint,
  type ExportProject,
  type JourneyExportData,
} from './journey-export.js';
import {
  journeyCounts,
  journeySummary,
  reflectionWeek,
  type JourneyCounts,
  type JourneySummary,
} from './journey.js';
import {
  FEEDBACK_MAX_LENGTH,
  formatCount,
  modelChoiceTitle,
  REFLECTION_MODELS,
  reflectionModel,
  stepAnswerError,
  stepCount,
  type ReflectionModelId,
} from './reflection-models.js';
import { cardId, feedbackInput, startInput, stepInput, tagsInput } from './reflection-input.js';
import { PeerSharing, type ProjectTeams } from './peer-sharing.js';
import {
  draftId as makeDraftId,
  PROMPT_AFTER,
  reflectionId as makeReflectionId,
  ReflectionsRepository,
  type DraftDoc,
  type PromptAfter,
  type ReflectionDoc,
} from './reflections-repository.js';

export type CardResult = AdaptiveCard | string;

export const NOT_FOUND = 'I could not find that reflection, or it is not shared with you.';
export const DRAFT_NOT_FOUND =
  'I could not find that draft: it may have been saved or discarded already. Type **reflect** to see your drafts.';
const STUDENTS_ONLY =
  'Reflections are for students on placement. Type **help** to see what I can do for you.';

/** What the export needs from the check-ins feature (services.checkins), when it exists. */
export interface ConfidenceSource {
  confidenceTrend(tenantId: string, studentId: string): Promise<ConfidencePoint[]>;
}
/** What the export needs from the 20-minute conversations feature (services.conversations). */
export interface ConversationSource {
  heldBy(tenantId: string, studentId: string): Promise<{ date: string; with: string; role: string }[]>;
}
/** What the export needs from the placement events feature (services.events). */
export interface EventSource {
  attendedBy(tenantId: string, studentId: string): Promise<{ date: string; title: string; kind: string }[]>;
}

/** What the export needs from the projects feature (services.projects). */
export interface ProjectSource {
  journeyOf(tenantId: string, studentId: string): Promise<ExportProject | null>;
}

export interface HttpExportResponse {
  status: number;
  contentType: string;
  body: string;
  filename?: string;
}

const newNonce = () => randomBytes(12).toString('base64url');
const isStudent = (p: PersonDoc) => p.roles.includes('student');
/** `reflect`, drafts, `my reflections`, `my journey`: the policy's 'reflection.write.self'. */
const writesOwn = (p: PersonDoc) => can(p, 'reflection.write.self', { studentId: p._id });
const LEAD_ONLY = 'Only a placement lead or an administrator can set reflection prompts for a cohort.';
const OWN_COHORT_ONLY = 'You can only set reflection prompts for a cohort you lead.';

/** What the service needs from the container (repositories are stateless views of the db). */
export type ReflectionDeps = Pick<
  CoreServices,
  | 'db'
  | 'config'
  | 'clock'
  | 'cards'
  | 'people'
  | 'cohorts'
  | 'supervisions'
  | 'outbox'
  | 'scheduler'
  | 'audit'
>;

export class ReflectionService {
  readonly repo: ReflectionsRepository;
  private readonly claims: Claims;
  /** Other features' services, attached at registration (services.checkins, services.conversations). */
  private peers: { checkins?: unknown; conversations?: unknown; projects?: unknown; events?: unknown } = {};

  /** Sharing with fellow students and the reflective workshop (peer-sharing.ts). */
  readonly peer: PeerSharing;

  constructor(private readonly services: ReflectionDeps) {
    this.repo = new ReflectionsRepository(services.db);
    this.claims = new Claims(services.db);
    this.peer = new PeerSharing(
      services,
      this.repo,
      () => this.peers.projects as Partial<ProjectTeams> | undefined,
    );
  }

  /** Gives the export access to check-ins and conversations, when those features exist. */
  attachPeers(peers: {
    checkins?: unknown;
    conversations?: unknown;
    projects?: unknown;
    events?: unknown;
  }): void {
    this.peers = peers;
  }

  private now() {
    return this.services.clock.now();
  }

  private cards() {
    return this.services.cards;
  }

  // -------------------------------------------------------------------------
  // API for other features and the dashboard
  // -------------------------------------------------------------------------

  /**
   * Sends the person a "reflect now" card through the outbox, with the topic preselected
   * and `linkId` kept on the reflection. Returns false when this prompt was already sent
   * (same person, topic and link) or the person is not a student.
   */
  async promptReflection(
    tenantId: string,
    personId: string,
    options: { topic: ReflectionTopicId; linkId?: string | null; message?: string; dedupeKey?: string },
  ): Promise<boolean> {
    const person = await this.services.people.byId(tenantId, personId);
    if (!person || !isStudent(person)) return false;
    const key = options.dedupeKey ?? `reflection.prompt|${personId}|${options.topic}|${options.linkId ?? ''}`;
    const flowId = `p${Buffer.from(key).toString('base64url').slice(-40)}`.replace(/[^A-Za-z0-9_-]/g, '');
    const data = await this.startCardData(tenantId, person, {
      flowId,
      topic: options.topic,
      linkId: options.linkId ?? null,
      intro:
        options.message ??
        `Take five minutes to reflect on your ${labelOf(REFLECTION_TOPICS, options.topic)!.toLowerCase()} while it is fresh.`,
    });
    const inserted = await this.services.outbox.enqueue(
      tenantId,
      [
        {
          dedupeKey: key,
          purpose: 'reflection.prompt',
          target: { kind: 'person', personId },
          activity: this.cards().activity('reflect-start', data, 'Time to reflect'),
        },
      ],
      this.now(),
    );
    return inserted > 0;
  }

  /** Counts of the person's reflections by pillar, HCPC standard and topic. */
  async countsFor(tenantId: string, personId: string): Promise<JourneyCounts> {
    return journeyCounts(await this.repo.tagsOf(tenantId, personId));
  }

  /** Counts plus weeks without a reflection, standards without evidence and a nudge. */
  async journeyFor(tenantId: string, personId: string): Promise<JourneySummary> {
    const person = await this.services.people.byId(tenantId, personId);
    const calendar = person ? await this.calendarOf(tenantId, person) : null;
    return journeySummary(await this.repo.tagsOf(tenantId, personId), calendar, this.now());
  }

  private async calendarOf(
    tenantId: string,
    person: PersonDoc,
  ): Promise<(CohortCalendar & { name: string }) | null> {
    if (!person.cohortId) return null;
    return (await this.services.cohorts.byId(tenantId, person.cohortId)) ?? null;
  }

  // -------------------------------------------------------------------------
  // Starting, resuming and stepping through a reflection
  // -------------------------------------------------------------------------

  async startCardData(
    tenantId: string,
    person: PersonDoc,
    options: {
      flowId?: string;
      topic?: ReflectionTopicId;
      linkId?: string | null;
      intro?: string;
      model?: ReflectionModelId;
      error?: string;
    } = {},
  ) {
    const drafts = await this.repo.draftsOf(tenantId, person._id);
    return {
      intro: options.intro ?? '',
      flowId: options.flowId ?? newNonce(),
      linkId: options.linkId ?? '',
      model: options.model ?? 'gibbs',
      topic: options.topic ?? 'other',
      modelChoices: REFLECTION_MODELS.map((m) => ({ title: modelChoiceTitle(m.id), value: m.id })),
      topicChoices: toChoices(REFLECTION_TOPICS),
      hasDrafts: drafts.length > 0,
      drafts: drafts.slice(0, 5).map((d) => ({
        draftId: d._id,
        title: `${d.editOf ? 'Editing: ' : ''}${reflectionModel(d.model).label}, ${labelOf(REFLECTION_TOPICS, d.tags.topic) ?? 'Other'}`,
        progress: `Step ${Math.min(d.step + 1, stepCount(d.model))} of ${stepCount(d.model)} · last saved ${formatDate(localDateOf(d.updatedAt, this.zone(person)))}`,
      })),
      error: options.error ?? '',
    };
  }

  private zone(person: PersonDoc): string {
    return person.timeZone ?? this.services.config.DEFAULT_TIME_ZONE;
  }

  /** `reflect`: the start card, offering to continue any draft. */
  async startCard(
    tenantId: string,
    person: PersonDoc,
    options: { topic?: ReflectionTopicId } = {},
  ): Promise<CardResult> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    return this.cards().render('reflect-start', await this.startCardData(tenantId, person, options));
  }

  async start(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    const parsed = parse(startInput, data);
    if (!parsed.ok) {
      const raw = (data ?? {}) as Record<string, unknown>;
      return this.cards().render(
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
    const now = this.now();
    const draft = await this.repo.createDraft(tenantId, {
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
    return this.cardForDraft(draft);
  }

  private async ownDraft(tenantId: string, person: PersonDoc, id: unknown): Promise<DraftDoc | null> {
    if (!cardId.safeParse(id).success) return null;
    if (!isTenantId(id, tenantId) || !(id as string).startsWith(`${tenantId}|${person._id}|rdraft|`))
      return null;
    const draft = await this.repo.draft(tenantId, id as string);
    return draft && can(person, 'reflection.write.self', { studentId: draft.personId }) ? draft : null;
  }

  async continueDraft(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const draft = await this.ownDraft(tenantId, person, safeData(data).draftId);
    if (!draft) return DRAFT_NOT_FOUND;
    return this.cardForDraft(draft);
  }

  async discardDraft(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const draft = await this.ownDraft(tenantId, person, safeData(data).draftId);
    if (draft) await this.repo.deleteDraft(tenantId, draft._id);
    return this.cards().render(
      'reflect-start',
      await this.startCardData(tenantId, person, { intro: draft ? 'Draft discarded.' : '' }),
    );
  }

  cardForDraft(
    draft: DraftDoc,
    error: Record<string, string> = {},
    typed?: Record<string, unknown>,
  ): AdaptiveCard {
    const model = reflectionModel(draft.model);
    const total = stepCount(draft.model);
    const step = Math.min(Math.max(draft.step, 0), model.steps.length);
    const common = {
      draftId: draft._id,
      step,
      stepNumber: step + 1,
      stepTotal: total,
      modelLabel: model.label,
      editing: draft.editOf !== null,
    };
    if (step < model.steps.length) {
      const s = model.steps[step]!;
      const value = typed && typeof typed.answer === 'string' ? typed.answer : (draft.answers[s.key] ?? '');
      return this.cards().render('reflection-step', {
        ...common,
        title: s.title,
        prompt: s.prompt,
        placeholder: s.placeholder,
        value,
        maxLength: s.maxLength,
        limitText: `Up to ${formatCount(s.maxLength)} characters. Saved as a draft when you move on.`,
        label: `${s.title} (up to ${formatCount(s.maxLength)} characters)`,
        canGoBack: step > 0,
        error: Object.values(error).join(' '),
      });
    }
    const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
    return this.cards().render('reflection-tags', {
      ...common,
      standardChoices: HCPC_SOP_2023.standards.map((s) => ({
        title: `SOP ${s.code}: ${s.title}`,
        value: s.code,
      })),
      pillarChoices: toChoices(PILLARS),
      topicChoices: toChoices(REFLECTION_TOPICS),
      standards: str(typed?.standards, draft.tags.standards.join(',')),
      pillars: str(typed?.pillars, draft.tags.pillars.join(',')),
      topic: str(typed?.topic, draft.tags.topic),
      catalogue: HCPC_SOP_2023.version,
      standardsError: error.standards ?? '',
      pillarsError: error.pillars ?? '',
      topicError: error.topic ?? '',
      error: error._form ?? error.draftId ?? '',
    });
  }

  /** A text step: validate, save the answer to the draft, show the next (or previous) step. */
  async step(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const draft = await this.ownDraft(tenantId, person, raw.draftId);
    if (!draft) return DRAFT_NOT_FOUND;
    const model = reflectionModel(draft.model);
    const cardStep = Number(raw.step);
    if (!Number.isInteger(cardStep) || cardStep < 0 || cardStep >= model.steps.length)
      return this.cardForDraft(draft);
    const s = model.steps[cardStep]!;
    const parsed = parse(stepInput(s.maxLength), raw);
    if (!parsed.ok) return this.cardForDraft({ ...draft, step: cardStep }, parsed.errors, raw);
    const { nav, answer } = parsed.value;
    const blank = nav === 'next' ? stepAnswerError(s, answer) : null;
    if (blank) return this.cardForDraft({ ...draft, step: cardStep }, { answer: blank }, raw);
    const next = nav === 'back' ? Math.max(0, cardStep - 1) : nav === 'next' ? cardStep + 1 : cardStep;
    const now = this.now();
    await this.repo.saveDraftStep(tenantId, draft._id, { step: next, answers: { [s.key]: answer } }, now);
    if (nav === 'pause')
      return this.cards().render('notice', {
        title: 'Draft saved',
        message:
          'Your reflection is saved as a draft. Type **reflect** any time to continue where you left off.',
      });
    const saved = { ...draft, step: next, answers: { ...draft.answers, [s.key]: answer }, updatedAt: now };
    return this.cardForDraft(saved);
  }

  /** The tagging step: validate tags, then save the reflection (or go back a step). */
  async finish(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const draft = await this.ownDraft(tenantId, person, raw.draftId);
    if (!draft) return DRAFT_NOT_FOUND;
    const model = reflectionModel(draft.model);
    const tagsStep = model.steps.length;
    const parsed = parse(tagsInput, raw);
    if (!parsed.ok) return this.cardForDraft({ ...draft, step: tagsStep }, parsed.errors, raw);
    const tags = {
      standards: HCPC_SOP_2023.standards
        .map((s) => s.code as string)
        .filter((c) => parsed.value.standards.includes(c)),
      pillars: PILLARS.map((p) => p.id as string).filter((p) => parsed.value.pillars.includes(p)),
      topic: parsed.value.topic,
    };
    const now = this.now();
    if (parsed.value.nav === 'back') {
      const back = Math.max(0, tagsStep - 1);
      await this.repo.saveDraftStep(tenantId, draft._id, { step: back, tags }, now);
      return this.cardForDraft({ ...draft, step: back, tags });
    }
    const missing = model.steps.filter((s) => (draft.answers[s.key] ?? '').trim() === '');
    if (missing.length === model.steps.length) {
      await this.repo.saveDraftStep(tenantId, draft._id, { step: 0, tags }, now);
      return this.cardForDraft(
        { ...draft, step: 0, tags },
        { answer: 'Write something before you save your reflection.' },
      );
    }
    const blankStep = model.steps.findIndex((s) => stepAnswerError(s, draft.answers[s.key] ?? '') !== null);
    if (blankStep >= 0) {
      const s = model.steps[blankStep]!;
      await this.repo.saveDraftStep(tenantId, draft._id, { step: blankStep, tags }, now);
      return this.cardForDraft({ ...draft, step: blankStep, tags }, { answer: stepAnswerError(s, '')! });
    }
    const answers = Object.fromEntries(model.steps.map((s) => [s.key, draft.answers[s.key] ?? '']));
    let id: string;
    if (draft.editOf) {
      const existing = await this.repo.reflection(tenantId, draft.editOf);
      if (!existing || existing.personId !== person._id) {
        await this.repo.deleteDraft(tenantId, draft._id);
        return NOT_FOUND;
      }
      await this.repo.updateReflection(tenantId, existing._id, { answers, ...tags }, now);
      id = existing._id;
      await this.services.audit.record(
        tenantId,
        { actorId: person._id, action: 'reflection.edit', targetId: id },
        now,
      );
    } else {
      id = makeReflectionId(tenantId, person._id, draft.flowId);
      const inserted = await this.repo.insertReflection(tenantId, {
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
        await this.services.audit.record(
          tenantId,
          {
            actorId: person._id,
            action: 'reflection.create',
            targetId: id,
            details: { standards: tags.standards.length },
          },
          now,
        );
    }
    await this.repo.deleteDraft(tenantId, draft._id);
    return this.viewCard(tenantId, person, id, {
      notice: draft.editOf ? 'Changes saved.' : 'Reflection saved. It is private to you.',
    });
  }

  // -------------------------------------------------------------------------
  // Viewing, sharing, editing, deleting, feedback
  // -------------------------------------------------------------------------

  /**
   * The reflection if `person` may see it: its author, (once shared) one of the author's
   * supervisors, or (once shared with peers) a fellow student of the author's project team or
   * cohort. Anything else (unknown id, another tenant, tampered input) is null.
   */
  async readable(
    tenantId: string,
    person: PersonDoc,
    id: unknown,
  ): Promise<{ reflection: ReflectionDoc; as: 'owner' | 'supervisor' | 'peer' } | null> {
    if (!cardId.safeParse(id).success || !isTenantId(id, tenantId)) return null;
    const reflection = await this.repo.reflection(tenantId, id as string);
    if (!reflection) return null;
    if (can(person, 'reflection.manage.self', { studentId: reflection.personId }))
      return { reflection, as: 'owner' };
    if (reflection.shared && can(person, 'reflection.shared.view', await this.targetOf(tenantId, reflection)))
      return { reflection, as: 'supervisor' };
    if (
      reflection.peerShare &&
      can(person, 'reflection.peer.view', await this.peer.target(tenantId, reflection))
    )
      return { reflection, as: 'peer' };
    return null;
  }

  /** The policy target for a reflection: its author, their supervisors, whether it is shared. */
  private async targetOf(tenantId: string, reflection: ReflectionDoc): Promise<Target> {
    return {
      studentId: reflection.personId,
      supervisorIds: await this.services.supervisions.supervisorIdsOf(tenantId, reflection.personId),
      shared: reflection.shared,
    };
  }

  private async refuse(tenantId: string, person: PersonDoc, action: string, id: unknown): Promise<string> {
    await this.services.audit.record(
      tenantId,
      {
        actorId: person._id,
        action,
        targetId: typeof id === 'string' && id.length <= 300 ? id : null,
        outcome: 'refused',
      },
      this.now(),
    );
    return NOT_FOUND;
  }

  async view(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    return this.viewCard(tenantId, person, safeData(data).reflectionId);
  }

  async viewCard(
    tenantId: string,
    person: PersonDoc,
    id: unknown,
    options: {
      notice?: string;
      error?: string;
      confirmDelete?: boolean;
      feedbackDraft?: string;
      replyDraft?: string;
    } = {},
  ): Promise<CardResult> {
    const found = await this.readable(tenantId, person, id);
    if (!found) return this.refuse(tenantId, person, 'reflection.view', id);
    const { reflection: r, as } = found;
    if (as === 'peer') return this.peer.peerCard(tenantId, person, r, options);
    const model = reflectionModel(r.model);
    const author = as === 'owner' ? person : await this.services.people.byId(tenantId, r.personId);
    const zone = this.zone(person);
    const feedback = await this.repo.feedbackOn(tenantId, [r._id]);
    const authors = await this.services.people.byIds(tenantId, [
      ...new Set(feedback.map((f) => f.supervisorId)),
    ]);
    const nameOf = (pid: string) => authors.find((a) => a._id === pid)?.displayName ?? 'A supervisor';
    return this.cards().render('reflection-view', {
      reflectionId: r._id,
      studentId: r.personId,
      title: reflectionTitle({ ...r, week: null, feedback: [] }, zone),
      byline: as === 'supervisor' ? `Shared by ${author?.displayName ?? 'your student'}` : '',
      modelLabel: model.label,
      sections: model.steps
        .filter((s) => (r.answers[s.key] ?? '') !== '')
        .map((s) => ({ title: s.title, text: r.answers[s.key]! })),
      pillarsText: r.pillars.map((p) => labelOf(PILLARS, p) ?? p).join(', '),
      standardsText: r.standards.map((c) => `SOP ${c}`).join(', '),
      topicText: labelOf(REFLECTION_TOPICS, r.topic) ?? r.topic,
      sharedText: this.peer.sharedText(r),
      ...(as === 'owner'
        ? await this.peer.ownerViewData(tenantId, person, r)
        : { peerShare: 'none', peerChoices: [], peerReplies: [], hasPeerReplies: false }),
      isOwner: as === 'owner',
      isSupervisor: as === 'supervisor',
      shared: r.shared,
      feedback: feedback.map((f) => ({
        from: nameOf(f.supervisorId),
        date: formatDate(localDateOf(f.createdAt, zone)),
        text: f.text,
      })),
      hasFeedback: feedback.length > 0,
      nonce: newNonce(),
      feedbackDraft: options.feedbackDraft ?? '',
      feedbackLabel: `Your feedback (up to ${formatCount(FEEDBACK_MAX_LENGTH)} characters)`,
      feedbackMax: FEEDBACK_MAX_LENGTH,
      confirmDelete: options.confirmDelete === true,
      notice: options.notice ?? '',
      error: options.error ?? '',
    });
  }

  async share(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.readable(tenantId, person, raw.reflectionId);
    if (!found || found.as !== 'owner')
      return this.refuse(tenantId, person, 'reflection.share', raw.reflectionId);
    const share = raw.share === true || raw.share === 'true';
    const r = found.reflection;
    const now = this.now();
    const supervisors = await this.services.supervisions.supervisorIdsOf(tenantId, person._id);
    if (share && supervisors.length === 0)
      return this.viewCard(tenantId, person, r._id, {
        error:
          'You have no supervisor linked yet, so there is no one to share with. Ask your placement lead.',
      });
    if (r.shared !== share) {
      await this.repo.updateReflection(tenantId, r._id, { shared: share, sharedAt: share ? now : null }, now);
      await this.services.audit.record(
        tenantId,
        { actorId: person._id, action: share ? 'reflection.share' : 'reflection.unshare', targetId: r._id },
        now,
      );
      if (share) {
        // Notified once per supervisor per reflection (re-sharing after unsharing is quiet).
        await this.services.outbox.enqueue(
          tenantId,
          supervisors.map((supervisorId) => ({
            dedupeKey: `reflection.shared|${r._id}|${supervisorId}`,
            purpose: 'reflection.shared',
            target: { kind: 'person' as const, personId: supervisorId },
            activity: this.cards().activity(
              'reflection-list',
              {
                title: 'A reflection was shared with you',
                intro: `${person.displayName} shared a reflection with you. You can read it and give written feedback.`,
                items: [
                  {
                    reflectionId: r._id,
                    title: reflectionTitle({ ...r, week: null, feedback: [] }, this.zone(person)),
                    subtitle: r.standards.map((c) => `SOP ${c}`).join(', '),
                  },
                ],
                empty: false,
              },
              'A reflection was shared with you',
            ),
          })),
          now,
        );
      }
    }
    return this.viewCard(tenantId, person, r._id, {
      notice: share
        ? 'Shared with your supervisors. They can read it and give feedback.'
        : 'This reflection is private again.',
    });
  }

  /** The author shares it with their project team or cohort, or stops (verb 'reflection.peer.share'). */
  async peerShare(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.readable(tenantId, person, raw.reflectionId);
    if (
      !found ||
      found.as !== 'owner' ||
      !can(person, 'reflection.peer.share', { studentId: found.reflection.personId })
    )
      return this.refuse(tenantId, person, 'reflection.peer.share', raw.reflectionId);
    const outcome = await this.peer.setShare(tenantId, person, found.reflection, raw);
    return this.viewCard(tenantId, person, found.reflection._id, outcome);
  }

  /**
   * A peer opens (or their card refreshes): the reflection while it is shared with them,
   * otherwise a card that says so and shows nothing of it.
   */
  async peerView(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.readable(tenantId, person, raw.reflectionId);
    if (!found) {
      await this.refuse(tenantId, person, 'reflection.peer.view', raw.reflectionId);
      return this.peer.goneCard(raw.reflectionId);
    }
    return this.viewCard(tenantId, person, found.reflection._id);
  }

  /** A peer's short reply (verb 'reflection.peer.reply'). */
  async peerReply(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.readable(tenantId, person, raw.reflectionId);
    if (
      !found ||
      found.as !== 'peer' ||
      !can(person, 'reflection.peer.reply', await this.peer.target(tenantId, found.reflection))
    ) {
      await this.refuse(tenantId, person, 'reflection.peer.reply', raw.reflectionId);
      return this.peer.goneCard(raw.reflectionId);
    }
    return this.peer.reply(tenantId, person, found.reflection, raw);
  }

  /** `peer reflections`: what fellow students shared with the caller. */
  async peerListCard(tenantId: string, person: PersonDoc): Promise<CardResult> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    const shared = await this.peer.sharedWithMe(tenantId, person);
    const zone = this.zone(person);
    return this.cards().render('reflection-list', {
      title: 'Shared by fellow students',
      intro: shared.length > 20 ? `The 20 most recently shared of ${shared.length}.` : '',
      items: shared.slice(0, 20).map(({ reflection: r, author }) => ({
        reflectionId: r._id,
        title: reflectionTitle({ ...r, week: null, feedback: [] }, zone),
        subtitle: `${author} · ${r.peerShare === 'project' ? 'your project team' : 'your cohort'}`,
      })),
      empty: shared.length === 0,
    });
  }

  async edit(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.readable(tenantId, person, raw.reflectionId);
    if (!found || found.as !== 'owner')
      return this.refuse(tenantId, person, 'reflection.edit', raw.reflectionId);
    const r = found.reflection;
    const now = this.now();
    const draft = await this.repo.createDraft(tenantId, {
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
    return this.cardForDraft(draft);
  }

  async delete(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.readable(tenantId, person, raw.reflectionId);
    if (!found || found.as !== 'owner')
      return this.refuse(tenantId, person, 'reflection.delete', raw.reflectionId);
    if (raw.confirm !== true && raw.confirm !== 'true')
      return this.viewCard(tenantId, person, found.reflection._id, { confirmDelete: true });
    const now = this.now();
    await this.repo.deleteReflection(tenantId, found.reflection._id);
    await this.repo.deleteDraft(
      tenantId,
      makeDraftId(tenantId, person._id, `edit-${found.reflection.flowId}`),
    );
    await this.services.audit.record(
      tenantId,
      { actorId: person._id, action: 'reflection.delete', targetId: found.reflection._id },
      now,
    );
    return this.cards().render('notice', {
      title: 'Reflection deleted',
      message: 'The reflection and any feedback on it have been deleted for good.',
    });
  }

  async feedback(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.readable(tenantId, person, raw.reflectionId);
    if (
      !found ||
      found.as !== 'supervisor' ||
      !can(person, 'reflection.feedback', await this.targetOf(tenantId, found.reflection))
    )
      return this.refuse(tenantId, person, 'reflection.feedback', raw.reflectionId);
    const parsed = parse(feedbackInput, raw);
    if (!parsed.ok)
      return this.viewCard(tenantId, person, found.reflection._id, {
        error: Object.values(parsed.errors).join(' '),
        feedbackDraft: typeof raw.feedback === 'string' ? raw.feedback : '',
      });
    const r = found.reflection;
    const now = this.now();
    const feedbackId = `${r._id}|fb|${person._id}|${parsed.value.nonce}`;
    const inserted = await this.repo.addFeedback(tenantId, {
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
      await this.services.audit.record(
        tenantId,
        { actorId: person._id, action: 'reflection.feedback', targetId: r._id },
        now,
      );
      const student = await this.services.people.byId(tenantId, r.personId);
      await this.services.outbox.enqueue(
        tenantId,
        [
          {
            dedupeKey: `reflection.feedback|${feedbackId}`,
            purpose: 'reflection.feedback',
            target: { kind: 'person', personId: r.personId },
            activity: this.cards().activity(
              'reflection-list',
              {
                title: 'New feedback on your reflection',
                intro: `${person.displayName} gave written feedback on a reflection you shared.`,
                items: [
                  {
                    reflectionId: r._id,
                    title: reflectionTitle(
                      { ...r, week: null, feedback: [] },
                      student ? this.zone(student) : this.services.config.DEFAULT_TIME_ZONE,
                    ),
                    subtitle: 'Open it to read the feedback.',
                  },
                ],
                empty: false,
              },
              'New feedback on your reflection',
            ),
          },
        ],
        now,
      );
    }
    return this.viewCard(tenantId, person, r._id, {
      notice: 'Feedback sent. The student has been notified.',
    });
  }

  /** `my reflections`: the student's reflections, newest first. */
  async listCard(tenantId: string, person: PersonDoc): Promise<CardResult> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    const all = (await this.repo.reflectionsOf(tenantId, person._id)).reverse();
    const zone = this.zone(person);
    return this.cards().render('reflection-list', {
      title: 'Your reflections',
      intro: all.length > 20 ? `Your 20 most recent of ${all.length} reflections.` : '',
      items: all.slice(0, 20).map((r) => ({
        reflectionId: r._id,
        title: reflectionTitle({ ...r, week: null, feedback: [] }, zone),
        subtitle: `${reflectionModel(r.model).label} · ${r.shared ? 'shared' : 'private'} · ${r.standards.map((c) => `SOP ${c}`).join(', ')}`,
      })),
      empty: all.length === 0,
    });
  }

  /** `shared reflections`: what a supervisor's students have shared with them. */
  async sharedListCard(tenantId: string, person: PersonDoc): Promise<CardResult> {
    if (!person.roles.includes('supervisor'))
      return 'Only supervisors can see reflections their students shared.';
    const studentIds = await this.services.supervisions.studentIdsOf(tenantId, person._id);
    // The caller's own links stand in for each author's supervisors (the rule asks only
    // whether the caller is among them).
    const shared = (studentIds.length ? await this.repo.sharedBy(tenantId, studentIds) : []).filter((r) =>
      can(person, 'reflection.shared.view', {
        studentId: r.personId,
        supervisorIds: [person._id],
        shared: r.shared,
      }),
    );
    const students = await this.services.people.byIds(tenantId, [...new Set(shared.map((r) => r.personId))]);
    const zone = this.zone(person);
    return this.cards().render('reflection-list', {
      title: 'Reflections shared with you',
      intro: shared.length > 20 ? `The 20 most recently shared of ${shared.length}.` : '',
      items: shared.slice(0, 20).map((r) => ({
        reflectionId: r._id,
        title: `${students.find((s) => s._id === r.personId)?.displayName ?? 'A student'}: ${reflectionTitle({ ...r, week: null, feedback: [] }, zone)}`,
        subtitle: r.standards.map((c) => `SOP ${c}`).join(', '),
      })),
      empty: shared.length === 0,
    });
  }

  // -------------------------------------------------------------------------
  // My journey and export
  // -------------------------------------------------------------------------

  async journeyCard(tenantId: string, person: PersonDoc): Promise<CardResult> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    const s = await this.journeyFor(tenantId, person._id);
    return this.cards().render('my-journey', journeyCardData(person, s));
  }

  /**
   * Export links. A student exports their own journey; a supervisor exports a student they
   * supervise (by email or id), and gets only what that student shared.
   */
  async exportCard(
    tenantId: string,
    person: PersonDoc,
    target: { email?: string; studentId?: unknown } = {},
  ): Promise<CardResult> {
    let subject: PersonDoc | null = person;
    if (target.email !== undefined || target.studentId !== undefined) {
      if (target.studentId !== undefined && !cardId.safeParse(target.studentId).success) subject = null;
      else
        subject =
          target.email !== undefined
            ? await this.services.people.byEmail(tenantId, target.email)
            : await this.services.people.byId(tenantId, target.studentId as string);
      if (subject && !(await this.mayExport(tenantId, person, subject))) subject = null;
      if (!subject) {
        await this.services.audit.record(
          tenantId,
          { actorId: person._id, action: 'journey.export', outcome: 'refused' },
          this.now(),
        );
        return 'I can only export the journey of a student you supervise.';
      }
    } else if (!(await this.mayExport(tenantId, person, person))) {
      return 'Type **export journey <student email>** to export what a student you supervise has shared with you.';
    }
    const now = this.now();
    const secret = this.services.config.EXPORT_LINK_SECRET;
    const base = this.services.config.PUBLIC_BASE_URL.replace(/\/+$/, '');
    const link = (format: ExportFormat) =>
      `${base}/exports/${createExportToken(secret, { tenantId, requesterId: person._id, subjectId: subject!._id, format, now }).token}`;
    await this.services.audit.record(
      tenantId,
      { actorId: person._id, action: 'journey.export', targetId: subject._id },
      now,
    );
    const own = subject._id === person._id;
    return this.cards().render('journey-export', {
      title: own ? 'Your learning journey export' : `${subject.displayName}'s shared reflections`,
      message: own
        ? 'Your document is ready: reflections grouped by pillar and HCPC standard, your check-in confidence trend and the conversations you held. Print it or save it as PDF from your browser.'
        : `This export contains only the reflections ${subject.displayName} chose to share with their supervisors.`,
      htmlUrl: link('html'),
      csvUrl: link('csv'),
      expiry: `Each link works once, for you only, and expires at ${formatTime(new Date(now.getTime() + 15 * 60_000), this.zone(person))}.`,
    });
  }

  /** GET /exports/:token */
  async openExport(token: unknown): Promise<HttpExportResponse> {
    const now = this.now();
    const page = (status: number, title: string, message: string): HttpExportResponse => ({
      status,
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1><p>${message}</p></main></body></html>`,
    });
    const verified = verifyExportToken(this.services.config.EXPORT_LINK_SECRET, token, now);
    if (!verified.ok)
      return verified.reason === 'expired'
        ? page(
            410,
            'This link has expired',
            'Export links last 15 minutes. Type <strong>export my journey</strong> in Teams for a new one.',
          )
        : page(
            404,
            'This link is not valid',
            'Check that you copied the whole link, or ask for a new one in Teams.',
          );
    const { t: tenantId, for: requesterId, of: subjectId, f: format, n } = verified.claims;
    const requester = await this.services.people.byId(tenantId, requesterId);
    const subject =
      requesterId === subjectId ? requester : await this.services.people.byId(tenantId, subjectId);
    const allowed =
      requester !== null && subject !== null && (await this.mayExport(tenantId, requester, subject));
    if (!allowed) {
      await this.services.audit.record(
        tenantId,
        { actorId: requesterId, action: 'journey.export.open', outcome: 'refused' },
        now,
      );
      return page(403, 'Not available', 'This export is no longer available to you.');
    }
    if (!(await this.claims.take('journey-export-link', n)))
      return page(
        410,
        'This link has already been used',
        'Each export link opens once. Type <strong>export my journey</strong> in Teams for a new one.',
      );
    const data = await this.exportData(tenantId, requester, subject, now);
    await this.services.audit.record(
      tenantId,
      {
        actorId: requesterId,
        action: 'journey.export.open',
        targetId: subjectId,
        details: { format, reflections: data.reflections.length },
      },
      now,
    );
    const stamp = localDateOf(now, data.timeZone);
    return format === 'csv'
      ? {
          status: 200,
          contentType: 'text/csv; charset=utf-8',
          body: renderJourneyCsv(data),
          filename: `learning-journey-${stamp}.csv`,
        }
      : { status: 200, contentType: 'text/html; charset=utf-8', body: renderJourneyHtml(data) };
  }

  /** A student's own journey ('journey.export.self'), or what a supervised student shared ('journey.export.supervised'). */
  private async mayExport(tenantId: string, requester: PersonDoc, subject: PersonDoc): Promise<boolean> {
    if (requester._id === subject._id)
      return can(requester, 'journey.export.self', { studentId: subject._id });
    return can(requester, 'journey.export.supervised', {
      studentId: subject._id,
      supervisorIds: await this.services.supervisions.supervisorIdsOf(tenantId, subject._id),
      cohortId: subject.cohortId,
    });
  }

  /** Everything the export shows, already filtered for the audience. */
  async exportData(
    tenantId: string,
    requester: PersonDoc,
    subject: PersonDoc,
    now: Date,
  ): Promise<JourneyExportData> {
    const audience = requester._id === subject._id ? 'student' : 'supervisor';
    const all = await this.repo.reflectionsOf(tenantId, subject._id);
    const visible = audience === 'student' ? all : all.filter((r) => r.shared);
    const calendar = await this.calendarOf(tenantId, subject);
    const feedback = await this.repo.feedbackOn(
      tenantId,
      visible.map((r) => r._id),
    );
    const supervisors = await this.services.people.byIds(tenantId, [
      ...new Set(feedback.map((f) => f.supervisorId)),
    ]);
    const summary = journeySummary(visible, calendar, now);
    return {
      student: {
        displayName: subject.displayName,
        profession: subject.profession,
        cohortName: calendar?.name ?? null,
      },
      audience,
      generatedAt: now,
      timeZone: subject.timeZone ?? calendar?.timeZone ?? this.services.config.DEFAULT_TIME_ZONE,
      reflections: visible.map((r) => ({
        createdAt: r.createdAt,
        week: calendar ? reflectionWeek(calendar, r.createdAt) : null,
        model: r.model,
        answers: r.answers,
        pillars: r.pillars,
        standards: r.standards,
        standardsVersion: r.standardsVersion,
        topic: r.topic,
        shared: r.shared,
        sharedWith: this.peer.sharedWith(r),
        feedback: feedback
          .filter((f) => f.reflectionId === r._id)
          .map((f) => ({
            from: supervisors.find((s) => s._id === f.supervisorId)?.displayName ?? 'Supervisor',
            text: f.text,
            at: f.createdAt,
          })),
      })),
      summary,
      confidence: audience === 'student' ? await this.confidenceTrend(tenantId, subject._id) : null,
      conversations: audience === 'student' ? await this.conversationsHeld(tenantId, subject._id) : null,
      project: audience === 'student' ? await this.projectOf(tenantId, subject._id) : null,
      events: audience === 'student' ? await this.eventsAttended(tenantId, subject._id) : null,
    };
  }

  /** The student's project from services.projects, 'none' when on none, null without that feature. */
  private async projectOf(tenantId: string, studentId: string): Promise<ExportProject | 'none' | null> {
    const source = this.peers.projects as Partial<ProjectSource> | undefined;
    if (!source || typeof source.journeyOf !== 'function') return null;
    return (await source.journeyOf(tenantId, studentId)) ?? 'none';
  }

  /**
   * The check-in confidence trend: from services.checkins.confidenceTrend when the check-ins
   * feature provides it; otherwise read from the `checkins` collection if it exists (a
   * numeric `confidence` object per check-in); otherwise none.
   */
  async confidenceTrend(tenantId: string, studentId: string): Promise<ConfidencePoint[]> {
    const source = this.peers.checkins as Partial<ConfidenceSource> | undefined;
    if (source && typeof source.confidenceTrend === 'function')
      return source.confidenceTrend(tenantId, studentId);
    const exists = await this.services.db.listCollections({ name: 'checkins' }, { nameOnly: true }).toArray();
    if (exists.length === 0) return [];
    const docs = await this.services.db
      .collection('checkins')
      .find({ tenantId, $or: [{ studentId }, { personId: studentId }] })
      .limit(200)
      .toArray();
    const points: ConfidencePoint[] = [];
    for (const doc of docs.sort((a, b) => Number(a.week ?? 0) - Number(b.week ?? 0))) {
      const confidence = (doc.confidence ?? doc.answers?.confidence) as Record<string, unknown> | undefined;
      if (!confidence || typeof confidence !== 'object') continue;
      const values: Record<string, number> = {};
      for (const [area, value] of Object.entries(confidence))
        if (typeof value === 'number') values[labelOf(CONFIDENCE_AREAS, area) ?? area] = value;
      if (Object.keys(values).length > 0)
        points.push({ label: typeof doc.week === 'number' ? `Week ${doc.week}` : 'Check-in', values });
    }
    return points;
  }

  /** Placement events the student attended (services.events.attendedBy), when that feature exists. */
  async eventsAttended(
    tenantId: string,
    studentId: string,
  ): Promise<{ date: string; title: string; kind: string }[]> {
    const source = this.peers.events as Partial<EventSource> | undefined;
    return source && typeof source.attendedBy === 'function' ? source.attendedBy(tenantId, studentId) : [];
  }

  /**
   * 20-minute conversations held: from services.conversations.heldBy when the conversations
   * feature provides it; otherwise the held bookings in `conversation_bookings`, if present.
   */
  async conversationsHeld(
    tenantId: string,
    studentId: string,
  ): Promise<{ date: string; with: string; role: string }[]> {
    const source = this.peers.conversations as Partial<ConversationSource> | undefined;
    if (source && typeof source.heldBy === 'function') return source.heldBy(tenantId, studentId);
    const db = this.services.db;
    if (
      (await db.listCollections({ name: 'conversation_bookings' }, { nameOnly: true }).toArray()).length === 0
    )
      return [];
    const held = await db
      .collection('conversation_bookings')
      .find({ tenantId, studentId, state: 'held' })
      .sort({ startsAt: 1 })
      .limit(500)
      .toArray();
    const hostIds = [
      ...new Set(held.map((b) => b.hostId).filter((id): id is string => typeof id === 'string')),
    ];
    const hosts = hostIds.length
      ? await db
          .collection<{ _id: string; displayName?: string }>('ahp_hosts')
          .find({ _id: { $in: hostIds } })
          .toArray()
      : [];
    const zone = this.services.config.DEFAULT_TIME_ZONE;
    return held.map((b) => ({
      date: b.startsAt instanceof Date ? formatDate(localDateOf(b.startsAt, zone)) : '',
      with: hosts.find((h) => h._id === b.hostId)?.displayName ?? String(b.profession ?? 'AHP'),
      role: [b.profession, b.roleType].filter((x) => typeof x === 'string' && x !== '').join(', '),
    }));
  }

  // -------------------------------------------------------------------------
  // Scheduled prompts (cohort-configurable)
  // -------------------------------------------------------------------------

  async scheduleCard(
    tenantId: string,
    person: PersonDoc,
    error = '',
    selectedCohortId?: string,
  ): Promise<CardResult> {
    const all = await this.services.cohorts.all(tenantId);
    const cohorts = all.filter((c) => can(person, 'reflection.prompts.configure', { cohortId: c._id }));
    if (cohorts.length === 0) {
      if (!person.roles.some((r) => r === 'lead' || r === 'admin')) return LEAD_ONLY;
      return all.length === 0 ? 'There are no cohorts yet. Import a roster first.' : OWN_COHORT_ONLY;
    }
    const cohortId = cohorts.find((c) => c._id === selectedCohortId)?._id ?? cohorts[0]!._id;
    const current = await this.repo.schedule(tenantId, cohortId);
    const schedules = await Promise.all(cohorts.map((c) => this.repo.schedule(tenantId, c._id)));
    return this.cards().render('reflection-schedule', {
      cohortChoices: cohorts.map((c) => ({ title: c.name, value: c._id })),
      cohortId,
      afterChoices: AFTER_CHOICES,
      after: current?.after ?? 'clinical',
      time: current?.time ?? '17:00',
      current: cohorts.map((c, i) => ({
        title: c.name,
        value: describeSchedule(schedules[i]?.after ?? 'off', schedules[i]?.time ?? '17:00'),
      })),
      error,
    });
  }

  async setSchedule(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const cohort = cardId.safeParse(raw.cohortId).success
      ? await this.services.cohorts.byId(tenantId, raw.cohortId as string)
      : null;
    if (!can(person, 'reflection.prompts.configure', { cohortId: cohort?._id ?? null })) {
      const lead = person.roles.some((r) => r === 'lead' || r === 'admin');
      if (!cohort && lead) return this.scheduleCard(tenantId, person, 'Choose a cohort from the list.');
      await this.services.audit.record(
        tenantId,
        {
          actorId: person._id,
          action: 'reflection.schedule',
          targetId: cohort?._id ?? null,
          outcome: 'refused',
        },
        this.now(),
      );
      return lead ? OWN_COHORT_ONLY : LEAD_ONLY;
    }
    if (!cohort) return this.scheduleCard(tenantId, person, 'Choose a cohort from the list.');
    const after = raw.after;
    if (typeof after !== 'string' || !(PROMPT_AFTER as readonly string[]).includes(after))
      return this.scheduleCard(tenantId, person, 'Choose when to prompt.', cohort._id);
    let time: string;
    try {
      time = parseTime(typeof raw.time === 'string' ? raw.time : '');
    } catch {
      return this.scheduleCard(tenantId, person, 'Enter a time as HH:mm, e.g. 17:00.', cohort._id);
    }
    const now = this.now();
    await this.repo.setSchedule(tenantId, cohort._id, after as PromptAfter, time, now);
    await this.services.audit.record(
      tenantId,
      { actorId: person._id, action: 'reflection.schedule', targetId: cohort._id },
      now,
    );
    await this.planPrompts(now);
    return this.cards().render('notice', {
      title: 'Reflection prompts updated',
      message: `${cohort.name}: ${describeSchedule(after as PromptAfter, time)}.`,
    });
  }

  /**
   * The recurring planner: for every cohort with prompts switched on, schedules one prompt
   * job per student per matching placement day today and tomorrow (job key
   * `reflections.prompt|<tenant>|<student>|<date>`, so re-runs store each once).
   */
  async planPrompts(now: Date): Promise<number> {
    let planned = 0;
    for (const schedule of await this.repo.activeSchedules()) {
      const tenantId = schedule.tenantId;
      const cohort = await this.services.cohorts.byId(tenantId, schedule.cohortId);
      if (!cohort) continue;
      const students = await this.services.people.inCohort(tenantId, cohort._id, 'student');
      const today = localDateOf(now, cohort.timeZone);
      for (const date of [today, addDays(today, 1)]) {
        if (!promptsOn(schedule.after, dayKind(cohort, date))) continue;
        for (const student of students) {
          const runAt = localInstant(date, schedule.time, student.timeZone ?? cohort.timeZone);
          if (runAt.getTime() < now.getTime() - 2 * 3600_000) continue;
          const inserted = await this.services.scheduler.schedule({
            key: `reflections.prompt|${tenantId}|${student._id}|${date}`,
            type: 'reflections.prompt',
            runAt,
            tenantId,
            personId: student._id,
            payload: { cohortId: cohort._id, date },
          });
          if (inserted) planned++;
        }
      }
    }
    return planned;
  }

  /** Job handler: re-checks the schedule, then enqueues the prompt (dedupe per person and day). */
  async runPromptJob(tenantId: string, personId: string, cohortId: string, date: string): Promise<boolean> {
    const schedule = await this.repo.schedule(tenantId, cohortId);
    const cohort = await this.services.cohorts.byId(tenantId, cohortId);
    const person = await this.services.people.byId(tenantId, personId);
    if (!schedule || !cohort || !person || person.cohortId !== cohortId) return false;
    const kind = dayKind(cohort, date);
    if (!promptsOn(schedule.after, kind)) return false;
    return this.promptReflection(tenantId, personId, {
      topic: kind === 'clinical' ? 'qi-project' : 'other',
      dedupeKey: `reflection.prompt|${personId}|day|${date}`,
      message: `How did today's ${kind} day go? Take five minutes to reflect while it is fresh: your draft is saved at every step.`,
    });
  }
}

const AFTER_CHOICES = [
  { title: 'Off: no scheduled prompts', value: 'off' },
  { title: 'After each clinical day', value: 'clinical' },
  { title: 'After each leadership day', value: 'leadership' },
  { title: 'After every placement day', value: 'placement' },
];

function describeSchedule(after: PromptAfter, time: string): string {
  if (after === 'off') return 'no scheduled prompts';
  const days = {
    clinical: 'each clinical day',
    leadership: 'each leadership day',
    placement: 'every placement day',
  }[after];
  return `a prompt at ${time} on ${days}`;
}

function promptsOn(after: PromptAfter, kind: string): boolean {
  if (after === 'off') return false;
  if (after === 'placement') return kind === 'clinical' || kind === 'leadership';
  return kind === after;
}

function formatTime(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(
    instant,
  );
}

export function journeyCardData(person: PersonDoc, s: JourneySummary) {
  const gaps = s.standardsWithoutEvidence;
  return {
    name: person.displayName.split(' ')[0] || person.displayName,
    totalText: `${s.total} reflection${s.total === 1 ? '' : 's'} so far${s.currentWeek ? ` · placement week ${s.currentWeek}` : ''}`,
    pillars: s.byPillar.map((p) => ({ title: p.label, value: String(p.count) })),
    // The standard's own words, never a bare "SOP 9": students know the titles, not the numbers.
    standards: s.byStandard
      .filter((x) => x.count > 0)
      .map((x) => ({ title: standardTitle(x.id) ?? x.label, value: String(x.count) })),
    hasStandards: s.byStandard.some((x) => x.count > 0),
    gapsText:
      gaps.length === 0
        ? 'Every HCPC standard has at least one reflection.'
        : `No evidence yet for ${gaps.length} of ${HCPC_SOP_2023.standards.length} standards:`,
    gaps: gaps.map((c) => ({ title: standardTitle(c) ?? c })),
    weeksText:
      s.weeksCompleted === null
        ? ''
        : s.weeksWithoutReflection.length === 0
          ? s.weeksCompleted === 0
            ? 'No placement week has finished yet.'
            : `A reflection in every finished week (${s.weeksCompleted} so far).`
          : `Weeks without a reflection: ${s.weeksWithoutReflection.join(', ')}.`,
    nudge: s.nudge,
  };
}

type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

function parse<S extends z.ZodTypeAny>(schema: S, data: unknown): ParseResult<z.output<S>> {
  try {
    rejectMongoOperatorKeys(data);
  } catch (err) {
    if (err instanceof UnsafeKeyError) return { ok: false, errors: { _form: 'That input is not allowed.' } };
    throw err;
  }
  const result = schema.safeParse(data);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, errors: formatZodIssues(result.error) };
}

/** Card data as a plain record (anything else becomes {}). */
function safeData(data: unknown): Record<string, unknown> {
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}
