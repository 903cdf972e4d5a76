/** What the concern use cases are built with (src/services.ts), and small helpers they share. */
import type { Cards } from '../../cards/cards.js';
import type { Clock } from '../../clock.js';
import type { Outbox } from '../../proactive/outbox.js';
import type { AhpHostsRepository } from '../../storage/ahp-hosts-repository.js';
import type { AuditRepository } from '../../storage/audit-repository.js';
import type { CohortsRepository } from '../../storage/cohorts-repository.js';
import type { PeopleRepository } from '../../storage/people-repository.js';
import type { SupervisionLinksRepository } from '../../storage/supervision-links-repository.js';
import type { ConcernDoc, ConcernsRepository } from './concerns-repository.js';

export interface ConcernDeps {
  clock: Clock;
  cards: Cards;
  people: PeopleRepository;
  cohorts: CohortsRepository;
  supervisions: SupervisionLinksRepository;
  hosts: AhpHostsRepository;
  audit: AuditRepository;
  outbox: Outbox;
  repo: ConcernsRepository;
}

/** "Monday 10 February 2025" in the zone given. */
export function longDate(at: Date, zone = 'Europe/London'): string {
  return at.toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: zone,
  });
}

/** "Ana", "Ana and Ben", "Ana, Ben and Cy". */
export function nameList(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** The current names of the people on a concern (receivers, acknowledger, reply authors). */
export async function namesOn(d: ConcernDeps, tenantId: string, c: ConcernDoc): Promise<Map<string, string>> {
  const ids = [...c.receiverIds, c.acknowledgedBy, ...c.replies.map((r) => r.authorId)].filter(
    (id): id is string => typeof id === 'string',
  );
  const people = ids.length ? await d.people.byIds(tenantId, [...new Set(ids)]) : [];
  return new Map(people.map((p) => [p._id, p.displayName]));
}
