/**
 * Same-day safeguarding alert: a saved check-in with wellbeing at or below the cohort's line
 * (2 of 5 by default) or words of distress (src/domain/safeguarding.ts) goes to the student's
 * supervisor(s) at once through the outbox — and to the cohort's lead(s) when the cohort says
 * so, or when the student has no supervisor yet (nothing is silently dropped). The student's
 * confirmation names everyone who was told. It never waits for the supervisor's summary.
 *
 * Once per student per week per recipient: the outbox key is derived from the check-in, so a
 * double submit, a Teams retry or an edit that stays low alerts nobody twice, and a first
 * submit that was fine followed by an edit that is not alerts once.
 */
import { createHash } from 'node:crypto';
import { can } from '../../domain/authorization.js';
import { formatLocal } from '../../domain/placement-calendar.js';
import {
  safeguardingConcern,
  safeguardingSettings,
  type SafeguardingConcern,
} from '../../domain/safeguarding.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CheckinCore } from './checkin-deps.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { checkinId, type CheckinAnswers, type CheckinDoc } from './checkins-repository.js';

export type SafeguardingDeps = Pick<
  CheckinCore,
  'clock' | 'cards' | 'people' | 'cohorts' | 'supervisions' | 'audit' | 'outbox'
>;

export const SAFEGUARDING_PURPOSE = 'checkin.safeguarding';

/** The student's written answers, labelled as on their form, in the form's order. */
const WORD_FIELDS: { key: keyof CheckinAnswers; title: string }[] = [
  { key: 'hard', title: 'What was hard' },
  { key: 'topics', title: 'For supervision' },
  { key: 'wentWell', title: 'What went well' },
  { key: 'leadership', title: 'Leadership behaviours' },
  { key: 'progress', title: 'Project progress' },
];

const firstName = (name: string) => name.split(' ')[0] ?? name;

