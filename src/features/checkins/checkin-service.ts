/**
 * Weekly supervision check-ins: the student's card (open, submit, edit, list), what
 * supervisors and leads may see and do (view, comment, countersign, record supervision,
 * cohort status, pauses), and the scheduled work (plan, prompt, remind, digest).
 *
 * No Teams types here: callers pass the tenant and the known person; answers are cards
 * (AdaptiveCard JSON) or short messages. Proactive messages go through the outbox only.
 */
import { z } from 'zod';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can } from '../../domain/authorization.js';
import { CONFIDENCE_AREAS } from '../../domain/catalogues.js';
import { byRisk, missedWeeksBefore } from '../../domain/digest-risk.js';
import type { WeekFact } from '../../domain/escalation.js';
import {
  formatDate,
  formatLocal,
  localDateOf,
  placementWeekOf,
  supervisionDate,
  supervisionInstant,
  weekDates,
  type Pause,
} from '../../domain/placement-calendar.js';
import { safeguardingConcern, safeguardingSettings } from '../../domain/safeguarding.js';
import {
  fieldErrorsText,
  formatZodIssues,
  isoDate,
  rejectMongoOperatorKeys,
  safeText,
} from '../../domain/validation.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CoreServices } from '../../services.js';
import { Claims } from '../../storage/claims.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import {
  answersAsValues,
  checkinFormData,
  parseCheckinSubmit,
  submittedCardData,
  TEXT_FIELDS,
  typedValues,
} from './checkin-form.js';
import {
  checkinJobKey,
  checkinSettings,
  digestInstant,
  lockInstant,
  planCohort,
  studentWeek,
  type CheckinJobKind,
  type StudentWeek,
} from './checkin-schedule.js';
import { checkinId, CheckinsRepository, PAUSE_REASONS, type CheckinDoc } from './checkins-repository.js';
import type { CardAction, CheckinFollowUps } from './follow-ups.js';
import { SafeguardingAlerts } from './safeguarding-alert.js';
import { SupervisorCheckins } from './supervisor-checkins.js';
import { MissedWeekNudges } from './missed-week-nudges.js';
import { checkinsOpen, formIntro, LateCheckinNotices, PLACEMENT_ENDED } from './late-checkins.js';

export const CHECKIN_JOB_TYPES: Record<CheckinJobKind, string> = {
  prompt: 'checkins.prompt',
  reminder: 'checkins.reminder',
  digest: 'checkins.digest',
};

const DAY_MS = 24 * 60 * 60 * 1000;
/** The labels of the inputs on checkin-pause, for error replies. */
const PAUSE_LABELS = {
  studentId: 'Student',
  from: 'First paused day',
  to: 'Last paused day',
  reason: 'Reason',
};
export const PLAN_HORIZON_MS = 8 * DAY_MS;

export const NOT_A_STUDENT =
  'Check-ins are for students on placement. If you are one, ask your placement lead to add you to a cohort.';
export const NOT_ALLOWED =
  'You can only pause check-ins of students you supervise, or of students on a cohort you lead.';

export interface JobPayload {
  cohortId: string;
  week: number;
  at: string;
}

type Answer = AdaptiveCard | string;

export type CheckinDeps = Pick<
  CoreServices,
  'db' | 'clock' | 'cards' | 'people' | 'cohorts' | 'supervisions' | 'audit' | 'outbox' | 'scheduler'
>;

const hasRole = (p: PersonDoc, ...roles: PersonDoc['roles']) => p.roles.some((r) => roles.includes(r));

/** Told about every saved check-in (e.g. projects: the week's project update); may return a line for the student. */
export type CheckinSavedListener = (tenantId: string, checkin: CheckinDoc) => Promise<string | null>;

export class CheckinService {
  readonly repo: CheckinsRepository;
  private readonly claims: Claims;
  private readonly savedListeners: CheckinSavedListener[] = [];
  private followUps: CheckinFollowUps | null = null;
  /** View, comment, countersign: the supervisor card (supervisor-checkins.ts). */
  readonly supervisor: SupervisorCheckins;
  /** Nudges after a missed deadline: the hourly job and the supervisor's button. */
  readonly nudges: MissedWeekNudges;

  constructor(private readonly s: CheckinDeps) {
    this.repo = new CheckinsRepository(s.db);
    this.claims = new Claims(s.db);
    this.supervisor = new SupervisorCheckins(s, this.repo);
    this.nudges = new MissedWeekNudges(s, this.repo, this.supervisor);
    this.supervisor.useNudges(this.nudges);
    // First, so the student's confirmation starts with who was told.
    this.onSaved(new SafeguardingAlerts(s).onSaved);
    this.onSaved(new LateCheckinNotices(s).onSaved);
  }

