/**
 * One student's row in a supervisor's weekly summary (cards/checkin-digest.json): status, or the
 * run of missed weeks ("3rd week without a check-in"), the week's answers, confidence since the first check-in, a concern
 * line, and the facts the summary orders them by (src/domain/digest-risk.ts). No I/O.
 */
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import { missedWeeksBefore } from '../../domain/digest-risk.js';
import type { WeekFact } from '../../domain/escalation.js';
import { formatLocal, supervisionDate, type Pause } from '../../domain/placement-calendar.js';
import { safeguardingConcern, safeguardingSettings } from '../../domain/safeguarding.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { zoneOf } from './checkin-deps.js';
import { TEXT_FIELDS } from './checkin-form.js';
import { studentWeek, type CheckinSettings } from './checkin-schedule.js';
import type { CheckinDoc } from './checkins-repository.js';

export function digestRow(
  cohort: CohortDoc,
  settings: CheckinSettings,
  st: PersonDoc,
  week: number,
  pauses: Pause[],
  history: CheckinDoc[],
  i: number,
  now: Date,
  /** Earlier weeks sent late after this instant are named (the previous summary; null: any). */
  late: { since: Date | null; zone: string } = { since: null, zone: cohort.timeZone },
) {
  const zone = zoneOf(st, cohort);
  const sw = studentWeek(cohort, settings, week, pauses, zone);
  const sorted = [...history].sort((a, b) => a.week - b.week);
  const current = sorted.find((c) => c.week === week);
  const first = sorted[0];
  const paused = !sw.promptAt;
  // Weeks before this one that were asked of the student and missed, in a row.
  const since = new Date(st.createdAt).getTime();
  const pastWeeks: WeekFact[] = [];
  for (let w = 1; w < week; w++) {
    const past = studentWeek(cohort, settings, w, pauses, zone);
    pastWeeks.push({
      week: w,
      expected: past.promptAt !== null && past.promptAt.getTime() >= since,
      closed: !!past.dueAt && now.getTime() > past.dueAt.getTime(),
      wellbeing: sorted.find((c) => c.week === w)?.answers.wellbeing ?? null,
    });
  }
  const missedBefore = current ? [] : missedWeeksBefore(pastWeeks, week);
  const missedRun = current || paused ? 0 : missedBefore.length + 1;
  const overdue = !!sw.dueAt && now.getTime() > sw.dueAt.getTime();
  const baseStatus = current
    ? current.late
      ? 'submitted late'
      : 'submitted'
    : paused
      ? sw.paused
        ? 'paused this week'
        : 'no placement days this week'
      : overdue
        ? 'not checked in (overdue)'
        : 'not checked in yet';
  // A run of missed weeks is said as the run: "3rd week without a check-in", not "not yet".
  const weeksText = (weeks: number[]) =>
    `week${weeks.length === 1 ? '' : 's'} ${nameList(weeks.map(String))}`;
  const runText =
    missedRun >= 2
      ? `${ordinal(missedRun)} week without a check-in: ${
          overdue
            ? `missed ${weeksText([...missedBefore, week])}`
            : `missed ${weeksText(missedBefore)}, and none yet for week ${week}`
        }`
      : baseStatus;
  // Earlier weeks caught up late since the last summary: the supervisor has not seen them in one.
  const caughtUp = sorted
    .filter(
      (c) =>
        c.week < week && c.late && (!late.since || new Date(c.submittedAt).getTime() > late.since.getTime()),
    )
    .map((c) => `week ${c.week} sent late (${formatLocal(new Date(c.submittedAt), late.zone)})`);
  const statusText = [runText, ...caughtUp].join(' · ');
  const concern = current
    ? safeguardingConcern(
        {
          wellbeing: current.answers.wellbeing,
          texts: TEXT_FIELDS.map((f) => current.answers[f]),
        },
        safeguardingSettings(cohort).alertWellbeingAtOrBelow,
      )
    : null;
  const low = concern !== null;
  const firstName = st.displayName.split(' ')[0];
  const words = concern?.phrases.length ? concern.phrases.map((p) => `“${p}”`).join(', ') : '';
  const facts: { title: string; value: string }[] = [];
  if (current) {
    const a = current.answers;
    facts.push(
      { title: 'Wellbeing', value: `${a.wellbeing} of 5` },
      { title: 'Project progress', value: clip(a.progress) },
      { title: 'Leadership behaviours you observed', value: clip(a.leadership) },
      { title: 'What went well', value: clip(a.wentWell) },
      { title: 'What was hard', value: clip(a.hard) },
      { title: 'For supervision', value: clip(a.topics) },
      {
        title: first && first.week < week ? `Confidence since week ${first.week}` : 'Confidence (baseline)',
        value: CONFIDENCE_AREAS.map((area) => {
          const to = a.confidence[area.id];
          const from = first?.answers.confidence[area.id];
          if (!first || first.week === week || from === undefined) return `${area.label} ${to}`;
          const delta = (to ?? 0) - from;
          return `${area.label} ${from}→${to} (${delta > 0 ? '+' : ''}${delta})`;
        }).join(', '),
      },
    );
  }
  return {
    idx: String(i),
    studentId: st._id,
    week,
    name: st.displayName,
    statusText,
    submitted: !!current,
    paused,
    low,
    lowText: !concern
      ? ''
      : concern.lowWellbeing
        ? `Low wellbeing reported (${current!.answers.wellbeing} of 5)${words ? `, with ${words}` : ''}: consider checking in with ${firstName} before supervision.`
        : `Words of concern in this check-in (${words}): consider checking in with ${firstName} before supervision.`,
    supervisionDate: supervisionDate(cohort, week) ?? '',
    facts,
    risk: {
      name: st.displayName,
      concern: low,
      wellbeing: current?.answers.wellbeing ?? null,
      submitted: !!current,
      paused,
      missedRun,
    },
  };
}

function clip(text: string, max = 300): string {
  if (!text) return '—';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

function nameList(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
