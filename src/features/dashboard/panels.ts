/**
 * The shape every dashboard panel has, and the helpers that fill it. A panel is never blank:
 * it has data, or a state with a sentence telling the person what is going on and what to do.
 */
import type { Panel } from '../../web/api-types.js';

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
