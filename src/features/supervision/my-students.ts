/**
 * `my students`: each supervisee with this week's check-in, open actions and shared
 * reflections, with buttons to open them, record supervision and export a journey; and the
 * same follow-ups for the dashboard tab's supervisor view.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { labelOf, REFLECTION_TOPICS } from '../../domain/catalogues.js';
import { formatDate, localDateOf } from '../../domain/placement-calendar.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { cardAction } from './agreed-actions.js';
import { escalationLine, handlerNames } from './escalation-actions.js';
import type { StudentFollowUps, SupervisionFollowUps } from './ports.js';
import { refuse, supervisees, zoneOf, type SupervisionDeps } from './supervision-deps.js';

type Answer = AdaptiveCard | string;

export class MyStudents implements SupervisionFollowUps {
  constructor(private readonly s: SupervisionDeps) {}

  /** Per student, the escalation going on (and who handled it), as one line. */
  private async openEscalationLines(tenantId: string, students: PersonDoc[], zone: string) {
    const open = [];
    for (const cohortId of new Set(students.map((s) => s.cohortId).filter((c): c is string => !!c)))
      for (const e of await this.s.repo.escalationsOfCohort(tenantId, cohortId)) if (!e.endedAt) open.push(e);
    const names = await handlerNames(this.s, tenantId, open);
    return new Map(open.map((e) => [e.studentId, escalationLine(e, names, zone)]));
  }

  async myStudents(tenantId: string, viewer: PersonDoc, notice = ''): Promise<Answer> {
    if (!can(viewer, 'supervision.students.view', { personId: viewer._id })) {
      await refuse(this.s, tenantId, viewer, 'supervision.students.view', null);
      return 'This list is for supervisors: it shows the students you supervise.';
    }
    const students = await supervisees(this.s, tenantId, viewer);
    const now = this.s.clock.now();
    if (students.length === 0)
      return 'No students are linked to you yet. Your placement lead links students to supervisors.';
    const shared = await this.s.reflections().sharedBy(
      tenantId,
      students.map((s) => s._id),
    );
    const escalations = await this.openEscalationLines(tenantId, students, zoneOf(viewer));
    const today = localDateOf(now, zoneOf(viewer));
    const rows = [];
    for (const st of students) {
      const [state, open] = await Promise.all([
        this.s.checkins.weekStateOf(tenantId, st, now),
        this.s.repo.openOf(tenantId, st._id),
      ]);
      const theirs = shared.filter((r) => r.personId === st._id);
      rows.push({
        studentId: st._id,
        name: st.displayName,
        subtitle: [state?.cohort.name, state?.week ? `week ${state.week} of ${state.cohort.weeks}` : null]
          .filter(Boolean)
          .join(' · '),
        checkinText: state?.text ?? 'Not on a cohort',
        week: state?.week ?? 0,
        submitted: state?.state === 'submitted',
        attention: state?.state === 'overdue' || (state?.wellbeing ?? 5) <= 2 || escalations.has(st._id),
        escalationText: escalations.get(st._id) ?? '',
        actions: open
          .map((a) => cardAction(a, today))
          .map((a) => ({
            line: `${a.text} · ${a.dueText}${a.statusText ? ` · ${a.statusText}` : ''}`,
          })),
        sharedText: theirs.length
          ? `${theirs.length} reflection${theirs.length === 1 ? '' : 's'} shared with you`
          : 'No reflections shared with you yet',
        reflections: theirs.slice(0, 3).map((r) => ({
          reflectionId: r._id,
          title: `${labelOf(REFLECTION_TOPICS, r.topic) ?? 'Reflection'}, shared ${formatDate(localDateOf(new Date(r.sharedAt ?? r.createdAt), zoneOf(viewer)))}`,
        })),
      });
    }
    const mine = (await this.s.repo.openOf(tenantId, viewer._id)).map((a) => cardAction(a, today));
    return this.s.cards.render('my-students', {
      notice,
      intro: `${students.length} student${students.length === 1 ? '' : 's'} · ${formatDate(today)}`,
      students: rows,
      myActions: mine,
    });
  }

  /**
   * Per student (a supervisor's own, already authorised by the caller): open actions (one read
   * by _id each), how many reflections they shared, and the escalation going on, if any.
   * For the dashboard tab's supervisor view.
   */
  async followUpsOf(tenantId: string, studentIds: string[]) {
    const result = new Map<string, StudentFollowUps>();
    if (studentIds.length === 0) return result;
    const people = await this.s.people.byIds(tenantId, studentIds);
    const shared = await this.s.reflections().sharedBy(tenantId, studentIds);
    const escalations = await this.openEscalationLines(tenantId, people, 'Europe/London');
    for (const id of studentIds) {
      const open = await this.s.repo.openOf(tenantId, id);
      result.set(id, {
        openActions: open.map((a) => ({ text: a.text, dueDate: a.dueDate, notYet: a.status === 'not-yet' })),
        sharedReflections: shared.filter((r) => r.personId === id).length,
        escalation: escalations.get(id) ?? null,
      });
    }
    return result;
  }
}
