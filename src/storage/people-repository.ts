/** People of a tenant: imported by email, linked to their Teams identity on first contact. */
import { LRUCache } from 'lru-cache';
import type { Db } from 'mongodb';
import { collections } from './collections.js';
import { tenantDocId, type BaseDoc } from './documents.js';
import { TenantScope } from './tenant-scope.js';

import type { Role } from '../domain/roles.js';

export { ROLES, type Role } from '../domain/roles.js';

export interface PersonDoc extends BaseDoc {
  email: string;
  displayName: string;
  roles: Role[];
  profession: string;
  /** A student's cohort; for staff the first of `cohortIds` (null when attached to none). */
  cohortId: string | null;
  /**
   * Every cohort the person is attached to, in roster order (a student: their one cohort; a
   * lead or supervisor: any number). Absent on people stored before schema 2: then `cohortId`.
   */
  cohortIds?: string[];
  /** The cohorts the person leads: `cohortIds` when they have the lead role, else empty. */
  leadCohortIds?: string[];
  timeZone: string | null;
  teamsUserId?: string;
  aadObjectId?: string;
  /** Set when Teams answered 403: the person blocked or removed the bot. */
  unreachableSince?: Date | null;
  /** The person asked for their data to be erased (src/features/data-protection/erasure-requests.ts). */
  erasureRequestedAt?: Date;
}

/** Teams / Entra identity → person, keyed by `_id` so the per-turn lookup is an index hit. */
export interface IdentityLinkDoc extends BaseDoc {
  personId: string;
}

export interface PersonImport {
  email: string;
  displayName: string;
  roles: Role[];
  profession: string;
  /** The person's (first) cohort; ignored when `cohortIds` is given. */
  cohortId: string | null;
  /** Every cohort the person is attached to (leads, supervisors of several cohorts). */
  cohortIds?: string[];
  timeZone: string | null;
}

/** The stored membership fields of an import: cohortId = the first cohort, leads lead them all. */
export function membershipOf(person: Pick<PersonImport, 'roles' | 'cohortId' | 'cohortIds'>) {
  const cohortIds = [...new Set(person.cohortIds ?? (person.cohortId ? [person.cohortId] : []))];
  return {
    cohortId: cohortIds[0] ?? null,
    cohortIds,
    leadCohortIds: person.roles.includes('lead') ? cohortIds : [],
  };
}

/** A filter for the people attached to a cohort (also those stored before schema 2). */
const attachedTo = (cohortId: string) => ({ $or: [{ cohortIds: cohortId }, { cohortId }] });

export class PeopleRepository {
  /**
   * Teams / Entra identity → person id, as the identity links say. Only the mapping is kept,
   * never the person: every turn still reads the person by `_id`, so roles, cohorts and an
   * erasure take effect at once; an entry whose person is gone or now has another identity is
   * dropped and the link read again.
   */
  private readonly linkedPersonIds = new LRUCache<string, string>({ max: 50_000 });

  constructor(private readonly db: Db) {}

  scope(tenantId: string) {
    return new TenantScope(this.db.collection<PersonDoc>(collections.people.name), tenantId);
  }

  /** Upsert by email; returns true when something changed (so a re-import changes nothing). */
  async upsertByEmail(
    tenantId: string,
    person: PersonImport,
    now: Date,
  ): Promise<'inserted' | 'updated' | 'unchanged'> {
    const scope = this.scope(tenantId);
    const email = person.email.toLowerCase();
    const fields = { ...person, email, ...membershipOf(person) };
    const unchanged = await scope.findOne({ email, ...fieldsFilter(fields) });
    if (unchanged) return 'unchanged';
    const result = await scope.updateOne(
      { email },
      {
        $set: { ...fields, schemaVersion: 2, updatedAt: now },
        $setOnInsert: { _id: tenantDocId(tenantId), createdAt: now },
      },
      { upsert: true },
    );
    return result.upsertedCount > 0 ? 'inserted' : 'updated';
  }

