/**
 * The learning-journey summary of one student's reflections: counts by pillar, standard and
 * topic; placement weeks without a reflection; HCPC standards with no evidence yet; and one
 * nudge sentence. Pure: no I/O, no clock reads (callers pass `now`).
 */
import { PILLARS, REFLECTION_TOPICS, type PillarId } from '../../domain/catalogues.js';
import { HCPC_SOP_2023 } from '../../domain/hcpc-standards.js';
import {
  localDateOf,
  placementDaysInWeek,
  placementWeekOfDate,
  weekDates,
  type CohortCalendar,
} from '../../domain/placement-calendar.js';

export interface TaggedReflection {
  createdAt: Date;
  pillars: readonly string[];
  standards: readonly string[];
  topic: string;
}

export interface CountRow {
  id: string;
  label: string;
  count: number;
}

export interface JourneyCounts {
  total: number;
  byPillar: CountRow[];
  byStandard: CountRow[];
  byTopic: CountRow[];
}

export interface JourneySummary extends JourneyCounts {
  /** Standards (codes) with no reflection tagged yet, in catalogue order. */
  standardsWithoutEvidence: string[];
  /** Completed placement weeks (with at least one placement day) that have no reflection. */
  weeksWithoutReflection: number[];
  /** Placement weeks completed so far (0 before the end of week 1; null without a calendar). */
  weeksCompleted: number | null;
  /** The placement week today is in, or null outside the placement / without a calendar. */
  currentWeek: number | null;
  nudge: string;
}

/** Counts by pillar (all four, zeros included), by standard (all 15) and by topic. */
export function journeyCounts(reflections: readonly TaggedReflection[]): JourneyCounts {
  const tally = (pick: (r: TaggedReflection) => readonly string[]) => {
    const counts = new Map<string, number>();
    for (const r of reflections) for (const id of new Set(pick(r))) counts.set(id, (counts.get(id) ?? 0) + 1);
    return counts;
  };
  const pillars = tally((r) => r.pillars);
  const standards = tally((r) => r.standards);
  const topics = tally((r) => [r.topic]);
  return {
    total: reflections.length,
    byPillar: PILLARS.map((p) => ({ id: p.id, label: p.label, count: pillars.get(p.id) ?? 0 })),
    byStandard: HCPC_SOP_2023.standards.map((s) => ({
      id: s.code,
      label: `SOP ${s.code}: ${s.title}`,
      count: standards.get(s.code) ?? 0,
    })),
    byTopic: REFLECTION_TOPICS.map((t) => ({ id: t.id, label: t.label, count: topics.get(t.id) ?? 0 })),
  };
}

/**
 * The placement week a reflection was written in, read as a local date in the calendar's
 * zone, or null outside the placement.
 */
export function reflectionWeek(cal: CohortCalendar, createdAt: Date): number | null {
  return placementWeekOfDate(cal, localDateOf(createdAt, cal.timeZone))?.week ?? null;
}

export function journeySummary(
  reflections: readonly TaggedReflection[],
  calendar: CohortCalendar | null,
  now: Date,
): JourneySummary {
  const counts = journeyCounts(reflections);
  const standardsWithoutEvidence = counts.byStandard.filter((s) => s.count === 0).map((s) => s.id);
  const weeksWithoutReflection: number[] = [];
  let weeksCompleted: number | null = null;
  let currentWeek: number | null = null;
  if (calendar) {
    const today = localDateOf(now, calendar.timeZone);
    currentWeek = placementWeekOfDate(calendar, today)?.week ?? null;
    const written = new Set(reflections.map((r) => reflectionWeek(calendar, r.createdAt)));
    weeksCompleted = 0;
    for (let week = 1; week <= calendar.weeks; week++) {
      const lastDate = weekDates(calendar, week)[6]!;
      if (lastDate >= today) break;
      weeksCompleted = week;
      if (placementDaysInWeek(calendar, week).length === 0) continue;
      if (!written.has(week)) weeksWithoutReflection.push(week);
    }
  }
  const summary = {
    ...counts,
    standardsWithoutEvidence,
    weeksWithoutReflection,
    weeksCompleted,
    currentWeek,
  };
  return { ...summary, nudge: journeyNudge(summary) };
}

function listOf(items: readonly (string | number)[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** One sentence that suggests the most useful next reflection. */
export function journeyNudge(s: Omit<JourneySummary, 'nudge'>): string {
  if (s.total === 0)
    return 'You have not written a reflection yet. Type **reflect**: five minutes after a clinical day is a good start.';
  const parts: string[] = [];
  if (s.weeksWithoutReflection.length > 0) {
    const weeks = s.weeksWithoutReflection;
    parts.push(`No reflection yet for week${weeks.length > 1 ? 's' : ''} ${listOf(weeks)}.`);
  }
  const quietest = [...s.byPillar].sort((a, b) => a.count - b.count)[0]!;
  const gap = s.standardsWithoutEvidence[0];
  if (gap !== undefined) {
    const title = HCPC_SOP_2023.standards.find((x) => x.code === gap)!.title;
    parts.push(
      `${s.standardsWithoutEvidence.length} standard${s.standardsWithoutEvidence.length > 1 ? 's have' : ' has'} no evidence yet: your next reflection could show “${title}” (HCPC standard ${gap})` +
        (quietest.count === 0
          ? `, or ${quietest.label.toLowerCase()}, a pillar you have not reflected on.`
          : '.'),
    );
  } else if (quietest.count === 0) {
    parts.push(`You have not reflected on ${quietest.label.toLowerCase()} yet: try it next.`);
  } else {
    parts.push(
      `Every standard has evidence. ${quietest.label} has the fewest reflections (${quietest.count}).`,
    );
  }
  return parts.join(' ');
}

/** Pillar ids in catalogue order, for stable output. */
export function sortPillars(ids: readonly string[]): PillarId[] {
  return PILLARS.map((p) => p.id).filter((id) => ids.includes(id));
}
