/**
 * The card layer of reflections: view data for the templates in cards/ (reflect-start,
 * reflection-step, reflection-tags, reflection-view, reflection-list, my-journey). No storage,
 * no policy: the use cases load and authorise, these functions only shape what is shown.
 */
import type { AdaptiveCard, Cards } from '../../cards/cards.js';
import {
  labelOf,
  PILLARS,
  REFLECTION_TOPICS,
  toChoices,
  type ReflectionTopicId,
} from '../../domain/catalogues.js';
import { HCPC_SOP_2023, standardTitle } from '../../domain/hcpc-standards.js';
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { JourneySummary } from './journey.js';
import { newNonce } from './reflection-deps.js';
import {
  formatCount,
  modelChoiceTitle,
  REFLECTION_MODELS,
  reflectionModel,
  stepCount,
  type ReflectionModelId,
} from './reflection-models.js';
import type { DraftDoc } from './reflections-repository.js';

export interface StartOptions {
  flowId?: string;
  topic?: ReflectionTopicId;
  linkId?: string | null;
  intro?: string;
  model?: ReflectionModelId;
  error?: string;
}

/** The reflect-start card: choose a model and topic, or continue one of the drafts. */
export function startCardData(drafts: DraftDoc[], zone: string, options: StartOptions = {}) {
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
      progress: `Step ${Math.min(d.step + 1, stepCount(d.model))} of ${stepCount(d.model)} · last saved ${formatDate(localDateOf(d.updatedAt, zone))}`,
    })),
    error: options.error ?? '',
  };
}

/**
 * The draft's current step: a text step of its model, or (past the last) the tagging step.
 * `typed` keeps what was submitted when the card comes back with an error.
 */
export function draftCard(
  cards: Cards,
  draft: DraftDoc,
  error: Record<string, string> = {},
  typed?: Record<string, unknown>,
  /** The tagging step: offer the optional coach (only when it is on); a line above the tags. */
  tagging: { coach?: boolean; notice?: string } = {},
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
    return cards.render('reflection-step', {
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
  return cards.render('reflection-tags', {
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
    coach: tagging.coach === true,
    notice: tagging.notice ?? '',
    standardsError: error.standards ?? '',
    pillarsError: error.pillars ?? '',
    topicError: error.topic ?? '',
    error: error._form ?? error.draftId ?? '',
  });
}

export interface ListItem {
  reflectionId: string;
  title: string;
  subtitle: string;
}

/** The reflection-list card data (also sent as a notification with one item). */
export function listCardData(title: string, intro: string, items: ListItem[]) {
  return { title, intro, items, empty: items.length === 0 };
}

/** The my-journey card: counts by pillar and standard, the gaps, weeks without a reflection. */
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
