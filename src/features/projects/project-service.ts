/**
 * Projects: a lead (or a supervisor attached to the cohort) creates a quality-improvement
 * project for a cohort: title, the clinical team it serves, its students (any profession) and
 * supervisors. Milestones with dates inside the placement; a weekly project update from each
 * student's check-in; a final presentation slot whose invited staff get a feedback card after
 * it (rating 1-5 and a comment, once per rater); the team sees the feedback once there is any.
 *
 * For other features (no Teams types):
 * - `membersOf(tenantId, projectId)`: the project and its student and supervisor ids;
 * - `projectsOf(person)`: the projects a person is a member of;
 * - `projectOfStudent(tenantId, studentId, cohortId)`: a student's project on a cohort (by `_id`);
 * - `recordCheckinUpdate(...)`: the check-in's project field as this week's project update;
 * - `journeyOf(tenantId, studentId)`: the project, milestones, updates and feedback for the export.
 *
 * Races are settled by inserts: a student's membership `_id` is (cohort, student), so two leads
 * putting one student on two projects at once cannot both succeed.
 */
import { randomBytes } from 'node:crypto';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Target } from '../../domain/authorization.js';
import {
  endDate,
  formatDate,
  formatLocal,
  localDateOf,
  localInstant,
} from '../../domain/placement-calendar.js';
import { formatZodIssues, rejectMongoOperatorKeys, UnsafeKeyError } from '../../domain/validation.js';
import type { CoreServices } from '../../services.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { isTenantId } from '../../storage/tenant-scope.js';
import {
  COMMENT_MAX,
  createInput,
  feedbackInput,
  MAX_MILESTONES,
  membersInput,
  milestoneInput,
  presentationInput,
} from './project-input.js';
import {
  attendeeId,
  feedbackId,
  milestoneId,
  projectId as makeProjectId,
  ProjectsRepository,
  studentMemberId,
  supervisorMemberId,
  type FeedbackDoc,
  type MilestoneDoc,
  type ProjectDoc,
  type ProjectMemberDoc,
  type ProjectUpdateDoc,
} from './projects-repository.js';

export type CardResult = AdaptiveCard | string;

export const JOB_FEEDBACK = 'projects.feedback-request';
export const NOT_FOUND = 'I could not find that project, or it is not one of yours.';
const CREATE_NOT_ALLOWED =
  'Projects are set up by the placement lead of a cohort or a supervisor attached to it.';

export type ProjectDeps = Pick<
  CoreServices,
  | 'db'
  | 'config'
  | 'clock'
  | 'cards'
  | 'people'
  | 'cohorts'
  | 'supervisions'
  | 'outbox'
  | 'scheduler'
  | 'audit'
>;

export interface ProjectMembers {
  project: ProjectDoc;
  studentIds: string[];
  supervisorIds: string[];
}

export interface ProjectSummary {
  projectId: string;
  cohortId: string;
  title: string;
  clinicalTeam: string;
  role: 'student' | 'supervisor';
}

/** What the learning-journey export shows of a student's project. */
export interface ProjectJourney {
  title: string;
  clinicalTeam: string;
  members: { name: string; profession: string; role: 'student' | 'supervisor' }[];
  milestones: { date: string; title: string }[];
  updates: { week: number; text: string }[];
  presentation: { when: string } | null;
  feedback: { from: string; rating: number; comment: string }[];
}

const newRequestId = () => randomBytes(12).toString('base64url');
const text = (v: unknown) => (typeof v === 'string' ? v : '');
const hasRole = (p: PersonDoc, ...roles: PersonDoc['roles']) => p.roles.some((r) => roles.includes(r));

function safeData(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return {};
  try {
    rejectMongoOperatorKeys(data);
  } catch (err) {
    if (err instanceof UnsafeKeyError) return {};
    throw err;
  }
  return data as Record<string, unknown>;
}

const FORM_FIELDS = ['title', 'clinicalTeam', 'studentIds', 'supervisorIds', 'cohortId'] as const;
const MILESTONE_FIELDS = ['title', 'date'] as const;
const PRESENTATION_FIELDS = ['date', 'time', 'minutes', 'teamsLink', 'audienceIds'] as const;

function errorsFor(fields: readonly string[], errors: Record<string, string>) {
  return Object.fromEntries(fields.map((f) => [f, errors[f] ?? '']));
}

export class ProjectService {
  readonly repo: ProjectsRepository;

  constructor(private readonly s: ProjectDeps) {
    this.repo = new ProjectsRepository(s.db);
  }

  private now() {
    return this.s.clock.now();
  }

  private zone(cohort: Pick<CohortDoc, 'timeZone'> | null) {
    return cohort?.timeZone || this.s.config.DEFAULT_TIME_ZONE;
  }

  // ------------------------------------------------------------------ API for other features

  async membersOf(tenantId: string, projectId: string): Promise<ProjectMembers | null> {
    if (!isTenantId(projectId, tenantId)) return null;
    const project = await this.repo.project(tenantId, projectId);
    if (!project) return null;
    const members = await this.repo.membersOf(tenantId, projectId);
    return {
      project,
      studentIds: members.filter((m) => m.role === 'student').map((m) => m.personId),
      supervisorIds: members.filter((m) => m.role === 'supervisor').map((m) => m.personId),
    };
  }