  /** Supervision's open actions and escalation marks on the cards (see follow-ups.ts). */
  useFollowUps(followUps: CheckinFollowUps): void {
    this.followUps = followUps;
  }

  private async openActionsOf(tenantId: string, personId: string): Promise<CardAction[]> {
    return this.followUps ? this.followUps.openActions(tenantId, personId) : [];
  }

  private now() {
    return this.s.clock.now();
  }

  /** Other features react to a saved (new or edited) check-in through this, not by reading the collection. */
  onSaved(listener: CheckinSavedListener): void {
    this.savedListeners.push(listener);
  }

  private projectTitleOf:
    ((tenantId: string, studentId: string, cohortId: string) => Promise<string | null>) | null = null;

  /** The projects feature names the student's project on the form's project question. */
  showProjectWith(
    lookup: (tenantId: string, studentId: string, cohortId: string) => Promise<string | null>,
  ): void {
    this.projectTitleOf = lookup;
  }

  private projectTitle(tenantId: string, person: PersonDoc, cohort: CohortDoc): Promise<string | null> {
    return this.projectTitleOf
      ? this.projectTitleOf(tenantId, person._id, cohort._id)
      : Promise.resolve(null);
  }

  private zoneOf(person: Pick<PersonDoc, 'timeZone'>, cohort: CohortDoc): string {
    return person.timeZone ?? cohort.timeZone;
  }

  private async studentSetting(tenantId: string, person: PersonDoc) {
    if (!can(person, 'checkin.submit.self', { studentId: person._id }) || !person.cohortId) return null;
    // Both reads at once: they do not depend on each other.
    const [cohort, pauses] = await Promise.all([
      this.s.cohorts.byId(tenantId, person.cohortId),
      this.repo.pausesOf(tenantId, person._id),
    ]);
    if (!cohort) return null;
    return { cohort, pauses, zone: this.zoneOf(person, cohort), settings: checkinSettings(cohort) };
  }

  // -------------------------------------------------------------------------------------
  // Student
  // -------------------------------------------------------------------------------------

  /** `check in`: the current week's card (the form, or the submitted state). */
  async open(tenantId: string, person: PersonDoc, requestedWeek?: unknown): Promise<Answer> {
    const setting = await this.studentSetting(tenantId, person);
    if (!setting) return NOT_A_STUDENT;
    const { cohort, pauses, zone, settings } = setting;
    const now = this.now();
    let week: number;
    if (requestedWeek !== undefined) {
      const w = Number(requestedWeek);
      if (!Number.isInteger(w) || !this.weekOpen(cohort, w, zone, now))
        return 'That week has no check-in yet.';
      week = w;
    } else {
      const current = placementWeekOf(cohort, now, zone);
      if (!current) {
        return localDateOf(now, zone) < cohort.startDate
          ? `Your placement starts on ${formatDate(cohort.startDate)}; your first check-in arrives then.`
          : 'Your placement has ended, so there are no more check-ins. Type **my check-ins** to see yours.';
      }
      week = current.week;
    }
    const sw = studentWeek(cohort, settings, week, pauses, zone);
    const existing = await this.repo.get(tenantId, person._id, week);
    if (existing) return this.submittedCard(tenantId, existing, pauses, zone, undefined, cohort);
    if (!checkinsOpen(cohort, zone, now)) return PLACEMENT_ENDED;
    if (!sw.promptAt) {
      return sw.paused
        ? `Your check-ins are paused for week ${week}, so there is nothing to fill in. Take care.`
        : `Week ${week} has no placement days for you, so there is no check-in.`;
    }
    return this.formCard(cohort, sw, zone, pauses, {
      actions: await this.openActionsOf(tenantId, person._id),
      projectTitle: await this.projectTitle(tenantId, person, cohort),
    });
  }

  private weekOpen(cohort: CohortDoc, week: number, zone: string, now: Date): boolean {
    if (week < 1 || week > cohort.weeks) return false;
    return weekDates(cohort, week)[0]! <= localDateOf(now, zone);
  }

  private formCard(
    cohort: CohortDoc,
    sw: StudentWeek,
    zone: string,
    pauses: readonly Pause[],
    extra: Partial<Parameters<typeof checkinFormData>[0]> = {},
  ) {
    return this.s.cards.render(
      'checkin',
      checkinFormData({
        week: sw.week,
        of: sw.of,
        cohortId: cohort._id,
        dueText: sw.dueAt ? formatLocal(sw.dueAt, zone) : 'end of the week',
        intro: formIntro(cohort, sw, pauses, zone, this.now()),
        ...extra,
      }),
    );
  }

