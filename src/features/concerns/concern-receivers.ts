/**
 * Who a concern goes to: the practice education lead(s) of the sender's cohort(s) and the
 * trust's Freedom to Speak Up guardian(s) from the AHP directory (the people the support answer
 * names); the tenant's administrators when there are none. The sender's supervisor(s) only
 * when the sender chooses. Never the sender themselves.
 */
import type { PersonDoc } from '../../storage/people-repository.js';
import type { ConcernDeps } from './concern-deps.js';

export interface Receiver {
  person: PersonDoc;
  /** What they are to the sender: "practice education lead". */
  role: string;
}

export const cohortIdsOf = (p: PersonDoc) => [...new Set(p.cohortIds ?? (p.cohortId ? [p.cohortId] : []))];

export async function supervisorsOf(d: ConcernDeps, tenantId: string, person: PersonDoc) {
  if (!person.roles.includes('student')) return [];
  const ids = await d.supervisions.supervisorIdsOf(tenantId, person._id);
  return ids.length ? d.people.byIds(tenantId, ids) : [];
}

export async function concernReceivers(
  d: ConcernDeps,
  tenantId: string,
  sender: PersonDoc,
  tellSupervisor: boolean,
): Promise<Receiver[]> {
  const leads = (await Promise.all(cohortIdsOf(sender).map((id) => d.people.leadsOf(tenantId, id)))).flat();
  const hosts = await d.hosts.guardians(tenantId);
  const guardians = hosts.length
    ? await d.people.byIds(
        tenantId,
        hosts.map((h) => h.personId),
      )
    : [];
  const list: Receiver[] = [
    ...guardians.map((person) => ({ person, role: 'Freedom to Speak Up guardian' })),
    ...leads.map((person) => ({ person, role: 'practice education lead' })),
  ];
  const others = list.filter((r) => r.person._id !== sender._id);
  if (others.length === 0)
    for (const person of await d.people.withRole(tenantId, 'admin'))
      others.push({ person, role: 'placement administrator' });
  if (tellSupervisor)
    for (const person of await supervisorsOf(d, tenantId, sender))
      others.push({ person, role: 'your supervisor' });
  return others.filter(
    (r, i, all) => r.person._id !== sender._id && all.findIndex((o) => o.person._id === r.person._id) === i,
  );
}

/** "Amira Fraser (Freedom to Speak Up guardian)". */
export const receiverLabel = (r: Receiver) => `${r.person.displayName} (${r.role})`;
