/**
 * When a student's weeks call for the placement lead: two missed check-ins in a row, or low
 * wellbeing (≤ 2 of 5) two check-ins running. Pure: the caller supplies the weeks it knows.
 *
 * An episode is named by its kind and the week it started, so the same run of weeks always
 * has the same id (a third missed week extends the episode, it does not start a new one),
 * and a check-in ends it: a later run starts at a later week, so it is a new episode.
 */
export const ESCALATION_RUN = 2;
export const ESCALATION_LOW_WELLBEING = 2;

export type EpisodeKind = 'missed' | 'wellbeing';

export interface WeekFact {
  week: number;
  /** The student had a check-in to do that week (not paused, some placement days). */
  expected: boolean;
  /** Its due time has passed. */
  closed: boolean;
  /** The wellbeing answered that week, or null when there is no check-in. */
  wellbeing: number | null;
}

export interface Episode {
  kind: EpisodeKind;
  startWeek: number;
  weeks: number[];
}

/** The episodes going on now (at most one of each kind). */
export function currentEpisodes(facts: readonly WeekFact[]): Episode[] {
  const weeks = [...facts].filter((f) => f.expected).sort((a, b) => a.week - b.week);
  const episodes: Episode[] = [];

  // Missed: expected, closed weeks without a check-in after the last check-in of any week.
  const lastCheckin = Math.max(0, ...facts.filter((f) => f.wellbeing !== null).map((f) => f.week));
  const missed = weeks.filter((f) => f.closed && f.wellbeing === null && f.week > lastCheckin);
  if (missed.length >= ESCALATION_RUN)
    episodes.push({ kind: 'missed', startWeek: missed[0]!.week, weeks: missed.map((f) => f.week) });

  // Low wellbeing: the latest check-ins, in a row over expected weeks, all at or below the line.
  // The current week, still open and not answered, neither counts nor breaks the run.
  const run: number[] = [];
  for (let i = weeks.length - 1; i >= 0; i--) {
    const f = weeks[i]!;
    if (f.wellbeing === null) {
      if (!f.closed && run.length === 0) continue;
      break;
    }
    if (f.wellbeing > ESCALATION_LOW_WELLBEING) break;
    run.unshift(f.week);
  }
  if (run.length >= ESCALATION_RUN) episodes.push({ kind: 'wellbeing', startWeek: run[0]!, weeks: run });
  return episodes;
}
