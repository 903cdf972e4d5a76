/**
 * What a supervisor (or a lead) does with a student's check-in, from any card that opens it:
 * view it (`checkin.view`), comment (`checkin.comment`), countersign (`checkin.countersign`).
 * Each answer is the one supervisor card (supervisor-checkin-card.ts), refreshed with what
 * just happened, so the card the button was on becomes the current state.
 *
 * Refusals say what is true for the person refused (checkinRefusal) and are audited.
 */
import { createHash } from 'node:crypto';
import type { AdaptiveCard } from '../../cards/cards.js';
import { can, type Target } from '../../domain/authorization.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import { safeguardingConcern, safeguardingSettings } from '../../domain/safeguarding.js';
import { formatZodIssues, safeText } from '../../domain/validation.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { TEXT_FIELDS } from './checkin-form.js';
import { checkinSettings, studentWeek } from './checkin-schedule.js';
import type { CheckinCore } from './checkin-deps.js';
import { checkinId } from './checkins-repository.js';
import { supervisorCheckinData } from './supervisor-checkin-card.js';

export type StudentAction = 'checkin.view' | 'checkin.comment' | 'checkin.countersign' | 'checkin.nudge';

const hasRole = (p: PersonDoc, ...roles: PersonDoc['roles']) => p.roles.some((r) => roles.includes(r));

/**
 * The refusal for `viewer`, true for them: a lead is not told they may countersign "for a
 * cohort you lead", a supervisor is not told about cohorts they do not lead.
 */
export function checkinRefusal(
  viewer: Pick<PersonDoc, 'roles'>,
  action: StudentAction,
  /** Whether the viewer may see this student's check-ins (e.g. the lead of their cohort). */
  maySee: boolean,
): string {
  if (action === 'checkin.countersign' && maySee)
    return "Only the student's own supervisor can countersign a check-in: a countersignature is theirs. You can still read it and comment.";
  if (action === 'checkin.nudge' && maySee)
    return "Only the student's own supervisor can nudge them about a missed check-in. You can still read it and comment.";
  const supervisor = hasRole(viewer as PersonDoc, 'supervisor');
  const lead = hasRole(viewer as PersonDoc, 'lead', 'admin');
  if (supervisor && lead)
    return 'You can only see and act on check-ins of students you supervise, or of students on a cohort you lead.';
  if (supervisor) return 'You can only see and act on check-ins of students you supervise.';
  if (lead)
    return 'You can only see check-ins of students on a cohort you lead, and this student is not on one.';
  return "Check-ins are seen only by the student's supervisor and placement lead.";
}

/** A nudge about a missed week, for the supervisor card's Nudge button (missed-week-nudges.ts). */
export interface NudgeState {
  nudgeState(
    tenantId: string,
    student: PersonDoc,
    cohort: CohortDoc,
    week: number,
    now: Date,
  ): Promise<{ text: string; canNudge: boolean }>;
}

const fromDigest = (data: unknown) => (data as { from?: unknown } | null)?.from === 'digest';

export class SupervisorCheckins {
  constructor(
    private readonly s: CheckinCore,
    /** The Nudge button's state (missed-week-nudges.ts, which uses this card in turn). */
    private readonly nudges: () => NudgeState,
  ) {}

  private now() {
    return this.s.clock.now();
  }

  async studentTarget(tenantId: string, student: PersonDoc): Promise<Target> {
    return {
      studentId: student._id,
      supervisorIds: await this.s.supervisions.supervisorIdsOf(tenantId, student._id),
      cohortId: student.cohortId,
    };
  }

