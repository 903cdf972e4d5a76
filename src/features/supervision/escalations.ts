/**
 * Escalation to the placement lead (an hourly job on the shared scheduler): two missed
 * check-ins in a row, or wellbeing ≤ 2 two check-ins running, sends the cohort's lead one
 * card per student and episode, with actions (escalation-actions.ts); the student's
 * supervisors are told at that moment. Moved out of supervision-service.ts.
 */
import { createHash } from 'node:crypto';
import { can } from '../../domain/authorization.js';
import { currentEpisodes, type Episode, type WeekFact } from '../../domain/escalation.js';
import { addDays, endDate, localDateOf, placementWeekOf } from '../../domain/placement-calendar.js';
import type { EnqueueRequest } from '../../proactive/outbox.js';
import type { CohortDoc } from '../../storage/cohorts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { escalationCardData } from './escalation-card.js';
import { escalationId } from './supervision-repository.js';
import { firstName, nameList, type SupervisionDeps } from './supervision-deps.js';

/** "has missed 2 check-ins in a row (weeks 2 and 3)". */
export function episodeText(e: Episode): string {
  const weeks = `week${e.weeks.length === 1 ? '' : 's'} ${nameList(e.weeks.map(String))}`;
  return e.kind === 'missed'
    ? `has missed ${e.weeks.length} check-ins in a row (${weeks})`
    : `reported wellbeing of 2 or less out of 5 ${e.weeks.length} weeks running (${weeks})`;
}

export class Escalations {
  constructor(private readonly s: SupervisionDeps) {}

  /** The hourly job: every running cohort of every tenant. */
  async run(now: Date): Promise<number> {
    let sent = 0;
    for (const cohort of await this.s.cohorts.allTenants()) {
      const today = localDateOf(now, cohort.timeZone);
      if (today < cohort.startDate || today > addDays(endDate(cohort), 7)) continue;
      sent += await this.escalateCohort(cohort, now);
    }
    return sent;
  }

  /** Starts, extends and ends the cohort's episodes; one card per new episode to the lead(s). */
  async escalateCohort(cohort: CohortDoc, now: Date): Promise<number> {
    const tenantId = cohort.tenantId;
    const students = await this.s.people.inCohort(tenantId, cohort._id, 'student');
    if (students.length === 0) return 0;
    const position = placementWeekOf(cohort, now);
    const lastWeek = position ? position.week : cohort.weeks;
    const [checkins, pauses, existing] = await Promise.all([
      this.s.checkins.ofCohort(tenantId, cohort._id, lastWeek),
      this.s.checkins.pausesOfCohort(tenantId, cohort._id),
      this.s.repo.escalationsOfCohort(tenantId, cohort._id),
    ]);
    const wellbeing = new Map(checkins.map((c) => [`${c.studentId}|${c.week}`, c.answers.wellbeing]));
    const open = new Map(existing.filter((e) => !e.endedAt).map((e) => [e._id, e]));
    const recipients = await this.escalationRecipients(tenantId, cohort);
    let sent = 0;
    for (const st of students) {
      const zone = st.timeZone ?? cohort.timeZone;
      // Only weeks whose check-in was asked of the student count: someone added to the cohort
      // in week 3 has not missed weeks 1 and 2.
      const since = new Date(st.createdAt).getTime();
      const facts: WeekFact[] = [];
      for (let week = 1; week <= lastWeek; week++) {
        const sw = this.s.checkins.studentWeekOf(cohort, st, week, pauses.get(st._id) ?? [], zone);
        facts.push({
          week,
          expected: sw.promptAt !== null && sw.promptAt.getTime() >= since,
          closed: !!sw.dueAt && now.getTime() > sw.dueAt.getTime(),
          wellbeing: wellbeing.get(`${st._id}|${week}`) ?? null,
        });
      }
      const episodes = currentEpisodes(facts);
      const current = new Set(episodes.map((e) => escalationId(tenantId, st._id, e.kind, e.startWeek)));
      for (const [id, e] of open)
        if (e.studentId === st._id && !current.has(id)) await this.s.repo.endEpisode(tenantId, id, now);
      for (const episode of episodes) {
        const id = escalationId(tenantId, st._id, episode.kind, episode.startWeek);
        const started = await this.s.repo.startEpisode(tenantId, {
          _id: id,
          studentId: st._id,
          cohortId: cohort._id,
          kind: episode.kind,
          startWeek: episode.startWeek,
          weeks: episode.weeks,
          notified: recipients.length,
          endedAt: null,
          schemaVersion: 1,
          createdAt: now,
          updatedAt: now,
        });
        if (!started) {
          const known = open.get(id);
          if (known && known.weeks.length !== episode.weeks.length)
            await this.s.repo.extendEpisode(tenantId, id, episode.weeks, now);
          continue;
        }
        sent += await this.notifyLeads(tenantId, cohort, st, episode, id, recipients, now);
      }
    }
    return sent;
  }

