/**
 * Storage for 20-minute conversations: published slots, bookings, the holds that settle
 * every race, and each host's blocked dates.
 *
 * Races are settled only by inserts of a deterministic `_id` (atomic on every database we
 * support, including the local FerretDB where conditional updates are not):
 *   - slot hold      `<slotId>|hold`                     one booking per slot
 *   - cap unit       `<tenant>|cap|<host>|<ISO week>|<k>` k = 1..weeklyCap per host-week
 *   - final hold     `<bookingId>|final`                 one terminal transition per booking
 * A duplicate-key error is the expected "someone else got there first".
 */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { isDuplicateKeyError } from '../../storage/mongo.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export interface SlotDoc extends BaseDoc {
  hostId: string;
  hostPersonId: string;
  startsAt: Date;
  endsAt: Date;
  state: 'open' | 'withdrawn';
}

export type BookingState = 'booked' | 'held' | 'no-show' | 'cancelled' | 'rescheduled';

export interface BookingDoc extends BaseDoc {
  slotId: string;
  hostId: string;
  hostPersonId: string;
  studentId: string;
  cohortId: string | null;
  startsAt: Date;
  endsAt: Date;
  profession: string;
  roleType: string;
  weekKey: string;
  slotHoldId: string;
  capHoldId: string;
  /** The student's one conversation with this host that day (src/features/conversations/same-day-host.ts); absent on older bookings. */
  dayHoldId?: string;
  state: BookingState;
  /** Who cancelled / rescheduled / marked the outcome. */
  endedBy: string | null;
  endedAt: Date | null;
  rescheduledFrom: string | null;
  rescheduledTo: string | null;
  /** Unguessable token for the .ics download link. */
  icsToken: string;
  /** The student's short note afterwards (when no reflections service is present). */
  note: string | null;
  /** The host's one-question feedback: how useful it was for the student, 1-5. */
  hostRating: number | null;
  /**
   * The student's answer to "What would you like to ask?" at booking (trimmed, at most
   * QUESTION_MAX characters), shown to the host; null or absent when none was given.
   */
  question?: string | null;
}

export interface HoldDoc {
  _id: string;
  tenantId: string;
  kind: 'slot' | 'cap' | 'final' | 'day';
  bookingId: string;
  hostId: string | null;
  weekKey: string | null;
  createdAt: Date;
}

export interface HostSettingsDoc extends BaseDoc {
  hostId: string;
  hostPersonId: string;
  /** Local dates (host's zone) with no bookable slots. */
  blockedDates: string[];
}

/** The part of a tenant id after `<tenant>|`: keeps derived ids short and tenant-prefixed once. */
export const localPart = (tenantId: string, id: string): string =>
  id.startsWith(`${tenantId}|`) ? id.slice(tenantId.length + 1) : id;

export const slotId = (tenantId: string, hostId: string, startsAt: Date): string =>
  tenantDocId(tenantId, 'slot', localPart(tenantId, hostId), startsAt.toISOString());
export const slotHoldId = (slot: string): string => `${slot}|hold`;
export const capHoldId = (tenantId: string, hostId: string, weekKey: string, k: number): string =>
  tenantDocId(tenantId, 'cap', localPart(tenantId, hostId), weekKey, String(k));
export const finalHoldId = (bookingId: string): string => `${bookingId}|final`;
export const hostSettingsId = (tenantId: string, hostId: string): string =>
  tenantDocId(tenantId, 'hostcfg', localPart(tenantId, hostId));

export class ConversationsRepository {
  constructor(private readonly db: Db) {}

  slots(tenantId: string) {
    return new TenantScope(this.db.collection<SlotDoc>(collections.conversationSlots.name), tenantId);
  }

  bookings(tenantId: string) {
    return new TenantScope(this.db.collection<BookingDoc>(collections.conversationBookings.name), tenantId);
  }

  holds(tenantId: string) {
    return new TenantScope(this.db.collection<HoldDoc>(collections.conversationHolds.name), tenantId);
  }

  settings(tenantId: string) {
    return new TenantScope(
      this.db.collection<HostSettingsDoc>(collections.conversationHostSettings.name),
      tenantId,
    );
  }

  // --- slots -------------------------------------------------------------------------

  /** Insert-if-absent per slot; returns how many were new. */
  async insertSlots(tenantId: string, docs: Omit<SlotDoc, 'tenantId'>[]): Promise<number> {
    if (docs.length === 0) return 0;
    try {
      return (await this.slots(tenantId).insertMany(docs)).insertedCount;
    } catch (err) {
      const partial = err as { insertedCount?: number; result?: { insertedCount?: number } };
      if (!isDuplicateKeyError(err) && !allDuplicates(err)) throw err;
      return partial.insertedCount ?? partial.result?.insertedCount ?? 0;
    }
  }

  slotById(tenantId: string, id: string) {
    return this.slots(tenantId).findOne({ _id: id });
  }

