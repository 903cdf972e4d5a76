/**
 * Projects used day to day (issue 29) through the real HTTP endpoint, the fake Bot Connector, a
 * controllable clock and the real local database.
 *
 * Cohort: Mon 23 Nov 2026, 6 weeks (calendar end Sun 3 Jan 2027), clinical Mon–Tue, leadership
 * Wed–Fri, supervision Thu 14:00, Europe/London. The clock starts at Mon 7 Dec 2026 09:00Z
 * (week 3). Lena leads the cohort; Sid supervises the "Falls huddle on Ward 7" team (Priya, Ben,
 * Cara); Olu supervises Dan, alone on "Discharge letters".
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT, seedWorld, waitUntil, type World } from '../helpers/world.js';
import { actionData } from './harness.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:pd-${key}`,
  aadObjectId: `aad-pd-${key}`,
  name,
  email: `${key}.pd@example.nhs.uk`,
});

/** The text of the element right after the input with this id (its field error, if any). */
function textUnder(card: unknown, inputId: string): string {
  let found = '';
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        const r = item as Record<string, unknown> | null;
        if (
          r &&
          typeof r === 'object' &&
          r.id === inputId &&
          typeof r.type === 'string' &&
          r.type.startsWith('Input.')
        ) {
          const next = node[i + 1] as Record<string, unknown> | undefined;
          found = next?.type === 'TextBlock' ? String(next.text) : '';
        }
      });
      node.forEach(walk);
      return;
    }
    if (node && typeof node === 'object') Object.values(node as Record<string, unknown>).forEach(walk);
  };
  walk(card);
  return found;
}

