/**
 * The student submits or edits a week's check-in. Validated on the server; a rejected submit
 * re-shows the form with errors and what was typed. A saved check-in is told to the saved hooks
 * in order (safeguarding alert, late notice, then other features'), whose lines end the
 * student's confirmation.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { NOT_A_STUDENT, studentSetting, weekOpen, type CheckinCore } from './checkin-deps.js';
import { answersAsValues, parseCheckinSubmit, typedValues } from './checkin-form.js';
import { lockInstant, studentWeek } from './checkin-schedule.js';
import { checkinId } from './checkins-repository.js';
import { checkinsOpen, PLACEMENT_ENDED } from './late-checkins.js';
import type { OpenCheckin } from './open-checkin.js';
import type { CheckinSavedHook } from './ports.js';
import type { StudentCheckinCards } from './student-checkin-cards.js';

type Answer = AdaptiveCard | string;

export class SubmitCheckin {
  constructor(
    private readonly s: CheckinCore,
    private readonly cards: StudentCheckinCards,
    private readonly opener: OpenCheckin,
    private readonly savedHooks: readonly CheckinSavedHook[],
  ) {}

  /** "Edit my answers": the form again with the stored answers, while still editable. */
  async edit(tenantId: string, person: PersonDoc, data: unknown): Promise<Answer> {
    const setting = await studentSetting(this.s, tenantId, person);
    if (!setting) return NOT_A_STUDENT;
    const { cohort, pauses, zone, settings } = setting;
    const week = Number((data as { week?: unknown } | null)?.week);
    if (!Number.isInteger(week) || week < 1 || week > cohort.weeks) return 'That week has no check-in.';
    const existing = await this.s.repo.get(tenantId, person._id, week);
    if (!existing) return this.opener.open(tenantId, person, week);
    const lock = lockInstant(cohort, week, pauses, zone);
    if (!lock || this.s.clock.now().getTime() >= lock.getTime())
      return this.cards.submitted(
        tenantId,
        existing,
        pauses,
        zone,
        'This check-in can no longer be edited: supervision has started.',
        cohort,
      );
    return this.cards.form(cohort, studentWeek(cohort, settings, week, pauses, zone), zone, pauses, {
      values: answersAsValues(existing.answers),
      ...(await this.cards.formExtras(tenantId, person, cohort)),
    });
  }

  async submit(tenantId: string, person: PersonDoc, data: unknown): Promise<Answer> {
    const setting = await studentSetting(this.s, tenantId, person);
    if (!setting) return NOT_A_STUDENT;
    const { cohort, pauses, zone, settings } = setting;
    const now = this.s.clock.now();
    const parsed = parseCheckinSubmit(data);
    const week = parsed.week;
    if (week === null || !weekOpen(cohort, week, zone, now)) return 'That week has no check-in yet.';
    const sw = studentWeek(cohort, settings, week, pauses, zone);
    if (!sw.promptAt) return `Your check-ins are paused for week ${week}, so nothing was saved.`;
    if (!checkinsOpen(cohort, zone, now) && !(await this.s.repo.get(tenantId, person._id, week)))
      return PLACEMENT_ENDED;
    if (!parsed.ok) {
      // True for this moment: a re-submit that fails leaves the earlier answers saved.
      const earlier = await this.s.repo.get(tenantId, person._id, week);
      return this.cards.form(cohort, sw, zone, pauses, {
        values: typedValues(data),
        errors: {
          _form: earlier
            ? 'Please check the highlighted answers: these changes were not saved, and your earlier answers are still saved as they were.'
            : 'Please check the highlighted answers; nothing was saved yet.',
          ...parsed.errors,
        },
        ...(await this.cards.formExtras(tenantId, person, cohort)),
      });
    }
    // Before the week's supervision a submit always saves: only after it is there a stored
    // check-in to look for (and keep as it is).
    const lock = lockInstant(cohort, week, pauses, zone);
    const locked = lock !== null && now.getTime() >= lock.getTime();
    const existing = locked ? await this.s.repo.get(tenantId, person._id, week) : null;
    if (existing) {
      return this.cards.submitted(
        tenantId,
        existing,
        pauses,
        zone,
        'Supervision for this week has started, so your answers can no longer be changed.',
        cohort,
      );
    }
    const { outcome, checkin: saved } = await this.s.repo.save(
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
    for (const hook of this.savedHooks) {
      const line = await hook(tenantId, saved);
      if (line) lines.push(line);
    }
    const notice = [
      outcome === 'inserted' ? 'Thank you, your check-in is saved.' : 'Your changes are saved.',
      ...lines,
    ].join(' ');
    return this.cards.submitted(tenantId, saved, pauses, zone, notice, cohort);
  }
}