  private async submittedCard(
    tenantId: string,
    checkin: CheckinDoc,
    pauses: readonly Pause[],
    zone: string,
    notice?: string,
    /** The check-in's cohort when the caller has it already (saves a read). */
    knownCohort?: CohortDoc,
  ): Promise<AdaptiveCard> {
    // The open actions are one read by _id, made alongside the cohort read (if needed).
    const [cohort, actions] = await Promise.all([
      knownCohort?._id === checkin.cohortId ? knownCohort : this.s.cohorts.byId(tenantId, checkin.cohortId),
      this.openActionsOf(tenantId, checkin.studentId),
    ]);
    const lock = cohort ? lockInstant(cohort, checkin.week, pauses, zone) : null;
    const authors = checkin.comments.length
      ? await this.s.people.byIds(tenantId, [...new Set(checkin.comments.map((c) => c.authorId))])
      : [];
    return this.s.cards.render(
      'checkin-submitted',
      submittedCardData({
        checkin,
        editable: lock !== null && this.now().getTime() < lock.getTime(),
        notice,
        commentAuthors: new Map(authors.map((a) => [a._id, a.displayName])),
        actions,
      }),
    );
  }

  /** Action.Execute refresh (and `checkin.open`): the card for the current state of that week. */
  async refresh(tenantId: string, person: PersonDoc, data: unknown): Promise<Answer> {
    return this.open(tenantId, person, (data as { week?: unknown } | null)?.week);
  }

  /** "Edit my answers": the form again with the stored answers, while still editable. */
  async edit(tenantId: string, person: PersonDoc, data: unknown): Promise<Answer> {
    const setting = await this.studentSetting(tenantId, person);
    if (!setting) return NOT_A_STUDENT;
    const { cohort, pauses, zone, settings } = setting;
    const week = Number((data as { week?: unknown } | null)?.week);
    if (!Number.isInteger(week) || week < 1 || week > cohort.weeks) return 'That week has no check-in.';
    const existing = await this.repo.get(tenantId, person._id, week);
    if (!existing) return this.open(tenantId, person, week);
    const lock = lockInstant(cohort, week, pauses, zone);
    if (!lock || this.now().getTime() >= lock.getTime())
      return this.submittedCard(
        tenantId,
        existing,
        pauses,
        zone,
        'This check-in can no longer be edited: supervision has started.',
        cohort,
      );
    return this.formCard(cohort, studentWeek(cohort, settings, week, pauses, zone), zone, pauses, {
      values: answersAsValues(existing.answers),
      actions: await this.openActionsOf(tenantId, person._id),
      projectTitle: await this.projectTitle(tenantId, person, cohort),
    });
  }

  /** Validates on the server; a rejected submit re-shows the form with errors and what was typed. */
  async submit(tenantId: string, person: PersonDoc, data: unknown): Promise<Answer> {
    const setting = await this.studentSetting(tenantId, person);
    if (!setting) return NOT_A_STUDENT;
    const { cohort, pauses, zone, settings } = setting;
    const now = this.now();
    const parsed = parseCheckinSubmit(data);
    const week = parsed.week;
    if (week === null || !this.weekOpen(cohort, week, zone, now)) return 'That week has no check-in yet.';
    const sw = studentWeek(cohort, settings, week, pauses, zone);
    if (!sw.promptAt) return `Your check-ins are paused for week ${week}, so nothing was saved.`;
    if (!checkinsOpen(cohort, zone, now) && !(await this.repo.get(tenantId, person._id, week)))
      return PLACEMENT_ENDED;
    if (!parsed.ok) {
      // True for this moment: a re-submit that fails leaves the earlier answers saved.
      const earlier = await this.repo.get(tenantId, person._id, week);
      return this.formCard(cohort, sw, zone, pauses, {
        values: typedValues(data),
        errors: {
          _form: earlier
            ? 'Please check the highlighted answers: these changes were not saved, and your earlier answers are still saved as they were.'
            : 'Please check the highlighted answers; nothing was saved yet.',
          ...parsed.errors,
        },
        actions: await this.openActionsOf(tenantId, person._id),
        projectTitle: await this.projectTitle(tenantId, person, cohort),
      });
    }
    // Before the week's supervision a submit always saves: only after it is there a stored
    // check-in to look for (and keep as it is).
    const lock = lockInstant(cohort, week, pauses, zone);
    const locked = lock !== null && now.getTime() >= lock.getTime();
    const existing = locked ? await this.repo.get(tenantId, person._id, week) : null;
    if (existing) {
      return this.submittedCard(
        tenantId,
        existing,
        pauses,
        zone,
        'Supervision for this week has started, so your answers can no longer be changed.',
        cohort,
      );
    }
    const { outcome, checkin: saved } = await this.repo.save(
      tenantId,
      {
        studentId: person._id,
        cohortId: cohort._id,
        week,
        of: cohort.weeks,
        answers: parsed.answers,
        dueAt: sw.dueAt,
      },
      now,
    );
    await this.s.audit.record(
      tenantId,
      {
        actorId: person._id,
        action: outcome === 'inserted' ? 'checkin.submit' : 'checkin.edit',
        targetId: checkinId(tenantId, person._id, week),
        details: { week },
      },
      now,
    );
    const lines: string[] = [];
    for (const listener of this.savedListeners) {
      const line = await listener(tenantId, saved);
      if (line) lines.push(line);
    }
    const notice = [
      outcome === 'inserted' ? 'Thank you, your check-in is saved.' : 'Your changes are saved.',
      ...lines,
    ].join(' ');
    return this.submittedCard(tenantId, saved, pauses, zone, notice, cohort);
  }

