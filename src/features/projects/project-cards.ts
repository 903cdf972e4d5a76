/**
 * The projects feature's card layer: view data in, card templates (cards/project-*.json) out.
 * The use cases read and decide; only this module knows the templates' fields.
 */
import type { AdaptiveCard, Cards } from '../../cards/cards.js';
import type { Target } from '../../domain/authorization.js';
import { formatDate, formatLocalWithYear } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import {
  COMMENT_MAX,
  DEFAULT_CRITERIA,
  errorsFor,
  FORM_FIELDS,
  newRequestId,
  scoreField,
} from './project-input.js';
import type { ProjectSupervisionNotes } from './ports.js';
import type { FeedbackDoc, MilestoneDoc, ProjectDoc, ProjectUpdateDoc } from './projects-repository.js';

type Choice = { title: string; value: string };

export function formErrorOf(errors: Record<string, string>) {
  return (
    errors._form ??
    (Object.keys(errors).length ? 'Please correct the fields marked below; nothing was saved.' : '')
  );
}

export interface ProjectFormView {
  heading: string;
  intro?: string;
  chooseCohort?: boolean;
  cohortChoices?: Choice[];
  cohortId?: string;
  cohortName?: string;
  mode?: 'new' | 'edit';
  requestId?: string;
  projectId?: string;
  title?: string;
  clinicalTeam?: string;
  studentIds?: string;
  supervisorIds?: string;
  studentChoices?: Choice[];
  supervisorChoices?: Choice[];
  errors?: Record<string, string>;
}

/** The project form: choosing a cohort, a new project, or an edit. */
export function projectFormCard(cards: Cards, view: ProjectFormView): AdaptiveCard {
  const errors = view.errors ?? {};
  return cards.render('project-form', {
    heading: view.heading,
    intro: view.intro ?? '',
    formError: formErrorOf(errors),
    chooseCohort: view.chooseCohort ?? false,
    cohortChoices: view.cohortChoices ?? [],
    cohortId: view.cohortId ?? '',
    cohortName: view.cohortName ?? '',
    mode: view.mode ?? 'new',
    requestId: view.requestId ?? '',
    projectId: view.projectId ?? '',
    title: view.title ?? '',
    clinicalTeam: view.clinicalTeam ?? '',
    studentIds: view.studentIds ?? '',
    supervisorIds: view.supervisorIds ?? '',
    studentChoices: view.studentChoices ?? [],
    supervisorChoices: view.supervisorChoices ?? [],
    errors: errorsFor(FORM_FIELDS, errors),
  });
}

/** A notice with an "Open the project" button, sent through the outbox. */
export function projectNoticeActivity(cards: Cards, projectId: string, title: string, message: string) {
  return cards.activity(
    'project-notice',
    { title, message, actionTitle: 'Open the project', verb: 'project.view', projectId },
    title,
  );
}

export function feedbackFormData(
  project: ProjectDoc,
  when: string,
  values: Record<string, string>,
  errors: Record<string, string>,
) {
  const criteria = project.presentation?.criteria ?? DEFAULT_CRITERIA;
  return {
    projectId: project._id,
    title: `How was “${project.title}”?`,
    intro: `The final presentation on ${when}, for ${project.clinicalTeam}. Score what you can (1 = needs much more work, 5 = excellent); your feedback goes to the project team.`,
    rating: values.rating ?? '',
    criteria: criteria.map((label, i) => ({
      id: scoreField(i),
      label,
      value: values[scoreField(i)] ?? '',
      error: errors[scoreField(i)] ?? '',
    })),
    comment: values.comment ?? '',
    commentLabel: `Comment for the team (optional, up to ${COMMENT_MAX.toLocaleString('en-GB')} characters)`,
    commentMax: COMMENT_MAX,
    formError: formErrorOf(errors),
    errors: errorsFor(['rating', 'comment'], errors),
    done: false,
    doneText: '',
  };
}

/** Per criterion, the team's average score: "Use of data: 4.5 of 5 (2 scores)". */
export function criteriaSummary(feedback: Pick<FeedbackDoc, 'scores'>[], criteria: string[]): string[] {
  return criteria.flatMap((criterion) => {
    const scores = feedback.flatMap((f) => f.scores ?? []).filter((s) => s.criterion === criterion);
    if (!scores.length) return [];
    const average = scores.reduce((a, s) => a + s.score, 0) / scores.length;
    return [`${criterion}: ${average.toFixed(1)} of 5 (${plural(scores.length, 'score')})`];
  });
}

const ACTION_STATUS_TEXT = { open: 'open', 'not-yet': 'not yet', done: 'done' } as const;

export type MilestoneState = 'done' | 'overdue' | 'today' | 'upcoming';

/** Done; else overdue once its date has passed, due today, or still to come. */
export function milestoneState(m: Pick<MilestoneDoc, 'date' | 'doneAt'>, today: string): MilestoneState {
  if (m.doneAt) return 'done';
  return m.date < today ? 'overdue' : m.date === today ? 'today' : 'upcoming';
}

export const MILESTONE_STATE_TEXT: Record<MilestoneState, string> = {
  done: 'Done',
  overdue: 'Overdue',
  today: 'Due today',
  upcoming: 'To do',
};

