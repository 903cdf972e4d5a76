/**
 * A student's check-ins as their learning-journey export shows them (reflections feature, through
 * ports.ts): per week, what they wrote (the export includes it only when the student chooses),
 * their supervisor's comments and the countersignature, with dates. Wellbeing scores stay out.
 */
import type { CheckinsRepository } from './checkins-repository.js';
import type { CheckinRecord } from './ports.js';

const NARRATIVE: { key: 'progress' | 'leadership' | 'wentWell' | 'hard' | 'topics'; label: string }[] = [
  { key: 'progress', label: 'Project progress' },
  { key: 'leadership', label: 'Leadership behaviours' },
  { key: 'wentWell', label: 'What went well' },
  { key: 'hard', label: 'What was hard' },
  { key: 'topics', label: 'For supervision' },
];

export async function checkinRecordsOf(
  repo: CheckinsRepository,
  tenantId: string,
  studentId: string,
): Promise<CheckinRecord[]> {
  return (await repo.ofStudent(tenantId, studentId)).map((c) => ({
    week: c.week,
    // Older or imported documents may lack a submission time: the week still shows.
    submittedAt: c.submittedAt instanceof Date ? c.submittedAt : null,
    narrative: NARRATIVE.filter(
      (n) => typeof c.answers?.[n.key] === 'string' && c.answers[n.key].trim() !== '',
    ).map((n) => ({ label: n.label, text: c.answers[n.key] })),
    comments: c.comments.map((m) => ({ authorId: m.authorId, text: m.text, at: m.at })),
    countersignedBy: c.countersignedBy,
    countersignedAt: c.countersignedAt,
  }));
}