  /** `my check-ins`: one line per week so far. */
  async mine(tenantId: string, person: PersonDoc): Promise<Answer> {
    const setting = await this.studentSetting(tenantId, person);
    if (!setting) return NOT_A_STUDENT;
    const { cohort, pauses, zone, settings } = setting;
    const now = this.now();
    const checkins = new Map((await this.repo.ofStudent(tenantId, person._id)).map((c) => [c.week, c]));
    const current = placementWeekOf(cohort, now, zone);
    const lastWeek = current?.week ?? (localDateOf(now, zone) < cohort.startDate ? 0 : cohort.weeks);
    const weeks = [];
    const catchUp: { week: number }[] = [];
    const open = checkinsOpen(cohort, zone, now);
    for (let week = 1; week <= lastWeek; week++) {
      const c = checkins.get(week);
      const sw = studentWeek(cohort, settings, week, pauses, zone);
      let text: string;
      if (c) {
        text = [
          c.late ? 'submitted late' : 'submitted',
          `wellbeing ${c.answers.wellbeing} of 5`,
          c.countersignedBy ? 'countersigned' : null,
          c.comments.length ? `${c.comments.length} comment${c.comments.length > 1 ? 's' : ''}` : null,
        ]
          .filter(Boolean)
          .join(' · ');
      } else if (!sw.promptAt) text = sw.paused ? 'paused' : 'no placement days';
      else if (sw.dueAt && now.getTime() > sw.dueAt.getTime()) {
        if (open) {
          text = 'missed · you can still check in late';
          catchUp.push({ week });
        } else text = 'missed';
      } else text = `not yet · due ${sw.dueAt ? formatLocal(sw.dueAt, zone) : 'end of week'}`;
      weeks.push({ week, text });
    }
    const currentSw = current ? studentWeek(cohort, settings, current.week, pauses, zone) : null;
    return this.s.cards.render('my-checkins', {
      subtitle: `${cohort.name} · ${current ? `week ${current.week} of ${cohort.weeks}` : lastWeek === 0 ? 'not started yet' : 'placement ended'}`,
      weeks,
      canCheckIn: !!currentSw?.promptAt,
      currentWeek: current?.week ?? 0,
      // A missed week offers a way to catch up, until the placement ends.
      catchUp: catchUp.filter((c) => c.week !== current?.week),
    });
  }

  // -------------------------------------------------------------------------------------
  // Supervisors and leads
  // -------------------------------------------------------------------------------------

  /** The cohorts whose status the viewer may see: the one they lead, or every cohort for an admin. */
  private async cohortsLedBy(tenantId: string, viewer: PersonDoc): Promise<CohortDoc[]> {
    const all = await this.s.cohorts.all(tenantId);
    return all.filter((c) => can(viewer, 'checkin.cohort.status', { cohortId: c._id }));
  }

