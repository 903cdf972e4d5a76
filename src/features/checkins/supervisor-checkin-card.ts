/**
 * The one supervisor check-in card (cards/checkin-supervisor.json), the same wherever it is
 * opened: `my students`, the summary, the same-day alert, an escalation. It shows the
 * student's answers, a clear low-wellbeing flag, the comments, and the supervisor's actions
 * (Comment, Countersign, Record supervision; Nudge for a missed week). It never shows the
 * student's own advice or the student's Edit / Refresh: those belong to the student's card.
 *
 * Pure: view data in, card data out. The use cases live in supervisor-checkins.ts.
 */
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import type { SafeguardingConcern } from '../../domain/safeguarding.js';
import type { CheckinDoc } from './checkins-repository.js';

export interface SupervisorCardParams {
  student: { _id: string; displayName: string };
  week: number;
  of: number;
  cohortName: string;
  /** null: not checked in (yet) for that week. */
  checkin: CheckinDoc | null;
  /** e.g. "Not checked in (was due Fri 14 Feb, 17:00)", when there is no check-in. */
  missingText: string;
  /** "Submitted Mon 10 Feb, 10:00" in the viewer's zone, when there is a check-in. */
  submittedText: string;
  concern: SafeguardingConcern | null;
  countersignerName: string | null;
  commentAuthors: Map<string, string>;
  mayCountersign: boolean;
  mayComment: boolean;
  mayRecord: boolean;
  /** About a nudge for a missed week ('' when none applies), and whether to offer the button. */
  nudgeText: string;
  mayNudge: boolean;
  notice?: string;
  escalationText?: string;
}

export function supervisorCheckinData(p: SupervisorCardParams) {
  const c = p.checkin;
  const first = p.student.displayName.split(' ')[0];
  const words = p.concern?.phrases.length ? p.concern.phrases.map((w) => `“${w}”`).join(', ') : '';
  const flagText = !p.concern
    ? ''
    : p.concern.lowWellbeing
      ? `Low wellbeing: ${first} rated their wellbeing ${c!.answers.wellbeing} of 5${words ? ` and wrote ${words}` : ''}. Please contact ${first} today, before supervision.`
      : `Words of concern: ${first} wrote ${words}. Please contact ${first} today, before supervision.`;
  const status = c
    ? [
        c.late ? `Submitted late (${p.submittedText})` : `Submitted ${p.submittedText}`,
        c.countersignedBy
          ? `countersigned by ${p.countersignerName ?? 'a supervisor'}`
          : 'not countersigned yet',
      ].join(' · ')
    : p.missingText;
  const a = c?.answers;
  return {
    studentId: p.student._id,
    week: p.week,
    of: p.of,
    title: `${p.student.displayName}: week ${p.week} of ${p.of} check-in`,
    subtitle: p.cohortName,
    status,
    late: !!c?.late,
    notice: p.notice ?? '',
    flag: p.concern !== null,
    flagText,
    escalationText: p.escalationText ?? '',
    submitted: c !== null,
    facts: a
      ? [
          { title: 'Wellbeing', value: `${a.wellbeing} of 5` },
          { title: 'Project progress', value: a.progress || '—' },
          { title: 'Leadership behaviours observed', value: a.leadership || '—' },
          { title: 'What went well', value: a.wentWell || '—' },
          { title: 'What was hard', value: a.hard || '—' },
          { title: 'For supervision', value: a.topics || '—' },
          ...CONFIDENCE_AREAS.map((area) => ({
            title: `Confidence: ${area.label}`,
            value: `${a.confidence[area.id] ?? '—'} of 5`,
          })),
        ]
      : [],
    comments: (c?.comments ?? []).map((m) => ({
      author: p.commentAuthors.get(m.authorId) ?? 'A supervisor',
      text: m.text,
    })),
    canComment: c !== null && p.mayComment,
    commentLabel: `Comment to ${first} (${first} is told)`,
    canCountersign: c !== null && !c.countersignedBy && p.mayCountersign,
    canRecord: p.mayRecord,
    showNudgeText: p.nudgeText !== '',
    canNudge: p.mayNudge,
    nudgeText: p.nudgeText,
    firstName: first,
  };
}
