/**
 * Calendar entries behind "Add to calendar" links for placement events and final
 * presentations: what the .ics says now, its SEQUENCE (one more for each change) and the
 * unguessable token in the link. One document per thing in people's calendars
 * (`_id` = tenant|calendar|<source key>), so a change or a cancellation replaces that entry.
 */
import type { Db } from 'mongodb';
import { collections } from '../../storage/collections.js';
import { tenantDocId, type BaseDoc } from '../../storage/documents.js';
import { TenantScope } from '../../storage/tenant-scope.js';

export interface CalendarDetails {
  /** The cohort it belongs to: retention deletes the entry with the cohort's other documents. */
  cohortId: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  description: string;
  /** The place, or '' when online only. */
  location: string;
  /** The meeting link (Teams), or ''. */
  url: string;
}

export interface CalendarEntryDoc extends BaseDoc, CalendarDetails {
  /** The source's key, e.g. 'event|<event id>' or 'presentation|<project id>'. */
  key: string;
  token: string;
  /** 0 when first published; +1 for each change and for the cancellation. */
  sequence: number;
  state: 'confirmed' | 'cancelled';
}

export const calendarEntryId = (tenantId: string, key: string) => tenantDocId(tenantId, 'calendar', key);

export class CalendarRepository {
  constructor(private readonly db: Db) {}

  entries(tenantId: string) {
    return new TenantScope(this.db.collection<CalendarEntryDoc>(collections.calendarEntries.name), tenantId);
  }

  entry(tenantId: string, id: string) {
    return this.entries(tenantId).findOne({ _id: id });
  }

  /** Insert-if-absent (the first publish); a lost race leaves the other's entry in place. */
  async insert(tenantId: string, doc: Omit<CalendarEntryDoc, 'tenantId'>): Promise<void> {
    const { _id, ...rest } = doc;
    await this.entries(tenantId).updateOne({ _id }, { $setOnInsert: rest }, { upsert: true });
  }

  /** A change: new details and state, the next sequence, only if nobody changed it meanwhile. */
  async replace(
    tenantId: string,
    id: string,
    fromSequence: number,
    set: Partial<CalendarEntryDoc>,
  ): Promise<boolean> {
    const res = await this.entries(tenantId).updateOne(
      { _id: id, sequence: fromSequence },
      { $set: { ...set, sequence: fromSequence + 1 } },
    );
    return res.modifiedCount === 1;
  }
}
