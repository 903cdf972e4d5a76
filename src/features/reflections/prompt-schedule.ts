/**
 * Scheduled reflection prompts: the lead chooses which placement days end with a prompt and at
 * what time (`reflection prompts`); a recurring planner schedules one job per student per
 * matching day; the job sends the prompt.
 */
import { can } from '../../domain/authorization.js';
import { currentCohort } from '../../domain/current-cohort.js';
import { addDays, dayKind, localDateOf, localInstant, parseTime } from '../../domain/placement-calendar.js';
import { cardData } from '../../feature-kit/card-input.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ReflectionPrompter } from './ports.js';
import type { ReflectionDeps } from './reflection-deps.js';
import { cardId } from './reflection-input.js';
import { PROMPT_AFTER, type PromptAfter } from './reflections-repository.js';

const LEAD_ONLY = 'Only a placement lead or an administrator can set reflection prompts for a cohort.';
const OWN_COHORT_ONLY = 'You can only set reflection prompts for a cohort you lead.';

const AFTER_CHOICES = [
  { title: 'Off: no scheduled prompts', value: 'off' },
  { title: 'After each clinical day', value: 'clinical' },
  { title: 'After each leadership day', value: 'leadership' },
  { title: 'After every placement day', value: 'placement' },
];

export class PromptSchedule {
  constructor(
    private readonly deps: Pick<
      ReflectionDeps,
      'clock' | 'cards' | 'people' | 'cohorts' | 'scheduler' | 'audit' | 'repo'
    >,
    private readonly prompter: ReflectionPrompter,
  ) {}

  async scheduleCard(
    tenantId: string,
    person: PersonDoc,
    error = '',
    selectedCohortId?: string,
  ): Promise<Reply> {
    const all = await this.deps.cohorts.all(tenantId);
    const cohorts = all.filter((c) => can(person, 'reflection.prompts.configure', { cohortId: c._id }));
    if (cohorts.length === 0) {
      if (!person.roles.some((r) => r === 'lead' || r === 'admin')) return LEAD_ONLY;
      return all.length === 0 ? 'There are no cohorts yet. Import a roster first.' : OWN_COHORT_ONLY;
    }
    // Opens on the lead's current cohort (running, else next, else latest ended) unless one was chosen.
    const cohortId =
      cohorts.find((c) => c._id === selectedCohortId)?._id ??
      currentCohort(cohorts, this.deps.clock.now())?._id ??
      cohorts[0]!._id;
    const current = await this.deps.repo.schedule(tenantId, cohortId);
    const schedules = await Promise.all(cohorts.map((c) => this.deps.repo.schedule(tenantId, c._id)));
    return this.deps.cards.render('reflection-schedule', {
      cohortChoices: cohorts.map((c) => ({ title: c.name, value: c._id })),
      cohortId,
      afterChoices: AFTER_CHOICES,
      after: current?.after ?? 'clinical',
      time: current?.time ?? '17:00',
      current: cohorts.map((c, i) => ({
        title: c.name,
        value: describeSchedule(schedules[i]?.after ?? 'off', schedules[i]?.time ?? '17:00'),
      })),
      error,
    });
  }

