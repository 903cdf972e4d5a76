/**
 * "My journey": a student's reflections counted by pillar, HCPC standard and topic, with the
 * placement weeks that have none and the standards without evidence (also the dashboard's view).
 */
import type { CohortCalendar } from '../../domain/placement-calendar.js';
import type { Reply } from '../../feature-kit/turn.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import { journeyCounts, journeySummary, type JourneyCounts, type JourneySummary } from './journey.js';
import type { JourneyReader } from './ports.js';
import { journeyCardData } from './reflection-cards.js';
import { STUDENTS_ONLY, writesOwn, type ReflectionDeps } from './reflection-deps.js';

export class MyJourney implements JourneyReader {
  constructor(
    private readonly deps: Pick<ReflectionDeps, 'clock' | 'cards' | 'people' | 'cohorts' | 'repo'>,
  ) {}

  /** Counts of the person's reflections by pillar, HCPC standard and topic. */
  async countsFor(tenantId: string, personId: string): Promise<JourneyCounts> {
    return journeyCounts(await this.deps.repo.tagsOf(tenantId, personId));
  }

  /** Counts plus weeks without a reflection, standards without evidence and a nudge. */
  async journeyFor(tenantId: string, personId: string): Promise<JourneySummary> {
    const person = await this.deps.people.byId(tenantId, personId);
    const calendar = person ? await this.calendarOf(tenantId, person) : null;
    return journeySummary(await this.deps.repo.tagsOf(tenantId, personId), calendar, this.deps.clock.now());
  }

  /** `my journey` */
  async journeyCard(tenantId: string, person: PersonDoc): Promise<Reply> {
    if (!writesOwn(person)) return STUDENTS_ONLY;
    const s = await this.journeyFor(tenantId, person._id);
    return this.deps.cards.render('my-journey', journeyCardData(person, s));
  }

  /** The person's cohort calendar (with its name), or null when on none. */
  async calendarOf(tenantId: string, person: PersonDoc): Promise<(CohortCalendar & { name: string }) | null> {
    if (!person.cohortId) return null;
    return (await this.deps.cohorts.byId(tenantId, person.cohortId)) ?? null;
  }
}
