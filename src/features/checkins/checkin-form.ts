/**
 * The check-in card's input: the zod schema every submit is validated with, and the data
 * builders for the check-in card templates (form, submitted, reminder).
 */
import { z } from 'zod';
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import { distressPhrasesIn } from '../../domain/safeguarding.js';
import { FORM_ERROR_KEY, rating, safeText } from '../../domain/validation.js';
import { parseCardInput } from '../../feature-kit/card-input.js';
import type { CheckinAnswers, CheckinDoc } from './checkins-repository.js';
import type { CardAction } from './ports.js';

export const MAX_TEXT = 2000;
export const LOW_WELLBEING = 2;

export const TEXT_FIELDS = ['progress', 'leadership', 'wentWell', 'hard', 'topics'] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

export const confidenceInputId = (areaId: string) => `conf_${areaId}`;

const week = z.preprocess(
  (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ invalid_type_error: 'Unknown week' }).int().min(1).max(52),
);

const confidenceShape = Object.fromEntries(
  CONFIDENCE_AREAS.map((a) => [confidenceInputId(a.id), rating(1, 5)]),
) as Record<string, ReturnType<typeof rating>>;

export const CheckinSubmit = z.object({
  week,
  wellbeing: rating(1, 5),
  progress: safeText(MAX_TEXT, { min: 1 }),
  // Optional answers: Teams leaves an empty input's key out of the submit, so absent is ''.
  leadership: safeText(MAX_TEXT).default(''),
  wentWell: safeText(MAX_TEXT).default(''),
  hard: safeText(MAX_TEXT).default(''),
  topics: safeText(MAX_TEXT).default(''),
  ...confidenceShape,
});

export type ParsedSubmit =
  | { ok: true; week: number; answers: CheckinAnswers }
  | { ok: false; week: number | null; errors: Record<string, string> };

/** Validates a raw Action.Execute payload; nothing here touches storage. */
export function parseCheckinSubmit(data: unknown): ParsedSubmit {
  const weekOf = (d: unknown) => {
    const w = week.safeParse((d as { week?: unknown } | null)?.week);
    return w.success ? w.data : null;
  };
  // Unsafe keys: "Some answers contained values that are not allowed." and the field marked.
  const parsed = parseCardInput(CheckinSubmit, data);
  if (!parsed.ok) return { ok: false, week: weekOf(data), errors: parsed.errors };
  const d = parsed.value as Record<string, unknown> & z.infer<typeof CheckinSubmit>;
  return {
    ok: true,
    week: d.week,
    answers: {
      wellbeing: d.wellbeing as number,
      progress: d.progress,
      leadership: d.leadership,
      wentWell: d.wentWell,
      hard: d.hard,
      topics: d.topics,
      confidence: Object.fromEntries(
        CONFIDENCE_AREAS.map((a) => [a.id, d[confidenceInputId(a.id)] as number]),
      ),
    },
  };
}

/** What the student typed, as strings only (objects and operators are dropped), for re-showing. */
export function typedValues(data: unknown): Record<string, string> {
  const raw = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const keys = ['wellbeing', ...TEXT_FIELDS, ...CONFIDENCE_AREAS.map((a) => confidenceInputId(a.id))];
  return Object.fromEntries(
    keys.map((k) => {
      const v = raw[k];
      return [k, typeof v === 'string' ? v.slice(0, MAX_TEXT) : typeof v === 'number' ? String(v) : ''];
    }),
  );
}

export function answersAsValues(a: CheckinAnswers): Record<string, string> {
  return {
    wellbeing: String(a.wellbeing),
    progress: a.progress,
    leadership: a.leadership,
    wentWell: a.wentWell,
    hard: a.hard,
    topics: a.topics,
    ...Object.fromEntries(
      CONFIDENCE_AREAS.map((a2) => [confidenceInputId(a2.id), String(a.confidence[a2.id] ?? '')]),
    ),
  };
}

export const SIGNPOSTING =
  "Thank you for being honest about how you are. You don't have to manage this on your own: " +
  'talk to your supervisor or your practice education lead, or use your employer’s free, confidential ' +
  'employee assistance programme. Samaritans are there day or night on 116 123 (free). ' +
  'If you feel unsafe right now, call 999 or go to A&E.';