  async setSchedule(tenantId: string, person: PersonDoc, data: unknown): Promise<Reply> {
    const raw = cardData(data);
    const cohort = cardId.safeParse(raw.cohortId).success
      ? await this.deps.cohorts.byId(tenantId, raw.cohortId as string)
      : null;
    if (!can(person, 'reflection.prompts.configure', { cohortId: cohort?._id ?? null })) {
      const lead = person.roles.some((r) => r === 'lead' || r === 'admin');
      if (!cohort && lead) return this.scheduleCard(tenantId, person, 'Choose a cohort from the list.');
      await this.deps.audit.record(
        tenantId,
        {
          actorId: person._id,
          action: 'reflection.schedule',
          targetId: cohort?._id ?? null,
          outcome: 'refused',
        },
        this.deps.clock.now(),
      );
      return lead ? OWN_COHORT_ONLY : LEAD_ONLY;
    }
    if (!cohort) return this.scheduleCard(tenantId, person, 'Choose a cohort from the list.');
    const after = raw.after;
    if (typeof after !== 'string' || !(PROMPT_AFTER as readonly string[]).includes(after))
      return this.scheduleCard(tenantId, person, 'Choose when to prompt.', cohort._id);
    let time: string;
    try {
      time = parseTime(typeof raw.time === 'string' ? raw.time : '');
    } catch {
      return this.scheduleCard(tenantId, person, 'Enter a time as HH:mm, e.g. 17:00.', cohort._id);
    }
    const now = this.deps.clock.now();
    await this.deps.repo.setSchedule(tenantId, cohort._id, after as PromptAfter, time, now);
    await this.deps.audit.record(
      tenantId,
      { actorId: person._id, action: 'reflection.schedule', targetId: cohort._id },
      now,
    );
    await this.planPrompts(now);
    return this.deps.cards.render('notice', {
      title: 'Reflection prompts updated',
      message: `${cohort.name}: ${describeSchedule(after as PromptAfter, time)}.`,
    });
  }

  /**
   * The recurring planner: for every cohort with prompts switched on, schedules one prompt
   * job per student per matching placement day today and tomorrow (job key
   * `reflections.prompt|<tenant>|<student>|<date>`, so re-runs store each once).
   */
  async planPrompts(now: Date): Promise<number> {
    let planned = 0;
    for (const schedule of await this.deps.repo.activeSchedules()) {
      const tenantId = schedule.tenantId;
      const cohort = await this.deps.cohorts.byId(tenantId, schedule.cohortId);
      if (!cohort) continue;
      const students = await this.deps.people.inCohort(tenantId, cohort._id, 'student');
      const today = localDateOf(now, cohort.timeZone);
      for (const date of [today, addDays(today, 1)]) {
        if (!promptsOn(schedule.after, dayKind(cohort, date))) continue;
        for (const student of students) {
          const runAt = localInstant(date, schedule.time, student.timeZone ?? cohort.timeZone);
          if (runAt.getTime() < now.getTime() - 2 * 3600_000) continue;
          const inserted = await this.deps.scheduler.schedule({
            key: `reflections.prompt|${tenantId}|${student._id}|${date}`,
            type: 'reflections.prompt',
            runAt,
            tenantId,
            personId: student._id,
            payload: { cohortId: cohort._id, date },
          });
          if (inserted) planned++;
        }
      }
    }
    return planned;
  }

  /** Job handler: re-checks the schedule, then enqueues the prompt (dedupe per person and day). */
  async runPromptJob(tenantId: string, personId: string, cohortId: string, date: string): Promise<boolean> {
    const schedule = await this.deps.repo.schedule(tenantId, cohortId);
    const cohort = await this.deps.cohorts.byId(tenantId, cohortId);
    const person = await this.deps.people.byId(tenantId, personId);
    if (!schedule || !cohort || !person || person.cohortId !== cohortId) return false;
    const kind = dayKind(cohort, date);
    if (!promptsOn(schedule.after, kind)) return false;
    return this.prompter.promptReflection(tenantId, personId, {
      topic: kind === 'clinical' ? 'qi-project' : 'other',
      dedupeKey: `reflection.prompt|${personId}|day|${date}`,
      message: `How did today's ${kind} day go? Take five minutes to reflect while it is fresh: your draft is saved at every step.`,
    });
  }
}

function describeSchedule(after: PromptAfter, time: string): string {
  if (after === 'off') return 'no scheduled prompts';
  const days = {
    clinical: 'each clinical day',
    leadership: 'each leadership day',
    placement: 'every placement day',
  }[after];
  return `a prompt at ${time} on ${days}`;
}

function promptsOn(after: PromptAfter, kind: string): boolean {
  if (after === 'off') return false;
  if (after === 'placement') return kind === 'clinical' || kind === 'leadership';
  return kind === after;
}
