/** The survey form card's data: the run's questions, the person's answers and any errors. */
import { formatLocal } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import { keyLabel, questionKeys, type SurveyDefinition } from './definitions.js';
import type { SurveyRunDoc } from './survey-repository.js';
import type { SurveyService } from './survey-service.js';

export function formCardData(
  survey: SurveyService,
  run: SurveyRunDoc,
  def: SurveyDefinition,
  cohort: CohortDoc | null,
  values: Record<string, unknown>,
  errors: Record<string, string>,
  notice = '',
) {
  const zone = cohort?.timeZone ?? survey.deps.config.DEFAULT_TIME_ZONE;
  const text = (v: unknown) =>
    typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : v == null ? '' : String(v);
  return {
    runId: run._id,
    title: run.title,
    description: def.description,
    anonymous: run.anonymous,
    closes: formatLocal(run.closesAt, zone),
    notice,
    formError: Object.keys(errors).length > 0 ? 'Some answers need another look (see below).' : '',
    questions: def.questions.map((q, i) => ({
      id: q.id,
      label: `${i + 1}. ${q.text}${q.required ? '' : ' (optional)'}`,
      kind:
        q.type === 'text'
          ? 'text'
          : q.type === 'multiple'
            ? 'multiple'
            : q.type === 'single'
              ? 'single'
              : 'scale',
      hint:
        'lowLabel' in q && q.lowLabel
          ? `${questionKeys(q)[0]} = ${q.lowLabel}, ${questionKeys(q).at(-1)} = ${q.highLabel ?? ''}`
          : '',
      maxLength: q.type === 'text' ? q.maxLength : 0,
      choices: questionKeys(q).map((k) => ({ title: keyLabel(q, k), value: k })),
      value: text(values[q.id]),
      error: errors[q.id] ?? '',
    })),
  };
}