  /** `cohort status`: per running cohort, this week's submission rate and who is overdue. */
  async cohortStatus(tenantId: string, viewer: PersonDoc): Promise<Answer> {
    const cohorts = await this.cohortsLedBy(tenantId, viewer);
    if (cohorts.length === 0) {
      await this.s.audit.record(
        tenantId,
        { actorId: viewer._id, action: 'checkin.status', outcome: 'refused' },
        this.now(),
      );
      return hasRole(viewer, 'lead', 'admin')
        ? 'You are not attached to a cohort yet, so there is no check-in status to show. Ask an administrator to add you to the cohort you lead.'
        : 'Only a placement lead can see cohort check-in status.';
    }
    const now = this.now();
    const rows = [];
    for (const cohort of cohorts) {
      const current = placementWeekOf(cohort, now);
      if (!current) continue;
      rows.push(await this.weekStatus(tenantId, cohort, current.week, now));
    }
    return this.s.cards.render('cohort-status', { cohorts: rows });
  }

  async weekStatus(tenantId: string, cohort: CohortDoc, week: number, now: Date) {
    const settings = checkinSettings(cohort);
    const students = await this.s.people.inCohort(tenantId, cohort._id, 'student');
    const pauses = await this.repo.pausesOfCohort(tenantId, cohort._id);
    const submitted = new Set(
      (await this.repo.checkins(tenantId).find({ cohortId: cohort._id, week }).toArray()).map(
        (c) => c.studentId,
      ),
    );
    let expected = 0;
    let paused = 0;
    const overdue: string[] = [];
    for (const st of students) {
      const sw = studentWeek(cohort, settings, week, pauses.get(st._id) ?? [], this.zoneOf(st, cohort));
      if (!sw.promptAt) {
        if (sw.paused) paused++;
        continue;
      }
      expected++;
      if (!submitted.has(st._id) && sw.dueAt && now.getTime() > sw.dueAt.getTime())
        overdue.push(st.displayName);
    }
    const done = students.filter((st) => submitted.has(st._id)).length;
    const rate = expected ? Math.round((100 * Math.min(done, expected)) / expected) : 0;
    return {
      name: cohort.name,
      weekText: `week ${week} of ${cohort.weeks}`,
      rateText: `${done} of ${expected} (${rate}%)`,
      pausedText: String(paused),
      overdueText: overdue.length ? overdue.join(', ') : 'none',
      done,
      expected,
      overdue,
    };
  }

  // Pauses --------------------------------------------------------------------------------

  private async pausableStudents(tenantId: string, viewer: PersonDoc): Promise<PersonDoc[]> {
    const students = (await this.s.people.withRole(tenantId, 'student')).filter((s) => s.cohortId);
    // The viewer's own supervision links stand in for each student's list of supervisors
    // (the rule only asks whether the viewer is among them): one query, not one per student.
    const mine = hasRole(viewer, 'supervisor')
      ? new Set(await this.s.supervisions.studentIdsOf(tenantId, viewer._id))
      : new Set<string>();
    return students.filter((s) =>
      can(viewer, 'checkin.pause', {
        studentId: s._id,
        supervisorIds: mine.has(s._id) ? [viewer._id] : [],
        cohortId: s.cohortId,
      }),
    );
  }

  async pauseCard(
    tenantId: string,
    viewer: PersonDoc,
    error = '',
    values: Record<string, string> = {},
  ): Promise<Answer> {
    const students = await this.pausableStudents(tenantId, viewer);
    if (students.length === 0)
      return hasRole(viewer, 'supervisor', 'lead', 'admin')
        ? 'You have no students whose check-ins you can pause.'
        : 'Only a supervisor, a placement lead or an administrator can pause check-ins.';
    return this.s.cards.render('checkin-pause', {
      error,
      values: { studentId: '', from: '', to: '', reason: '', ...values },
      students: students.map((s) => ({ title: s.displayName, value: s._id })),
    });
  }

