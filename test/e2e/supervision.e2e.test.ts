/**
 * Acceptance for supervision sessions with actions (issue 17, part 2; escalation, part 4, is in
 * supervision-escalation.e2e.test.ts), through the real HTTP endpoint, the fake Bot Connector and
 * a controllable clock.
 *
 * Cohort "Spring 2025": Mon 3 Feb 2025, 6 weeks, Mon/Tue clinical, Wed/Thu leadership,
 * supervision Thu 14:00 (Europe/London = UTC in February), so week n's check-in is due on
 * Thu 6 Feb + 7(n-1) days at 14:00Z and its supervisor summary goes out at 12:00Z that day.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import type { AdaptiveCard } from '../../src/cards/cards.js';
import { cardTexts, firstCard, TENANT, type TestUser } from './harness.js';
import { user, answers, executes, World } from './supervision-world.js';

describe('e2e: a group supervision session with agreed actions (acceptance)', function () {
  this.timeout(240_000);
  const w = new World();
  const priya = user('sv-priya', 'Priya Shah');
  const tom = user('sv-tom', 'Tom Reid');
  const ana = user('sv-ana', 'Ana Costa');
  const ben = user('sv-ben', 'Ben Jones'); // supervised by Ruth, not at Sam's session
  const sam = user('sv-sam', 'Sam Okoro');
  const ruth = user('sv-ruth', 'Ruth Patel');
  const lead = user('sv-lead', 'Wendy Marsh');
  let recordCard: AdaptiveCard;
  let requestId = '';

  before(async () => {
    await w.start([
      [priya, ['student'], 'A'],
      [tom, ['student'], 'A'],
      [ana, ['student'], 'A'],
      [ben, ['student'], 'A'],
      [sam, ['supervisor'], 'A'],
      [ruth, ['supervisor'], 'A'],
      [lead, ['lead'], 'A'],
    ]);
    for (const s of [priya, tom, ana]) await w.link(s, sam);
    await w.link(ben, ruth);
  });
  after(() => w.e2e.stop());

  it('offers the supervisor a session card listing only their own students', async () => {
    await w.step('2025-02-06T15:00:00Z'); // week 1, after Thursday's supervision
    recordCard = firstCard(await w.say(sam, 'record supervision'))!;
    const texts = cardTexts(recordCard);
    assert.ok(texts.includes('Record supervision'), texts.join(' | '));
    const attendees = (recordCard.body as Record<string, unknown>[]).find((b) => b.id === 'attendees') as {
      choices: { title: string }[];
      isMultiSelect: boolean;
    };
    assert.deepEqual(
      attendees.choices.map((c) => c.title),
      ['Ana Costa (Spring 2025)', 'Priya Shah (Spring 2025)', 'Tom Reid (Spring 2025)'],
    );
    assert.equal(attendees.isMultiSelect, true);
    requestId = executes(recordCard).find((a) => a.verb === 'supervision.session.record')!.data
      .requestId as string;
    assert.ok(requestId);
  });

  it('refuses bad input field by field and writes nothing', async () => {
    const before = {
      sessions: await w.count(collections.supervisionSessions.name),
      actions: await w.count(collections.supervisionActions.name),
    };
    const bad = await w.exec(sam, 'supervision.session.record', {
      requestId,
      attendees: `${w.id(priya)},${w.id(ben)}`, // Ben is not Sam's student (a tampered id)
      date: '2025-02-30',
      minutes: '45',
      kind: 'group',
      notes: 'x'.repeat(20_000),
      action1Text: 'Draft the stakeholder map',
      action1Owner: w.id(priya),
      action1Due: '2025-02-01',
    });
    const texts = cardTexts(bad);
    assert.ok(
      texts.includes('Please check the highlighted fields; nothing was saved yet.'),
      texts.join(' | '),
    );
    assert.ok(texts.includes('Choose a real date from the calendar'));
    assert.ok(texts.includes('Must be 4000 characters or fewer'));
    // With the fields fixed, the tampered attendee is still refused.
    const tampered = await w.exec(sam, 'supervision.session.record', {
      requestId,
      attendees: `${w.id(priya)},${w.id(ben)}`,
      date: '2025-02-06',
      minutes: '45',
      kind: 'group',
      notes: '',
      action1Text: 'Draft the stakeholder map',
      action1Owner: w.id(ben),
      action1Due: '2025-02-13',
    });
    assert.ok(cardTexts(tampered).includes('You can only record supervision with students you supervise'));
    const future = await w.exec(sam, 'supervision.session.record', {
      requestId,
      attendees: w.id(priya),
      date: '2025-03-06',
      minutes: '0',
      kind: 'individual',
      action1Text: 'Something',
      action1Owner: w.id(tom), // did not attend
      action1Due: '2025-03-13',
    });
    const f = cardTexts(future);
    assert.ok(f.includes('The session date cannot be in the future'), f.join(' | '));
    assert.ok(f.includes('Enter minutes from 1 to 480'));
    assert.ok(f.includes('Choose yourself or a student who attended'));
    // An action due before the session it was agreed in is a field error, with what was typed kept.
    const early = await w.exec(sam, 'supervision.session.record', {
      requestId,
      attendees: w.id(priya),
      date: '2025-02-06',
      minutes: '45',
      kind: 'individual',
      notes: 'Talked about the audit.',
      action1Text: 'Draft the stakeholder map',
      action1Owner: w.id(priya),
      action1Due: '2025-02-05',
    });
    const e = cardTexts(early);
    assert.ok(e.includes('The due date is before the session'), e.join(' | '));
    assert.match(JSON.stringify(early), /"value":"Draft the stakeholder map"/);
    assert.deepEqual(
      {
        sessions: await w.count(collections.supervisionSessions.name),
        actions: await w.count(collections.supervisionActions.name),
      },
      before,
    );
  });

  it('records one group session for 3 students with 2 actions; each attendee gets the notes, only owners an action', async () => {
    const data = {
      requestId,
      attendees: [priya, tom, ana].map((u) => w.id(u)).join(','),
      date: '2025-02-06',
      minutes: '60',
      kind: 'group',
      notes: 'Falls audit: agreed the baseline plan.',
      action1Text: 'Draft the stakeholder map',
      action1Owner: w.id(priya),
      action1Due: '2025-02-13',
      action2Text: 'Book the ward manager for the baseline review',
      action2Owner: w.id(tom),
      action2Due: '2025-02-13',
    };
    const done = await w.exec(sam, 'supervision.session.record', data);
    const message = cardTexts(done).join(' | ');
    assert.match(
      message,
      /Recorded group supervision with Priya Shah, Tom Reid and Ana Costa on Thu 6 Feb 2025 \(60 minutes\)/,
    );
    await w.exec(sam, 'supervision.session.record', data); // a double click
    const sessions = await w.e2e.services.database.db
      .collection(collections.supervisionSessions.name)
      .find({})
      .toArray();
    assert.equal(sessions.length, 3);
    assert.equal(new Set(sessions.map((s) => s.sessionId)).size, 1);
    assert.equal(await w.count(collections.supervisionActions.name), 2);
    const delivered = await w.step('2025-02-06T15:05:00Z');
    const notesFor = (u: TestUser) =>
      delivered.filter(
        (c) => c.conversationId === w.conv(u) && /Notes from supervision/.test(String(c.activity?.summary)),
      );
    for (const u of [priya, tom, ana]) assert.equal(notesFor(u).length, 1, `${u.name} gets the notes once`);
    assert.equal(notesFor(ben).length, 0);
    const priyaNotes = cardTexts(firstCard(notesFor(priya)[0]!.activity)).join(' | ');
    assert.match(priyaNotes, /Falls audit: agreed the baseline plan\./);
    assert.match(priyaNotes, /• Draft the stakeholder map \(by Thu 13 Feb 2025\)/);
    assert.doesNotMatch(priyaNotes, /ward manager/);
    const anaNotes = cardTexts(firstCard(notesFor(ana)[0]!.activity)).join(' | ');
    assert.doesNotMatch(anaNotes, /You agreed to/);
  });

  it("shows each owner's action on their next check-in, and nothing for the student without one", async () => {
    await w.step('2025-02-10T09:00:00Z'); // week 2 prompts
    const card = async (u: TestUser) => firstCard(await w.say(u, 'check in'));
    const priyaCard = await card(priya);
    assert.ok(cardTexts(priyaCard).includes('You agreed to: **Draft the stakeholder map**'));
    assert.deepEqual(
      executes(priyaCard)
        .filter((a) => a.verb === 'supervision.action.update')
        .map((a) => a.title),
      ['Done', 'Not yet', 'Carry over'],
    );
    const tomCard = await card(tom);
    assert.ok(
      cardTexts(tomCard).includes('You agreed to: **Book the ward manager for the baseline review**'),
    );
    assert.ok(!cardTexts(tomCard).some((t) => t.includes('stakeholder map')));
    const anaCard = await card(ana);
    assert.ok(!cardTexts(anaCard).includes('From supervision'));
    assert.equal(executes(anaCard).filter((a) => a.verb === 'supervision.action.update').length, 0);

    // Priya marks hers done from the check-in card; the card comes back without it.
    const doneButton = executes(priyaCard).find((a) => a.title === 'Done')!;
    const after = await w.exec(priya, doneButton.verb, doneButton.data);
    assert.ok(cardTexts(after).includes('Week 2 of 6: supervision check-in'));
    assert.ok(!cardTexts(after).includes('From supervision'));
    // Tom is not there yet: it stays, marked, on his submitted check-in too.
    const notYet = executes(tomCard).find((a) => a.title === 'Not yet')!;
    await w.exec(tom, notYet.verb, notYet.data);
    const submitted = await w.exec(tom, 'checkin.submit', answers(2));
    const tomTexts = cardTexts(submitted);
    assert.ok(tomTexts.includes('Week 2 of 6: check-in received'));
    assert.ok(tomTexts.includes('You agreed to: **Book the ward manager for the baseline review**'));
    assert.ok(tomTexts.some((t) => t.includes('Not done yet')));
    // Someone else cannot touch Priya's action (a tampered id from another card).
    const refused = await w.exec(tom, doneButton.verb, { ...doneButton.data, update: 'not-yet' });
    assert.match(String(refused), /only update actions you agreed to/);
    const priyaAction = await w.e2e.services.supervision.repo.actionById(
      TENANT,
      doneButton.data.actionId as string,
    );
    assert.equal(priyaAction!.status, 'done');
  });

  it("the supervisor's next summary shows what was done, what is not yet, and nothing for Ana", async () => {
    const delivered = await w.step('2025-02-13T12:00:00Z'); // week 2 summary
    const digest = delivered.find(
      (c) =>
        c.conversationId === w.conv(sam) && /^Check-in summary for week 2/.test(String(c.activity?.summary)),
    );
    assert.ok(digest, 'Sam gets the week 2 summary');
    const card = firstCard(digest!.activity)!;
    const students = (card.body as Record<string, unknown>[]).filter(
      (b) => b.type === 'Container' && Array.isArray(b.items),
    );
    const block = (name: string) =>
      cardTexts(students.find((c) => cardTexts(c).some((t) => t.startsWith(`**${name}**`)))).join(' | ');
    assert.match(block('Priya Shah'), /Done ✓ Draft the stakeholder map/);
    assert.match(
      block('Tom Reid'),
      /Not done yet: Book the ward manager for the baseline review \(due Thu 13 Feb 2025\)/,
    );
    assert.doesNotMatch(block('Ana Costa'), /Agreed at supervision|Done ✓|Open:|Not done yet/);
    // Ruth's summary (Ben) mentions none of Sam's session.
    const ruths = delivered.find((c) => c.conversationId === w.conv(ruth));
    assert.ok(ruths);
    assert.doesNotMatch(JSON.stringify(firstCard(ruths!.activity)), /stakeholder|ward manager/);
  });

  it('my students: each supervisee with this week, open actions, shared reflections and buttons; no email typing', async () => {
    const card = firstCard(await w.say(sam, 'my students'));
    const texts = cardTexts(card);
    assert.ok(texts.includes('My students'));
    assert.ok(texts.includes('**Tom Reid**'));
    assert.ok(
      texts.some((t) => /^This week: Checked in \(wellbeing 4 of 5\)/.test(t)),
      texts.join(' | '),
    );
    assert.ok(
      texts.includes('• Book the ward manager for the baseline review · Due Thu 13 Feb 2025 · Not done yet'),
    );
    assert.ok(!texts.includes('**Ben Jones**'));
    const buttons = executes(card);
    const tomExport = buttons.find((b) => b.verb === 'journey.export' && b.data.studentId === w.id(tom));
    assert.ok(tomExport, 'an export button per student');
    const exported = await w.exec(sam, tomExport!.verb, tomExport!.data);
    assert.ok(cardTexts(exported).includes("Tom Reid's shared reflections"));
    const open = buttons.find((b) => b.verb === 'checkin.view' && b.data.studentId === w.id(tom))!;
    // The supervisor card arrives below the list (the list stays as it is).
    await w.exec(sam, open.verb, open.data);
    const opened = firstCard(w.e2e.sentTo(w.conv(sam)).at(-1));
    assert.ok(
      cardTexts(opened).some((t) => /^Tom Reid: week \d of \d check-in$/.test(t)),
      cardTexts(opened).join(' | '),
    );
    // A student who has not checked in opens too: the card says so and offers what can be done.
    assert.ok(buttons.some((b) => b.verb === 'checkin.view' && b.data.studentId === w.id(ana)));
  });
});

describe('e2e: a session for a project team picks the project’s members', function () {
  this.timeout(240_000);
  const w = new World();
  const priya = user('pt-priya', 'Priya Shah');
  const ben = user('pt-ben', 'Ben Jones'); // on the project, supervised by Ruth
  const tom = user('pt-tom', 'Tom Reid'); // Sam's student, not on the project
  const sam = user('pt-sam', 'Sam Okoro'); // supervises the project
  const ruth = user('pt-ruth', 'Ruth Patel');
  const lead = user('pt-lead', 'Wendy Marsh');
  let projectId = '';

  before(async () => {
    await w.start([
      [priya, ['student'], 'A'],
      [ben, ['student'], 'A'],
      [tom, ['student'], 'A'],
      [sam, ['supervisor'], 'A'],
      [ruth, ['supervisor'], 'A'],
      [lead, ['lead'], 'A'],
    ]);
    await w.link(priya, sam);
    await w.link(tom, sam);
    await w.link(ben, ruth);
    await w.post('/test/clock', { now: '2025-02-06T15:00:00Z' });
    const leadDoc = (await w.e2e.services.people.byId(TENANT, w.id(lead)))!;
    const created = await w.e2e.services.projects.create(TENANT, leadDoc, {
      requestId: 'pt-project',
      cohortId: w.cohortId,
      title: 'Falls audit',
      clinicalTeam: 'Ward 7',
      studentIds: `${w.id(priya)},${w.id(ben)}`,
      supervisorIds: w.id(sam),
    });
    assert.ok(cardTexts(created).includes('Falls audit'), JSON.stringify(created));
    projectId = (await w.e2e.services.projects.projectsOf({ tenantId: TENANT, _id: w.id(priya) }))[0]!
      .projectId;
  });
  after(() => w.e2e.stop());

  it('offers the project team on the card, records for its members, and refuses a supervisor of another team', async () => {
    const card = firstCard(await w.say(sam, 'record supervision'))!;
    const teams = (card.body as Record<string, unknown>[]).find((b) => b.id === 'projectId') as {
      choices: { title: string; value: string }[];
    };
    assert.deepEqual(teams.choices, [{ title: 'Falls audit (Ward 7)', value: projectId }]);
    const requestId = executes(card).find((a) => a.verb === 'supervision.session.record')!.data.requestId;
    const input = {
      requestId,
      attendees: '',
      projectId,
      date: '2025-02-06',
      minutes: '45',
      kind: 'project',
      notes: 'Baseline data plan.',
      action1Text: 'Collect the falls baseline',
      action1Owner: w.id(ben),
      action1Due: '2025-02-13',
    };
    // Ruth does not supervise the team: refused, nothing written.
    const refused = await w.exec(ruth, 'supervision.session.record', input);
    assert.ok(cardTexts(refused).includes('Choose one of your project teams'));
    assert.equal(await w.count(collections.supervisionSessions.name), 0);
    const done = await w.exec(sam, 'supervision.session.record', input);
    assert.match(
      cardTexts(done).join(' '),
      /Recorded project supervision with Priya Shah and Ben Jones on Thu 6 Feb 2025/,
    );
    const records = await w.e2e.services.database.db
      .collection(collections.supervisionSessions.name)
      .find({})
      .toArray();
    assert.deepEqual(records.map((r) => r.studentId).sort(), [w.id(priya), w.id(ben)].sort());
    assert.ok(records.every((r) => r.projectId === projectId));
    const delivered = await w.step('2025-02-06T15:05:00Z');
    const notes = (u: TestUser) =>
      delivered.filter(
        (c) => c.conversationId === w.conv(u) && /Notes from supervision/.test(String(c.activity?.summary)),
      );
    assert.equal(notes(priya).length, 1);
    assert.equal(notes(ben).length, 1);
    assert.equal(notes(tom).length, 0);
    assert.match(cardTexts(firstCard(notes(ben)[0]!.activity)).join(' | '), /Collect the falls baseline/);
  });
});