  /** Open slots starting in [from, to), for one host or all, earliest first. */
  openSlots(tenantId: string, from: Date, to: Date, hostId?: string) {
    const filter = hostId
      ? { hostId, state: 'open' as const, startsAt: { $gte: from, $lt: to } }
      : { state: 'open' as const, startsAt: { $gte: from, $lt: to } };
    return this.slots(tenantId).find(filter).sort({ startsAt: 1 }).toArray();
  }

  async withdrawSlot(tenantId: string, id: string, now: Date): Promise<void> {
    await this.slots(tenantId).updateOne({ _id: id }, { $set: { state: 'withdrawn', updatedAt: now } });
  }

  // --- holds -------------------------------------------------------------------------

  /** Insert-if-absent: true for exactly one caller per id. */
  async takeHold(tenantId: string, hold: Omit<HoldDoc, 'tenantId'>): Promise<boolean> {
    try {
      await this.holds(tenantId).insertOne(hold);
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  /** Releases a hold only if `bookingId` still owns it. */
  async releaseHold(tenantId: string, id: string, bookingId: string): Promise<void> {
    await this.holds(tenantId).deleteOne({ _id: id, bookingId });
  }

  /** Hands a cap unit to the booking that replaces its owner (the owner's final hold is ours). */
  async transferHold(tenantId: string, id: string, bookingId: string): Promise<void> {
    await this.holds(tenantId).updateOne({ _id: id }, { $set: { bookingId } });
  }

  /** Which of these slot ids are held (booked or being booked). */
  async heldSlotIds(tenantId: string, slotIds: string[]): Promise<Set<string>> {
    if (slotIds.length === 0) return new Set();
    const holds = await this.holds(tenantId)
      .find({ _id: { $in: slotIds.map(slotHoldId) } }, { projection: { _id: 1 } })
      .toArray();
    return new Set(holds.map((h) => h._id.slice(0, -'|hold'.length)));
  }

  /** Cap units taken per `<hostId>|<weekKey>`, for the given weeks. */
  async capUnitsByHostWeek(tenantId: string, weekKeys: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (weekKeys.length === 0) return counts;
    const holds = await this.holds(tenantId)
      .find({ kind: 'cap', weekKey: { $in: weekKeys } }, { projection: { hostId: 1, weekKey: 1 } })
      .toArray();
    for (const h of holds) {
      const key = `${h.hostId}|${h.weekKey}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  // --- bookings ----------------------------------------------------------------------

  async insertBooking(tenantId: string, doc: Omit<BookingDoc, 'tenantId'>): Promise<void> {
    await this.bookings(tenantId).insertOne(doc);
  }

  bookingById(tenantId: string, id: string) {
    return this.bookings(tenantId).findOne({ _id: id });
  }

  /** Only the booking's owner of the final hold calls this, so it never races. */
  async setBooking(tenantId: string, id: string, fields: Partial<BookingDoc>): Promise<void> {
    await this.bookings(tenantId).updateOne({ _id: id }, { $set: fields });
  }

  byStudent(tenantId: string, studentId: string) {
    return this.bookings(tenantId).find({ studentId }).sort({ startsAt: 1 }).toArray();
  }

  /** The student's held conversations, oldest first (at most 500, for the journey export). */
  heldByStudent(tenantId: string, studentId: string) {
    return this.bookings(tenantId)
      .find({ studentId, state: 'held' })
      .sort({ startsAt: 1 })
      .limit(500)
      .toArray();
  }

  byHostPerson(tenantId: string, hostPersonId: string, from: Date) {
    return this.bookings(tenantId)
      .find({ hostPersonId, startsAt: { $gte: from } })
      .sort({ startsAt: 1 })
      .toArray();
  }

  byCohort(tenantId: string, cohortId: string) {
    return this.bookings(tenantId).find({ cohortId }).toArray();
  }

  // --- host settings -----------------------------------------------------------------

  hostSettings(tenantId: string, hostId: string) {
    return this.settings(tenantId).findOne({ _id: hostSettingsId(tenantId, hostId) });
  }

  async allHostSettings(tenantId: string): Promise<Map<string, HostSettingsDoc>> {
    const docs = await this.settings(tenantId).find({}).toArray();
    return new Map(docs.map((d) => [d.hostId, d]));
  }

  async setBlockedDates(
    tenantId: string,
    host: { _id: string; personId: string },
    blockedDates: string[],
    now: Date,
  ): Promise<void> {
    await this.settings(tenantId).updateOne(
      { _id: hostSettingsId(tenantId, host._id) },
      {
        $set: { blockedDates: [...new Set(blockedDates)].sort(), updatedAt: now },
        $setOnInsert: { hostId: host._id, hostPersonId: host.personId, schemaVersion: 1, createdAt: now },
      },
      { upsert: true },
    );
  }
}

function allDuplicates(err: unknown): boolean {
  const writeErrors = (err as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.length > 0 && list.every((e) => e.code === 11000);
}