  /**
   * Upsert by email adding one role and keeping any others (e.g. an AHP host who is also a
   * lead). A new person gets `profile`; someone known only in this role keeps `profile` in
   * step; anyone else keeps the name and profession their own import gave them.
   */
  async addRoleByEmail(
    tenantId: string,
    email: string,
    role: Role,
    profile: { displayName: string; profession: string },
    now: Date,
  ): Promise<{ id: string; outcome: 'inserted' | 'updated' | 'unchanged' }> {
    const scope = this.scope(tenantId);
    const lower = email.toLowerCase();
    const created = await scope.updateOne(
      { email: lower },
      {
        $setOnInsert: {
          _id: tenantDocId(tenantId),
          ...profile,
          roles: [role],
          cohortId: null,
          cohortIds: [],
          leadCohortIds: [],
          timeZone: null,
          schemaVersion: 2,
          createdAt: now,
          updatedAt: now,
        },
      },
      { upsert: true },
    );
    if (created.upsertedCount > 0) return { id: String(created.upsertedId), outcome: 'inserted' };
    const added = await scope.updateOne(
      { email: lower, roles: { $ne: role } },
      { $addToSet: { roles: role }, $set: { updatedAt: now } },
    );
    const synced = await scope.updateOne(
      {
        email: lower,
        roles: [role],
        $or: [{ displayName: { $ne: profile.displayName } }, { profession: { $ne: profile.profession } }],
      },
      { $set: { ...profile, updatedAt: now } },
    );
    const person = await scope.findOne({ email: lower });
    if (!person) throw new Error(`addRoleByEmail: ${lower} vanished during the update`);
    return {
      id: person._id,
      outcome: added.modifiedCount + synced.modifiedCount > 0 ? 'updated' : 'unchanged',
    };
  }

  byId(tenantId: string, id: string) {
    return this.scope(tenantId).findOne({ _id: id });
  }

  byEmail(tenantId: string, email: string) {
    return this.scope(tenantId).findOne({ email: email.toLowerCase() });
  }

  /**
   * Every turn starts here, so the lookup goes through an identity link keyed by `_id`
   * (an index hit on every database) rather than a query on the people collection; people
   * linked before links existed are still found by the slower field query, once: that lookup
   * writes their link.
   */
  byAadObjectId(tenantId: string, aadObjectId: string) {
    return this.byIdentity(tenantId, 'aad', aadObjectId, { aadObjectId });
  }

  byTeamsUserId(tenantId: string, teamsUserId: string) {
    return this.byIdentity(tenantId, 'teams', teamsUserId, { teamsUserId });
  }

  private async byIdentity(
    tenantId: string,
    kind: 'aad' | 'teams',
    value: string,
    field: Partial<PersonDoc>,
  ) {
    const linkId = tenantDocId(tenantId, kind, value);
    const holds = (person: PersonDoc | null): person is PersonDoc =>
      (kind === 'aad' ? person?.aadObjectId : person?.teamsUserId) === value;
    const known = this.linkedPersonIds.get(linkId);
    if (known) {
      const person = await this.byId(tenantId, known);
      if (holds(person)) return person;
      this.linkedPersonIds.delete(linkId);
    }
    const link = await this.links(tenantId).findOne({ _id: linkId });
    if (link) {
      const person = await this.byId(tenantId, link.personId);
      if (holds(person)) {
        this.linkedPersonIds.set(linkId, person._id);
        return person;
      }
    }
    const person = await this.scope(tenantId).findOne(field);
    // Found the slow way (linked before links existed, or the link is stale): link it now, so
    // this person's next turns are lookups by `_id` instead of a scan of the people collection.
    if (person) await this.link(tenantId, kind, value, person._id, new Date());
    return person;
  }

  private async link(tenantId: string, kind: 'aad' | 'teams', value: string, personId: string, now: Date) {
    const linkId = tenantDocId(tenantId, kind, value);
    await this.links(tenantId).updateOne(
      { _id: linkId },
      { $set: { personId, updatedAt: now }, $setOnInsert: { schemaVersion: 1, createdAt: now } },
      { upsert: true },
    );
    this.linkedPersonIds.set(linkId, personId);
  }

  private links(tenantId: string) {
    return new TenantScope(this.db.collection<IdentityLinkDoc>(collections.identityLinks.name), tenantId);
  }

  byEmails(tenantId: string, emails: string[]) {
    return this.scope(tenantId)
      .find({ email: { $in: emails } })
      .toArray();
  }

  byIds(tenantId: string, ids: string[]) {
    return this.scope(tenantId)
      .find({ _id: { $in: ids } })
      .toArray();
  }

  /** The people attached to a cohort (its students, and staff listed with it), by name. */
  inCohort(tenantId: string, cohortId: string, role?: Role) {
    return this.scope(tenantId)
      .find(role ? { ...attachedTo(cohortId), roles: role } : attachedTo(cohortId))
      .sort({ displayName: 1 })
      .toArray();
  }

  /**
   * A cohort's students with only the fields asked for (a lean read of a large cohort), by
   * their cohortId (not by attachment: staff listed with the cohort are not students of it).
   */
  studentsOfCohort<K extends keyof PersonDoc>(
    tenantId: string,
    cohortId: string,
    fields: readonly K[],
  ): Promise<Pick<PersonDoc, '_id' | K>[]> {
    return this.scope(tenantId)
      .find(
        { cohortId, roles: 'student' },
        { projection: Object.fromEntries([['_id', 1], ...fields.map((f) => [f, 1])]) },
      )
      .toArray() as Promise<Pick<PersonDoc, '_id' | K>[]>;
  }

