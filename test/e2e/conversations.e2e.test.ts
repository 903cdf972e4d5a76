import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { JUST_TAKEN } from '../../src/features/conversations/booking.js';
import { reminderKey, afterKey } from '../../src/features/conversations/follow-ups.js';
import { slotId, type BookingDoc } from '../../src/features/conversations/conversations-repository.js';
import { cardTexts, firstCard, TENANT } from './harness.js';
import { at, conversationsWorld } from './conversations-world.js';

describe('e2e: 20-minute conversations over HTTP', function () {
  this.timeout(120_000);
  const w = conversationsWorld();
  const { e2e, students, hosts, lead, bookings, personOf, invoke, texts } = w;
  const { bookData, outboxItem, waitForCard, cardsIn, publish } = w;

  it('lets a host publish weekly slots with a buffer, idempotently, in their time zone', async () => {
    // Tue 28 Oct (GMT) 10:00, 4 slots 10 minutes apart; and the same for 2 weeks.
    let text = await publish('physio-a', {
      pubDate: '2025-10-28',
      pubTime: '10:00',
      pubCount: '4',
      pubBuffer: '10',
      pubWeeks: '2',
    });
    assert.match(text, /Published 8 slots/);
    text = await publish('physio-a', {
      pubDate: '2025-10-28',
      pubTime: '10:00',
      pubCount: '4',
      pubBuffer: '10',
      pubWeeks: '2',
    });
    assert.match(text, /Published 0 slots\. 8 already existed/);
    const slots = await e2e.services.conversations.repo.openSlots(
      TENANT,
      at('2025-10-27T00:00:00Z'),
      at('2025-11-10T00:00:00Z'),
      hosts['physio-a']!.hostId,
    );
    assert.deepEqual(
      slots.map((s) => s.startsAt.toISOString()),
      [
        '2025-10-28T10:00:00.000Z',
        '2025-10-28T10:30:00.000Z',
        '2025-10-28T11:00:00.000Z',
        '2025-10-28T11:30:00.000Z',
        '2025-11-04T10:00:00.000Z',
        '2025-11-04T10:30:00.000Z',
        '2025-11-04T11:00:00.000Z',
        '2025-11-04T11:30:00.000Z',
      ],
    );
    // Overlapping a published slot is skipped; bad input re-shows the card with the error.
    text = await publish('physio-a', {
      pubDate: '2025-10-28',
      pubTime: '10:10',
      pubCount: '1',
      pubBuffer: '0',
      pubWeeks: '1',
    });
    assert.match(text, /Published 0 slots\. 1 skipped \(overlapping/);
    text = await publish('physio-a', {
      pubDate: '28/10/2025',
      pubTime: '25:00',
      pubCount: '99',
      pubBuffer: '7',
      pubWeeks: '1',
    });
    assert.match(text, /Enter a date as YYYY-MM-DD/);
    assert.match(text, /Enter a time as HH:mm/);
    assert.match(text, /Choose a value from 1 to 12/);
    // A student cannot publish.
    const refused = await invoke(students[0]!, 'conv.slots.publish', {
      pubDate: '2025-10-28',
      pubTime: '10:00',
      pubCount: '1',
      pubBuffer: '0',
      pubWeeks: '1',
    });
    assert.match(String(refused.value), /Only AHP hosts/);
  });

  it('50 concurrent attempts on one slot: exactly 1 booking, 49 "just taken" answers with alternatives', async () => {
    const data = bookData('physio-a', '2025-10-28T10:00:00Z');
    const racers = students.slice(0, 50);
    const answers = await Promise.all(racers.map((s) => invoke(s, 'conv.book', data)));
    const won = answers.filter((a) =>
      texts(a).some((t) => t.startsWith('Booked: 20 minutes with Daniel Roberts')),
    );
    const lost = answers.filter((a) => texts(a).some((t) => t.includes(JUST_TAKEN)));
    assert.equal(won.length, 1);
    assert.equal(lost.length, 49);
    // The losers see the next free times of the same host (10:30 is offered).
    assert.ok(
      JSON.stringify(lost[0]!.value).includes(
        slotId(TENANT, hosts['physio-a']!.hostId, at('2025-10-28T10:30:00Z')),
      ),
    );
    assert.equal(await bookings().countDocuments({ slotId: data.slotId, state: 'booked' }), 1);
  });

  it('a host cap of 3 under 20 concurrent bookings of different slots: exactly 3', async () => {
    await publish('diet', {
      pubDate: '2025-10-29',
      pubTime: '09:00',
      pubCount: '12',
      pubBuffer: '0',
      pubWeeks: '1',
    });
    await publish('diet', {
      pubDate: '2025-10-30',
      pubTime: '09:00',
      pubCount: '8',
      pubBuffer: '0',
      pubWeeks: '1',
    });
    const starts = [
      ...Array.from(
        { length: 12 },
        (_, i) => new Date(at('2025-10-29T09:00:00Z').getTime() + i * 20 * 60_000),
      ),
      ...Array.from(
        { length: 8 },
        (_, i) => new Date(at('2025-10-30T09:00:00Z').getTime() + i * 20 * 60_000),
      ),
    ];
    const answers = await Promise.all(
      starts.map((s, i) => invoke(students[i]!, 'conv.book', bookData('diet', s.toISOString()))),
    );
    const booked = await bookings().countDocuments({ hostId: hosts['diet']!.hostId, state: 'booked' });
    assert.equal(booked, 3);
    assert.equal(
      answers.filter((a) => texts(a).some((t) => t.includes('no more conversations left that week'))).length,
      17,
    );
    // No slot holds leak from the 17 who lost on the cap: the other slots are still free.
    const { free } = await e2e.services.conversations.freeSlots(TENANT);
    assert.equal(free.get(hosts['diet']!.hostId)?.length ?? 0, 0, 'week full: nothing offered');
    const holds = await e2e.services.database.db
      .collection(collections.conversationHolds.name)
      .countDocuments({ hostId: hosts['diet']!.hostId, kind: 'slot' });
    assert.equal(holds, 3);
  });

  it('offers a student who met two physiotherapists other professions first', async () => {
    await publish('physio-b', {
      pubDate: '2025-10-28',
      pubTime: '14:00',
      pubCount: '2',
      pubBuffer: '10',
      pubWeeks: '1',
    });
    await publish('ot', {
      pubDate: '2025-10-27',
      pubTime: '10:00',
      pubCount: '3',
      pubBuffer: '10',
      pubWeeks: '1',
    });
    await publish('pod', {
      pubDate: '2025-10-31',
      pubTime: '15:00',
      pubCount: '2',
      pubBuffer: '10',
      pubWeeks: '1',
    });
    const student = students[55]!;
    const person = await personOf(student);
    const now = e2e.clock.now();
    for (const [key, day] of [
      ['physio-a', '2025-10-14'],
      ['physio-b', '2025-10-15'],
    ] as const) {
      await bookings().insertOne({
        _id: `${TENANT}|conv|met-${key}`,
        tenantId: TENANT,
        slotId: `${TENANT}|slot|old-${key}`,
        hostId: hosts[key]!.hostId,
        hostPersonId: hosts[key]!.personId,
        studentId: person._id,
        cohortId: w.cohortId,
        startsAt: at(`${day}T10:00:00Z`),
        endsAt: at(`${day}T10:20:00Z`),
        profession: 'physiotherapy',
        roleType: key === 'physio-a' ? 'clinical specialist' : 'research',
        weekKey: '2025-W42',
        slotHoldId: 'x',
        capHoldId: 'y',
        state: 'held',
        endedBy: null,
        endedAt: null,
        rescheduledFrom: null,
        rescheduledTo: null,
        icsToken: 'z',
        note: null,
        hostRating: null,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
    }
    // Amira Fraser's slots are on Mon 27 Oct, a clinical day for this cohort: ranking is
    // checked over all times (the calendar filter has its own suite, conversations-calendar).
    const card = (await invoke(student, 'conv.browse', { includeMet: 'false', showAll: 'true' })).value;
    const shown = cardTexts(card);
    const names = shown.filter((t) =>
      ['Daniel Roberts', 'Rhys Evans', 'Amira Fraser', 'Nia Okoro', 'Jas Taylor'].includes(t),
    );
    assert.deepEqual(names.slice(0, 2).sort(), ['Amira Fraser', 'Nia Okoro']);
    assert.ok(!names.includes('Daniel Roberts') && !names.includes('Rhys Evans'), 'met hosts are excluded');
    assert.ok(!names.includes('Jas Taylor'), 'a host whose week is full is not offered');
    assert.ok(shown.some((t) => t.startsWith("A profession and a role you haven't met yet")));
    // Ticking "include people I've met" brings them back, after the new professions.
    const all = cardTexts(
      (await invoke(student, 'conv.browse', { includeMet: 'true', showAll: 'true' })).value,
    ).filter((t) => ['Daniel Roberts', 'Rhys Evans', 'Amira Fraser', 'Nia Okoro'].includes(t));
    assert.deepEqual(all.slice(2).sort(), ['Daniel Roberts', 'Rhys Evans']);
  });

  it('refuses bad input with a clear error and books nothing', async () => {
    const before = await bookings().countDocuments();
    const student = students[56]!;
    const otherHost = bookData('ot', '2025-10-27T10:30:00Z', { hostId: hosts['pod']!.hostId });
    assert.ok(
      texts(await invoke(student, 'conv.book', otherHost)).some((t) =>
        t.includes('belongs to a different host. Nothing was booked.'),
      ),
    );
    const tampered = bookData('ot', '2025-10-27T10:30:00Z', { startsAt: '2025-10-27T09:30:00.000Z' });
    assert.ok(
      texts(await invoke(student, 'conv.book', tampered)).some((t) =>
        t.includes("doesn't match the host's published slot"),
      ),
    );
    // An operator object as the slot id: the HTTP layer refuses it outright; the service, if
    // reached another way, answers clearly too.
    const operatorData = {
      slotId: { $gt: '' },
      hostId: hosts['ot']!.hostId,
      startsAt: '2025-10-27T10:30:00.000Z',
    };
    const operator = await e2e.post(e2e.execute(student, 'conv.book', operatorData));
    assert.ok(
      operator.status === 400 ||
        texts(operator.body).some((t) => t.includes('not valid. Nothing was booked.')),
    );
    const direct = await e2e.services.conversations.book(TENANT, await personOf(student), operatorData);
    assert.deepEqual(direct, {
      status: 'invalid',
      message: 'Sorry, that booking request was not valid. Nothing was booked.',
    });
    const forged = bookData('ot', '2025-10-27T10:05:00Z');
    assert.ok(
      texts(await invoke(student, 'conv.book', forged)).some((t) =>
        t.includes("couldn't find that time slot"),
      ),
    );
    // A past slot (published earlier, now in the past).
    const past = at('2025-10-19T10:00:00Z');
    await e2e.services.conversations.repo.insertSlots(TENANT, [
      {
        _id: slotId(TENANT, hosts['ot']!.hostId, past),
        hostId: hosts['ot']!.hostId,
        hostPersonId: hosts['ot']!.personId,
        startsAt: past,
        endsAt: new Date(past.getTime() + 1_200_000),
        state: 'open',
        schemaVersion: 1,
        createdAt: past,
        updatedAt: past,
      },
    ]);
    assert.ok(
      texts(await invoke(student, 'conv.book', bookData('ot', past.toISOString()))).some((t) =>
        t.includes('already passed'),
      ),
    );
    // Only students book; a host cannot book for themselves.
    assert.match(
      String((await invoke(hosts['pod']!.user, 'conv.book', bookData('ot', '2025-10-27T10:30:00Z'))).value),
      /for students/,
    );
    assert.equal(await bookings().countDocuments(), before);
  });

  let reminded: BookingDoc;
  let cancelled: BookingDoc;

  it('confirms to both sides with calendar details and a working .ics link', async () => {
    const student = students[57]!;
    const body = await invoke(student, 'conv.book', bookData('ot', '2025-10-27T10:00:00Z'));
    assert.ok(texts(body).includes('Booked: 20 minutes with Amira Fraser'), texts(body).join(' / '));
    reminded = (await bookings().findOne({ studentId: (await personOf(student))._id, state: 'booked' }))!;
    await waitForCard(hosts['ot']!.user, 'Booked: 20 minutes with Student 57');
    const hostCard = e2e
      .sentTo(`a:personal-${hosts['ot']!.user.id}`)
      .map((a) => JSON.stringify(firstCard(a)))
      .find((c) => c.includes('Booked: 20 minutes with Student 57'));
    assert.ok(hostCard?.includes('Mon 27 Oct, 10:00 (20 minutes, Europe/London)'), hostCard);
    assert.ok(hostCard?.includes('calendar.ics?t='), 'the card links the .ics');
    await waitForCard(student, 'Booked: 20 minutes with Amira Fraser');
    const url = e2e.services.conversations
      .icsUrl(reminded)
      .replace(e2e.services.config.PUBLIC_BASE_URL, e2e.baseUrl);
    const ics = await fetch(url);
    assert.equal(ics.status, 200);
    assert.match(ics.headers.get('content-type') ?? '', /^text\/calendar/);
    const text = await ics.text();
    assert.match(text, /DTSTART:20251027T100000Z\r\nDTEND:20251027T102000Z/);
    assert.equal((await fetch(url.replace(/t=[^&]+/, 't=wrong'))).status, 404);
  });

  it('schedules reminders at the right local times across the October clock change', async () => {
    const job24 = await e2e.services.scheduler.get(reminderKey(reminded._id, reminded.studentId, '24h'));
    const job15 = await e2e.services.scheduler.get(reminderKey(reminded._id, reminded.studentId, '15m'));
    // Mon 27 Oct 10:00 GMT -> Sun 26 Oct 10:00 GMT (the clocks went back at 02:00 that morning).
    assert.equal(job24?.runAt.toISOString(), '2025-10-26T10:00:00.000Z');
    assert.equal(job15?.runAt.toISOString(), '2025-10-27T09:45:00.000Z');
  });

  it('a cancelled booking sends no reminder and frees the slot for the next student', async () => {
    const first = students[58]!;
    const next = students[59]!;
    await invoke(first, 'conv.book', bookData('ot', '2025-10-27T10:30:00Z'));
    cancelled = (await bookings().findOne({ studentId: (await personOf(first))._id, state: 'booked' }))!;
    const answer = await invoke(first, 'conv.cancel', { bookingId: cancelled._id });
    assert.ok(texts(answer).some((t) => t.startsWith('Cancelled: your conversation with Amira Fraser')));
    assert.match(
      String((await invoke(first, 'conv.cancel', { bookingId: cancelled._id })).value),
      /already been cancelled/,
    );
    assert.equal(
      (await e2e.services.scheduler.get(reminderKey(cancelled._id, cancelled.studentId, '24h')))?.state,
      'cancelled',
    );
    assert.equal((await e2e.services.scheduler.get(afterKey(cancelled._id)))?.state, 'cancelled');
    await waitForCard(hosts['ot']!.user, 'Cancelled: your conversation with Student 58');
    assert.ok(
      cardsIn(hosts['ot']!.user).some(
        (c) =>
          c.includes('Cancelled: your conversation with Student 58') && c.includes('Student 58 cancelled'),
      ),
    );
    // The slot is free again: the next student books it.
    const again = await invoke(next, 'conv.book', bookData('ot', '2025-10-27T10:30:00Z'));
    assert.ok(texts(again).includes('Booked: 20 minutes with Amira Fraser'));
  });

  it('moves a booking to another time with the same host: the old slot is freed, the host is told', async () => {
    const student = students[54]!;
    await invoke(student, 'conv.book', bookData('physio-b', '2025-10-28T14:00:00Z'));
    const original = (await bookings().findOne({
      studentId: (await personOf(student))._id,
      state: 'booked',
    }))!;
    const picker = await invoke(student, 'conv.reschedule.start', { bookingId: original._id });
    assert.ok(
      JSON.stringify(picker.value).includes(
        slotId(TENANT, hosts['physio-b']!.hostId, at('2025-10-28T14:30:00Z')),
      ),
    );
    // Another host's slot is refused; the booking stays as it was.
    const wrong = await invoke(
      student,
      'conv.book',
      bookData('pod', '2025-10-31T15:00:00Z', { replacing: original._id }),
    );
    assert.ok(texts(wrong).some((t) => t.includes('same host')));
    const moved = await invoke(
      student,
      'conv.book',
      bookData('physio-b', '2025-10-28T14:30:00Z', { replacing: original._id }),
    );
    assert.ok(texts(moved).includes('Booked: 20 minutes with Rhys Evans'));
    const old = await bookings().findOne({ _id: original._id });
    assert.equal(old?.state, 'rescheduled');
    const next = await bookings().findOne({ _id: old!.rescheduledTo! });
    assert.equal(next?.startsAt.toISOString(), '2025-10-28T14:30:00.000Z');
    assert.equal(next?.capHoldId, original.capHoldId, 'same week: the cap unit moves with the booking');
    await waitForCard(hosts['physio-b']!.user, 'Moved: your conversation with Student 54');
    // The old time is bookable again.
    assert.ok(
      texts(await invoke(students[53]!, 'conv.book', bookData('physio-b', '2025-10-28T14:00:00Z'))).includes(
        'Booked: 20 minutes with Rhys Evans',
      ),
    );
    // Moving the old (already moved) booking again is refused.
    assert.ok(
      texts(await invoke(student, 'conv.reschedule.start', { bookingId: original._id })).some((t) =>
        t.includes('already been cancelled or changed'),
      ),
    );
  });

  it('fires the 24 h reminder at 10:00Z, not before, and nothing for the cancelled booking', async () => {
    const student = students[57]!;
    const runDue = () => fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    const key24 = reminderKey(reminded._id, reminded.studentId, '24h');
    e2e.clock.set(at('2025-10-26T09:59:00Z'));
    await runDue();
    assert.equal((await e2e.services.scheduler.get(key24))?.state, 'scheduled');
    assert.equal(await outboxItem(key24), null);
    e2e.clock.set(at('2025-10-26T10:00:00Z'));
    await runDue();
    assert.ok(await outboxItem(key24));
    await waitForCard(student, 'Tomorrow: 20 minutes with Amira Fraser');
    assert.equal(
      cardsIn(student).filter((c) => c.startsWith('Tomorrow: 20 minutes with Amira Fraser')).length,
      1,
    );
    e2e.clock.set(at('2025-10-27T10:40:00Z'));
    await runDue();
    await waitForCard(student, 'In 15 minutes');
    for (const kind of ['24h', '15m'] as const)
      assert.equal(await outboxItem(reminderKey(cancelled._id, cancelled.studentId, kind)), null);
    assert.ok(!cardsIn(students[58]!).some((c) => c.startsWith('Tomorrow') || c.startsWith('In 15 minutes')));
  });

  it('afterwards: the student is prompted to reflect, the host marks it held with feedback, the lead sees the report', async () => {
    const student = students[57]!;
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await waitForCard(hosts['ot']!.user, 'Your conversation with Student 57');
    // The reflections service sends its own "reflect now" card linked to the booking.
    const outbox = await e2e.services.outbox.byId(
      TENANT,
      (await e2e.services.database.db
        .collection(collections.outbox.name)
        .findOne({ dedupeKey: `conv:reflect:${reminded._id}` }))!._id as unknown as string,
    );
    assert.ok(outbox, 'a reflection prompt was queued for the student');
    // The outbox drops an activity once delivered: read the prompt the student received.
    await e2e.services.sender.drain();
    assert.ok(
      e2e.connector
        .delivered(`a:personal-${student.id}`)
        .some((c) => JSON.stringify(c.activity).includes(reminded._id)),
      'the prompt is linked to the booking',
    );
    assert.ok(cardsIn(hosts['ot']!.user).some((c) => c.includes('Your conversation with Student 57')));
    // Not the host: refused. The host: held with a rating.
    assert.match(
      String((await invoke(hosts['pod']!.user, 'conv.held', { bookingId: reminded._id, rating: '4' })).value),
      /couldn't find/,
    );
    const held = await invoke(hosts['ot']!.user, 'conv.held', { bookingId: reminded._id, rating: '4' });
    assert.ok(texts(held).includes('Thank you'));
    const stored = await bookings().findOne({ _id: reminded._id });
    assert.equal(stored?.state, 'held');
    assert.equal(stored?.hostRating, 4);
    assert.match(
      String((await invoke(hosts['ot']!.user, 'conv.noshow', { bookingId: reminded._id })).value),
      /already marked as held/,
    );
    // The note fallback is stored with the booking.
    assert.ok(
      texts(
        await invoke(student, 'conv.note.save', {
          bookingId: reminded._id,
          note: 'Ask about FTSU training.',
        }),
      ).includes('Note saved'),
    );
    assert.equal((await bookings().findOne({ _id: reminded._id }))?.note, 'Ask about FTSU training.');
    const report = cardTexts(firstCard(await e2e.lastReply(lead, 'conversations report')));
    assert.ok(report.includes('Leadership 2025 cohort 3'));
    assert.ok(report.includes('physiotherapy (2), occupational therapy (1)'), report.join(' | '));
    assert.ok(report.includes('clinical specialist (1), FTSU guardian (1), research (1)'));
    // 60 students; bookings so far by students 0..2 (physio-a winner + diet x3) and 57, 59 etc.
    const title = report.find((t) => t.startsWith('Students who have not booked any'))!;
    const booked = new Set(
      (
        await bookings()
          .find({ state: { $in: ['booked', 'held', 'no-show'] }, cohortId: w.cohortId })
          .toArray()
      ).map((b) => b.studentId),
    );
    assert.equal(title, `Students who have not booked any (${60 - booked.size} of 60)`);
    // Students cannot see it.
    assert.match(
      String((await e2e.lastReply(students[1]!, 'conversations report'))?.text),
      /for placement leads/,
    );
  });
});