  async addPause(tenantId: string, viewer: PersonDoc, data: unknown): Promise<Answer> {
    try {
      rejectMongoOperatorKeys(data);
    } catch {
      return this.pauseCard(tenantId, viewer, 'Some values are not allowed; nothing was saved.');
    }
    const schema = z
      .object({
        studentId: safeText(200, { min: 1 }),
        from: isoDate,
        to: isoDate,
        reason: z.enum(PAUSE_REASONS, { errorMap: () => ({ message: 'Choose a reason' }) }),
      })
      .refine((p) => p.to >= p.from, { message: 'The last paused day is before the first', path: ['to'] });
    const parsed = schema.safeParse(data ?? {});
    const typed = Object.fromEntries(
      ['studentId', 'from', 'to', 'reason'].map((k) => [
        k,
        typeof (data as Record<string, unknown>)?.[k] === 'string'
          ? String((data as Record<string, unknown>)[k]).slice(0, 200)
          : '',
      ]),
    );
    if (!parsed.success) {
      const errors = formatZodIssues(parsed.error);
      return this.pauseCard(tenantId, viewer, fieldErrorsText(errors, PAUSE_LABELS), typed);
    }
    const student = await this.s.people.byId(tenantId, parsed.data.studentId);
    const allowed =
      student && (await this.pausableStudents(tenantId, viewer)).some((s) => s._id === student._id);
    const now = this.now();
    if (!student || !allowed) {
      await this.s.audit.record(
        tenantId,
        { actorId: viewer._id, action: 'checkin.pause', targetId: student?._id ?? null, outcome: 'refused' },
        now,
      );
      return NOT_ALLOWED;
    }
    await this.repo.addPause(
      tenantId,
      {
        studentId: student._id,
        cohortId: student.cohortId,
        from: parsed.data.from,
        to: parsed.data.to,
        reason: parsed.data.reason,
      },
      viewer._id,
      now,
    );
    await this.s.audit.record(
      tenantId,
      {
        actorId: viewer._id,
        action: 'checkin.pause',
        targetId: student._id,
        details: { reason: parsed.data.reason },
      },
      now,
    );
    // A pause can move a student's prompt to a later day: plan the new instants now.
    const cohort = student.cohortId ? await this.s.cohorts.byId(tenantId, student.cohortId) : null;
    if (cohort) await this.planOne(cohort, now);
    return this.s.cards.render('notice', {
      title: 'Pause added',
      message: `${student.displayName}'s check-ins are paused from ${formatDate(parsed.data.from)} to ${formatDate(parsed.data.to)}. No prompts or reminders are sent on those days.`,
    });
  }

  // -------------------------------------------------------------------------------------
  // Scheduled work
  // -------------------------------------------------------------------------------------

  /** The recurring planner: schedules the coming prompt / reminder / digest jobs of every cohort. */
  async planAll(now: Date): Promise<number> {
    let scheduled = 0;
    for (const cohort of await this.s.cohorts.allTenants()) scheduled += await this.planOne(cohort, now);
    return scheduled;
  }

  /** The cohort's students, only the fields planning needs (a lean read of a large cohort). */
  private studentsOf(tenantId: string, cohortId: string) {
    return this.s.people
      .scope(tenantId)
      .find({ cohortId, roles: 'student' }, { projection: { _id: 1, timeZone: 1, displayName: 1 } })
      .toArray() as Promise<Pick<PersonDoc, '_id' | 'timeZone' | 'displayName'>[]>;
  }

  async planOne(cohort: CohortDoc, now: Date): Promise<number> {
    const tenantId = cohort.tenantId;
    const students = await this.studentsOf(tenantId, cohort._id);
    const pauses = await this.repo.pausesOfCohort(tenantId, cohort._id);
    const jobs = planCohort(
      cohort,
      students.map((s) => ({ id: s._id, timeZone: s.timeZone })),
      pauses,
      now,
      new Date(now.getTime() + PLAN_HORIZON_MS),
    );
    let scheduled = 0;
    for (const job of jobs) {
      const payload: JobPayload = { cohortId: cohort._id, week: job.week, at: job.at.toISOString() };
      if (
        await this.s.scheduler.schedule({
          key: checkinJobKey(cohort._id, job),
          type: CHECKIN_JOB_TYPES[job.kind],
          runAt: job.at,
          tenantId,
          payload: payload as unknown as Record<string, unknown>,
        })
      )
        scheduled++;
    }
    return scheduled;
  }

