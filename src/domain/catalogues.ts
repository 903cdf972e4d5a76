/**
 * Fixed vocabularies used by reflections, surveys and insight: the four pillars of
 * practice, reflection topics and the confidence areas the evaluation measures.
 * Each is a readonly list of `{ id, label }` plus a zod enum for validating card input.
 */
import { z } from 'zod';

export interface CatalogueEntry<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
}

export const PILLARS = [
  { id: 'clinical', label: 'Clinical practice' },
  { id: 'leadership', label: 'Leadership' },
  { id: 'education', label: 'Education' },
  { id: 'research', label: 'Research' },
] as const satisfies readonly CatalogueEntry[];

export const REFLECTION_TOPICS = [
  { id: 'qi-project', label: 'Quality-improvement project' },
  { id: 'conversation', label: '20-minute conversation' },
  { id: 'workshop', label: 'Reflective workshop' },
  { id: 'preceptorship-day', label: 'Preceptorship study day' },
  { id: 'careers-expo', label: 'Careers expo' },
  { id: 'senior-ahp-meeting', label: 'Senior AHP meeting' },
  { id: 'supervision', label: 'Supervision' },
  { id: 'other', label: 'Other' },
] as const satisfies readonly CatalogueEntry[];

export const CONFIDENCE_AREAS = [
  { id: 'leadership', label: 'Leadership' },
  { id: 'time-management', label: 'Time management' },
  { id: 'interprofessional-collaboration', label: 'Interprofessional collaboration' },
  { id: 'professional-behaviours', label: 'Professional behaviours' },
  { id: 'communication', label: 'Communication' },
] as const satisfies readonly CatalogueEntry[];

type Ids<T extends readonly CatalogueEntry[]> = {
  [K in keyof T]: T[K] extends CatalogueEntry<infer I> ? I : never;
};

function idsOf<const T extends readonly CatalogueEntry[]>(entries: T): Ids<T> {
  return entries.map((e) => e.id) as unknown as Ids<T>;
}

export const PillarId = z.enum(idsOf(PILLARS));
export type PillarId = z.infer<typeof PillarId>;

export const ReflectionTopicId = z.enum(idsOf(REFLECTION_TOPICS));
export type ReflectionTopicId = z.infer<typeof ReflectionTopicId>;

export const ConfidenceAreaId = z.enum(idsOf(CONFIDENCE_AREAS));
export type ConfidenceAreaId = z.infer<typeof ConfidenceAreaId>;

/** The label for an id in a catalogue, or undefined when the id is not in it. */
export function labelOf(entries: readonly CatalogueEntry[], id: string): string | undefined {
  return entries.find((e) => e.id === id)?.label;
}

export const pillarLabel = (id: PillarId): string => labelOf(PILLARS, id)!;
export const reflectionTopicLabel = (id: ReflectionTopicId): string => labelOf(REFLECTION_TOPICS, id)!;
export const confidenceAreaLabel = (id: ConfidenceAreaId): string => labelOf(CONFIDENCE_AREAS, id)!;

/** Adaptive Card Input.ChoiceSet choices ({ title, value }) for a catalogue. */
export function toChoices(entries: readonly CatalogueEntry[]): { title: string; value: string }[] {
  return entries.map((e) => ({ title: e.label, value: e.id }));
}
