/**
 * The student's check-in cards: the form (with supervision's open actions and the project's
 * name) and the submitted state. View data comes from checkin-form.ts; templates from cards/.
 */
import type { AdaptiveCard } from '../../cards/cards.js';
import { formatLocal, type Pause } from '../../domain/placement-calendar.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { CheckinCore, CheckinDeps } from './checkin-deps.js';
import { checkinFormData, submittedCardData } from './checkin-form.js';
import { lockInstant, type StudentWeek } from './checkin-schedule.js';
import type { CheckinDoc } from './checkins-repository.js';
import { formIntro } from './late-checkins.js';
import type { CardAction } from './ports.js';

export class StudentCheckinCards {
  constructor(
    private readonly s: CheckinCore,
    private readonly needs: Pick<CheckinDeps, 'followUps' | 'projectTitles'>,
  ) {}

  openActionsOf(tenantId: string, personId: string): Promise<CardAction[]> {
    return this.needs.followUps().openActions(tenantId, personId);
  }

  projectTitle(tenantId: string, person: PersonDoc, cohort: CohortDoc): Promise<string | null> {
    return this.needs.projectTitles().projectTitleOf(tenantId, person._id, cohort._id);
  }

  /** What the form shows beside the questions: open actions and the project's name. */
  async formExtras(tenantId: string, person: PersonDoc, cohort: CohortDoc) {
    return {
      actions: await this.openActionsOf(tenantId, person._id),
      projectTitle: await this.projectTitle(tenantId, person, cohort),
    };
  }

  form(
    cohort: CohortDoc,
    sw: StudentWeek,
    zone: string,
    pauses: readonly Pause[],
    extra: Partial<Parameters<typeof checkinFormData>[0]> = {},
  ): AdaptiveCard {
    return this.s.cards.render(
      'checkin',
      checkinFormData({
        week: sw.week,
        of: sw.of,
        cohortId: cohort._id,
        dueText: sw.dueAt ? formatLocal(sw.dueAt, zone) : 'end of the week',
        intro: formIntro(cohort, sw, pauses, zone, this.s.clock.now()),
        ...extra,
      }),
    );
  }

  async submitted(
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
    const authorIds = [
      ...new Set([
        ...checkin.comments.map((c) => c.authorId),
        ...(checkin.countersignedBy ? [checkin.countersignedBy] : []),
      ]),
    ];
    const authors = authorIds.length ? await this.s.people.byIds(tenantId, authorIds) : [];
    const names = new Map(authors.map((a) => [a._id, a.displayName]));
    const signer = checkin.countersignedBy ? names.get(checkin.countersignedBy) : undefined;
    return this.s.cards.render(
      'checkin-submitted',
      submittedCardData({
        checkin,
        editable: lock !== null && this.s.clock.now().getTime() < lock.getTime(),
        notice,
        commentAuthors: names,
        countersigned:
          signer && checkin.countersignedAt
            ? `${signer}, ${formatLocal(checkin.countersignedAt, zone)}`
            : signer,
        actions,
      }),
    );
  }
}