  async projectsOf(person: Pick<PersonDoc, 'tenantId' | '_id'>): Promise<ProjectSummary[]> {
    const memberships = await this.repo.membershipsOf(person.tenantId, person._id);
    const projects = await this.repo.projectsByIds(person.tenantId, [
      ...new Set(memberships.map((m) => m.projectId)),
    ]);
    return memberships.flatMap((m) => {
      const p = projects.find((x) => x._id === m.projectId);
      return p
        ? [
            {
              projectId: p._id,
              cohortId: p.cohortId,
              title: p.title,
              clinicalTeam: p.clinicalTeam,
              role: m.role,
            },
          ]
        : [];
    });
  }

  /** A student's project on their cohort: one read by `_id` (the check-in's hot path). */
  async projectOfStudent(tenantId: string, studentId: string, cohortId: string): Promise<ProjectDoc | null> {
    const member = await this.repo.member(tenantId, studentMemberId(tenantId, cohortId, studentId));
    return member ? this.repo.project(tenantId, member.projectId) : null;
  }

  /** The policy target for an action on a project. */
  async targetOf(tenantId: string, project: ProjectDoc): Promise<Target> {
    const members = await this.membersOf(tenantId, project._id);
    return {
      cohortId: project.cohortId,
      projectStudentIds: members?.studentIds ?? [],
      projectSupervisorIds: members?.supervisorIds ?? [],
    };
  }

  /**
   * The check-in's "Project progress" answer as the student's project update for that week
   * (an edit of the check-in replaces it). Nothing when the student is on no project.
   */
  async recordCheckinUpdate(
    tenantId: string,
    update: { studentId: string; cohortId: string; week: number; text: string },
  ): Promise<ProjectDoc | null> {
    const project = await this.projectOfStudent(tenantId, update.studentId, update.cohortId);
    if (!project || !update.text.trim()) return project;
    await this.repo.saveUpdate(
      tenantId,
      { projectId: project._id, studentId: update.studentId, week: update.week, text: update.text.trim() },
      this.now(),
    );
    return project;
  }

  // ------------------------------------------------------------------ create

  private async creatableCohorts(tenantId: string, person: PersonDoc): Promise<CohortDoc[]> {
    const all = await this.s.cohorts.all(tenantId);
    return all.filter((c) => can(person, 'project.create', { cohortId: c._id }));
  }

  /** `new project`: the form (after choosing a cohort when the caller may use several). */
  async newCard(tenantId: string, person: PersonDoc, data?: unknown): Promise<CardResult> {
    const cohorts = await this.creatableCohorts(tenantId, person);
    if (cohorts.length === 0) return CREATE_NOT_ALLOWED;
    const chosen = text(safeData(data).cohortId);
    const cohort = cohorts.length === 1 ? cohorts[0]! : cohorts.find((c) => c._id === chosen);
    if (!cohort)
      return this.s.cards.render('project-form', {
        ...(await this.blankForm()),
        heading: 'New project',
        chooseCohort: true,
        cohortChoices: cohorts.map((c) => ({ title: c.name, value: c._id })),
      });
    return this.formCard(tenantId, person, cohort, { mode: 'new', requestId: newRequestId() });
  }

  private async blankForm() {
    return {
      heading: '',
      intro: '',
      formError: '',
      chooseCohort: false,
      cohortChoices: [] as { title: string; value: string }[],
      cohortId: '',
      cohortName: '',
      mode: 'new',
      requestId: '',
      projectId: '',
      title: '',
      clinicalTeam: '',
      studentIds: '',
      supervisorIds: '',
      studentChoices: [] as { title: string; value: string }[],
      supervisorChoices: [] as { title: string; value: string }[],
      errors: errorsFor(FORM_FIELDS, {}),
    };
  }

  /** Students of the cohort, and the supervisors who could supervise the project. */
  private async choicesFor(tenantId: string, cohort: CohortDoc) {
    const members = await this.s.people.inCohort(tenantId, cohort._id);
    const students = members.filter((p) => p.roles.includes('student'));
    const linked = (
      await Promise.all(students.map((st) => this.s.supervisions.supervisorIdsOf(tenantId, st._id)))
    ).flat();
    const attached = members.filter((p) => p.roles.includes('supervisor')).map((p) => p._id);
    const supervisorIds = [...new Set([...attached, ...linked])];
    const supervisors = (await this.s.people.byIds(tenantId, supervisorIds))
      .filter((p) => p.roles.includes('supervisor'))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    return { students, supervisors };
  }

  private async formCard(
    tenantId: string,
    person: PersonDoc,
    cohort: CohortDoc,
    options: {
      mode: 'new' | 'edit';
      requestId?: string;
      project?: ProjectDoc;
      values?: Record<string, string>;
      errors?: Record<string, string>;
    },
  ): Promise<AdaptiveCard> {
    const { students, supervisors } = await this.choicesFor(tenantId, cohort);
    const errors = options.errors ?? {};
    const values = options.values ?? {};
    let studentIds = values.studentIds ?? '';
    let supervisorIds =
      values.supervisorIds ??
      (person.roles.includes('supervisor') && options.mode === 'new' ? person._id : '');
    if (options.project && !options.values) {
      const members = await this.membersOf(tenantId, options.project._id);
      studentIds = members?.studentIds.join(',') ?? '';
      supervisorIds = members?.supervisorIds.join(',') ?? '';
    }
    return this.s.cards.render('project-form', {
      ...(await this.blankForm()),
      heading: options.mode === 'new' ? 'New project' : 'Edit project',
      intro:
        options.mode === 'new'
          ? `A quality-improvement project for ${cohort.name}. Students of any profession can work on it together; each student is on one project.`
          : `Change the project’s title, team or members. Removing a student keeps their past updates.`,
      formError:
        errors._form ??
        (Object.keys(errors).length ? 'Please correct the fields marked below; nothing was saved.' : ''),
      cohortId: cohort._id,
      cohortName: cohort.name,
      mode: options.mode,
      requestId: options.requestId ?? '',
      projectId: options.project?._id ?? '',
      title: values.title ?? options.project?.title ?? '',
      clinicalTeam: values.clinicalTeam ?? options.project?.clinicalTeam ?? '',
      studentIds,
      supervisorIds,
      studentChoices: students.map((p) => ({ title: `${p.displayName} (${p.profession})`, value: p._id })),
      supervisorChoices: supervisors.map((p) => ({ title: p.displayName, value: p._id })),
      errors: errorsFor(FORM_FIELDS, errors),
    });
  }