  /** The cohort's lead(s); if it has none, the tenant's admins, so nothing is silently dropped. */
  private async escalationRecipients(tenantId: string, cohort: CohortDoc): Promise<PersonDoc[]> {
    const target = { cohortId: cohort._id };
    const leads = (await this.s.people.leadsOf(tenantId, cohort._id)).filter((p) =>
      can(p, 'supervision.escalation.receive', target),
    );
    if (leads.length) return leads;
    return (await this.s.people.withRole(tenantId, 'admin')).filter((p) =>
      can(p, 'supervision.escalation.receive', target),
    );
  }

  private async notifyLeads(
    tenantId: string,
    cohort: CohortDoc,
    student: PersonDoc,
    episode: Episode,
    id: string,
    recipients: PersonDoc[],
    now: Date,
  ): Promise<number> {
    const supervisorIds = await this.s.supervisions.supervisorIdsOf(tenantId, student._id);
    const supervisors = supervisorIds.length ? await this.s.people.byIds(tenantId, supervisorIds) : [];
    const activity = this.s.cards.activity(
      'supervision-escalation',
      escalationCardData({
        escalationId: id,
        episode,
        student,
        cohort,
        supervisors,
        handledBy: null,
        handledAt: null,
        zone: cohort.timeZone,
      }),
      `${student.displayName}: ${episode.kind === 'missed' ? 'missed check-ins' : 'low wellbeing'}`,
    );
    const requests: EnqueueRequest[] = recipients.map((lead) => ({
      // The episode id names the student: the key carries its hash, so the lead's copy holds
      // no student id once the card's content is scrubbed on erasure.
      dedupeKey: `supervision.escalation|${createHash('sha256').update(id).digest('hex').slice(0, 24)}|${lead._id}`,
      purpose: 'supervision.escalation',
      target: { kind: 'person', personId: lead._id },
      activity,
    }));
    await this.s.audit.record(
      tenantId,
      {
        actorId: null,
        action: 'supervision.escalation',
        targetId: student._id,
        details: {
          kind: episode.kind,
          fromWeek: episode.startWeek,
          weeks: episode.weeks.length,
          recipients: recipients.length,
        },
      },
      now,
    );
    // The supervisor is told at the same moment, and by whom the lead can be reached.
    const leadNames = nameList(recipients.map((r) => r.displayName));
    for (const sup of supervisors)
      requests.push({
        dedupeKey: `supervision.escalation.supervisor|${createHash('sha256').update(id).digest('hex').slice(0, 24)}|${sup._id}`,
        purpose: 'supervision.escalation.supervisor',
        target: { kind: 'person', personId: sup._id },
        activity: this.s.cards.activity(
          'notice',
          {
            title: `${student.displayName}'s placement lead has been told`,
            message: `${firstName(student.displayName)} ${episodeText(episode)}, so ${leadNames || 'the placement admin'} ${recipients.length > 1 ? 'have' : 'has'} been sent an escalation card today. You will see here when it is marked handled.`,
          },
          `Escalated to the placement lead: ${student.displayName}`,
        ),
      });
    return this.s.outbox.enqueue(tenantId, requests, now);
  }
}
