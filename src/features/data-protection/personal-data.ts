/**
 * Export and erase everything stored about one person, driven by the collection registry
 * (src/storage/collections.ts): every collection whose `personFields` is not null is searched
 * for the person's identifiers (people._id, Teams user id, AAD object id, personal
 * conversation ids). Nothing here knows individual features, so a new collection is covered
 * as soon as it is registered (test/security/data-protection.test.ts fails if it is not).
 *
 * Erasure: a document whose first person field (its subject) is the person is deleted, as is
 * any document of a collection marked `eraseWhenAny`; a match in another field only replaces
 * that reference with null (a supervisor's id on a student's check-in stays the student's
 * record, without the supervisor). Messages to others that name the person (name, email or
 * id in card data) lose their content; those not yet sent are cancelled.
 */
import type { Document } from 'mongodb';
import type { AuditRepository } from '../../storage/audit-repository.js';
import { collections, type CollectionSpec } from '../../storage/collections.js';
import type { ConversationReferencesRepository } from '../../storage/conversation-references-repository.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import type { PeopleRepository, PersonDoc } from '../../storage/people-repository.js';
import type { PersonalRecordsRepository } from './personal-records-repository.js';

export interface PersonalDataExport {
  format: 'placement-companion.personal-data';
  version: 1;
  exportedAt: string;
  tenantId: string;
  personId: string;
  /** Documents per collection name (collections with none are listed with []). */
  collections: Record<string, Document[]>;
}

export interface ErasureReport {
  personId: string;
  deleted: Record<string, number>;
  pseudonymised: Record<string, number>;
  /** Delivered messages to others whose content named the person. */
  scrubbedMessages: number;
}

/** Collections that hold personal data, from the registry. */
export function personalCollections(specs: CollectionSpec[] = Object.values(collections)): CollectionSpec[] {
  return specs.filter((s) => s.personFields !== null && s.personFields.length > 0);
}

export interface PersonalDataDeps {
  personalRecords: PersonalRecordsRepository;
  people: PeopleRepository;
  references: ConversationReferencesRepository;
  audit: AuditRepository;
}

export class PersonalData {
  constructor(
    private readonly deps: PersonalDataDeps,
    private readonly specs: CollectionSpec[] = Object.values(collections),
  ) {}

  async findPerson(tenantId: string, query: { id?: string; email?: string }): Promise<PersonDoc | null> {
    if (query.id) return this.deps.people.byId(tenantId, query.id);
    if (query.email) return this.deps.people.byEmail(tenantId, query.email.trim());
    return null;
  }

  /** Every id this person is known by in stored documents. */
  async identifiers(tenantId: string, person: PersonDoc): Promise<string[]> {
    const ids = new Set<string>([person._id]);
    if (person.teamsUserId) ids.add(person.teamsUserId);
    if (person.aadObjectId) ids.add(person.aadObjectId);
    for (const ref of await this.deps.references.personalOf(tenantId, person._id)) {
      const conversationId = (ref.reference as { conversation?: { id?: unknown } } | undefined)?.conversation
        ?.id;
      if (typeof conversationId === 'string') ids.add(conversationId);
    }
    return [...ids];
  }

  private matches(tenantId: string, spec: CollectionSpec, ids: string[]): Promise<Document[]> {
    return this.deps.personalRecords.matching(tenantId, spec, ids);
  }

  async export(tenantId: string, person: PersonDoc, now: Date): Promise<PersonalDataExport> {
    const ids = await this.identifiers(tenantId, person);
    const result: Record<string, Document[]> = {};
    for (const spec of personalCollections(this.specs)) {
      result[spec.name] = (await this.matches(tenantId, spec, ids)).map((doc) =>
        ownEntriesOnly(readable(doc), spec.personFields ?? [], ids),
      );
    }
    return {
      format: 'placement-companion.personal-data',
      version: 1,
      exportedAt: now.toISOString(),
      tenantId,
      personId: person._id,
      collections: result,
    };
  }

  /** Counts per collection of what an erasure would touch (for the confirmation card). */
  async summary(tenantId: string, person: PersonDoc): Promise<Record<string, number>> {
    const ids = await this.identifiers(tenantId, person);
    const counts: Record<string, number> = {};
    for (const spec of personalCollections(this.specs)) {
      const n = (await this.matches(tenantId, spec, ids)).length;
      if (n > 0) counts[spec.name] = n;
    }
    return counts;
  }