describe('e2e: projects day to day (issue 29)', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const lena = user('lena', 'Lena Hart');
  const sid = user('sid', 'Sid Patel');
  const olu = user('olu', 'Olu Adeyemi');
  const priya = user('priya', 'Priya Shah');
  const ben = user('ben', 'Ben Jones');
  const cara = user('cara', 'Cara Lewis');
  const dan = user('dan', 'Dan Brown');
  const everyone = [lena, sid, olu, priya, ben, cara, dan];
  let w: World;
  let falls = '';
  let letters = '';
  const start = new Date('2026-12-07T09:00:00Z');

  const exec = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a card or a message
    return res.body.value as any;
  };
  const say = async (u: TestUser, text: string) => {
    const message = e2e.message(u, text);
    await e2e.post(message);
    const replies = e2e.sentTo(`a:personal-${u.id}`).filter((a) => a.replyToId === message.id);
    assert.equal(replies.length, 1, `one reply to "${text}"`);
    return replies[0]!;
  };
  const texts = (value: unknown) => (value && typeof value === 'object' ? cardTexts(value) : [String(value)]);
  const count = (name: string, filter: Record<string, unknown> = {}) =>
    e2e.services.database.db.collection(name).countDocuments({ tenantId: TENANT, ...filter });

  before(async () => {
    e2e.clock.set(start);
    await e2e.start();
    w = await seedWorld(e2e, {
      cohort: {
        name: 'Leadership 2026 winter',
        ...DEFAULT_COHORT,
        startDate: '2026-11-23',
        weeks: 6,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
      },
      people: [
        [lena, ['lead']],
        [sid, ['supervisor']],
        [olu, ['supervisor']],
        [priya, ['student']],
        [ben, ['student']],
        [cara, ['student']],
        [dan, ['student']],
      ],
      links: [
        [priya, sid],
        [ben, sid],
        [cara, sid],
        [dan, olu],
      ],
      now: start,
    });
    for (const u of everyone) await e2e.post(e2e.install(u));
    // "Falls huddle" is created first, so an unsorted list has it first.
    const create = async (requestId: string, title: string, students: TestUser[], supervisor: TestUser) => {
      const card = await exec(lena, 'project.create', {
        requestId,
        cohortId: w.cohortId,
        title,
        clinicalTeam: 'Stroke rehabilitation, Ward 7',
        studentIds: students.map(w.id).join(','),
        supervisorIds: w.id(supervisor),
      });
      return String(actionData(card, 'project.edit')!.projectId);
    };
    falls = await create('req-falls-1', 'Falls huddle on Ward 7', [priya, ben, cara], sid);
    letters = await create('req-letters-1', 'Discharge letters', [dan], olu);
  });
  after(() => e2e.stop());

  it('`projects` and a lead’s `my project` count each project’s own students ("1 student", "3 students")', async () => {
    for (const words of ['projects', 'my project']) {
      const shown = cardTexts(firstCard(await say(lena, words))).join(' | ');
      assert.match(shown, /Discharge letters \| [^|]* · 1 student(?!s)/, shown);
      assert.match(shown, /Falls huddle on Ward 7 \| [^|]* · 3 students/, shown);
    }
  });

  const milestone = async (u: TestUser, projectId: string, extra: Record<string, unknown>) => {
    const card = await exec(u, 'project.milestones', { projectId });
    const { requestId } = actionData(card, 'project.milestone.add')!;
    return exec(u, 'project.milestone.add', { projectId, requestId, title: 'Audit', ...extra });
  };

  it('a milestone date outside the placement or impossible is marked under the date, and nothing is saved', async () => {
    for (const date of ['2027-02-01', '2026-02-30']) {
      const card = await milestone(sid, falls, { date });
      const under = textUnder(card, 'date');
      assert.ok(
        under !== '' && under !== 'Please correct the fields marked below; nothing was saved.',
        `${date}: ${cardTexts(card).join(' | ')}`,
      );
    }
    assert.equal(await count(collections.projectMilestones.name), 0);
  });

  it('a student may propose a milestone on their own project (not on another team’s)', async () => {
    const card = await milestone(priya, falls, { title: 'Baseline audit of huddles', date: '2026-12-16' });
    // The owner is the student who proposed it, unless they choose someone else on the team.
    assert.ok(
      texts(card).some((t) => t.includes('Priya Shah · To do')),
      texts(card).join(' | '),
    );
    assert.ok(
      texts(card).some((t) => t.startsWith('Milestone added: Baseline audit of huddles')),
      texts(card).join(' | '),
    );
    const other = await exec(priya, 'project.milestone.add', {
      projectId: letters,
      requestId: 'priya-on-letters',
      title: 'Not mine',
      date: '2026-12-16',
    });
    assert.ok(
      texts(other).some((t) => /not one of yours/.test(t)),
      texts(other).join(' | '),
    );
    assert.equal(await count(collections.projectMilestones.name), 1);
  });

  const presentation = (extra: Record<string, unknown> = {}) => ({
    projectId: letters,
    date: '2026-12-17',
    time: '14:00',
    minutes: '45',
    teamsLink: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_letters',
    audienceIds: w.id(olu),
    ...extra,
  });

  it('presentation times after the placement or outside working hours are refused with a field error', async () => {
    const late = await exec(
      lena,
      'project.presentation.save',
      presentation({ date: '2027-01-03', time: '23:30', minutes: '180' }),
    );
    assert.notEqual(textUnder(late, 'date') + textUnder(late, 'time'), '', cardTexts(late).join(' | '));
    const night = await exec(
      lena,
      'project.presentation.save',
      presentation({ date: '2026-12-13', time: '03:01' }),
    );
    assert.notEqual(textUnder(night, 'date') + textUnder(night, 'time'), '', cardTexts(night).join(' | '));
    const evening = await exec(
      lena,
      'project.presentation.save',
      presentation({ date: '2026-12-17', time: '16:30' }),
    );
    assert.notEqual(textUnder(evening, 'time'), '', cardTexts(evening).join(' | '));
    const project = await e2e.services.projects.repo.project(TENANT, letters);
    assert.equal(project!.presentation, null);
  });

  it('booking a presentation: one invitee is "the person invited"; the card shows the year', async () => {
    const card = await exec(lena, 'project.presentation.save', presentation());
    const shown = cardTexts(card).join(' | ');
    assert.ok(!shown.includes('The 1 people'), shown);
    assert.match(shown, /The person invited/, shown);
    assert.match(shown, /Thu 17 Dec 2026, 14:00/, shown);
  });

  it('saving the presentation again with the same slot (one more invitee) keeps its feedback request scheduled', async () => {
    await exec(
      lena,
      'project.presentation.save',
      presentation({ audienceIds: [olu, sid].map(w.id).join(',') }),
    );
    const jobs = await e2e.services.database.db
      .collection(collections.jobs.name)
      .find({ type: 'projects.feedback-request', 'payload.projectId': letters })
      .toArray();
    assert.deepEqual(
      jobs.map((j) => [j.runAt.toISOString(), j.state]),
      [['2026-12-17T14:45:00.000Z', 'scheduled']],
    );
  });

  it('one placement end date: the milestone card and the event card both end on Fri 1 Jan 2027', async () => {
    const milestones = cardTexts(await exec(sid, 'project.milestones', { projectId: falls })).join(' | ');
    assert.match(milestones, /and Fri 1 Jan 2027 \(the placement\)/, milestones);
    const outside = await milestone(sid, falls, { date: '2027-01-03' });
    assert.match(textUnder(outside, 'date'), /to Fri 1 Jan 2027/);
    const event = await exec(lena, 'event.create', {
      requestId: '8f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
      fixedCohortId: w.cohortId,
      title: 'Reflective workshop',
      kind: 'reflective-workshop',
      date: '2027-01-10',
      startTime: '09:30',
      endTime: '12:30',
      location: 'Education Centre, room 4',
      onlineLink: '',
      description: '',
    });
    assert.match(cardTexts(event).join(' | '), /to Fri 1 Jan 2027\)/);
  });

  it('a student posts a project update any time, and it is on the project card once (double click)', async () => {
    const card = await exec(priya, 'project.view', { projectId: falls });
    const { requestId } = actionData(card, 'project.update.post')!;
    const data = {
      projectId: falls,
      requestId,
      updateText: 'Ran the second huddle; nurses liked the shorter checklist.',
    };
    await exec(priya, 'project.update.post', data);
    const again = cardTexts(await exec(priya, 'project.update.post', data)).join(' | ');
    assert.ok(again.includes('your update is on the project (week 3)'), again);
    const seen = cardTexts(await exec(sid, 'project.view', { projectId: falls })).join(' | ');
    assert.equal(seen.split('nurses liked the shorter checklist').length - 1, 1, seen);
    assert.equal(
      actionData(await exec(sid, 'project.view', { projectId: falls }), 'project.update.post'),
      undefined,
    );
  });

  it('a milestone due in 2 days reminds its owner once however often jobs run; missed, it shows overdue to the team and the supervisor', async () => {
    const added = await milestone(sid, falls, {
      title: 'Huddle checklist, second version',
      date: '2026-12-09',
      ownerId: w.id(ben),
    });
    assert.ok(
      texts(added).some((t) => t.startsWith('Milestone added: Huddle checklist')),
      texts(added).join(' | '),
    );
    const reminders = () =>
      e2e
        .sentTo(`a:personal-${ben.id}`)
        .filter((a) => JSON.stringify(a).includes('Huddle checklist, second version'));
    const remindedAt = await waitUntil(e2e, () => reminders().length > 0, {
      stepMs: 3 * 3_600_000,
      what: 'the reminder',
    });
    // The working day before, at the start of working time (Tue 8 Dec, 09:00 GMT).
    assert.equal(remindedAt.toISOString(), '2026-12-08T09:00:00.000Z');
    // Jobs keep running, several times at each step, until well after the date (Fri 11 Dec).
    for (let i = 0; i < 12; i++) {
      e2e.clock.advance(6 * 3_600_000);
      for (let run = 0; run < 3; run++) await e2e.services.scheduler.runDue();
      await e2e.services.sender.drain();
    }
    assert.equal(reminders().length, 1);
    assert.equal(await count(collections.outbox.name, { purpose: 'project.milestone.reminder' }), 1);
    // Nobody else was reminded of it.
    for (const u of [priya, cara, sid, lena])
      assert.equal(
        e2e
          .sentTo(`a:personal-${u.id}`)
          .filter((a) => JSON.stringify(a).includes('Huddle checklist, second version')).length,
        0,
        u.name,
      );
    // Fri 11 Dec: missed. The team (`my project`) and the supervisor see it overdue.
    for (const u of [ben, priya]) {
      const shown = cardTexts(firstCard(await say(u, 'my project'))).join(' | ');
      assert.match(shown, /1 milestone overdue/, `${u.name}: ${shown}`);
      assert.match(shown, /Huddle checklist, second version \| Ben Jones · Overdue/, `${u.name}: ${shown}`);
    }
    const supervisor = cardTexts(await exec(sid, 'project.view', { projectId: falls })).join(' | ');
    assert.match(supervisor, /Ben Jones · Overdue/, supervisor);
    const listed = cardTexts(firstCard(await say(sid, 'projects'))).join(' | ');
    assert.match(listed, /Falls huddle on Ward 7 \| [^|]* · 3 students · 1 milestone overdue/, listed);
    // Ben marks it done: no longer overdue.
    const list = await exec(ben, 'project.milestones', { projectId: falls });
    const done = actionData(list, 'project.milestone.done')!;
    await exec(ben, 'project.milestone.done', done);
    const after = cardTexts(await exec(sid, 'project.view', { projectId: falls })).join(' | ');
    assert.ok(!after.includes('overdue') && after.includes('Ben Jones · Done'), after);
  });

  it('a presentation with an audience: staff and a peer score the lead’s criteria, change theirs until it closes; the team sees the summary and it is in the journey export', async () => {
    const booked = await exec(
      lena,
      'project.presentation.save',
      presentation({
        time: '10:00',
        audienceIds: [olu, priya].map(w.id).join(','),
        criteria: 'Clear aim\nUse of data',
      }),
    );
    assert.ok(
      cardTexts(booked).some((t) => t.includes('The 2 people invited')),
      cardTexts(booked).join(' | '),
    );
    const form = cardTexts(await exec(lena, 'project.presentation', { projectId: letters })).join(' | ');
    assert.match(form, /Priya Shah \(student, physiotherapy\)/, form);
    assert.ok(!form.includes('Dan Brown'), 'the team’s own students are not its raters');
    // After it ends (10:45), the staff member and the peer each get one feedback card with the criteria.
    e2e.clock.set(new Date('2026-12-17T10:50:00Z'));
    await e2e.services.scheduler.runDue();
    await e2e.services.sender.drain();
    for (const u of [olu, priya]) {
      const cards = e2e
        .sentTo(`a:personal-${u.id}`)
        .map(firstCard)
        .filter((c) => cardTexts(c).includes('How was “Discharge letters”?'));
      assert.equal(cards.length, 1, u.name);
      assert.ok(JSON.stringify(cards[0]).includes('"label":"Use of data"'), u.name);
    }
    const first = await exec(priya, 'project.feedback', {
      projectId: letters,
      rating: '4',
      score0: '5',
      score1: '3',
      comment: 'Clear letters.',
    });
    assert.ok(
      cardTexts(first).some((t) => t.startsWith('Thank you. You rated it 4 of 5')),
      cardTexts(first).join(' | '),
    );
    const changed = await exec(priya, 'project.feedback', {
      projectId: letters,
      rating: '5',
      score0: '5',
      score1: '4',
      comment: 'Clear letters.',
    });
    assert.ok(
      cardTexts(changed).some((t) => t.startsWith('Your feedback is changed: now 5 of 5')),
      cardTexts(changed).join(' | '),
    );
    const bad = await exec(olu, 'project.feedback', { projectId: letters, rating: '3', score0: '9' });
    assert.ok(
      cardTexts(bad).includes('Choose a value from 1 to 5, or leave it blank'),
      cardTexts(bad).join(' | '),
    );
    await exec(olu, 'project.feedback', {
      projectId: letters,
      rating: '3',
      score0: '4',
      score1: '',
      comment: '',
    });
    assert.equal(await count(collections.projectFeedback.name, { projectId: letters }), 2);
    const team = cardTexts(await exec(dan, 'project.view', { projectId: letters })).join(' | ');
    assert.ok(team.includes('Presentation feedback: 2 ratings, average 4.0 of 5'), team);
    assert.ok(
      team.includes('Clear aim: 4.5 of 5 (2 scores)') && team.includes('Use of data: 4.0 of 5 (1 score)'),
      team,
    );
    // A week after it ended, feedback is closed: nothing changes.
    e2e.clock.set(new Date('2026-12-24T11:00:00Z'));
    const late = await exec(priya, 'project.feedback', { projectId: letters, rating: '1', comment: 'late' });
    assert.ok(
      cardTexts(late).some((t) => t.startsWith('Feedback closed on Thu 24 Dec 2026, 10:45')),
      cardTexts(late).join(' | '),
    );
    const journey = await e2e.services.projects.journeyOf(TENANT, w.id(dan));
    const fromPriya = journey!.feedback.find((f) => f.from === 'Priya Shah')!;
    assert.equal(fromPriya.rating, 5);
    assert.equal(fromPriya.comment, 'Clear aim 5 of 5, Use of data 4 of 5. Clear letters.');
  });

  it('project supervision on the project: a session for the team shows on the card with its agreed actions; a supervisor sees every project their students are on', async () => {
    const form = firstCard(await say(sid, 'record supervision'));
    const requestId = actionData(form, 'supervision.session.record')!.requestId;
    const recorded = await exec(sid, 'supervision.session.record', {
      requestId,
      attendees: '',
      projectId: falls,
      date: '2026-12-10',
      minutes: '45',
      kind: 'project',
      notes: 'Huddle checklist review.',
      action1Text: 'Shorten the checklist to one page',
      action1Owner: w.id(ben),
      action1Due: '2026-12-30',
    });
    assert.match(
      cardTexts(recorded).join(' '),
      /Recorded project supervision/,
      cardTexts(recorded).join(' | '),
    );
    const team = cardTexts(await exec(priya, 'project.view', { projectId: falls })).join(' | ');
    assert.ok(
      team.includes(
        'Project supervision | Thu 10 Dec 2026, 45 minutes with Sid Patel | Huddle checklist review. | Agreed actions',
      ),
      team,
    );
    assert.ok(team.includes('Shorten the checklist to one page: Ben Jones, by Wed 30 Dec 2026 (open)'), team);
    // The lead sees what was agreed, not the notes (they are for those who were there).
    const lead = cardTexts(await exec(lena, 'project.view', { projectId: falls })).join(' | ');
    assert.ok(
      lead.includes('Shorten the checklist to one page') && !lead.includes('Huddle checklist review.'),
      lead,
    );
    // Olu, who supervises only Dan, does not see "Falls huddle"; once he supervises Priya too, he does.
    assert.ok(
      !cardTexts(firstCard(await say(olu, 'projects')))
        .join(' | ')
        .includes('Falls huddle'),
    );
    assert.equal(typeof (await exec(olu, 'project.view', { projectId: falls })), 'string');
    await e2e.services.supervisions.link(TENANT, w.id(priya), w.id(olu), e2e.clock.now());
    const list = cardTexts(firstCard(await say(olu, 'projects'))).join(' | ');
    assert.ok(list.includes('Falls huddle on Ward 7') && list.includes('Discharge letters'), list);
    const seen = cardTexts(await exec(olu, 'project.view', { projectId: falls })).join(' | ');
    assert.ok(seen.includes('Shorten the checklist to one page'), seen);
    // Seeing is not managing: he is not one of its supervisors.
    assert.equal(
      actionData(await exec(olu, 'project.view', { projectId: falls }), 'project.edit'),
      undefined,
    );
  });
});
