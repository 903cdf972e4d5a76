/**
 * Placement events in people's calendars and their defects (issue 29), over real HTTP with the
 * controllable clock. Cohort: 6 weeks from Mon 5 Oct 2026, clinical Mon–Tue, leadership
 * Wed–Fri, Europe/London (the clocks go back on Sun 25 Oct 2026).
 */
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { remindKey } from '../../src/features/events/reminders.js';
import { eventId as makeEventId, type EventDoc } from '../../src/features/events/events-repository.js';
import { collections } from '../../src/storage/collections.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from '../e2e/harness.js';
import { seedWorld, type World } from '../helpers/world.js';

const at = (iso: string) => new Date(iso);
const user = (key: string, name: string): TestUser => ({
  id: `29:ec-${key}`,
  aadObjectId: `aad-ec-${key}`,
  name,
  email: `${key}.ec@example.nhs.uk`,
});

describe('e2e: placement events in calendars; attendance, reminders and supervisors', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const lead = user('lead', 'Alex Morgan');
  const sup = user('sup', 'Sam Okoro');
  const sup2 = user('sup2', 'Olu Adeyemi');
  const s1 = user('s1', 'Amira Ahmed');
  const s2 = user('s2', 'Ben Jones');
  const s3 = user('s3', 'Cara Lewis');
  let w: World;

  const invoke = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.value as unknown;
  };
  const texts = (value: unknown) => (typeof value === 'string' ? [value] : cardTexts(value));
  const runDue = async () => {
    await e2e.services.scheduler.runDue();
    await e2e.services.sender.drain();
  };
  /** Each message sent to the person: its card's texts and JSON, or its text. */
  const sent = (u: TestUser) =>
    e2e.sentTo(`a:personal-${u.id}`).map((a) => {
      const card = firstCard(a);
      return card ? `${cardTexts(card).join(' | ')} ${JSON.stringify(card)}` : String(a.text ?? '');
    });
  const create = async (request: string, extra: Record<string, unknown>) => {
    const card = await invoke(lead, 'event.create', {
      requestId: request,
      fixedCohortId: w.cohortId,
      title: 'Preceptorship study day',
      kind: 'preceptorship-study-day',
      startTime: '09:30',
      endTime: '16:30',
      location: 'Education Centre, room 4',
      onlineLink: 'https://teams.microsoft.com/l/meetup-join/abc',
      description: 'Meet this year’s preceptors.',
      nonPlacement: 'false',
      ...extra,
    });
    assert.ok(
      texts(card).some((t) => t.startsWith('Created.')),
      texts(card).join(' | '),
    );
    const id = makeEventId(TENANT, request);
    return (await e2e.services.database.db
      .collection<EventDoc>(collections.events.name)
      .findOne({ _id: id }))!;
  };

  before(async () => {
    e2e.clock.set(at('2026-10-12T08:00:00Z')); // Mon 12 Oct 2026, 09:00 BST
    await e2e.start();
    w = await seedWorld(e2e, {
      cohort: {
        name: 'Leadership 2026 cohort 4',
        startDate: '2026-10-05',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu', 'Fri'],
      },
      people: [
        [lead, ['lead']],
        [sup, ['supervisor']],
        [sup2, ['supervisor']],
        [s1, ['student']],
        [s2, ['student']],
        [s3, ['student']],
      ],
      links: [
        [s1, sup],
        [s2, sup],
        [s3, sup2],
      ],
      now: e2e.clock.now(),
    });
    for (const u of [lead, sup, sup2, s1, s2, s3]) await e2e.post(e2e.install(u));
  });
  after(() => e2e.stop());

  let monday: EventDoc;
  let readIcs: () => Promise<{ method: unknown; start: string; seq: number; uid: string; location: string }>;

  it('the invitation carries an .ics link: UTC times right after the clock change; a change updates the same entry', async () => {
    monday = await create('ec-monday-0001', { date: '2026-10-26' });
    await e2e.services.sender.drain();
    const card = firstCard(
      e2e
        .sentTo(`a:personal-${s1.id}`)
        .find((a) => sent(s1).length && JSON.stringify(firstCard(a)).includes('You are invited')),
    )!;
    const link = JSON.stringify(card).match(/"url":"([^"]*invite\.ics[^"]*)"/)?.[1];
    assert.ok(link, 'the invite links its .ics');
    const base = e2e.services.config.PUBLIC_BASE_URL.replace(/\/$/, '');
    const read = (readIcs = async () => {
      const res = await fetch(link.replace(base, e2e.baseUrl));
      assert.equal(res.status, 200);
      const cal = new ICAL.Component(ICAL.parse(await res.text()));
      const ev = new ICAL.Event(cal.getFirstSubcomponent('vevent')!);
      return {
        method: cal.getFirstPropertyValue('method'),
        start: ev.startDate.toJSDate().toISOString(),
        seq: ev.sequence,
        uid: ev.uid,
        location: ev.location,
      };
    });
    // Answering replaces the card in place; it keeps its calendar link.
    const answered = await invoke(s1, 'event.rsvp', { eventId: monday._id, rsvp: 'yes' });
    assert.ok(JSON.stringify(answered).includes(link), 'the answered card still links the .ics');
    const first = await read();
    assert.deepEqual(
      [first.method, first.start, first.seq, first.location],
      ['PUBLISH', '2026-10-26T09:30:00.000Z', 0, 'Education Centre, room 4'],
    );
  });

  it('the day-before reminder for a Monday event is due on the last placement day before (Friday 09:00), not on Sunday', async () => {
    const job = await e2e.services.scheduler.get(remindKey(monday));
    assert.equal(job?.runAt.toISOString(), '2026-10-23T08:00:00.000Z'); // Fri 23 Oct, 09:00 BST
  });

  it('supervisors are told once when an event takes their students away on a placement day, and again when it moves', async () => {
    await e2e.services.sender.drain();
    const told = (u: TestUser) =>
      sent(u).filter((t) => t.includes('Preceptorship study day') && t.includes('placement day'));
    assert.equal(told(sup).length, 1, sent(sup).join('\n'));
    assert.match(told(sup)[0]!, /Amira Ahmed and Ben Jones/);
    assert.match(told(sup)[0]!, /Mon 26 Oct 2026/);
    assert.equal(told(sup2).length, 1);
    assert.match(told(sup2)[0]!, /Cara Lewis/);
    assert.doesNotMatch(told(sup2)[0]!, /Amira/);
    // The lead saves a change to the text only: nobody's day changed, supervisors hear nothing new.
    await invoke(lead, 'event.update', {
      eventId: monday._id,
      revision: String(monday.revision),
      fixedCohortId: w.cohortId,
      title: 'Preceptorship study day',
      kind: 'preceptorship-study-day',
      date: '2026-10-26',
      startTime: '09:30',
      endTime: '16:30',
      location: 'Education Centre, room 4',
      onlineLink: 'https://teams.microsoft.com/l/meetup-join/abc',
      description: 'Bring your questions.',
      nonPlacement: 'false',
    });
    await e2e.services.sender.drain();
    assert.equal(told(sup).length, 1);
    // Moved to Tue 27 Oct (also a placement day): told once more.
    await invoke(lead, 'event.update', {
      eventId: monday._id,
      revision: '2',
      fixedCohortId: w.cohortId,
      title: 'Preceptorship study day',
      kind: 'preceptorship-study-day',
      date: '2026-10-27',
      startTime: '09:30',
      endTime: '16:30',
      location: 'Education Centre, room 4',
      onlineLink: 'https://teams.microsoft.com/l/meetup-join/abc',
      description: 'Bring your questions.',
      nonPlacement: 'false',
    });
    await e2e.services.sender.drain();
    assert.equal(told(sup).length, 2, told(sup).join('\n'));
    // The same calendar entry, changed twice.
    const ics = await readIcs();
    assert.deepEqual([ics.method, ics.start, ics.seq], ['PUBLISH', '2026-10-27T09:30:00.000Z', 2]);
    assert.match(told(sup)[1]!, /Tue 27 Oct 2026/);
    // A Saturday event takes nobody from a placement day.
    await create('ec-saturday-01', { date: '2026-10-17', title: 'Careers expo', kind: 'careers-expo' });
    await e2e.services.sender.drain();
    assert.equal(sent(sup).filter((t) => t.includes('Careers expo')).length, 0);
  });

  let wednesday: EventDoc;

  it('a reminder that runs after the event started says nothing false; one that runs late on the day says "today"', async () => {
    wednesday = await create('ec-wednesday-1', {
      date: '2026-10-14',
      startTime: '13:00',
      endTime: '15:00',
      title: 'Reflective workshop',
      kind: 'reflective-workshop',
    });
    const friday = await create('ec-friday-0001', {
      date: '2026-10-16',
      startTime: '15:00',
      endTime: '16:00',
      title: 'Senior AHP meeting',
      kind: 'senior-ahp-meeting',
    });
    // The service was down: the clock jumps past the Wednesday event's start before its reminder runs.
    e2e.clock.set(at('2026-10-14T12:30:00Z')); // Wed 13:30 BST
    await runDue();
    const about = (title: string) => sent(s1).filter((t) => t.includes(title) && t.startsWith('Reminder'));
    assert.deepEqual(about('Reflective workshop'), [], 'no reminder once it has started');
    e2e.clock.set(at('2026-10-16T09:00:00Z')); // Fri 10:00 BST, the Friday reminder late
    await runDue();
    assert.equal(about('Senior AHP meeting').length, 1);
    assert.ok(
      about('Senior AHP meeting')[0]!.startsWith('Reminder: this event is today'),
      about('Senior AHP meeting')[0],
    );
    void friday;
  });

  it('a refused attendance save comes back with the ticks the lead submitted, not the defaults', async () => {
    const ids = [s1, s2, s3].map((u) => w.id(u));
    await invoke(s1, 'event.rsvp', { eventId: wednesday._id, rsvp: 'yes' });
    const card = (await invoke(lead, 'event.attendance.save', {
      eventId: wednesday._id,
      attended: `${ids[1]},${ids[2]},nobody`,
    })) as { body: { type: string; value?: string }[] };
    assert.ok(texts(card).includes('Tick only people on the list.'), texts(card).join(' | '));
    const choiceSet = card.body.find((b) => b.type === 'Input.ChoiceSet')!;
    assert.equal(choiceSet.value!.split(',').sort().join(','), [ids[1], ids[2]].sort().join(','));
  });
});