  /**
   * Prompts or reminders due at exactly `at` for a cohort week. Recomputed now: students
   * paused since planning, or whose instant moved, are not in this job. Reminders go only to
   * students who have not submitted. One outbox item per student, deduplicated per week.
   */
  async runStudentJob(
    kind: 'prompt' | 'reminder',
    tenantId: string,
    payload: JobPayload,
    now: Date,
  ): Promise<number> {
    const cohort = await this.s.cohorts.byId(tenantId, payload.cohortId);
    if (!cohort || payload.week > cohort.weeks) return 0;
    const settings = checkinSettings(cohort);
    const students = await this.studentsOf(tenantId, cohort._id);
    const pauses = await this.repo.pausesOfCohort(tenantId, cohort._id);
    const submitted =
      kind === 'reminder'
        ? new Set(
            (
              await this.repo.checkins(tenantId).find({ cohortId: cohort._id, week: payload.week }).toArray()
            ).map((c) => c.studentId),
          )
        : new Set<string>();
    const weekCache = new Map<string, StudentWeek>();
    const cardCache = new Map<string, Record<string, unknown>>();
    const requests: EnqueueRequest[] = [];
    for (const st of students) {
      const zone = this.zoneOf(st, cohort);
      const p = pauses.get(st._id) ?? [];
      const cacheKey = `${zone}|${JSON.stringify(p)}`;
      let sw = weekCache.get(cacheKey);
      if (!sw) weekCache.set(cacheKey, (sw = studentWeek(cohort, settings, payload.week, p, zone)));
      const instant = kind === 'prompt' ? sw.promptAt : sw.reminderAt;
      if (instant?.toISOString() !== payload.at || submitted.has(st._id)) continue;
      const dueText = sw.dueAt ? formatLocal(sw.dueAt, zone) : 'end of the week';
      let activity = cardCache.get(dueText);
      if (!activity) {
        // A small card (cheap to store once per student in the outbox); Teams refreshes it
        // into the full form (Universal Actions refresh) and the button opens it.
        activity = this.s.cards.activity(
          'checkin-prompt',
          {
            week: sw.week,
            title:
              kind === 'prompt'
                ? `Week ${sw.week} of ${sw.of}: time for your check-in`
                : `Reminder: your week ${sw.week} check-in is due ${dueText}`,
            message:
              kind === 'prompt'
                ? `Due ${dueText}. It takes about five minutes; your supervisor sees it before supervision.`
                : 'You have not checked in yet this week. Your supervisor sees your answers before supervision.',
          },
          kind === 'prompt'
            ? `Your week ${sw.week} check-in is ready`
            : `Reminder: week ${sw.week} check-in due ${dueText}`,
        );
        cardCache.set(dueText, activity);
      }
      requests.push({
        dedupeKey: `checkins.${kind}|${cohort._id}|${st._id}|w${payload.week}`,
        purpose: `checkin.${kind}`,
        batchId: `checkins.${kind}|${cohort._id}|w${payload.week}`,
        target: { kind: 'person', personId: st._id },
        activity,
      });
    }
    return this.s.outbox.enqueue(tenantId, requests, now);
  }

  /** One digest card per supervisor of the cohort's students, before the week's supervision. */
  async runDigest(tenantId: string, payload: JobPayload, now: Date): Promise<number> {
    const cohort = await this.s.cohorts.byId(tenantId, payload.cohortId);
    if (!cohort || payload.week > cohort.weeks) return 0;
    const settings = checkinSettings(cohort);
    if (digestInstant(cohort, settings, payload.week)?.toISOString() !== payload.at) return 0;
    const week = payload.week;
    const students = await this.s.people.inCohort(tenantId, cohort._id, 'student');
    const byId = new Map(students.map((s) => [s._id, s]));
    const links = await this.s.supervisions
      .scope(tenantId)
      .find({ studentId: { $in: [...byId.keys()] } })
      .toArray();
    const pauses = await this.repo.pausesOfCohort(tenantId, cohort._id);
    const checkins = await this.repo.ofCohort(tenantId, cohort._id, week);
    const byStudent = new Map<string, CheckinDoc[]>();
    for (const c of checkins) byStudent.set(c.studentId, [...(byStudent.get(c.studentId) ?? []), c]);
    const studentsOf = new Map<string, string[]>();
    for (const l of links)
      studentsOf.set(l.supervisorId, [...(studentsOf.get(l.supervisorId) ?? []), l.studentId]);
    const supervisors = await this.s.people.byIds(tenantId, [...studentsOf.keys()]);
    const slot = supervisionInstant(cohort, week)!;
    const followUps = this.followUps ? await this.followUps.digest(tenantId, cohort._id, now) : null;
    const requests: EnqueueRequest[] = [];
    for (const sup of supervisors) {
      const mine = (studentsOf.get(sup._id) ?? [])
        .map((id) => byId.get(id)!)
        .filter(Boolean)
        .sort((a, b) => a.displayName.localeCompare(b.displayName));
      const rows = mine.map((st, i) =>
        this.digestRow(
          cohort,
          settings,
          st,
          week,
          pauses.get(st._id) ?? [],
          byStudent.get(st._id) ?? [],
          i,
          now,
        ),
      );
      const expected = rows.filter((r) => !r.paused).length;
      const done = rows.filter((r) => r.submitted).length;
      // Most at risk first (src/domain/digest-risk.ts); idx follows the new order.
      const withFollowUps = rows
        .map(({ paused: _p, risk, ...r }) => {
          const notes = followUps?.students.get(r.studentId);
          const escalationText = notes?.escalationText ?? '';
          return {
            row: { ...r, actions: notes?.actions ?? [], escalationText },
            risk: { ...risk, escalated: escalationText !== '' },
          };
        })
        .sort((a, b) => byRisk(a.risk, b.risk))
        .map(({ row }, i) => ({ ...row, idx: String(i) }));
      requests.push({
        dedupeKey: `checkins.digest|${cohort._id}|${sup._id}|w${week}`,
        purpose: 'checkin.digest',
        batchId: `checkins.digest|${cohort._id}|w${week}`,
        target: { kind: 'person', personId: sup._id },
        activity: this.s.cards.activity(
          'checkin-digest',
          {
            week,
            of: cohort.weeks,
            cohortName: cohort.name,
            supervisionText: formatLocal(slot, sup.timeZone ?? cohort.timeZone),
            submittedText: `${done} of ${expected} student${expected === 1 ? ' has' : 's have'} checked in.`,
            students: withFollowUps,
            myActions: followUps?.supervisors.get(sup._id) ?? [],
          },
          `Check-in summary for week ${week}: ${done} of ${expected} checked in`,
        ),
      });
    }
    return this.s.outbox.enqueue(tenantId, requests, now);
  }

