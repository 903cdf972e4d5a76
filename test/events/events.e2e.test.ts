/**
 * Placement events over real HTTP with the controllable clock: a lead creates an event from
 * the card (bad input first: a message per field, nothing written), 5 students are invited,
 * 3 say yes, the reminder goes once each to those who did not say no, 2 attend, only those
 * 2 get a reflection prompt, an attendee's journey export lists the event, and the event day
 * (marked non-placement) moves that week's check-in prompt to the next placement day.
 */
import assert from 'node:assert/strict';
import { afterKey, remindKey } from '../../src/features/events/reminders.js';
import { eventId as makeEventId } from '../../src/features/events/events-repository.js';
import { collections } from '../../src/storage/collections.js';
import { asCard, cardTexts, firstCard, TENANT, type TestUser } from '../e2e/harness.js';
import { at, eventsWorld } from './events-world.js';

describe('e2e: placement events (invite, RSVP, reminder, attendance, reflection, export)', function () {
  this.timeout(180_000);
  const w = eventsWorld();
  const { e2e, students, lead, otherLead, coLead, eventId } = w;
  const { counts, invoke, texts, runDue, cardsIn, outbox, say, event, valid } = w;

  it('offers the event card to a lead (help lists the commands) and refuses it to a student', async () => {
    const card = firstCard((await say(lead, 'new event')).at(-1))!;
    assert.ok(cardTexts(card).includes('New placement event'));
    assert.equal(card.actions[0].verb, 'event.create');
    const help = (await say(lead, 'help')).map((a) => cardTexts(firstCard(a)).join(' | ')).join(' ');
    assert.match(help, /new event/);
    assert.match(help, /events/);
    const refused = await say(students[0]!, 'new event');
    assert.match(String(refused.at(-1)?.text), /Only the placement lead/);
  });

  it('rejects bad input with a message per field and writes nothing', async () => {
    // The week-2 prompt was planned for Mon 10 Feb 09:00 before the event existed.
    await runDue();
    const before = await counts();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ date: '2025-02-31' }, 'date', /Enter a date as YYYY-MM-DD/],
      [{ endTime: '09:00' }, 'endTime', /end time must be after the start time/],
      [{ date: '2025-04-01' }, 'date', /during the placement \(Mon 3 Feb 2025 to Fri 14 Mar 2025\)/],
      [{ onlineLink: 'http://teams.example/meet' }, 'onlineLink', /https:\/\//],
      [{ title: 'x'.repeat(121) }, 'title', /120 characters or fewer/],
      [{ description: 'y'.repeat(2001) }, 'description', /2000 characters or fewer/],
      [{ location: '', onlineLink: '' }, 'location', /where it is, an online meeting link, or both/],
      [{ date: '2025-02-03', startTime: '09:00' }, 'date', /still to come/],
      [{ kind: 'party' }, 'kind', /what kind of event/],
    ];
    for (const [change, field, message] of cases) {
      const card = await invoke(lead, 'event.create', valid(change));
      const all = cardTexts(card);
      assert.ok(all.includes('Please correct the fields marked below.'), `${field}: ${all.join(' | ')}`);
      assert.ok(
        all.some((t) => message.test(t)),
        `${field}: ${all.join(' | ')}`,
      );
      // The message sits right under its input, and what was typed is kept.
      const inputs = JSON.stringify(card);
      assert.ok(inputs.includes(`"id":"${field === 'endTime' ? 'endTime' : field}"`));
    }
    // A student cannot create one either.
    assert.match(String(await invoke(students[0]!, 'event.create', valid())), /Only the placement lead/);
    // The lead of another cohort cannot create one for this cohort.
    const other = await invoke(otherLead, 'event.create', { ...valid(), cohortId: w.cohortId });
    assert.ok(texts(other).some((t) => /Choose one of your cohorts/.test(t)));
    assert.deepEqual(await counts(), before);
  });

  it('creates the event once (double submit), invites the 5 students and marks the day non-placement', async () => {
    const planned = await e2e.services.scheduler.get(
      `checkins.prompt|${w.cohortId}|w2|2025-02-10T09:00:00.000Z`,
    );
    assert.equal(planned?.state, 'scheduled', 'the week-2 prompt was planned for the event day');
    const first = await invoke(lead, 'event.create', valid());
    assert.ok(texts(first).includes('Created. 5 students invited.'));
    const again = await invoke(lead, 'event.create', valid());
    assert.ok(texts(again).includes('This event was already created.'));
    const c = await counts();
    assert.equal(c.events, 1);
    assert.equal(c.invitations, 5);
    assert.equal((await outbox('event.invite')).length, 5);
    assert.deepEqual((await e2e.services.cohorts.byId(TENANT, w.cohortId))!.nonPlacementDates, [
      '2025-02-10',
    ]);
    for (const s of students)
      await e2e.connector.waitFor(
        () =>
          cardsIn(s).some((t) => t.includes('You are invited') && t.includes('Mon 10 Feb 2025, 09:30–16:30')),
        20_000,
      );
    // The check-in planner moved the week-2 prompt to Tuesday, the next placement day.
    assert.equal(
      (await e2e.services.scheduler.get(`checkins.prompt|${w.cohortId}|w2|2025-02-11T09:00:00.000Z`))?.state,
      'scheduled',
    );
    assert.ok(await e2e.services.scheduler.get(remindKey(await event())));
  });

  it('takes RSVPs idempotently, lets students change them, and refreshes the card in place', async () => {
    const [a, g, h, p] = students;
    let card = await invoke(a!, 'event.rsvp', { eventId, rsvp: 'maybe' });
    assert.ok(texts(card).some((t) => t.startsWith('Your answer: **Maybe**')));
    card = await invoke(a!, 'event.rsvp', { eventId, rsvp: 'yes' });
    assert.ok(texts(card).some((t) => t.startsWith('Your answer: **Going**')));
    // The same answer again (a double click, a Teams retry) changes nothing.
    card = await invoke(a!, 'event.rsvp', { eventId, rsvp: 'yes' });
    assert.ok(texts(card).some((t) => t.startsWith('Your answer: **Going**')));
    const actionSet = (asCard(card).body as { type: string; actions?: { title: string }[] }[]).find(
      (b) => b.type === 'ActionSet',
    )!;
    assert.equal(actionSet.actions![0]!.title, '✓ Going');
    await invoke(g!, 'event.rsvp', { eventId, rsvp: 'yes' });
    await invoke(h!, 'event.rsvp', { eventId, rsvp: 'yes' });
    await invoke(p!, 'event.rsvp', { eventId, rsvp: 'no' });
    // Junk and people who were not invited change nothing.
    assert.match(String(await invoke(a!, 'event.rsvp', { eventId, rsvp: 'definitely' })), /Choose going/);
    assert.match(String(await invoke(otherLead, 'event.rsvp', { eventId, rsvp: 'yes' })), /not for you/);
    const invitations = await e2e.services.events.repo.invitationsOf(TENANT, eventId);
    assert.deepEqual(invitations.map((i) => i.rsvp).sort(), ['no', 'yes', 'yes', 'yes', null].sort());
    // The lead sees counts and names; the other cohort's lead is refused.
    const status = texts(await invoke(lead, 'event.status', { eventId }));
    assert.ok(status.includes('RSVPs: 5 invited'));
    assert.ok(status.includes('**Going:** Amira Ahmed, George Clarke, Hannah Jones'));
    assert.ok(status.includes('**Not going:** Priya Shah'));
    assert.ok(status.includes('**No answer yet:** Tom Evans'));
    assert.match(String(await invoke(otherLead, 'event.status', { eventId })), /Only the placement lead/);
    // A student's `events` lists the invitation with their answer.
    const list = cardTexts(firstCard((await say(a!, 'events')).at(-1)));
    assert.ok(list.includes('Your answer: Going'));
  });

  it('tells the invited about a change, once per revision, and refuses a stale edit', async () => {
    const edit = asCard(await invoke(lead, 'event.edit', { eventId }));
    assert.equal(edit.actions[0].verb, 'event.update');
    assert.equal(edit.actions[0].data.revision, '1');
    const changed = { ...valid({ location: 'Lecture theatre 2' }), eventId, revision: '1' };
    const saved = texts(await invoke(lead, 'event.update', changed));
    assert.ok(saved.includes('Saved. 5 invited people were told about the change.'));
    // The same (now stale) submit again changes nothing and tells nobody twice.
    const stale = texts(await invoke(lead, 'event.update', changed));
    assert.ok(stale.some((t) => t.startsWith('Someone changed this event')));
    assert.equal((await outbox('event.changed')).length, 5);
    assert.equal((await event()).location, 'Lecture theatre 2');
    assert.equal((await event()).revision, 2);
    // A bad edit: a message per field, nothing written.
    const before = JSON.stringify(await event());
    const bad = texts(await invoke(lead, 'event.update', { ...changed, revision: '2', startTime: '17:00' }));
    assert.ok(bad.some((t) => /end time must be after/.test(t)));
    assert.equal(JSON.stringify(await event()), before);
    for (const s of students)
      await e2e.connector.waitFor(() => cardsIn(s).some((t) => t.includes('This event has changed')), 20_000);
  });

  it('two leads saving the same revision at once change it once', async () => {
    const revision = String((await event()).revision);
    const base = { ...valid(), eventId, revision };
    const answers = await Promise.all([
      invoke(lead, 'event.update', { ...base, location: 'Seminar room 1' }),
      invoke(coLead, 'event.update', { ...base, location: 'Seminar room 2' }),
    ]);
    const saved = answers.filter((a) => texts(a).some((t) => t.startsWith('Saved.')));
    const refused = answers.filter((a) => texts(a).some((t) => t.startsWith('Someone changed this event')));
    assert.equal(saved.length, 1, answers.map((a) => texts(a).join(' | ')).join('\n'));
    assert.equal(refused.length, 1);
    assert.equal((await event()).revision, Number(revision) + 1);
    assert.ok(['Seminar room 1', 'Seminar room 2'].includes((await event()).location!));
    // Five people told per saved revision: 2 revisions so far.
    assert.equal((await outbox('event.changed')).length, 10);
  });

  it('sends the reminder on the last placement day before (Fri 09:00 for a Monday event), once each, to those who did not say no', async () => {
    e2e.clock.set(at('2025-02-07T08:59:00Z'));
    await runDue();
    assert.equal((await outbox('event.reminder')).length, 0);
    e2e.clock.set(at('2025-02-07T09:00:00Z'));
    await runDue();
    await runDue();
    const reminders = await outbox('event.reminder');
    assert.equal(reminders.length, 4);
    const declined = (await e2e.services.people.byEmail(TENANT, students[3]!.email!))!._id;
    assert.ok(!reminders.some((r) => r.personId === declined));
    await e2e.connector.waitFor(
      () => cardsIn(students[0]!).some((t) => t.startsWith('Reminder: this event is on Mon 10 Feb 2025')),
      20_000,
    );
    assert.equal(
      cardsIn(students[0]!).filter((t) => t.startsWith('Reminder: this event is on Mon 10 Feb 2025')).length,
      1,
    );
    assert.equal(cardsIn(students[3]!).filter((t) => t.startsWith('Reminder: this event')).length, 0);
  });

  it('skips the check-in prompt on the event day (non-placement) and sends it the next day', async () => {
    e2e.clock.set(at('2025-02-10T09:05:00Z'));
    await runDue();
    const week2 = (u: TestUser) => cardsIn(u).filter((t) => t.startsWith('Week 2 of 6')).length;
    assert.equal(week2(students[0]!), 0);
    // Attendance only once the event has started (it has); the lead ticks 2 of the 3 who said yes.
    e2e.clock.set(at('2025-02-10T12:00:00Z'));
    const sheet = asCard(await invoke(lead, 'event.attendance', { eventId }));
    const choiceSet = (sheet.body as { type: string; choices: unknown[]; value: string }[]).find(
      (b) => b.type === 'Input.ChoiceSet',
    )!;
    assert.equal(choiceSet.choices.length, 5);
    const ids = await Promise.all(
      students.map(async (s) => (await e2e.services.people.byEmail(TENANT, s.email!))!._id),
    );
    assert.equal(choiceSet.value.split(',').sort().join(','), [ids[0], ids[1], ids[2]].sort().join(','));
    assert.match(
      texts(await invoke(lead, 'event.attendance.save', { eventId, attended: `${ids[0]},nobody` })).join(' '),
      /Tick only people on the list/,
    );
    assert.match(
      String(await invoke(otherLead, 'event.attendance.save', { eventId, attended: ids[0] })),
      /Only the placement lead/,
    );
    const saved = texts(
      await invoke(lead, 'event.attendance.save', { eventId, attended: `${ids[0]},${ids[1]}` }),
    );
    assert.ok(saved.includes('Attendance saved: 2 of 5 attended.'));
    // Recorded during the event: nobody is prompted yet.
    assert.equal(
      (await outbox('reflection.prompt')).filter((o) => String(o.dedupeKey).startsWith('event:')).length,
      0,
    );

    e2e.clock.set(at('2025-02-11T09:00:00Z'));
    await runDue();
    for (const s of students) await e2e.connector.waitFor(() => week2(s) === 1, 20_000);
  });

  it('prompts a reflection to the 2 who attended, not the 5 invited, and only once', async () => {
    assert.equal((await e2e.services.scheduler.get(afterKey(await event())))?.state, 'done');
    const prompts = (await outbox('reflection.prompt')).filter((o) =>
      String(o.dedupeKey).startsWith('event:reflect:'),
    );
    assert.equal(prompts.length, 2);
    // Saving attendance again after the event does not prompt anyone a second time.
    const ids = await Promise.all(
      students.map(async (s) => (await e2e.services.people.byEmail(TENANT, s.email!))!._id),
    );
    await invoke(lead, 'event.attendance.save', { eventId, attended: `${ids[0]},${ids[1]}` });
    await runDue();
    assert.equal(
      (await outbox('reflection.prompt')).filter((o) => String(o.dedupeKey).startsWith('event:reflect:'))
        .length,
      2,
    );
    await e2e.connector.waitFor(
      () => cardsIn(students[0]!).some((t) => t.includes('Preceptorship study day') && t.includes('reflect')),
      20_000,
    );
    assert.ok(!cardsIn(students[2]!).some((t) => t.includes('reflect on "Preceptorship study day"')));
    // The prompt is tagged to the event's topic and linked to the event.
    const card = firstCard(
      e2e
        .sentTo(`a:personal-${students[0]!.id}`)
        .find((a) => cardTexts(firstCard(a)).join(' ').includes('reflect on "Preceptorship')),
    );
    assert.match(JSON.stringify(card), /preceptorship-day/);
  });

  it('lists the event in an attendee’s journey export and their data export, not in a non-attendee’s', async () => {
    const journey = async (u: TestUser) => {
      const card = firstCard((await say(u, 'export my journey')).at(-1))!;
      const url = (card.actions as { type: string; url: string }[]).find(
        (a) => a.type === 'Action.OpenUrl',
      )!.url;
      const res = await fetch(`${e2e.baseUrl}${new URL(url).pathname}`);
      assert.equal(res.status, 200);
      return res.text();
    };
    const attendee = await journey(students[0]!);
    assert.match(attendee, /<caption>1 placement event attended<\/caption>/);
    assert.match(
      attendee,
      /<td>Mon 10 Feb 2025<\/td><td>Preceptorship study day<\/td><td>Preceptorship study day<\/td>/,
    );
    const absent = await journey(students[2]!);
    assert.match(absent, /No placement events attended yet/);

    const card = firstCard((await say(students[0]!, 'export my data')).at(-1))!;
    const res = await fetch(`${e2e.baseUrl}${new URL(card.actions[0].url as string).pathname}`);
    const data = (await res.json()) as {
      collections: Record<string, { eventId?: string; attended?: boolean }[]>;
    };
    assert.deepEqual(
      data.collections[collections.eventInvitations.name]!.map((i) => [i.eventId, i.attended]),
      [[eventId, true]],
    );
  });

  it('cancels an event: the invited are told, its jobs stop and its non-placement day is given back', async () => {
    e2e.clock.set(at('2025-02-11T10:00:00Z'));
    const request = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const created = await invoke(lead, 'event.create', {
      ...valid({
        requestId: request,
        title: 'Careers expo',
        kind: 'careers-expo',
        date: '2025-02-19',
        startTime: '13:00',
        endTime: '16:00',
      }),
    });
    assert.ok(texts(created).includes('Created. 5 students invited.'));
    const id = makeEventId(TENANT, request);
    assert.deepEqual((await e2e.services.cohorts.byId(TENANT, w.cohortId))!.nonPlacementDates.sort(), [
      '2025-02-10',
      '2025-02-19',
    ]);
    assert.match(
      String(await invoke(students[0]!, 'event.cancel', { eventId: id })),
      /Only the placement lead/,
    );
    const cancelled = texts(await invoke(lead, 'event.cancel', { eventId: id }));
    assert.ok(cancelled.includes('Cancelled. 5 invited people were told.'));
    texts(await invoke(lead, 'event.cancel', { eventId: id }));
    assert.equal((await outbox('event.cancelled')).length, 5);
    const doc = (await e2e.services.events.repo.eventById(TENANT, id))!;
    assert.equal(doc.state, 'cancelled');
    assert.equal((await e2e.services.scheduler.get(remindKey(doc)))?.state, 'cancelled');
    assert.deepEqual((await e2e.services.cohorts.byId(TENANT, w.cohortId))!.nonPlacementDates, [
      '2025-02-10',
    ]);
    // RSVP to a cancelled event is refused (the card says so); nothing changes.
    const rsvp = texts(await invoke(students[0]!, 'event.rsvp', { eventId: id, rsvp: 'yes' }));
    assert.ok(rsvp.some((t) => t.startsWith('Cancelled')));
    assert.equal(
      (await e2e.services.events.repo.invitation(
        TENANT,
        id,
        (await e2e.services.people.byEmail(TENANT, students[0]!.email!))!._id,
      ))!.rsvp,
      null,
    );
    await e2e.connector.waitFor(
      () => cardsIn(students[1]!).some((t) => t.startsWith('Cancelled: this event will not take place')),
      20_000,
    );
  });

  it('a double click creates one event; moving it moves its reminder and its non-placement day', async () => {
    e2e.clock.set(at('2025-02-11T10:00:00Z'));
    const request = '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d';
    const input = valid({
      requestId: request,
      title: 'Senior AHP meeting',
      kind: 'senior-ahp-meeting',
      date: '2025-02-24',
    });
    const before = (await outbox('event.invite')).length;
    const answers = await Promise.all([
      invoke(lead, 'event.create', input),
      invoke(lead, 'event.create', input),
    ]);
    const all = answers.map((a) => texts(a).join(' | '));
    assert.equal(all.filter((t) => t.includes('Created. 5 students invited.')).length, 1, all.join('\n'));
    assert.equal(all.filter((t) => t.includes('This event was already created.')).length, 1, all.join('\n'));
    const id = makeEventId(TENANT, request);
    assert.equal((await e2e.services.events.repo.invitationsOf(TENANT, id)).length, 5);
    assert.equal((await outbox('event.invite')).length, before + 5);
    const original = (await e2e.services.events.repo.eventById(TENANT, id))!;
    assert.ok(
      (await e2e.services.cohorts.byId(TENANT, w.cohortId))!.nonPlacementDates.includes('2025-02-24'),
    );

    const moved = texts(
      await invoke(lead, 'event.update', { ...input, date: '2025-02-25', eventId: id, revision: '1' }),
    );
    assert.ok(
      moved.some((t) => t.startsWith('Saved.')),
      moved.join(' | '),
    );
    const now = (await e2e.services.events.repo.eventById(TENANT, id))!;
    assert.equal(now.startsAt.toISOString(), '2025-02-25T09:30:00.000Z');
    assert.equal((await e2e.services.scheduler.get(remindKey(original)))?.state, 'cancelled');
    assert.equal((await e2e.services.scheduler.get(remindKey(now)))?.state, 'scheduled');
    assert.equal((await e2e.services.scheduler.get(afterKey(original)))?.state, 'cancelled');
    const dates = (await e2e.services.cohorts.byId(TENANT, w.cohortId))!.nonPlacementDates;
    assert.ok(dates.includes('2025-02-25') && !dates.includes('2025-02-24'), dates.join(','));
  });
});
