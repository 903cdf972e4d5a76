/**
 * The dashboard's read ports (src/features/dashboard/ports.ts) over the other features'
 * collections. Every query runs through the tenant's scope with the portable aggregation
 * subset, and a feature's collection is read only once that feature has registered it in
 * src/storage/collections.ts (otherwise its port is null and the panels say "not set up").
 * The queries sit here, not in each feature's repository, so the dashboard depends on no
 * feature's internals; a feature's repository may take its query over later.
 */
import type { Db, Document } from 'mongodb';
import type { CheckinRow, DashboardSources } from '../features/dashboard/ports.js';
import { createExportToken, EXPORT_LINK_TTL_MS } from '../features/reflections/export-links.js';
import { collections, type CollectionSpec } from '../storage/collections.js';
import type { PeopleRepository } from '../storage/people-repository.js';
import { TenantScope } from '../storage/tenant-scope.js';

const PORTABLE_STAGES = new Set([
  '$match',
  '$group',
  '$sort',
  '$project',
  '$unwind',
  '$limit',
  '$skip',
  '$count',
]);

/** A collection another feature registered, or null while that feature has not landed. */
function registered(key: string): CollectionSpec | null {
  return (collections as Record<string, CollectionSpec | undefined>)[key] ?? null;
}

class Reader {
  constructor(private readonly db: Db) {}

  /** The tenant's view of a registered collection (its first stage is always the tenant $match). */
  scoped(spec: CollectionSpec, tenantId: string) {
    return new TenantScope<Document & { tenantId: string }>(this.db.collection(spec.name), tenantId);
  }

  /** Runs a pipeline of the portable subset ($match/$group/$sort/$project/$unwind/$limit/$skip/$count). */
  async aggregate<R extends Document>(
    spec: CollectionSpec,
    tenantId: string,
    pipeline: Document[],
  ): Promise<R[]> {
    for (const stage of pipeline) {
      const op = Object.keys(stage)[0]!;
      if (!PORTABLE_STAGES.has(op))
        throw new Error(`dashboard: ${op} is outside the portable aggregation subset`);
    }
    return this.scoped(spec, tenantId).aggregate<R>(pipeline).toArray();
  }
}

