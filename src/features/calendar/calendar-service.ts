/**
 * "Add to calendar" for placement events and final presentations: one entry per thing, its
 * link (entry id plus an unguessable token) and the .ics it downloads. The same UID with a
 * higher SEQUENCE replaces the entry in the calendar; a cancellation removes it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { buildIcs } from '../../domain/icalendar.js';
import type { CoreServices } from '../../services.js';
import { calendarEntryId, type CalendarEntryDoc, type CalendarRepository } from './calendar-repository.js';
import type { CalendarEntryInput, CalendarInvites } from './ports.js';

export type CalendarDeps = Pick<CoreServices, 'config' | 'clock'> & { calendar: CalendarRepository };

const same = (a: CalendarEntryDoc, b: CalendarEntryInput) =>
  a.state === 'confirmed' &&
  a.startsAt.getTime() === b.startsAt.getTime() &&
  a.endsAt.getTime() === b.endsAt.getTime() &&
  a.summary === b.summary &&
  a.description === b.description &&
  a.location === b.location &&
  a.url === b.url;

export class CalendarService implements CalendarInvites {
  constructor(private readonly deps: CalendarDeps) {}

  private link(entry: Pick<CalendarEntryDoc, '_id' | 'token'>): string {
    const base = this.deps.config.PUBLIC_BASE_URL.replace(/\/$/, '');
    return `${base}/calendar/${encodeURIComponent(entry._id)}/invite.ics?t=${entry.token}`;
  }

  async publish(tenantId: string, key: string, input: CalendarEntryInput) {
    const repo = this.deps.calendar;
    const id = calendarEntryId(tenantId, key);
    const now = this.deps.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await repo.entry(tenantId, id);
      if (!current) {
        await repo.insert(tenantId, {
          _id: id,
          key,
          token: randomBytes(24).toString('base64url'),
          sequence: 0,
          state: 'confirmed',
          ...input,
          schemaVersion: 1,
          createdAt: now,
          updatedAt: now,
        });
        continue; // read back: a concurrent first publish may have won
      }
      if (same(current, input)) return { url: this.link(current), sequence: current.sequence };
      if (
        await repo.replace(tenantId, id, current.sequence, { ...input, state: 'confirmed', updatedAt: now })
      )
        return { url: this.link(current), sequence: current.sequence + 1 };
    }
    throw new Error(`calendar: could not publish ${key}`);
  }

  async cancel(tenantId: string, key: string) {
    const repo = this.deps.calendar;
    const id = calendarEntryId(tenantId, key);
    const now = this.deps.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await repo.entry(tenantId, id);
      if (!current) return null;
      if (current.state === 'cancelled') return { url: this.link(current), sequence: current.sequence };
      if (await repo.replace(tenantId, id, current.sequence, { state: 'cancelled', updatedAt: now }))
        return { url: this.link(current), sequence: current.sequence + 1 };
    }
    throw new Error(`calendar: could not cancel ${key}`);
  }

  /** The .ics behind a link, if the token matches. */
  async ics(entryId: string, token: string): Promise<string | null> {
    const tenantId = entryId.split('|')[0] ?? '';
    if (!tenantId || typeof token !== 'string' || token.length === 0 || token.length > 100) return null;
    const entry = await this.deps.calendar.entry(tenantId, entryId);
    if (!entry) return null;
    const a = Buffer.from(entry.token);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    return buildIcs({
      uid: `${entry._id.replace(/[^A-Za-z0-9-]/g, '-')}@placement-companion`,
      startsAt: entry.startsAt,
      endsAt: entry.endsAt,
      summary: entry.summary,
      description: entry.description,
      location: entry.location || entry.url,
      url: entry.url,
      stamp: entry.updatedAt,
      status: entry.state === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      sequence: entry.sequence,
    });
  }
}