  private typed(data: Record<string, unknown>, keys: readonly string[]) {
    return Object.fromEntries(
      keys.map((k) => [k, Array.isArray(data[k]) ? (data[k] as unknown[]).join(',') : text(data[k])]),
    );
  }

  /** Members must be people of this cohort offered on the form (tampered ids are refused). */
  private async checkMembers(
    tenantId: string,
    cohort: CohortDoc,
    studentIds: string[],
    supervisorIds: string[],
  ): Promise<Record<string, string>> {
    const { students, supervisors } = await this.choicesFor(tenantId, cohort);
    const errors: Record<string, string> = {};
    if (studentIds.some((id) => !students.some((p) => p._id === id)))
      errors.studentIds = 'Choose students of this cohort from the list';
    if (supervisorIds.some((id) => !supervisors.some((p) => p._id === id)))
      errors.supervisorIds = 'Choose supervisors from the list';
    return errors;
  }

  async create(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const cohortIdRaw = text(raw.cohortId);
    const cohort = isTenantId(cohortIdRaw, tenantId)
      ? await this.s.cohorts.byId(tenantId, cohortIdRaw)
      : null;
    if (!cohort || !can(person, 'project.create', { cohortId: cohort._id })) {
      await this.refused(tenantId, person, 'project.create', cohortIdRaw);
      return CREATE_NOT_ALLOWED;
    }
    const values = this.typed(raw, FORM_FIELDS);
    const parsed = createInput.safeParse(raw);
    const requestId =
      typeof raw.requestId === 'string' && /^[A-Za-z0-9_-]{6,64}$/.test(raw.requestId)
        ? raw.requestId
        : newRequestId();
    if (!parsed.success)
      return this.formCard(tenantId, person, cohort, {
        mode: 'new',
        requestId,
        values,
        errors: formatZodIssues(parsed.error),
      });
    const input = parsed.data;
    const id = makeProjectId(tenantId, input.requestId);
    const existing = await this.repo.project(tenantId, id);
    if (existing)
      return this.projectCard(tenantId, person, existing, { notice: 'This project is already saved.' });
    const memberErrors = await this.checkMembers(tenantId, cohort, input.studentIds, input.supervisorIds);
    if (Object.keys(memberErrors).length)
      return this.formCard(tenantId, person, cohort, {
        mode: 'new',
        requestId,
        values,
        errors: memberErrors,
      });
    const now = this.now();
    const taken = await this.claimStudents(tenantId, cohort._id, id, input.studentIds, now);
    if (taken.length) {
      return this.formCard(tenantId, person, cohort, {
        mode: 'new',
        requestId,
        values,
        errors: { studentIds: await this.alreadyOnProject(tenantId, taken) },
      });
    }
    for (const supervisorId of input.supervisorIds)
      await this.addSupervisor(tenantId, cohort._id, id, supervisorId, now);
    await this.repo.insertProject(tenantId, {
      _id: id,
      cohortId: cohort._id,
      title: input.title,
      clinicalTeam: input.clinicalTeam,
      presentation: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    await this.s.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: 'project.create',
        targetId: id,
        details: { students: input.studentIds.length },
      },
      now,
    );
    await this.notifyAdded(tenantId, person, id, input.title, [...input.studentIds, ...input.supervisorIds]);
    const project = (await this.repo.project(tenantId, id))!;
    return this.projectCard(tenantId, person, project, {
      notice: 'Project created. Its members have been told.',
    });
  }