function nameList(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

interface Recipient {
  person: PersonDoc;
  /** How the student knows them: "your supervisor", "your placement lead". */
  role: 'supervisor' | 'placement lead' | 'placement admin';
}

export class SafeguardingAlerts {
  constructor(private readonly s: SafeguardingDeps) {}

  /** The check-in listener (a CheckinSavedHook): alerts when needed; returns the student's line. */
  readonly onSaved = async (tenantId: string, checkin: CheckinDoc): Promise<string | null> => {
    const cohort = await this.s.cohorts.byId(tenantId, checkin.cohortId);
    if (!cohort) return null;
    const settings = safeguardingSettings(cohort);
    const concern = safeguardingConcern(
      {
        wellbeing: checkin.answers.wellbeing,
        texts: WORD_FIELDS.map((f) => checkin.answers[f.key] as string),
      },
      settings.alertWellbeingAtOrBelow,
    );
    if (!concern) return null;
    const student = await this.s.people.byId(tenantId, checkin.studentId);
    if (!student) return null;
    const recipients = await this.recipients(tenantId, cohort, student, settings.alertLead);
    if (recipients.length === 0)
      return 'We could not pass this on to anyone yet: you have no supervisor or placement lead set up in the bot. Please tell your supervisor or practice education lead directly today.';
    const now = this.s.clock.now();
    const hash = createHash('sha256')
      .update(checkinId(tenantId, student._id, checkin.week))
      .digest('hex')
      .slice(0, 24);
    const requests: EnqueueRequest[] = recipients.map((r) => ({
      // The key holds a hash of the check-in, not the student's id (see erasure of outbox content).
      dedupeKey: `${SAFEGUARDING_PURPOSE}|${hash}|${r.person._id}`,
      purpose: SAFEGUARDING_PURPOSE,
      target: { kind: 'person', personId: r.person._id },
      activity: this.activity(cohort, student, checkin, concern, r, recipients, now),
    }));
    const added = await this.s.outbox.enqueue(tenantId, requests, now);
    if (added > 0)
      await this.s.audit.record(
        tenantId,
        {
          actorId: null,
          action: 'checkin.safeguarding-alert',
          targetId: student._id,
          details: {
            week: checkin.week,
            lowWellbeing: concern.lowWellbeing,
            distressWords: concern.phrases.length > 0,
            recipients: added,
          },
        },
        now,
      );
    const told = nameList(recipients.map((r) => `${r.person.displayName} (your ${r.role})`));
    return `Because of what you shared, ${told} ${recipients.length === 1 ? 'has' : 'have'} been told today, so they can get in touch with you. Nobody else has been told.`;
  };

  /** The student's supervisors; the cohort's leads too when the cohort says so, or when there is no supervisor. */
  private async recipients(
    tenantId: string,
    cohort: CohortDoc,
    student: PersonDoc,
    alertLead: boolean,
  ): Promise<Recipient[]> {
    const supervisorIds = await this.s.supervisions.supervisorIdsOf(tenantId, student._id);
    const supervisors = supervisorIds.length ? await this.s.people.byIds(tenantId, supervisorIds) : [];
    const out: Recipient[] = supervisors
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((person) => ({ person, role: 'supervisor' as const }));
    if (!alertLead && out.length > 0) return out;
    const target = { cohortId: cohort._id };
    const leads = (await this.s.people.leadsOf(tenantId, cohort._id))
      .filter((p) => can(p, 'supervision.escalation.receive', target))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    const extra: Recipient[] = leads.map((person) => ({ person, role: 'placement lead' as const }));
    if (extra.length === 0 && out.length === 0) {
      const admins = (await this.s.people.withRole(tenantId, 'admin')).filter((p) =>
        can(p, 'supervision.escalation.receive', target),
      );
      extra.push(...admins.map((person) => ({ person, role: 'placement admin' as const })));
    }
    const known = new Set(out.map((r) => r.person._id));
    return [...out, ...extra.filter((r) => !known.has(r.person._id))];
  }

  private whatToDo(first: string, recipient: Recipient, all: Recipient[]): string {
    const atRisk = `If you think ${first} is at risk now, follow your trust's safeguarding procedure.`;
    if (recipient.role === 'supervisor')
      return `Please contact ${first} today, before supervision: a message or a call. Open the check-in to read all of it and to comment. ${atRisk}`;
    return all.some((r) => r.role === 'supervisor')
      ? `${first}'s supervisor has this alert too and is asked to contact ${first} today; please make sure someone does. ${atRisk}`
      : `${first} has no supervisor linked yet, so nobody else has this alert: please contact ${first} today. ${atRisk}`;
  }

  private activity(
    cohort: CohortDoc,
    student: PersonDoc,
    checkin: CheckinDoc,
    concern: SafeguardingConcern,
    recipient: Recipient,
    all: Recipient[],
    now: Date,
  ): Record<string, unknown> {
    const first = firstName(student.displayName);
    const a = checkin.answers;
    const why = [
      concern.lowWellbeing ? `rated their wellbeing ${a.wellbeing} of 5` : null,
      concern.phrases.length ? `wrote ${concern.phrases.map((p) => `“${p}”`).join(', ')}` : null,
    ]
      .filter(Boolean)
      .join(' and ');
    const others = all.filter((r) => r.person._id !== recipient.person._id);
    const zone = recipient.person.timeZone ?? cohort.timeZone;
    return this.s.cards.activity(
      'checkin-safeguarding-alert',
      {
        title: `${student.displayName} may need support today`,
        reason: `${first} ${why} in their week ${checkin.week} check-in.`,
        firstName: first,
        facts: [
          { title: 'Student', value: student.displayName },
          { title: 'Cohort', value: `${cohort.name}, week ${checkin.week} of ${cohort.weeks}` },
          { title: 'Wellbeing', value: `${a.wellbeing} of 5` },
          { title: 'Checked in', value: formatLocal(checkin.updatedAt ?? now, zone) },
        ],
        words: WORD_FIELDS.map((f) => ({ title: f.title, value: clip(String(a[f.key] ?? '')) })).filter(
          (w) => w.value !== '',
        ),
        whatToDo: this.whatToDo(first, recipient, all),
        toldText: `${first} has been told that ${nameList([
          'you',
          ...others.map((r) => `${r.person.displayName} (${r.role})`),
        ])} were told.`,
        studentId: student._id,
        week: checkin.week,
      },
      `${student.displayName} may need support today (week ${checkin.week} check-in)`,
    );
  }
}

function clip(text: string, max = 600): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}