  /** The cohort's leads (by membership: a lead may lead several cohorts), by name. */
  async leadsOf(tenantId: string, cohortId: string) {
    const attached = await this.inCohort(tenantId, cohortId, 'lead');
    return attached.filter((p) => (p.leadCohortIds ?? [p.cohortId]).includes(cohortId));
  }

  withRole(tenantId: string, role: Role) {
    return this.scope(tenantId).find({ roles: role }).sort({ displayName: 1 }).toArray();
  }

  all(tenantId: string) {
    return this.scope(tenantId).find({}).sort({ email: 1 }).toArray();
  }

  async linkTeamsIdentity(
    tenantId: string,
    personId: string,
    ids: { teamsUserId: string; aadObjectId?: string },
    now: Date,
  ) {
    const set: Partial<PersonDoc> = { teamsUserId: ids.teamsUserId, updatedAt: now, unreachableSince: null };
    if (ids.aadObjectId) set.aadObjectId = ids.aadObjectId;
    const person = await this.scope(tenantId).findOneAndUpdate({ _id: personId }, { $set: set });
    const keys: ['aad' | 'teams', string][] = [['teams', ids.teamsUserId]];
    if (ids.aadObjectId) keys.push(['aad', ids.aadObjectId]);
    for (const [kind, value] of keys) await this.link(tenantId, kind, value, personId, now);
    return person;
  }

  /** Puts a student on a cohort (or none): their one cohort. Returns the updated person. */
  async setStudentCohort(tenantId: string, personId: string, cohortId: string | null, now: Date) {
    return this.scope(tenantId).findOneAndUpdate(
      { _id: personId },
      { $set: { cohortId, cohortIds: cohortId ? [cohortId] : [], schemaVersion: 2, updatedAt: now } },
      { returnDocument: 'after' },
    );
  }

  /**
   * Attaches a staff member to one more cohort (kept with the others), as one of its leads
   * when `asLead`. People stored before schema 2 keep their one cohort in the lists.
   */
  async attachToCohort(tenantId: string, person: PersonDoc, cohortId: string, asLead: boolean, now: Date) {
    const cohortIds = [
      ...new Set([...(person.cohortIds ?? (person.cohortId ? [person.cohortId] : [])), cohortId]),
    ];
    const wasLeading =
      person.leadCohortIds ?? (person.roles.includes('lead') && person.cohortId ? [person.cohortId] : []);
    const leadCohortIds = asLead ? [...new Set([...wasLeading, cohortId])] : wasLeading;
    return this.scope(tenantId).findOneAndUpdate(
      { _id: person._id },
      {
        $set: {
          cohortId: person.cohortId ?? cohortId,
          cohortIds,
          leadCohortIds,
          schemaVersion: 2,
          updatedAt: now,
        },
      },
      { returnDocument: 'after' },
    );
  }

  /** Sets a person's own time zone (null: the cohort's). */
  /** Takes staff off one cohort; they stay attached to (and lead) their others. */
  async detachFromCohort(person: PersonDoc, cohortId: string, now: Date): Promise<void> {
    const others = (person.cohortIds ?? []).filter((id) => id !== cohortId);
    await this.scope(person.tenantId).updateOne(
      { _id: person._id },
      {
        $set: {
          cohortId: person.cohortId === cohortId ? (others[0] ?? null) : person.cohortId,
          cohortIds: others,
          leadCohortIds: (person.leadCohortIds ?? []).filter((id) => id !== cohortId),
          updatedAt: now,
        },
      },
    );
  }

  async setTimeZone(tenantId: string, personId: string, timeZone: string | null, now: Date) {
    await this.scope(tenantId).updateOne({ _id: personId }, { $set: { timeZone, updatedAt: now } });
  }

  async markUnreachable(tenantId: string, personId: string, now: Date) {
    await this.scope(tenantId).updateOne(
      { _id: personId },
      { $set: { unreachableSince: now, updatedAt: now } },
    );
  }
}

function fieldsFilter(fields: PersonImport & ReturnType<typeof membershipOf>) {
  return {
    displayName: fields.displayName,
    profession: fields.profession,
    cohortId: fields.cohortId,
    cohortIds: fields.cohortIds,
    leadCohortIds: fields.leadCohortIds,
    timeZone: fields.timeZone,
    schemaVersion: 2,
    roles: { $size: fields.roles.length, $all: fields.roles },
  };
}