export interface ProjectView {
  project: ProjectDoc;
  cohort: CohortDoc | null;
  zone: string;
  today: string;
  target: Target;
  milestones: MilestoneDoc[];
  updates: ProjectUpdateDoc[];
  /** Supervision sessions held for the team, with their agreed actions. */
  sessions: Awaited<ReturnType<ProjectSupervisionNotes['sessionsOfProject']>>;
  showSessionNotes: boolean;
  feedback: FeedbackDoc[];
  people: PersonDoc[];
  canManage: boolean;
  /** May propose milestones and mark them done (the team, the lead). */
  canContribute: boolean;
  /** May post an update (the project's students). */
  canPostUpdate: boolean;
  updateText: string;
  /** Whether the viewer may read the feedback (there is some, and the policy allows it). */
  feedbackVisible: boolean;
  notice?: string;
  error?: string;
}

/** The project: team, milestones, the latest updates, the presentation and its feedback. */
export function projectCard(cards: Cards, v: ProjectView): AdaptiveCard {
  const { project, cohort, zone, feedback, people } = v;
  const name = (id: string) => people.find((p) => p._id === id)?.displayName ?? 'Someone';
  const recent = [...v.updates]
    .sort((a, b) => b.week - a.week || b.updatedAt.getTime() - a.updatedAt.getTime())
    .slice(0, 6);
  return cards.render('project', {
    projectId: project._id,
    title: project.title,
    subtitle: `For ${project.clinicalTeam}${cohort ? ` · ${cohort.name}` : ''}`,
    students:
      (v.target.projectStudentIds ?? [])
        .map((id) => people.find((p) => p._id === id))
        .filter((p): p is PersonDoc => !!p)
        .map((p) => `${p.displayName} (${p.profession})`)
        .join(', ') || 'None',
    supervisors: (v.target.projectSupervisorIds ?? []).map(name).join(', ') || 'None yet',
    milestones: v.milestones.map((m) => {
      const state = milestoneState(m, v.today);
      return {
        date: formatDate(m.date),
        title: m.title,
        detail: [m.ownerId ? name(m.ownerId) : '', MILESTONE_STATE_TEXT[state]].filter(Boolean).join(' · '),
        state,
      };
    }),
    hasMilestones: v.milestones.length > 0,
    overdueText: overdueText(v.milestones, v.today),
    updates: recent.map((u) => ({ heading: `Week ${u.week}, ${name(u.studentId)}`, text: u.text })),
    hasUpdates: recent.length > 0,
    sessions: v.sessions.map((s) => ({
      heading: `${formatDate(s.date)}, ${s.minutes} minutes with ${name(s.recordedBy)}`,
      notes: v.showSessionNotes ? s.notes : '',
      actions: s.actions.map((a) => ({
        text: `${a.text}: ${name(a.ownerId)}, by ${formatDate(a.dueDate)} (${ACTION_STATUS_TEXT[a.status]})`,
      })),
    })),
    hasSessions: v.sessions.length > 0,
    presentationText: project.presentation
      ? `${formatLocalWithYear(project.presentation.startsAt, zone)} (${project.presentation.minutes} minutes)${project.presentation.place ? `, ${project.presentation.place}` : ''}`
      : 'Not booked yet',
    teamsLink: project.presentation?.teamsLink ?? '',
    hasPresentation: !!project.presentation,
    feedbackHeading: feedback.length
      ? `Presentation feedback: ${feedback.length} rating${feedback.length > 1 ? 's' : ''}, average ${(feedback.reduce((a, f) => a + f.rating, 0) / feedback.length).toFixed(1)} of 5`
      : '',
    feedbackSummary: v.feedbackVisible
      ? criteriaSummary(feedback, project.presentation?.criteria ?? DEFAULT_CRITERIA).join('\n\n')
      : '',
    feedback: v.feedbackVisible
      ? feedback.map((f) => ({
          from: name(f.raterId),
          rating: `${f.rating} of 5`,
          scoresText: (f.scores ?? []).map((s) => `${s.criterion} ${s.score}`).join(' · '),
          comment: f.comment || '(no comment)',
        }))
      : [],
    hasFeedback: v.feedbackVisible && feedback.length > 0,
    feedbackPending: !!project.presentation && feedback.length === 0,
    canManage: v.canManage,
    canContribute: v.canContribute,
    canPostUpdate: v.canPostUpdate,
    updateText: v.updateText,
    requestId: newRequestId(),
    notice: v.notice ?? '',
    error: v.error ?? '',
  });
}

/** "1 milestone overdue", "" when none. */
export function overdueText(milestones: Pick<MilestoneDoc, 'date' | 'doneAt'>[], today: string): string {
  const n = milestones.filter((m) => milestoneState(m, today) === 'overdue').length;
  return n ? `${plural(n, 'milestone')} overdue` : '';
}

/** "1 student", "3 students". */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `projects`: the list, by title; each project's student count is looked up by its id. */
export function projectListCard(
  cards: Cards,
  projects: ProjectDoc[],
  cohortNames: Map<string, string>,
  studentCounts: ReadonlyMap<string, number>,
  canCreate: boolean,
  /** "1 milestone overdue" per project id, '' when none. */
  overdue: ReadonlyMap<string, string> = new Map(),
): AdaptiveCard {
  return cards.render('project-list', {
    title: 'Projects',
    intro: projects.length ? '' : 'No projects yet.',
    items: [...projects]
      .sort((a, b) => a.title.localeCompare(b.title))
      .map((p) => ({
        projectId: p._id,
        title: p.title,
        subtitle: [
          p.clinicalTeam,
          cohortNames.get(p.cohortId) ?? '',
          plural(studentCounts.get(p._id) ?? 0, 'student'),
          overdue.get(p._id) ?? '',
        ]
          .filter(Boolean)
          .join(' · '),
      })),
    canCreate,
  });
}