  /**
   * Inserts the students' memberships (one per cohort each, by `_id`). Returns the students
   * already on another project; their claims are undone, so nothing of this request remains.
   */
  private async claimStudents(
    tenantId: string,
    cohortId: string,
    projectId: string,
    studentIds: string[],
    now: Date,
  ) {
    const mine: string[] = [];
    const taken: string[] = [];
    for (const studentId of studentIds) {
      const _id = studentMemberId(tenantId, cohortId, studentId);
      const inserted = await this.repo.insertMember(tenantId, {
        _id,
        projectId,
        cohortId,
        personId: studentId,
        role: 'student',
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      if (inserted) mine.push(_id);
      else if ((await this.repo.member(tenantId, _id))?.projectId !== projectId) taken.push(studentId);
    }
    if (taken.length) for (const _id of mine) await this.repo.removeMember(tenantId, _id);
    return taken;
  }

  private async addSupervisor(
    tenantId: string,
    cohortId: string,
    projectId: string,
    personId: string,
    now: Date,
  ) {
    await this.repo.insertMember(tenantId, {
      _id: supervisorMemberId(tenantId, projectId, personId),
      projectId,
      cohortId,
      personId,
      role: 'supervisor',
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  private async alreadyOnProject(tenantId: string, studentIds: string[]) {
    const people = await this.s.people.byIds(tenantId, studentIds);
    const names = people.map((p) => p.displayName).join(', ');
    return `${names || 'A student'} ${studentIds.length > 1 ? 'are' : 'is'} already on another project of this cohort. Each student is on one project.`;
  }

  private async notifyAdded(
    tenantId: string,
    actor: PersonDoc,
    projectId: string,
    title: string,
    personIds: string[],
  ) {
    const recipients = personIds.filter((id) => id !== actor._id);
    if (recipients.length === 0) return;
    await this.s.outbox.enqueue(
      tenantId,
      recipients.map((personId) => ({
        dedupeKey: `project.added|${projectId}|${personId}`,
        purpose: 'project.added',
        target: { kind: 'person' as const, personId },
        activity: this.s.cards.activity(
          'project-notice',
          {
            title: 'You are on a project',
            message: `${actor.displayName} added you to the project “${title}”. Open it to see the team, milestones and the final presentation.`,
            actionTitle: 'Open the project',
            verb: 'project.view',
            projectId,
          },
          'You are on a project',
        ),
      })),
      this.now(),
    );
  }

  private async refused(tenantId: string, person: PersonDoc, action: string, id: unknown) {
    await this.s.audit.record(
      tenantId,
      {
        actorId: person._id,
        action,
        targetId: typeof id === 'string' && id.length <= 300 ? id : null,
        outcome: 'refused',
      },
      this.now(),
    );
  }

  // ------------------------------------------------------------------ find and authorise

  /** The project if `person` may do `action` on it; null for unknown, tampered or refused ids. */
  private async allowed(
    tenantId: string,
    person: PersonDoc,
    action: 'project.view' | 'project.manage' | 'project.feedback.view',
    id: unknown,
  ): Promise<{ project: ProjectDoc; target: Target } | null> {
    if (typeof id !== 'string' || id.length > 300 || !isTenantId(id, tenantId)) {
      await this.refused(tenantId, person, action, id);
      return null;
    }
    const project = await this.repo.project(tenantId, id);
    const target = project ? await this.targetOf(tenantId, project) : null;
    if (!project || !target || !can(person, action, target)) {
      await this.refused(tenantId, person, action, id);
      return null;
    }
    return { project, target };
  }

  // ------------------------------------------------------------------ edit

  async editCard(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const found = await this.allowed(tenantId, person, 'project.manage', safeData(data).projectId);
    if (!found) return NOT_FOUND;
    const cohort = await this.s.cohorts.byId(tenantId, found.project.cohortId);
    if (!cohort) return NOT_FOUND;
    return this.formCard(tenantId, person, cohort, { mode: 'edit', project: found.project });
  }

  /** Saves title, team and members: new memberships are inserted, dropped ones deleted. */
  async save(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.allowed(tenantId, person, 'project.manage', raw.projectId);
    if (!found) return NOT_FOUND;
    const { project } = found;
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    if (!cohort) return NOT_FOUND;
    const values = this.typed(raw, FORM_FIELDS);
    const parsed = createInput
      .omit({ requestId: true, cohortId: true })
      .merge(membersInput.pick({ projectId: true }))
      .safeParse(raw);
    if (!parsed.success)
      return this.formCard(tenantId, person, cohort, {
        mode: 'edit',
        project,
        values,
        errors: formatZodIssues(parsed.error),
      });
    const input = parsed.data;
    const memberErrors = await this.checkMembers(tenantId, cohort, input.studentIds, input.supervisorIds);
    if (Object.keys(memberErrors).length)
      return this.formCard(tenantId, person, cohort, { mode: 'edit', project, values, errors: memberErrors });
    const before = (await this.membersOf(tenantId, project._id))!;
    const now = this.now();
    const added = input.studentIds.filter((id) => !before.studentIds.includes(id));
    const taken = await this.claimStudents(tenantId, cohort._id, project._id, added, now);
    if (taken.length)
      return this.formCard(tenantId, person, cohort, {
        mode: 'edit',
        project,
        values,
        errors: { studentIds: await this.alreadyOnProject(tenantId, taken) },
      });
    for (const id of before.studentIds.filter((s) => !input.studentIds.includes(s)))
      await this.repo.removeMember(tenantId, studentMemberId(tenantId, cohort._id, id));
    for (const id of input.supervisorIds.filter((s) => !before.supervisorIds.includes(s)))
      await this.addSupervisor(tenantId, cohort._id, project._id, id, now);
    for (const id of before.supervisorIds.filter((s) => !input.supervisorIds.includes(s)))
      await this.repo.removeMember(tenantId, supervisorMemberId(tenantId, project._id, id));
    await this.repo
      .projects(tenantId)
      .updateOne(
        { _id: project._id },
        { $set: { title: input.title, clinicalTeam: input.clinicalTeam, updatedAt: now } },
      );
    await this.s.audit.record(
      tenantId,
      { actorId: person._id, action: 'project.edit', targetId: project._id },
      now,
    );
    const newSupervisors = input.supervisorIds.filter((s) => !before.supervisorIds.includes(s));
    await this.notifyAdded(tenantId, person, project._id, input.title, [...added, ...newSupervisors]);
    const saved = (await this.repo.project(tenantId, project._id))!;
    return this.projectCard(tenantId, person, saved, { notice: 'Changes saved.' });
  }

  // ------------------------------------------------------------------ view and list

  async view(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const found = await this.allowed(tenantId, person, 'project.view', safeData(data).projectId);
    if (!found) return NOT_FOUND;
    return this.projectCard(tenantId, person, found.project);
  }

  /** `my project` / `projects`: a student's project; a supervisor's or lead's projects. */
  async mine(tenantId: string, person: PersonDoc): Promise<CardResult> {
    const own = await this.projectsOf(person);
    const cohorts = (await this.s.cohorts.all(tenantId)).filter((c) =>
      can(person, 'project.view', { cohortId: c._id }),
    );
    const led = (await Promise.all(cohorts.map((c) => this.repo.inCohort(tenantId, c._id)))).flat();
    const ids = [...new Set([...own.map((p) => p.projectId), ...led.map((p) => p._id)])];
    const canCreate = (await this.creatableCohorts(tenantId, person)).length > 0;
    if (ids.length === 1 && !canCreate) {
      const project = await this.repo.project(tenantId, ids[0]!);
      if (project) return this.projectCard(tenantId, person, project);
    }
    if (ids.length === 0 && !canCreate)
      return hasRole(person, 'student')
        ? 'You are not on a project yet. Your placement lead or supervisor adds you to one.'
        : 'You are not on any project. Projects are set up by a cohort’s placement lead or a supervisor attached to it.';
    const projects = await this.repo.projectsByIds(tenantId, ids);
    const cohortNames = new Map((await this.s.cohorts.all(tenantId)).map((c) => [c._id, c.name]));
    const counts = await Promise.all(projects.map((p) => this.membersOf(tenantId, p._id)));
    return this.s.cards.render('project-list', {
      title: 'Projects',
      intro: projects.length ? '' : 'No projects yet.',
      items: projects
        .sort((a, b) => a.title.localeCompare(b.title))
        .map((p, i) => ({
          projectId: p._id,
          title: p.title,
          subtitle: `${p.clinicalTeam} · ${cohortNames.get(p.cohortId) ?? ''} · ${counts[i]?.studentIds.length ?? 0} students`,
        })),
      canCreate,
    });
  }

  async projectCard(
    tenantId: string,
    person: PersonDoc,
    project: ProjectDoc,
    options: { notice?: string; error?: string } = {},
  ): Promise<AdaptiveCard> {
    const target = await this.targetOf(tenantId, project);
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    const zone = this.zone(cohort);
    const memberIds = [...(target.projectStudentIds ?? []), ...(target.projectSupervisorIds ?? [])];
    const milestones = await this.repo.milestonesOf(tenantId, project._id);
    const updates = await this.repo.updatesOf(tenantId, project._id);
    const feedback = await this.repo.feedbackOf(tenantId, project._id);
    const people = await this.s.people.byIds(tenantId, [
      ...new Set([...memberIds, ...updates.map((u) => u.studentId), ...feedback.map((f) => f.raterId)]),
    ]);
    const name = (id: string) => people.find((p) => p._id === id)?.displayName ?? 'Someone';
    const today = localDateOf(this.now(), zone);
    const canManage = can(person, 'project.manage', target);
    const feedbackView = this.feedbackVisible(person, target, feedback);
    const recent = [...updates]
      .sort((a, b) => b.week - a.week || b.updatedAt.getTime() - a.updatedAt.getTime())
      .slice(0, 6);
    return this.s.cards.render('project', {
      projectId: project._id,
      title: project.title,
      subtitle: `For ${project.clinicalTeam}${cohort ? ` · ${cohort.name}` : ''}`,
      students:
        (target.projectStudentIds ?? [])
          .map((id) => people.find((p) => p._id === id))
          .filter((p): p is PersonDoc => !!p)
          .map((p) => `${p.displayName} (${p.profession})`)
          .join(', ') || 'None',
      supervisors: (target.projectSupervisorIds ?? []).map(name).join(', ') || 'None yet',
      milestones: milestones.map((m) => ({
        date: formatDate(m.date),
        title: m.title,
        state: m.date < today ? 'past' : m.date === today ? 'today' : 'upcoming',
      })),
      hasMilestones: milestones.length > 0,
      updates: recent.map((u) => ({ heading: `Week ${u.week}, ${name(u.studentId)}`, text: u.text })),
      hasUpdates: recent.length > 0,
      presentationText: project.presentation
        ? `${formatLocal(project.presentation.startsAt, zone)} (${project.presentation.minutes} minutes)`
        : 'Not booked yet',
      teamsLink: project.presentation?.teamsLink ?? '',
      hasPresentation: !!project.presentation,
      feedbackHeading: feedback.length
        ? `Presentation feedback: ${feedback.length} rating${feedback.length > 1 ? 's' : ''}, average ${(feedback.reduce((a, f) => a + f.rating, 0) / feedback.length).toFixed(1)} of 5`
        : '',
      feedback: feedbackView
        ? feedback.map((f) => ({
            from: name(f.raterId),
            rating: `${f.rating} of 5`,
            comment: f.comment || '(no comment)',
          }))
        : [],
      hasFeedback: feedbackView && feedback.length > 0,
      feedbackPending: !!project.presentation && feedback.length === 0,
      canManage,
      notice: options.notice ?? '',
      error: options.error ?? '',
    });
  }

  /**
   * Who sees the feedback: the project's members, the cohort's lead and admins; students once
   * at least one rating exists (before that there is nothing to show).
   */
  private feedbackVisible(person: PersonDoc, target: Target, feedback: FeedbackDoc[]) {
    return feedback.length > 0 && can(person, 'project.feedback.view', target);
  }

  // ------------------------------------------------------------------ milestones

  async milestonesCard(
    tenantId: string,
    person: PersonDoc,
    data: unknown,
    options: { values?: Record<string, string>; errors?: Record<string, string>; notice?: string } = {},
  ): Promise<CardResult> {
    const found = await this.allowed(tenantId, person, 'project.manage', safeData(data).projectId);
    if (!found) return NOT_FOUND;
    return this.renderMilestones(tenantId, found.project, options);
  }

  private async renderMilestones(
    tenantId: string,
    project: ProjectDoc,
    options: { values?: Record<string, string>; errors?: Record<string, string>; notice?: string },
  ) {
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    const milestones = await this.repo.milestonesOf(tenantId, project._id);
    const errors = options.errors ?? {};
    return this.s.cards.render('project-milestones', {
      projectId: project._id,
      title: `Milestones: ${project.title}`,
      intro: cohort
        ? `Dates between ${formatDate(cohort.startDate)} and ${formatDate(endDate(cohort))} (the placement).`
        : '',
      milestones: milestones.map((m) => ({ milestoneId: m._id, date: formatDate(m.date), title: m.title })),
      hasMilestones: milestones.length > 0,
      requestId: newRequestId(),
      newTitle: options.values?.title ?? '',
      newDate: options.values?.date ?? '',
      minDate: cohort?.startDate ?? '',
      maxDate: cohort ? endDate(cohort) : '',
      formError:
        errors._form ??
        (Object.keys(errors).length ? 'Please correct the fields marked below; nothing was saved.' : ''),
      errors: errorsFor(MILESTONE_FIELDS, errors),
      notice: options.notice ?? '',
    });
  }

  async addMilestone(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.allowed(tenantId, person, 'project.manage', raw.projectId);
    if (!found) return NOT_FOUND;
    const { project } = found;
    const values = this.typed(raw, MILESTONE_FIELDS);
    const parsed = milestoneInput.safeParse(raw);
    if (!parsed.success)
      return this.renderMilestones(tenantId, project, { values, errors: formatZodIssues(parsed.error) });
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    const { date, title, requestId } = parsed.data;
    if (cohort && (date < cohort.startDate || date > endDate(cohort)))
      return this.renderMilestones(tenantId, project, {
        values,
        errors: {
          date: `Choose a date during the placement: ${formatDate(cohort.startDate)} to ${formatDate(endDate(cohort))}`,
        },
      });
    const existing = await this.repo.milestonesOf(tenantId, project._id);
    const id = milestoneId(tenantId, project._id, requestId);
    if (existing.length >= MAX_MILESTONES && !existing.some((m) => m._id === id))
      return this.renderMilestones(tenantId, project, {
        values,
        errors: { _form: `A project can have up to ${MAX_MILESTONES} milestones.` },
      });
    const now = this.now();
    const inserted = await this.repo.insertMilestone(tenantId, {
      _id: id,
      projectId: project._id,
      title,
      date,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted)
      await this.s.audit.record(
        tenantId,
        { actorId: person._id, action: 'project.milestone.add', targetId: id },
        now,
      );
    return this.renderMilestones(tenantId, project, {
      notice: `Milestone added: ${title}, ${formatDate(date)}.`,
    });
  }

  async removeMilestone(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.allowed(tenantId, person, 'project.manage', raw.projectId);
    if (!found) return NOT_FOUND;
    const id = text(raw.milestoneId);
    const milestone: MilestoneDoc | null = isTenantId(id, tenantId)
      ? await this.repo.milestones(tenantId).findOne({ _id: id })
      : null;
    if (!milestone || milestone.projectId !== found.project._id)
      return this.renderMilestones(tenantId, found.project, {
        errors: { _form: 'That milestone is not on this project (it may be removed already).' },
      });
    await this.repo.deleteMilestone(tenantId, id);
    await this.s.audit.record(
      tenantId,
      { actorId: person._id, action: 'project.milestone.remove', targetId: id },
      this.now(),
    );
    return this.renderMilestones(tenantId, found.project, { notice: `Removed: ${milestone.title}.` });
  }

  // ------------------------------------------------------------------ presentation

  /** Who can be invited to rate: staff (supervisors, AHP hosts, leads) of the tenant. */
  private async audienceChoices(tenantId: string, cohortId: string) {
    const staff = [
      ...(await this.s.people.withRole(tenantId, 'supervisor')),
      ...(await this.s.people.withRole(tenantId, 'ahp-host')),
      ...(await this.s.people.leadsOf(tenantId, cohortId)),
    ];
    const unique = [...new Map(staff.map((p) => [p._id, p])).values()];
    return unique.sort((a, b) => a.displayName.localeCompare(b.displayName));
  }

  async presentationCard(
    tenantId: string,
    person: PersonDoc,
    data: unknown,
    options: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ): Promise<CardResult> {
    const found = await this.allowed(tenantId, person, 'project.manage', safeData(data).projectId);
    if (!found) return NOT_FOUND;
    return this.renderPresentation(tenantId, found.project, options);
  }

  private async renderPresentation(
    tenantId: string,
    project: ProjectDoc,
    options: { values?: Record<string, string>; errors?: Record<string, string> },
  ) {
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    const choices = await this.audienceChoices(tenantId, project.cohortId);
    const attendees = await this.repo.attendeesOf(tenantId, project._id);
    const slot = project.presentation;
    const values = options.values ?? {};
    const errors = options.errors ?? {};
    return this.s.cards.render('project-presentation', {
      projectId: project._id,
      title: `Final presentation: ${project.title}`,
      intro: `Time in ${this.zone(cohort)}. After it, the people you invite get a card to rate it (1 to 5) and comment; the team sees their feedback.`,
      date: values.date ?? slot?.date ?? '',
      time: values.time ?? slot?.time ?? '',
      // Input.Number needs a number to show it.
      minutes: Number(values.minutes ?? slot?.minutes ?? 30) || 30,
      teamsLink: values.teamsLink ?? slot?.teamsLink ?? '',
      audienceIds: values.audienceIds ?? attendees.map((a) => a.personId).join(','),
      audienceChoices: choices.map((p) => ({ title: `${p.displayName} (${p.profession})`, value: p._id })),
      minDate: cohort?.startDate ?? '',
      maxDate: cohort ? endDate(cohort) : '',
      formError:
        errors._form ??
        (Object.keys(errors).length ? 'Please correct the fields marked below; nothing was saved.' : ''),
      errors: errorsFor(PRESENTATION_FIELDS, errors),
    });
  }

  async savePresentation(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const found = await this.allowed(tenantId, person, 'project.manage', raw.projectId);
    if (!found) return NOT_FOUND;
    const { project } = found;
    const values = this.typed(raw, PRESENTATION_FIELDS);
    const parsed = presentationInput.safeParse(raw);
    if (!parsed.success)
      return this.renderPresentation(tenantId, project, { values, errors: formatZodIssues(parsed.error) });
    const input = parsed.data;
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    const zone = this.zone(cohort);
    const errors: Record<string, string> = {};
    if (cohort && (input.date < cohort.startDate || input.date > endDate(cohort)))
      errors.date = `Choose a date during the placement: ${formatDate(cohort.startDate)} to ${formatDate(endDate(cohort))}`;
    const startsAt = localInstant(input.date, input.time, zone);
    if (!errors.date && startsAt.getTime() <= this.now().getTime())
      errors.date = 'Choose a date and time in the future';
    const choices = await this.audienceChoices(tenantId, project.cohortId);
    if (input.audienceIds.some((id) => !choices.some((p) => p._id === id)))
      errors.audienceIds = 'Choose people from the list';
    if (input.audienceIds.length === 0) errors.audienceIds = 'Invite at least one person to give feedback';
    if (Object.keys(errors).length) return this.renderPresentation(tenantId, project, { values, errors });
    const now = this.now();
    for (const personId of input.audienceIds)
      await this.repo.insertAttendee(tenantId, {
        _id: attendeeId(tenantId, project._id, personId),
        projectId: project._id,
        personId,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
    await this.repo.removeAttendees(tenantId, project._id, input.audienceIds);
    if (project.presentation)
      await this.s.scheduler.cancel(feedbackJobKey(project._id, project.presentation.startsAt));
    await this.repo.setPresentation(
      tenantId,
      project._id,
      {
        date: input.date,
        time: input.time,
        startsAt,
        minutes: input.minutes,
        teamsLink: input.teamsLink,
        feedbackRequestedAt: null,
      },
      now,
    );
    await this.s.scheduler.schedule({
      key: feedbackJobKey(project._id, startsAt),
      type: JOB_FEEDBACK,
      runAt: new Date(startsAt.getTime() + input.minutes * 60_000),
      tenantId,
      payload: { projectId: project._id, startsAt: startsAt.toISOString() },
    });
    await this.s.audit.record(
      tenantId,
      { actorId: person._id, action: 'project.presentation.set', targetId: project._id },
      now,
    );
    const saved = (await this.repo.project(tenantId, project._id))!;
    return this.projectCard(tenantId, person, saved, {
      notice: `Presentation booked for ${formatLocal(startsAt, zone)}. The ${input.audienceIds.length} people invited get a feedback card when it ends.`,
    });
  }

  /** The job after the presentation: one feedback card per invited rater (deduplicated). */
  async runFeedbackJob(tenantId: string, projectId: string, startsAtIso: string): Promise<number> {
    const project = await this.repo.project(tenantId, projectId);
    const slot = project?.presentation;
    if (!project || !slot || slot.startsAt.toISOString() !== startsAtIso) return 0;
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    const attendees = await this.repo.attendeesOf(tenantId, projectId);
    const people = await this.s.people.byIds(
      tenantId,
      attendees.map((a) => a.personId),
    );
    const audienceIds = attendees.map((a) => a.personId);
    const raters = people.filter((p) =>
      can(p, 'project.feedback.give', { audienceIds, cohortId: project.cohortId }),
    );
    const when = formatLocal(slot.startsAt, this.zone(cohort));
    const n = await this.s.outbox.enqueue(
      tenantId,
      raters.map((p) => ({
        dedupeKey: `project.feedback.request|${projectId}|${slot.startsAt.getTime()}|${p._id}`,
        purpose: 'project.feedback.request',
        target: { kind: 'person' as const, personId: p._id },
        activity: this.s.cards.activity(
          'project-feedback',
          this.feedbackFormData(project, when, {}, {}),
          `Feedback on “${project.title}”`,
        ),
      })),
      this.now(),
    );
    await this.repo
      .projects(tenantId)
      .updateOne(
        { _id: projectId },
        { $set: { 'presentation.feedbackRequestedAt': this.now(), updatedAt: this.now() } },
      );
    return n;
  }

  private feedbackFormData(
    project: ProjectDoc,
    when: string,
    values: Record<string, string>,
    errors: Record<string, string>,
  ) {
    return {
      projectId: project._id,
      title: `How was “${project.title}”?`,
      intro: `The final presentation on ${when}, for ${project.clinicalTeam}. Your rating and comment go to the project team.`,
      rating: values.rating ?? '',
      comment: values.comment ?? '',
      commentLabel: `Comment for the team (optional, up to ${COMMENT_MAX.toLocaleString('en-GB')} characters)`,
      commentMax: COMMENT_MAX,
      formError:
        errors._form ??
        (Object.keys(errors).length ? 'Please correct the fields marked below; nothing was saved.' : ''),
      errors: errorsFor(['rating', 'comment'], errors),
      done: false,
      doneText: '',
    };
  }

  async submitFeedback(tenantId: string, person: PersonDoc, data: unknown): Promise<CardResult> {
    const raw = safeData(data);
    const id = raw.projectId;
    const project =
      typeof id === 'string' && isTenantId(id, tenantId) ? await this.repo.project(tenantId, id) : null;
    const audienceIds = project
      ? (await this.repo.attendeesOf(tenantId, project._id)).map((a) => a.personId)
      : [];
    if (
      !project?.presentation ||
      !can(person, 'project.feedback.give', { audienceIds, cohortId: project.cohortId })
    ) {
      await this.refused(tenantId, person, 'project.feedback.give', id);
      return 'Only the people invited to this presentation can give feedback on it.';
    }
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    const when = formatLocal(project.presentation.startsAt, this.zone(cohort));
    const values = this.typed(raw, ['rating', 'comment']);
    if (this.now().getTime() < project.presentation.startsAt.getTime())
      return this.s.cards.render(
        'project-feedback',
        this.feedbackFormData(project, when, values, {
          _form: `The presentation has not started yet: it is on ${when}.`,
        }),
      );
    const parsed = feedbackInput.safeParse(raw);
    if (!parsed.success)
      return this.s.cards.render(
        'project-feedback',
        this.feedbackFormData(project, when, values, formatZodIssues(parsed.error)),
      );
    const now = this.now();
    const inserted = await this.repo.insertFeedback(tenantId, {
      _id: feedbackId(tenantId, project._id, person._id),
      projectId: project._id,
      raterId: person._id,
      rating: parsed.data.rating,
      comment: parsed.data.comment,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
    const mine = (await this.repo
      .feedback(tenantId)
      .findOne({ _id: feedbackId(tenantId, project._id, person._id) }))!;
    if (inserted) {
      await this.s.audit.record(
        tenantId,
        { actorId: person._id, action: 'project.feedback', targetId: project._id },
        now,
      );
      await this.notifyFeedback(tenantId, project);
    }
    return this.s.cards.render('project-feedback', {
      ...this.feedbackFormData(project, when, {}, {}),
      done: true,
      doneText: inserted
        ? `Thank you. You rated it ${mine.rating} of 5; the team can see your feedback.`
        : `You already gave feedback on this presentation (${mine.rating} of 5), so nothing was changed.`,
    });
  }

  /** The team hears once that feedback has arrived (deduplicated per project and member). */
  private async notifyFeedback(tenantId: string, project: ProjectDoc) {
    const members = await this.membersOf(tenantId, project._id);
    if (!members) return;
    await this.s.outbox.enqueue(
      tenantId,
      [...members.studentIds, ...members.supervisorIds].map((personId) => ({
        dedupeKey: `project.feedback.ready|${project._id}|${personId}`,
        purpose: 'project.feedback.ready',
        target: { kind: 'person' as const, personId },
        activity: this.s.cards.activity(
          'project-notice',
          {
            title: 'Feedback on your presentation',
            message: `Feedback on “${project.title}” has arrived. Open the project to read it; more may follow.`,
            actionTitle: 'Open the project',
            verb: 'project.view',
            projectId: project._id,
          },
          'Feedback on your presentation',
        ),
      })),
      this.now(),
    );
  }

  // ------------------------------------------------------------------ the journey export

  /** A student's project for their learning-journey export, or null when they are on none. */
  async journeyOf(tenantId: string, studentId: string): Promise<ProjectJourney | null> {
    const memberships = (await this.repo.membershipsOf(tenantId, studentId)).filter(
      (m: ProjectMemberDoc) => m.role === 'student',
    );
    const membership = memberships[0];
    if (!membership) return null;
    const project = await this.repo.project(tenantId, membership.projectId);
    if (!project) return null;
    const members = (await this.membersOf(tenantId, project._id))!;
    const cohort = await this.s.cohorts.byId(tenantId, project.cohortId);
    const milestones = await this.repo.milestonesOf(tenantId, project._id);
    const updates: ProjectUpdateDoc[] = (await this.repo.updatesOf(tenantId, project._id)).filter(
      (u) => u.studentId === studentId,
    );
    const feedback = await this.repo.feedbackOf(tenantId, project._id);
    const people = await this.s.people.byIds(tenantId, [
      ...members.studentIds,
      ...members.supervisorIds,
      ...feedback.map((f) => f.raterId),
    ]);
    const person = (id: string) => people.find((p) => p._id === id);
    return {
      title: project.title,
      clinicalTeam: project.clinicalTeam,
      members: [
        ...members.studentIds.map((id) => ({ id, role: 'student' as const })),
        ...members.supervisorIds.map((id) => ({ id, role: 'supervisor' as const })),
      ].flatMap(({ id, role }) => {
        const p = person(id);
        return p ? [{ name: p.displayName, profession: p.profession, role }] : [];
      }),
      milestones: milestones.map((m) => ({ date: m.date, title: m.title })),
      updates: updates.map((u) => ({ week: u.week, text: u.text })),
      presentation: project.presentation
        ? { when: formatLocal(project.presentation.startsAt, this.zone(cohort)) }
        : null,
      feedback: feedback.map((f) => ({
        from: person(f.raterId)?.displayName ?? 'A rater',
        rating: f.rating,
        comment: f.comment,
      })),
    };
  }
}

export const feedbackJobKey = (projectId: string, startsAt: Date) =>
  `projects.feedback:${projectId}:${startsAt.getTime()}`;