  /** Resolves {studentId, week} from a card and checks the caller may act; refusals are audited. */
  async authorise(
    tenantId: string,
    viewer: PersonDoc,
    data: unknown,
    action: StudentAction,
    /** The audited action when it is not the policy's name (e.g. checkin.nudge). */
    audited: string = action,
  ) {
    const d = (data ?? {}) as { studentId?: unknown; week?: unknown };
    const week = Number(d.week);
    const student =
      typeof d.studentId === 'string' && d.studentId.length < 200
        ? await this.s.people.byId(tenantId, d.studentId)
        : null;
    const target = student ? await this.studentTarget(tenantId, student) : null;
    if (
      student &&
      target &&
      Number.isInteger(week) &&
      week >= 1 &&
      week <= 52 &&
      student.roles.includes('student') &&
      can(viewer, action, target)
    )
      return { ok: true as const, student, week, target };
    await this.s.audit.record(
      tenantId,
      {
        actorId: viewer._id,
        action: audited,
        targetId: student?._id ?? null,
        outcome: 'refused',
        details: { week: Number.isInteger(week) ? week : null },
      },
      this.now(),
    );
    const maySee = !!target && !!student?.roles.includes('student') && can(viewer, 'checkin.view', target);
    return { ok: false as const, refusal: checkinRefusal(viewer, action, maySee) };
  }

  /** The supervisor card for a student's week, as `viewer` sees it now. */
  async card(
    tenantId: string,
    viewer: PersonDoc,
    student: PersonDoc,
    week: number,
    target: Target,
    notice = '',
  ): Promise<AdaptiveCard | string> {
    const cohort = student.cohortId ? await this.s.cohorts.byId(tenantId, student.cohortId) : null;
    if (!cohort || week > cohort.weeks) return `${student.displayName} has no week ${week} check-in.`;
    const now = this.now();
    const checkin = await this.s.repo.get(tenantId, student._id, week);
    const viewerZone = viewer.timeZone ?? cohort.timeZone;
    let missingText = '';
    if (!checkin) {
      const zone = student.timeZone ?? cohort.timeZone;
      const sw = studentWeek(
        cohort,
        checkinSettings(cohort),
        week,
        await this.s.repo.pausesOf(tenantId, student._id),
        zone,
      );
      missingText = !sw.promptAt
        ? sw.paused
          ? `Check-ins are paused for week ${week}: nothing to fill in.`
          : `Week ${week} has no placement days for ${student.displayName}: no check-in.`
        : sw.dueAt && now.getTime() > sw.dueAt.getTime()
          ? `Not checked in: it was due ${formatLocal(sw.dueAt, viewerZone)}. ${student.displayName.split(' ')[0]} can still check in late until the placement ends.`
          : `Not checked in yet (due ${sw.dueAt ? formatLocal(sw.dueAt, viewerZone) : 'at the end of the week'}).`;
    }
    const people = checkin
      ? await this.s.people.byIds(tenantId, [
          ...new Set([
            ...checkin.comments.map((c) => c.authorId),
            ...(checkin.countersignedBy ? [checkin.countersignedBy] : []),
          ]),
        ])
      : [];
    const names = new Map(people.map((p) => [p._id, p.displayName]));
    const concern = checkin
      ? safeguardingConcern(
          { wellbeing: checkin.answers.wellbeing, texts: TEXT_FIELDS.map((f) => checkin.answers[f]) },
          safeguardingSettings(cohort).alertWellbeingAtOrBelow,
        )
      : null;
    const nudge =
      !checkin && can(viewer, 'checkin.nudge', target)
        ? await this.nudges().nudgeState(tenantId, student, cohort, week, now)
        : { text: '', canNudge: false };
    return this.s.cards.render(
      'checkin-supervisor',
      supervisorCheckinData({
        student,
        week,
        of: cohort.weeks,
        cohortName: cohort.name,
        checkin,
        missingText,
        submittedText: checkin ? formatLocal(new Date(checkin.submittedAt), viewerZone) : '',
        concern,
        countersignerName: checkin?.countersignedBy ? (names.get(checkin.countersignedBy) ?? null) : null,
        commentAuthors: names,
        mayComment: can(viewer, 'checkin.comment', target),
        mayCountersign: can(viewer, 'checkin.countersign', target),
        mayRecord: can(viewer, 'supervision.session.record', target),
        nudgeText: nudge.text,
        mayNudge: nudge.canNudge,
        notice,
      }),
    );
  }

  async view(tenantId: string, viewer: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const ok = await this.authorise(tenantId, viewer, data, 'checkin.view');
    if (!ok.ok) return ok.refusal;
    await this.s.audit.record(
      tenantId,
      { actorId: viewer._id, action: 'checkin.view', targetId: ok.student._id, details: { week: ok.week } },
      this.now(),
    );
    return this.card(tenantId, viewer, ok.student, ok.week, ok.target);
  }

