import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { buildIcs } from '../../src/domain/icalendar.js';

describe('domain/icalendar: one-event .ics files', () => {
  const base = {
    uid: 'x@pc',
    startsAt: new Date('2025-10-27T10:00:00Z'),
    endsAt: new Date('2025-10-27T10:20:00Z'),
    summary: 'Chat; with, Amira',
    description: 'line1\nline2',
    location: 'Room 2.1',
    stamp: new Date('2025-10-20T08:00:00Z'),
  };

  it('builds an .ics with UTC times and escaped text', () => {
    const ics = buildIcs(base);
    assert.match(ics, /DTSTART:20251027T100000Z\r\n/);
    assert.match(ics, /SUMMARY:Chat\\; with\\, Amira\r\n/);
    assert.match(ics, /DESCRIPTION:line1\\nline2\r\n/);
    assert.match(ics, /METHOD:PUBLISH\r\n/);
    assert.match(ics, /^BEGIN:VCALENDAR\r\n[\s\S]*END:VCALENDAR\r\n$/);
  });

  it('a cancellation keeps the UID, says CANCEL and CANCELLED, with its sequence; a maintained parser reads it', () => {
    const ics = buildIcs({
      ...base,
      status: 'CANCELLED',
      sequence: 3,
      url: 'https://teams.microsoft.com/l/meetup-join/x',
    });
    const cal = new ICAL.Component(ICAL.parse(ics));
    assert.equal(cal.getFirstPropertyValue('method'), 'CANCEL');
    const vevent = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
    assert.equal(vevent.uid, 'x@pc');
    assert.equal(vevent.sequence, 3);
    assert.equal(vevent.component.getFirstPropertyValue('status'), 'CANCELLED');
    assert.equal(vevent.startDate.toJSDate().toISOString(), '2025-10-27T10:00:00.000Z');
    assert.equal(vevent.summary, 'Chat; with, Amira');
  });
});
