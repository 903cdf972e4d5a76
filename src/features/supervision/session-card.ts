/**
 * The supervision session card (`record supervision`, and the summary's / my students' button):
 * the viewer's supervisees and project teams, who can own an action, and what was typed.
 */
import { randomUUID } from 'node:crypto';
import type { AdaptiveCard } from '../../cards/cards.js';
import { localDateOf, supervisionDate } from '../../domain/placement-calendar.js';
import { FORM_ERROR_KEY } from '../../domain/validation.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { actionKeys, MAX_ACTION_TEXT, MAX_ACTIONS, MAX_NOTES, OWNER_ME } from './session-input.js';
import {
  cohortsOf,
  hasRole,
  NOT_A_SUPERVISOR,
  supervisees,
  zoneOf,
  type SupervisionDeps,
} from './supervision-deps.js';

type Answer = AdaptiveCard | string;

export class SessionCard {
  constructor(private readonly s: SupervisionDeps) {}

  /** `record supervision` (and the summary's / my students' button): the session card. */
  async sessionCard(
    tenantId: string,
    viewer: PersonDoc,
    options: {
      studentIds?: string[];
      week?: number;
      values?: Record<string, string>;
      errors?: Record<string, string>;
      requestId?: string;
    } = {},
  ): Promise<Answer> {
    const students = await supervisees(this.s, tenantId, viewer);
    const projects = hasRole(viewer, 'supervisor') ? await this.projectTeamsOf(viewer) : [];
    if (students.length === 0 && projects.length === 0)
      return hasRole(viewer, 'supervisor')
        ? 'No students are linked to you yet, so there is no supervision to record. Your placement lead links students to supervisors.'
        : NOT_A_SUPERVISOR;
    const cohorts = await cohortsOf(this.s, tenantId, students);
    const today = localDateOf(this.s.clock.now(), zoneOf(viewer, cohorts.values().next().value));
    const preset = (options.studentIds ?? []).filter((id) => students.some((s) => s._id === id));
    let date = today;
    const firstCohort = preset.length
      ? cohorts.get(students.find((s) => s._id === preset[0])!.cohortId ?? '')
      : undefined;
    if (firstCohort && options.week) {
      const slot = supervisionDate(firstCohort, options.week);
      if (slot && slot <= today) date = slot;
    }
    const values: Record<string, string> = {
      attendees: preset.join(','),
      projectId: '',
      date,
      minutes: '60',
      kind: preset.length > 1 ? 'group' : 'individual',
      notes: '',
      ...Object.fromEntries(
        Array.from({ length: MAX_ACTIONS }, (_, i) => Object.values(actionKeys(i + 1)))
          .flat()
          .map((k) => [k, '']),
      ),
      ...(options.values ?? {}),
    };
    const errors = options.errors ?? {};
    const label = (s: PersonDoc) =>
      `${s.displayName}${s.cohortId && cohorts.get(s.cohortId) ? ` (${cohorts.get(s.cohortId)!.name})` : ''}`;
    const choices = students.map((s) => ({ title: label(s), value: s._id }));
    // Students of the viewer's project teams can own an action from a project session too.
    const teamIds = new Set<string>();
    for (const p of projects)
      for (const id of (await this.s.projects().membersOf(tenantId, p.projectId))?.studentIds ?? [])
        if (!students.some((s) => s._id === id)) teamIds.add(id);
    const teamStudents = teamIds.size ? await this.s.people.byIds(tenantId, [...teamIds]) : [];
    const ownerChoices = [
      ...choices,
      ...teamStudents
        .sort((a, b) => a.displayName.localeCompare(b.displayName))
        .map((s) => ({ title: `${s.displayName} (project team)`, value: s._id })),
    ];
    return this.s.cards.render('supervision-session', {
      requestId: options.requestId ?? randomUUID(),
      formError: errors[FORM_ERROR_KEY] ?? '',
      values,
      // Input.Number binds a number (a string renders an empty box).
      minutes: /^\d{1,3}$/.test(values.minutes ?? '') ? Number(values.minutes) : 60,
      errors: Object.fromEntries(Object.keys(values).map((k) => [k, errors[k] ?? ''])),
      students: choices,
      projects: projects.map((p) => ({ title: `${p.title} (${p.clinicalTeam})`, value: p.projectId })),
      owners: [{ title: 'Me (supervisor)', value: OWNER_ME }, ...ownerChoices],
      maxNotes: MAX_NOTES,
      maxActionText: MAX_ACTION_TEXT,
      actions: Array.from({ length: MAX_ACTIONS }, (_, i) => {
        const k = actionKeys(i + 1);
        return {
          n: i + 1,
          textId: k.text,
          ownerId: k.owner,
          dueId: k.due,
          text: values[k.text] ?? '',
          owner: values[k.owner] ?? '',
          due: values[k.due] ?? '',
          textError: errors[k.text] ?? '',
          ownerError: errors[k.owner] ?? '',
          dueError: errors[k.due] ?? '',
        };
      }),
    });
  }

  /** The project teams the viewer supervises (src/features/projects). */
  private async projectTeamsOf(viewer: PersonDoc) {
    return (await this.s.projects().projectsOf(viewer)).filter((p) => p.role === 'supervisor');
  }
}