  async comment(tenantId: string, viewer: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const ok = await this.authorise(tenantId, viewer, data, 'checkin.comment');
    if (!ok.ok) return ok.refusal;
    const d = data as Record<string, unknown>;
    const idx = typeof d.idx === 'string' || typeof d.idx === 'number' ? String(d.idx) : '';
    const raw = d[`comment_${idx}`] ?? d.comment;
    const parsed = safeText(1000, { min: 1 }).safeParse(raw);
    if (!parsed.success)
      return this.card(
        tenantId,
        viewer,
        ok.student,
        ok.week,
        ok.target,
        `Comment not sent: ${formatZodIssues(parsed.error)._form ?? 'write a comment of up to 1000 characters'}.`,
      );
    const id = checkinId(tenantId, ok.student._id, ok.week);
    const checkin = await this.s.repo.byId(tenantId, id);
    if (!checkin)
      return `${ok.student.displayName} has not checked in for week ${ok.week} yet, so there is nothing to comment on.`;
    const now = this.now();
    const commentId = createHash('sha256')
      .update(`${viewer._id}|${parsed.data}`)
      .digest('base64url')
      .slice(0, 16);
    // A double click must not add the comment (or notify the student) twice.
    if (await this.s.claims.take('checkin.comment', `${id}|${commentId}`)) {
      await this.s.repo.addComment(
        tenantId,
        id,
        { id: commentId, authorId: viewer._id, text: parsed.data, at: now },
        now,
      );
      await this.s.outbox.enqueue(
        tenantId,
        [
          {
            dedupeKey: `checkins.comment|${id}|${commentId}`,
            purpose: 'checkin.comment',
            target: { kind: 'person', personId: ok.student._id },
            activity: this.s.cards.activity(
              'notice',
              {
                title: `New comment on your week ${ok.week} check-in`,
                message: `${viewer.displayName}: ${parsed.data}`,
              },
              `${viewer.displayName} commented on your week ${ok.week} check-in`,
            ),
          },
        ],
        now,
      );
      await this.s.audit.record(
        tenantId,
        { actorId: viewer._id, action: 'checkin.comment', targetId: id, details: { week: ok.week } },
        now,
      );
    }
    const sent = `Comment sent to ${ok.student.displayName}.`;
    // The summary lists several students: its buttons answer in a line and leave it as it is.
    if (fromDigest(data)) return sent;
    return this.card(tenantId, viewer, ok.student, ok.week, ok.target, sent);
  }

  async countersign(tenantId: string, viewer: PersonDoc, data: unknown): Promise<AdaptiveCard | string> {
    const ok = await this.authorise(tenantId, viewer, data, 'checkin.countersign');
    if (!ok.ok) return ok.refusal;
    const id = checkinId(tenantId, ok.student._id, ok.week);
    if (!(await this.s.repo.byId(tenantId, id)))
      return `${ok.student.displayName} has not checked in for week ${ok.week}, so there is nothing to countersign.`;
    const now = this.now();
    // The first countersignature stands; a double click or a second supervisor changes nothing.
    if (await this.s.claims.take('checkin.countersign', id)) {
      await this.s.repo.countersign(tenantId, id, viewer._id, now);
      await this.s.outbox.enqueue(
        tenantId,
        [
          {
            dedupeKey: `checkins.countersign|${id}`,
            purpose: 'checkin.countersign',
            target: { kind: 'person', personId: ok.student._id },
            activity: this.s.cards.activity(
              'notice',
              {
                title: `Your week ${ok.week} check-in is countersigned`,
                message: `${viewer.displayName} countersigned your week ${ok.week} check-in.`,
              },
              `${viewer.displayName} countersigned your week ${ok.week} check-in`,
            ),
          },
        ],
        now,
      );
      await this.s.audit.record(
        tenantId,
        { actorId: viewer._id, action: 'checkin.countersign', targetId: id, details: { week: ok.week } },
        now,
      );
    }
    const signed = `Countersigned ${ok.student.displayName}'s week ${ok.week} check-in.`;
    if (fromDigest(data)) return signed;
    return this.card(tenantId, viewer, ok.student, ok.week, ok.target, signed);
  }
}
