/**
 * Placement events (study days, workshops, careers expos, senior AHP meetings) and one
 * invitation per invited student, holding their RSVP and whether they attended.
 *
 * Ids are natural keys: an event's id comes from the compose card's request id (a double
 * click creates it once), an invitation's from (event, person). Changes that could race
 * (two leads editing, cancelling) are settled by claims in the service, not here.
 */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export const EVENT_KINDS = [
  { id: 'preceptorship-study-day', label: 'Preceptorship study day', topic: 'preceptorship-day' },
  { id: 'reflective-workshop', label: 'Reflective workshop', topic: 'workshop' },
  { id: 'careers-expo', label: 'Careers expo', topic: 'careers-expo' },
  { id: 'senior-ahp-meeting', label: 'Senior AHP meeting', topic: 'senior-ahp-meeting' },
  { id: 'other', label: 'Other event', topic: 'other' },
] as const;
export type EventKind = (typeof EVENT_KINDS)[number]['id'];
export type Rsvp = 'yes' | 'no' | 'maybe';

export interface EventDoc extends BaseDoc {
  cohortId: string;
  kind: EventKind;
  title: string;
  /** Local date and times in `timeZone` (the cohort's), as the lead typed them. */
  date: string;
  startTime: string;
  endTime: string;
  timeZone: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  onlineLink: string | null;
  description: string;
  /** The lead asked for the day to be a non-placement day (no check-in prompt that day). */
  nonPlacement: boolean;
  /** This event put the date on the cohort's non-placement dates (so cancelling takes it off). */
  addedNonPlacementDate: boolean;
  state: 'scheduled' | 'cancelled';
  /** 1 on creation, +1 per edit (each edit takes the claim for its revision). */
  revision: number;
  createdBy: string | null;
  cancelledAt: Date | null;
}

export interface InvitationDoc extends BaseDoc {
  eventId: string;
  cohortId: string;
  personId: string;
  rsvp: Rsvp | null;
  rsvpAt: Date | null;
  /** null: not recorded yet. */
  attended: boolean | null;
  attendanceRecordedAt: Date | null;
}

export const eventId = (tenantId: string, requestId: string) => tenantDocId(tenantId, 'event', requestId);
export const invitationId = (tenantId: string, eventId: string, personId: string) =>
  tenantDocId(tenantId, 'event-invite', eventId, personId);

export class EventsRepository {
  constructor(private readonly db: Db) {}

  events(tenantId: string) {
    return new TenantScope(this.db.collection<EventDoc>(collections.events.name), tenantId);
  }

  invitations(tenantId: string) {
    return new TenantScope(this.db.collection<InvitationDoc>(collections.eventInvitations.name), tenantId);
  }

  /** Insert-if-absent: false when an event with this id exists already (a repeated submit). */
  async insertEvent(tenantId: string, doc: Omit<EventDoc, 'tenantId'>): Promise<boolean> {
    try {
      await this.events(tenantId).insertOne(doc);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  eventById(tenantId: string, id: string) {
    return this.events(tenantId).findOne({ _id: id });
  }

  eventsOfCohorts(tenantId: string, cohortIds: string[]) {
    return this.events(tenantId)
      .find({ cohortId: { $in: cohortIds } })
      .sort({ startsAt: 1 })
      .toArray();
  }

  eventsByIds(tenantId: string, ids: string[]) {
    return this.events(tenantId)
      .find({ _id: { $in: ids } })
      .sort({ startsAt: 1 })
      .toArray();
  }

  async updateEvent(tenantId: string, id: string, set: Partial<EventDoc>) {
    await this.events(tenantId).updateOne({ _id: id }, { $set: set });
  }

  /** One invitation per person (insert-if-absent); returns how many were new. */
  async invite(tenantId: string, event: EventDoc, personIds: string[], now: Date): Promise<number> {
    if (personIds.length === 0) return 0;
    const docs = personIds.map((personId) => ({
      _id: invitationId(tenantId, event._id, personId),
      eventId: event._id,
      cohortId: event.cohortId,
      personId,
      rsvp: null,
      rsvpAt: null,
      attended: null,
      attendanceRecordedAt: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    }));
    try {
      return (await this.invitations(tenantId).insertMany(docs)).insertedCount;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const inserted = (err as { result?: { insertedCount?: number } }).result?.insertedCount;
      return typeof inserted === 'number' ? inserted : 0;
    }
  }

  invitation(tenantId: string, eventId: string, personId: string) {
    return this.invitations(tenantId).findOne({ _id: invitationId(tenantId, eventId, personId) });
  }

  invitationsOf(tenantId: string, eventId: string) {
    return this.invitations(tenantId).find({ eventId }).toArray();
  }

  invitationsOfPerson(tenantId: string, personId: string) {
    return this.invitations(tenantId).find({ personId }).toArray();
  }

  /** The person's answer: a plain set by _id (their own document, last answer wins). */
  async setRsvp(tenantId: string, eventId: string, personId: string, rsvp: Rsvp, now: Date) {
    await this.invitations(tenantId).updateOne(
      { _id: invitationId(tenantId, eventId, personId) },
      { $set: { rsvp, rsvpAt: now, updatedAt: now } },
    );
  }

  /** Attendance as the lead ticked it: the listed people attended, the other invitees did not. */
  async setAttendance(tenantId: string, eventId: string, attendedIds: string[], now: Date) {
    const ids = attendedIds.map((p) => invitationId(tenantId, eventId, p));
    await this.invitations(tenantId).updateMany(
      { eventId, _id: { $in: ids } },
      { $set: { attended: true, attendanceRecordedAt: now, updatedAt: now } },
    );
    await this.invitations(tenantId).updateMany(
      { eventId, _id: { $nin: ids } },
      { $set: { attended: false, attendanceRecordedAt: now, updatedAt: now } },
    );
  }
}