  /** A student's week (prompt, due and whether paused), for supervision's escalation job. */
  studentWeekOf(
    cohort: CohortDoc,
    student: Pick<PersonDoc, 'timeZone'>,
    week: number,
    pauses: Pause[],
    zone = this.zoneOf(student, cohort),
  ): StudentWeek {
    return studentWeek(cohort, checkinSettings(cohort), week, pauses, zone);
  }

  /**
   * A student's check-in state this week, for a supervisor's on-demand view (`my students`):
   * the week, whether it is submitted, due, overdue, paused, and the wellbeing answered.
   */
  async weekStateOf(tenantId: string, student: PersonDoc, now: Date) {
    if (!student.cohortId) return null;
    const cohort = await this.s.cohorts.byId(tenantId, student.cohortId);
    if (!cohort) return null;
    const zone = this.zoneOf(student, cohort);
    const current = placementWeekOf(cohort, now, zone);
    if (!current)
      return {
        cohort,
        week: null,
        state: 'no-placement' as const,
        text: 'Not on placement this week',
        wellbeing: null,
      };
    const pauses = await this.repo.pausesOf(tenantId, student._id);
    const sw = studentWeek(cohort, checkinSettings(cohort), current.week, pauses, zone);
    const checkin = await this.repo.get(tenantId, student._id, current.week);
    const week = current.week;
    if (checkin)
      return {
        cohort,
        week,
        state: 'submitted' as const,
        text: `Checked in${checkin.late ? ' late' : ''} (wellbeing ${checkin.answers.wellbeing} of 5)`,
        wellbeing: checkin.answers.wellbeing,
      };
    if (!sw.promptAt)
      return {
        cohort,
        week,
        state: 'no-placement' as const,
        text: sw.paused ? 'Check-ins paused this week' : 'No placement days this week',
        wellbeing: null,
      };
    const overdue = !!sw.dueAt && now.getTime() > sw.dueAt.getTime();
    return {
      cohort,
      week,
      state: overdue ? ('overdue' as const) : ('due' as const),
      text: overdue
        ? `Not checked in (was due ${formatLocal(sw.dueAt!, zone)})`
        : `Not checked in yet (due ${sw.dueAt ? formatLocal(sw.dueAt, zone) : 'end of the week'})`,
      wellbeing: null,
    };
  }

  private digestRow(
    cohort: CohortDoc,
    settings: ReturnType<typeof checkinSettings>,
    st: PersonDoc,
    week: number,
    pauses: Pause[],
    history: CheckinDoc[],
    i: number,
    now: Date,
  ) {
    const zone = this.zoneOf(st, cohort);
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
    const baseStatus = current
      ? current.late
        ? 'submitted late'
        : 'submitted'
      : paused
        ? sw.paused
          ? 'paused this week'
          : 'no placement days this week'
        : sw.dueAt && now.getTime() > sw.dueAt.getTime()
          ? 'not checked in (overdue)'
          : 'not checked in yet';
    const statusText = missedBefore.length
      ? `${baseStatus} · missed week${missedBefore.length === 1 ? '' : 's'} ${nameList(missedBefore.map(String))} too (${missedRun} in a row)`
      : baseStatus;
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
}

function clip(text: string, max = 300): string {
  if (!text) return '—';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function nameList(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