export interface CheckinFormData {
  week: number;
  of: number;
  cohortId: string;
  dueText: string;
  /** The line under the title, true for the moment the card is shown (late-checkins.ts). */
  intro: string;
  banner: string;
  errors: Record<string, string>;
  values: Record<string, string>;
  confidence: { id: string; inputId: string; label: string; value: string; error: string }[];
  /** Open actions from supervision, each with the week for its buttons. */
  actions: (CardAction & { week: number })[];
  /** The project answer's label: names the student's project when they are on one. */
  progressLabel: string;
}

/** Data for cards/checkin.json: the form, with typed values and errors (both may be empty). */
export function checkinFormData(params: {
  week: number;
  of: number;
  cohortId: string;
  dueText: string;
  intro?: string;
  banner?: string;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  actions?: CardAction[];
  /** The student's project (services.projects), whose weekly update this answer becomes. */
  projectTitle?: string | null;
}): CheckinFormData {
  const values = params.values ?? {};
  const errors = params.errors ?? {};
  const allKeys = ['wellbeing', ...TEXT_FIELDS, FORM_ERROR_KEY];
  return {
    week: params.week,
    of: params.of,
    cohortId: params.cohortId,
    dueText: params.dueText,
    intro:
      params.intro ??
      `Due ${params.dueText}. Your answers go to your supervisor before supervision; you can edit them until then.`,
    banner: params.banner ?? '',
    errors: Object.fromEntries(allKeys.map((k) => [k === FORM_ERROR_KEY ? 'form' : k, errors[k] ?? ''])),
    values: Object.fromEntries(['wellbeing', ...TEXT_FIELDS].map((k) => [k, values[k] ?? ''])),
    confidence: CONFIDENCE_AREAS.map((a) => ({
      id: a.id,
      inputId: confidenceInputId(a.id),
      label: `Confidence: ${a.label} (1 = not confident, 5 = very confident)`,
      value: values[confidenceInputId(a.id)] ?? '',
      error: errors[confidenceInputId(a.id)] ?? '',
    })),
    actions: (params.actions ?? []).map((a) => ({ ...a, week: params.week })),
    progressLabel: params.projectTitle
      ? `Progress on your project “${params.projectTitle}” this week (your project team sees it)`
      : 'Project progress this week',
  };
}

/** Data for cards/checkin-submitted.json: the read-only submitted state. */
export function submittedCardData(params: {
  checkin: CheckinDoc;
  editable: boolean;
  notice?: string;
  commentAuthors: Map<string, string>;
  /** Who countersigned and when, as the student reads it ("Sam Okoro, Thu 20 Feb, 15:10"). */
  countersigned?: string;
  actions?: CardAction[];
}) {
  const { checkin: c } = params;
  const signed = c.countersignedBy
    ? ` · countersigned${params.countersigned ? ` by ${params.countersigned}` : ''}`
    : '';
  const a = c.answers;
  return {
    week: c.week,
    of: c.of,
    cohortId: c.cohortId,
    status: `${c.late ? 'Submitted late' : 'Submitted'}${signed}`,
    notice: params.notice ?? '',
    lowWellbeing:
      a.wellbeing <= LOW_WELLBEING || distressPhrasesIn(...TEXT_FIELDS.map((f) => a[f])).length > 0,
    signposting: SIGNPOSTING,
    editable: params.editable,
    facts: [
      { title: 'Wellbeing', value: `${a.wellbeing} of 5` },
      { title: 'Project progress', value: a.progress || '—' },
      { title: 'Leadership behaviours', value: a.leadership || '—' },
      { title: 'What went well', value: a.wentWell || '—' },
      { title: 'What was hard', value: a.hard || '—' },
      { title: 'For supervision', value: a.topics || '—' },
      ...CONFIDENCE_AREAS.map((area) => ({
        title: area.label,
        value: `${a.confidence[area.id] ?? '—'} of 5`,
      })),
    ],
    comments: c.comments.map((m) => ({
      author: params.commentAuthors.get(m.authorId) ?? 'Your supervisor',
      text: m.text,
    })),
    actions: (params.actions ?? []).map((a) => ({ ...a, week: c.week })),
  };
}