  async erase(
    tenantId: string,
    person: PersonDoc,
    now: Date,
    actor: { actorId: string | null; via: 'chat' | 'cli' | 'retention' },
  ): Promise<ErasureReport> {
    const ids = await this.identifiers(tenantId, person);
    const report: ErasureReport = {
      personId: person._id,
      deleted: {},
      pseudonymised: {},
      scrubbedMessages: 0,
    };
    // The person's own record goes last, so an interrupted erasure can be run again.
    const ordered = personalCollections(this.specs).sort(
      (a, b) => Number(a.name === collections.people.name) - Number(b.name === collections.people.name),
    );
    for (const spec of ordered) {
      const fields = spec.personFields!;
      const docs = await this.matches(tenantId, spec, ids);
      const toDelete: unknown[] = [];
      let pseudonymised = 0;
      for (const doc of docs) {
        if (spec.eraseWhenAny || pathHolds(doc, fields[0]!, ids)) {
          toDelete.push(doc._id);
          continue;
        }
        const set: Document = {};
        for (const field of fields.slice(1)) {
          const top = field.split('.')[0]!;
          if (!pathHolds(doc, field, ids)) continue;
          set[top] = replaceAtPath(doc[top], field.split('.').slice(1), ids);
        }
        if (Object.keys(set).length === 0) continue;
        try {
          await this.deps.personalRecords.setFields(spec, doc._id, set);
          pseudonymised++;
        } catch (err) {
          // A unique index that would now hold two nulls: the reference cannot stay, so the document goes.
          if (!isDuplicateKeyError(err)) throw err;
          toDelete.push(doc._id);
        }
      }
      if (toDelete.length > 0) {
        report.deleted[spec.name] = await this.deps.personalRecords.deleteIds(spec, toDelete);
      }
      if (pseudonymised > 0) report.pseudonymised[spec.name] = pseudonymised;
    }
    report.scrubbedMessages = await this.scrubMessages(tenantId, person, ids);
    await this.deps.audit.record(
      tenantId,
      {
        actorId: actor.actorId === person._id ? null : actor.actorId,
        action: 'data.erase',
        targetId: null,
        details: {
          via: actor.via,
          deleted: Object.values(report.deleted).reduce((a, b) => a + b, 0),
          pseudonymised: Object.values(report.pseudonymised).reduce((a, b) => a + b, 0),
        },
      },
      now,
    );
    return report;
  }

  /**
   * Messages to other people that name the person (their name, email, or id in a card's
   * data): delivered ones lose their content; ones still waiting are cancelled.
   */
  private async scrubMessages(tenantId: string, person: PersonDoc, ids: string[]): Promise<number> {
    const needles = [person.email, person.displayName, ...ids].filter(
      (s) => typeof s === 'string' && s.length >= 3,
    );
    const items = await this.deps.personalRecords.outboxItemsWithActivity(tenantId);
    let scrubbed = 0;
    for (const item of items) {
      const text = JSON.stringify(item.activity);
      if (!needles.some((n) => text.includes(n))) continue;
      await this.deps.personalRecords.scrubOutboxItem(item);
      scrubbed++;
    }
    return scrubbed;
  }
}

/** Turn-state documents keep their state as JSON text; show it as data. */
function readable(doc: Document): Document {
  if (typeof doc.json === 'string') {
    try {
      return { ...doc, json: JSON.parse(doc.json) };
    } catch {
      return doc;
    }
  }
  return doc;
}

/**
 * A copy of `doc` in which every top-level person field holding a list of people (an
 * announcement's audience, say) keeps only the exporting person's own entries: one person's
 * export must not disclose who else was on the list.
 */
function ownEntriesOnly(doc: Document, fields: readonly string[], ids: string[]): Document {
  let copy: Document | null = null;
  for (const field of fields) {
    const value = doc[field];
    if (field.includes('.') || !Array.isArray(value)) continue;
    copy ??= { ...doc };
    copy[field] = value.filter((entry) => holdsId(entry, ids));
  }
  return copy ?? doc;
}

/** The value is one of the ids, or holds one as a `|`-separated segment. */
function holdsId(value: unknown, ids: string[]): boolean {
  if (typeof value !== 'string') return false;
  if (ids.includes(value)) return true;
  const segments = value.split('|');
  return ids.some((id) => {
    const idSegments = id.split('|');
    for (let i = 0; i + idSegments.length <= segments.length; i++)
      if (idSegments.every((seg, j) => segments[i + j] === seg)) return true;
    return false;
  });
}

function pathHolds(doc: unknown, path: string, ids: string[]): boolean {
  const walk = (node: unknown, parts: string[]): boolean => {
    if (Array.isArray(node)) return node.some((n) => walk(n, parts));
    if (parts.length === 0) return holdsId(node, ids);
    if (node === null || typeof node !== 'object') return false;
    return walk((node as Record<string, unknown>)[parts[0]!], parts.slice(1));
  };
  return walk(doc, path.split('.'));
}

/** A copy of `value` with the id at `rest` (below a top-level field) replaced by null. */
function replaceAtPath(value: unknown, rest: string[], ids: string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceAtPath(v, rest, ids));
  if (rest.length === 0) return holdsId(value, ids) ? null : value;
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return { ...record, [rest[0]!]: replaceAtPath(record[rest[0]!], rest.slice(1), ids) };
}