export function dashboardSources(deps: {
  db: Db;
  people: PeopleRepository;
  /** Signs the learning-journey export links (config EXPORT_LINK_SECRET). */
  exportLinkSecret: string;
}): DashboardSources {
  const { db, people, exportLinkSecret } = deps;
  const read = new Reader(db);
  const checkins = registered('checkins');
  const pauses = registered('checkinPauses');
  const bookings = registered('conversationBookings');
  const announcements = registered('announcements');
  const acks = registered('announcementAcks');
  const reflections = registered('reflections');
  const feedback = registered('reflectionFeedback');
  const sessions = registered('supervisionSessions');

  const pauseRows = async (tenantId: string, filter: Document) =>
    pauses
      ? (
          await read
            .scoped(pauses, tenantId)
            .find(filter, { projection: { studentId: 1, from: 1, to: 1 } })
            .toArray()
        ).map((d) => ({ studentId: d.studentId, from: d.from, to: d.to }))
      : [];

  return {
    roster: {
      studentsByProfession: (tenantId, cohortId) =>
        read.aggregate<{ _id: string; count: number }>(collections.people, tenantId, [
          { $match: { cohortId, roles: 'student' } },
          { $group: { _id: '$profession', count: { $sum: 1 } } },
          { $sort: { _id: 1 } },
        ]),
      async cohortStudents(tenantId, cohortId, profession) {
        const filter: Document = { cohortId, roles: 'student' };
        if (profession) filter.profession = profession;
        const docs = await people
          .scope(tenantId)
          .find(filter, { projection: { _id: 1, displayName: 1, timeZone: 1, profession: 1, roles: 1 } })
          .toArray();
        return docs.sort((a, b) => a.displayName.localeCompare(b.displayName));
      },
    },

    checkins: checkins && {
      countByWeekAndValue(tenantId, cut, path) {
        const match: Document = { cohortId: cut.cohortId, week: { $gte: cut.fromWeek, $lte: cut.toWeek } };
        if (cut.studentIds) match.studentId = { $in: cut.studentIds };
        return read.aggregate(checkins, tenantId, [
          { $match: match },
          { $group: { _id: { week: '$week', v: path }, n: { $sum: 1 } } },
        ]);
      },
      async submittedIn(tenantId, cohortId, week, studentIds) {
        const match: Document = { cohortId, week };
        if (studentIds) match.studentId = { $in: studentIds };
        const rows = await read.aggregate<{ studentId: string }>(checkins, tenantId, [
          { $match: match },
          { $project: { _id: 0, studentId: 1 } },
        ]);
        return rows.map((r) => r.studentId);
      },
      async *ofCohort(tenantId, cohortId) {
        const cursor = read.scoped(checkins, tenantId).find(
          { cohortId },
          {
            projection: { _id: 0, studentId: 1, week: 1, 'answers.wellbeing': 1, 'answers.confidence': 1 },
          },
        );
        for await (const d of cursor) yield d as unknown as CheckinRow;
      },
      async wellbeingOf(tenantId, studentIds) {
        const rows = await read.aggregate<{ studentId: string; week: number }>(checkins, tenantId, [
          { $match: { studentId: { $in: studentIds } } },
          { $project: { _id: 0, studentId: 1, week: 1, late: 1, 'answers.wellbeing': 1 } },
        ]);
        return rows.map((r) => ({
          studentId: r.studentId,
          week: r.week,
          wellbeing: Number((r as unknown as { answers?: { wellbeing?: number } }).answers?.wellbeing),
          late: (r as unknown as { late?: unknown }).late === true,
        }));
      },
      async confidenceOf(tenantId, studentIds) {
        const rows = await read.aggregate<{ studentId: string; week: number }>(checkins, tenantId, [
          { $match: { studentId: { $in: studentIds } } },
          { $project: { _id: 0, studentId: 1, week: 1, 'answers.confidence': 1 } },
          { $sort: { week: 1 } },
        ]);
        return rows.map((r) => ({
          ...r,
          confidence:
            (r as unknown as { answers?: { confidence?: Record<string, number> } }).answers?.confidence ?? {},
        }));
      },
      pausesOfCohort: (tenantId, cohortId) => pauseRows(tenantId, { cohortId }),
      pausesOf: (tenantId, studentIds) => pauseRows(tenantId, { studentId: { $in: studentIds } }),
    },

    conversations: bookings && {
      countByHost(tenantId, cohortId, studentIds) {
        const match: Document = { cohortId, state: { $in: ['held', 'booked'] } };
        if (studentIds) match.studentId = { $in: studentIds };
        return read.aggregate(bookings, tenantId, [
          { $match: match },
          { $group: { _id: { p: '$profession', r: '$roleType', s: '$state' }, n: { $sum: 1 } } },
        ]);
      },
      ofStudent: (tenantId, personId) =>
        read.aggregate(bookings, tenantId, [
          { $match: { studentId: personId, state: { $in: ['held', 'booked'] } } },
          { $project: { _id: 0, startsAt: 1, profession: 1, roleType: 1, state: 1 } },
          { $sort: { startsAt: 1 } },
        ]),
    },

    announcements: announcements &&
      acks && {
        async ackRequiredSent(tenantId, cohortId) {
          const docs = await read
            .scoped(announcements, tenantId)
            .find(
              { cohortId, state: { $in: ['sent', 'sending'] }, 'content.ackRequired': true },
              { projection: { 'content.title': 1, sentAt: 1, audience: 1 } },
            )
            .toArray();
          return docs.map((a) => ({
            id: String(a._id),
            title: String(a.content?.title ?? ''),
            sentAt: a.sentAt ?? null,
            audience: Array.isArray(a.audience) ? a.audience : [],
          }));
        },
        async acks(tenantId, announcementIds) {
          const docs = await read
            .scoped(acks, tenantId)
            .find(
              { announcementId: { $in: announcementIds } },
              { projection: { _id: 0, announcementId: 1, personId: 1 } },
            )
            .toArray();
          return docs.map((a) => ({ announcementId: a.announcementId, personId: a.personId }));
        },
      },

    reflections: reflections &&
      feedback && {
        sharedBy: (tenantId, studentIds) =>
          read.aggregate(reflections, tenantId, [
            { $match: { personId: { $in: studentIds }, shared: true } },
            { $project: { personId: 1, sharedAt: 1, pillars: 1 } },
          ]),
        async answeredBy(tenantId, reflectionIds, supervisorId) {
          const rows = await read.aggregate<{ reflectionId: string }>(feedback, tenantId, [
            { $match: { reflectionId: { $in: reflectionIds }, supervisorId } },
            { $project: { _id: 0, reflectionId: 1 } },
          ]);
          return rows.map((f) => f.reflectionId);
        },
        async tagCounts(tenantId, personId, field, over) {
          const rows = await read.aggregate<{ _id: string; count: number }>(reflections, tenantId, [
            { $match: over === 'shared' ? { personId, shared: true } : { personId } },
            { $project: { [field]: 1 } },
            { $unwind: `$${field}` },
            { $group: { _id: `$${field}`, count: { $sum: 1 } } },
          ]);
          return new Map(rows.map((r) => [r._id, r.count]));
        },
      },

    supervisionRecords: sessions && {
      sessionDates: (tenantId, studentIds) =>
        read.aggregate(sessions, tenantId, [
          { $match: { studentId: { $in: studentIds } } },
          { $project: { _id: 0, studentId: 1, date: 1 } },
        ]),
    },

    journeyExport: reflections && {
      ttlMs: EXPORT_LINK_TTL_MS,
      token: (claims) => createExportToken(exportLinkSecret, claims).token,
    },
  };
}
