/**
 * One-event iCalendar files (RFC 5545) for "Add to calendar" links: 20-minute conversations,
 * placement events and final presentations. Built with ical-generator; times are UTC instants,
 * so a calendar shows them right on either side of a clock change. The same UID with a higher
 * SEQUENCE replaces the entry; METHOD:CANCEL with STATUS:CANCELLED removes it. Pure.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';

export interface IcsEvent {
  /** Stable across changes: the calendar entry it replaces. */
  uid: string;
  startsAt: Date;
  endsAt: Date;
  summary: string;
  description: string;
  /** A place, or a meeting link when it is online only. */
  location: string;
  /** A meeting link (Teams), if any. */
  url?: string | null;
  stamp: Date;
  /** CANCELLED publishes a cancellation of the same UID. */
  status?: 'CONFIRMED' | 'CANCELLED';
  /** 0 at first, one more for each change. */
  sequence?: number;
}

/** A one-event iCalendar file (times in UTC). */
export function buildIcs(event: IcsEvent): string {
  const cancelled = event.status === 'CANCELLED';
  const calendar = ical({
    prodId: { company: 'Placement Companion', product: 'Placement Companion', language: 'EN' },
    method: cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH,
  });
  calendar.createEvent({
    id: event.uid,
    start: event.startsAt,
    end: event.endsAt,
    stamp: event.stamp,
    summary: event.summary,
    description: event.description,
    location: event.location || null,
    url: event.url || null,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    sequence: event.sequence ?? 0,
  });
  // RFC 5545 ends every line, the last one too, with CRLF.
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}
