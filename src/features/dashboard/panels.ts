/**
 * The shape every dashboard panel has, and the helpers that fill it. A panel is never blank:
 * it has data, or a state with a sentence telling the person what is going on and what to do.
 */
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import type { ConfidenceRow, Panel } from '../../web/api-types.js';

export type { Panel, PanelState } from '../../web/api-types.js';

export const ok = <T>(data: T): Panel<T> => ({ state: 'ok', data });
export const empty = <T>(message: string): Panel<T> => ({ state: 'empty', message });
export const notSetUp = <T>(what: string): Panel<T> => ({
  state: 'not-set-up',
  message: `${what} are not set up yet on this service. This panel fills in once they are.`,
});
export const suppressed = <T>(minimum: number, size: number): Panel<T> => ({
  state: 'suppressed',
  message: `Hidden to protect anonymity: results are shown for groups of at least ${minimum} people (this group has ${size}).`,
});

/** The part of a cohort a lead overview describes: a week range, optionally one profession. */
export interface Group {
  cohortId: string;
  profession: string | null;
  range: { fromWeek: number; toWeek: number };
  studentCount: number;
}

export const round1 = (v: number) => Math.round(v * 10) / 10;

/** Mean confidence per area (in CONFIDENCE_AREAS order) for one week, and how many answered. */
export interface WeekMeans {
  n: number;
  means: (number | null)[];
}

/**
 * Confidence at the first week with data against the last: empty before any check-in, hidden
 * when neither week reaches the anonymity minimum.
 */
export function confidencePanel(
  weeksWithData: readonly number[],
  meanOf: (week: number | undefined) => WeekMeans,
  min: number,
): Panel<ConfidenceRow[]> {
  if (weeksWithData.length === 0) return empty('No check-ins in these weeks yet.');
  const pre = meanOf(weeksWithData[0]);
  const post = weeksWithData.length > 1 ? meanOf(weeksWithData[weeksWithData.length - 1]) : meanOf(undefined);
  if (pre.n < min && post.n < min) return suppressed(min, Math.max(pre.n, post.n));
  return ok(
    CONFIDENCE_AREAS.map((a, i) => ({
      area: a.id,
      label: a.label,
      pre: pre.means[i]!,
      post: post.means[i]!,
      preN: pre.n,
      postN: post.n,
    })),
  );
}
