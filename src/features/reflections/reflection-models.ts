/**
 * The reflective models a student can write with, one card per step, and the limits that
 * apply to what they type. Pure: no I/O.
 *
 * - Gibbs' reflective cycle (1988): description, feelings, evaluation, analysis,
 *   conclusion, action plan.
 * - Rolfe et al. (2001): What? So what? Now what?
 * - Free form: one open text.
 *
 * Every model ends with the tagging step (HCPC standards, pillars, topic).
 */
export const REFLECTION_MODEL_IDS = ['gibbs', 'what-so-what', 'free'] as const;
export type ReflectionModelId = (typeof REFLECTION_MODEL_IDS)[number];

export interface ReflectionStep {
  /** Key in the stored `answers` object. */
  key: string;
  title: string;
  prompt: string;
  placeholder: string;
  /** Most characters accepted for this step (stated on the card, enforced on the server). */
  maxLength: number;
  /** The step cannot be left blank to move on (what happened: the rest builds on it). */
  required?: boolean;
}

/** The error for moving on from a step with this answer, or null when it may be left as it is. */
export function stepAnswerError(step: ReflectionStep, answer: string): string | null {
  return step.required && answer.trim() === ''
    ? `Write what happened before you go on: the “${step.title}” step is what the rest of your reflection builds on.`
    : null;
}

export interface ReflectionModel {
  id: ReflectionModelId;
  label: string;
  /** What the steps are, for the choice of model (the count comes from the steps). */
  summary: string;
  steps: readonly ReflectionStep[];
}

/** Characters per step of a structured model. */
export const STEP_MAX_LENGTH = 2000;
/** Characters for the single free-form text. */
export const FREE_MAX_LENGTH = 6000;
/** Characters of supervisor feedback. */
export const FEEDBACK_MAX_LENGTH = 1500;

const step = (key: string, title: string, prompt: string, placeholder: string): ReflectionStep => ({
  key,
  title,
  prompt,
  placeholder,
  maxLength: STEP_MAX_LENGTH,
});

export const REFLECTION_MODELS: readonly ReflectionModel[] = [
  {
    id: 'gibbs',
    label: "Gibbs' reflective cycle",
    summary: 'description, feelings, evaluation, analysis, conclusion, action plan, then tags',
    steps: [
      step(
        'description',
        'Description',
        'What happened? Set the scene: where, who, what you did.',
        'What happened…',
      ),
      step(
        'feelings',
        'Feelings',
        'What were you thinking and feeling at the time, and afterwards?',
        'I felt…',
      ),
      step(
        'evaluation',
        'Evaluation',
        'What was good and what was difficult about the experience?',
        'What went well was…',
      ),
      step(
        'analysis',
        'Analysis',
        'What sense can you make of it? What helped or got in the way, and why?',
        'This happened because…',
      ),
      step('conclusion', 'Conclusion', 'What did you learn? What else could you have done?', 'I learned…'),
      step(
        'actionPlan',
        'Action plan',
        'If it happened again, what would you do? What will you do next?',
        'Next time I will…',
      ),
    ],
  },
  {
    id: 'what-so-what',
    label: 'What? So what? Now what?',
    summary: 'what happened, why it matters, what you will do next, then tags',
    steps: [
      {
        ...step('what', 'What?', 'What happened? What was your part in it?', 'What happened…'),
        required: true,
      },
      step(
        'soWhat',
        'So what?',
        'So what does it mean for you, the team or the people you work with?',
        'It matters because…',
      ),
      step(
        'nowWhat',
        'Now what?',
        'Now what will you do, and what do you need to get there?',
        'Next I will…',
      ),
    ],
  },
  {
    id: 'free',
    label: 'Free form',
    summary: 'one open text in your own structure, then tags',
    steps: [
      {
        key: 'text',
        title: 'Your reflection',
        prompt: 'Write your reflection in your own words.',
        placeholder: 'Today I…',
        maxLength: FREE_MAX_LENGTH,
      },
    ],
  },
];

export function isReflectionModel(id: unknown): id is ReflectionModelId {
  return typeof id === 'string' && (REFLECTION_MODEL_IDS as readonly string[]).includes(id);
}

export function reflectionModel(id: ReflectionModelId): ReflectionModel {
  return REFLECTION_MODELS.find((m) => m.id === id)!;
}

/** Steps including the final tagging step: index `steps.length` is the tags card. */
export function stepCount(id: ReflectionModelId): number {
  return reflectionModel(id).steps.length + 1;
}

/**
 * The model as offered on the start card, e.g. "Gibbs' reflective cycle (7 steps): description,
 * …, then tags". The count is the cards the student will see ("Step 2 of 7"), tags included.
 */
export function modelChoiceTitle(id: ReflectionModelId): string {
  const m = reflectionModel(id);
  return `${m.label} (${stepCount(id)} steps): ${m.summary}`;
}

/** The answer keys of a model, in order. */
export function answerKeys(id: ReflectionModelId): string[] {
  return reflectionModel(id).steps.map((s) => s.key);
}

/** '1,234' for card text. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-GB');
}

/**
 * A step's heading for someone other than the author: the free-form step is "Your reflection"
 * to its author, "Priya's reflection" to a supervisor or fellow student.
 */
export function readerTitle(step: { key: string; title: string }, authorName: string | undefined): string {
  if (step.title !== 'Your reflection') return step.title;
  const first = authorName?.split(' ')[0];
  return first ? `${first}’s reflection` : 'Their reflection';
}
