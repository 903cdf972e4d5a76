/**
 * The supervisor's summary puts first the students who most need them: a check-in that
 * raised a safeguarding concern (lowest wellbeing first), then an escalation going on, then
 * the longest run of missed check-ins, then the rest; paused students last. Pure.
 */
import type { WeekFact } from './escalation.js';

/**
 * Missed check-ins in a row before `week`: expected, closed weeks without a check-in, counted
 * back from the week before; weeks with no check-in to do (paused, no placement days) neither
 * count nor break the run. Returns the weeks, earliest first.
 */
export function missedWeeksBefore(facts: readonly WeekFact[], week: number): number[] {
  const earlier = facts.filter((f) => f.week < week && f.expected).sort((a, b) => b.week - a.week);
  const run: number[] = [];
  for (const f of earlier) {
    if (f.wellbeing !== null || !f.closed) break;
    run.unshift(f.week);
  }
  return run;
}

export interface DigestRisk {
  name: string;
  /** The check-in raised a safeguarding concern (src/domain/safeguarding.ts). */
  concern: boolean;
  /** This week's wellbeing, or null without a check-in. */
  wellbeing: number | null;
  /** An escalation episode is going on for the student. */
  escalated: boolean;
  submitted: boolean;
  paused: boolean;
  /** Missed weeks in a row including this one when it is missed too. */
  missedRun: number;
}

function band(r: DigestRisk): number {
  if (r.concern) return 0;
  if (r.escalated) return 1;
  if (r.paused) return 5;
  if (!r.submitted) return r.missedRun >= 2 ? 2 : 3;
  return 4;
}

/** Sort comparator: most at risk first; ties by lower wellbeing, longer missed run, then name. */
export function byRisk(a: DigestRisk, b: DigestRisk): number {
  return (
    band(a) - band(b) ||
    (a.wellbeing ?? 6) - (b.wellbeing ?? 6) ||
    b.missedRun - a.missedRun ||
    a.name.localeCompare(b.name)
  );
}
