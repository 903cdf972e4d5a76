/** Whose clock a time is shown on: the person's zone, else their cohort's, else the default. */
import type { SlotDayContext } from '../../domain/conversation-days.js';
import { isValidTimeZone } from '../../domain/placement-calendar.js';
import type { AhpHostDoc } from '../../storage/ahp-hosts-repository.js';
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConversationDeps } from './conversation-deps.js';

type ZoneDeps = Pick<ConversationDeps, 'cohorts' | 'config'>;

/** person.timeZone ?? cohort timeZone ?? DEFAULT_TIME_ZONE (Europe/London). */
export async function zoneOf(
  deps: ZoneDeps,
  tenantId: string,
  person: Pick<PersonDoc, 'timeZone' | 'cohortId'> | null,
): Promise<string> {
  if (person?.timeZone && isValidTimeZone(person.timeZone)) return person.timeZone;
  if (person?.cohortId) {
    const cohort = await deps.cohorts.byId(tenantId, person.cohortId);
    if (cohort?.timeZone && isValidTimeZone(cohort.timeZone)) return cohort.timeZone;
  }
  return deps.config.DEFAULT_TIME_ZONE;
}

/** Each host's zone (as zoneOf), by host id. */
export async function hostZones(
  deps: ZoneDeps & Pick<ConversationDeps, 'people'>,
  tenantId: string,
  hosts: AhpHostDoc[],
): Promise<Map<string, string>> {
  const persons = await deps.people.byIds(
    tenantId,
    hosts.map((h) => h.personId),
  );
  const byId = new Map(persons.map((p) => [p._id, p]));
  const zones = new Map<string, string>();
  for (const h of hosts) zones.set(h._id, await zoneOf(deps, tenantId, byId.get(h.personId) ?? null));
  return zones;
}

/** The student's calendar and zone (as zoneOf), for judging which days slots fall on. */
export async function slotDays(
  deps: ZoneDeps,
  tenantId: string,
  student: PersonDoc,
): Promise<SlotDayContext> {
  const calendar = student.cohortId ? await deps.cohorts.byId(tenantId, student.cohortId) : null;
  const zone =
    student.timeZone && isValidTimeZone(student.timeZone)
      ? student.timeZone
      : calendar?.timeZone && isValidTimeZone(calendar.timeZone)
        ? calendar.timeZone
        : deps.config.DEFAULT_TIME_ZONE;
  return { calendar, zone };
}
