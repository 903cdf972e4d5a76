/**
 * Issue 26, item 1: the same-day safeguarding alert, over HTTP with the fake Bot Connector and
 * the controllable clock. Monday's wellbeing-1 check-in ("I am really struggling and thinking
 * of leaving") reaches the supervisor within a minute of submission, not Friday's summary; the
 * student is told who was told; a re-submit of the same week alerts nobody again; a cohort
 * that asks for it copies its lead.
 *
 * Cohorts: "Spring 2025" (Mon 3 Feb 2025, 6 weeks, supervision Thu 14:00, Europe/London = UTC
 * in February; no lead copy) and "Lead copy 2025" (the same calendar, with the lead copy on).
 * The scheduler is stopped and no job is run: whatever arrives comes from the submit itself.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

const answers = (week: number, wellbeing: number, hard = '', topics = '') => ({
  week,
  wellbeing: String(wellbeing),
  progress: `Week ${week}: falls audit on track.`,
  leadership: '',
  wentWell: 'Led the huddle.',
  hard,
  topics,
  conf_leadership: '3',
  'conf_time-management': '3',
  'conf_interprofessional-collaboration': '3',
  'conf_professional-behaviours': '3',
  conf_communication: '3',
});

const ALERT = /may need support today/;

describe('e2e: same-day safeguarding alert (issue 26, item 1)', function () {
  this.timeout(240_000);
  const e2e = new E2E();
  const priya = user('sg-priya', 'Priya Shah'); // Spring, supervised by Sam
  const ana = user('sg-ana', 'Ana Costa'); // Spring, supervised by Ruth
  const ben = user('sg-ben', 'Ben Jones'); // Lead copy, supervised by Ruth
  const sam = user('sg-sam', 'Sam Okoro');
  const ruth = user('sg-ruth', 'Ruth Patel');
  const aaron = user('sg-aaron', 'Aaron Able'); // Spring, supervised by Sam, doing fine
  const carl = user('sg-carl', 'Carl Dunn'); // Spring, supervised by Sam, never checks in
  const wendy = user('sg-wendy', 'Wendy Marsh'); // leads Spring
  const lena = user('sg-lena', 'Lena Byrne'); // leads Lead copy
  const ids = new Map<string, string>();
  let copyId = '';
  const conv = (u: TestUser) => `a:personal-${u.id}`;
  const alertsTo = (u: TestUser) => e2e.sentTo(conv(u)).filter((a) => ALERT.test(String(a.summary ?? '')));

  const setClock = async (iso: string) => {
    const res = await fetch(`${e2e.baseUrl}/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: iso }),
    });
    assert.equal(res.status, 200);
  };
  const submit = async (u: TestUser, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, 'checkin.submit', data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return cardTexts(res.body.value).join(' | ');
  };

  before(async () => {
    await e2e.start({ JOBS_POLL_MS: '60000' });
    await e2e.services.scheduler.stop(); // no job runs: no digest can carry the news
    const now = new Date('2025-01-20T12:00:00Z');
    const { cohorts, people, supervisions } = e2e.services;
    const calendar = {
      ...DEFAULT_COHORT,
    } as const;
    const { id: spring } = await cohorts.upsertByName(
      TENANT,
      { ...calendar, name: 'Spring 2025' } as never,
      now,
    );
    const { id: copy } = await cohorts.upsertByName(
      TENANT,
      { ...calendar, name: 'Lead copy 2025' } as never,
      now,
    );
    copyId = copy;
    const add = async (u: TestUser, roles: ('student' | 'supervisor' | 'lead')[], cohortId: string) => {
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession: 'physiotherapy',
          cohortId,
          timeZone: null,
        },
        now,
      );
      ids.set(u.name, (await people.byEmail(TENANT, u.email!))!._id);
    };
    await add(priya, ['student'], spring);
    await add(ana, ['student'], spring);
    await add(aaron, ['student'], spring);
    await add(carl, ['student'], spring);
    await add(ben, ['student'], copy);
    await add(sam, ['supervisor'], spring);
    await add(ruth, ['supervisor'], spring);
    await add(wendy, ['lead'], spring);
    await add(lena, ['lead'], copy);
    await supervisions.link(TENANT, ids.get(priya.name)!, ids.get(sam.name)!, now);
    await supervisions.link(TENANT, ids.get(ana.name)!, ids.get(ruth.name)!, now);
    await supervisions.link(TENANT, ids.get(aaron.name)!, ids.get(sam.name)!, now);
    await supervisions.link(TENANT, ids.get(carl.name)!, ids.get(sam.name)!, now);
    await supervisions.link(TENANT, ids.get(ben.name)!, ids.get(ruth.name)!, now);
    for (const u of [priya, ana, aaron, carl, ben, sam, ruth, wendy, lena]) {
      e2e.teamsUser(u);
      await e2e.post(e2e.install(u));
    }
    await e2e.services.sender.drain();
  });
  after(() => e2e.stop());

  it("Monday's wellbeing-1 check-in reaches the supervisor within a minute of the submit, and the student is told who was told", async () => {
    const submittedAt = '2025-02-10T10:00:00.000Z'; // Mon, week 2
    await setClock(submittedAt);
    const reply = await submit(
      priya,
      answers(2, 1, 'I am really struggling and thinking of leaving', 'Whether I can carry on.'),
    );
    assert.match(reply, /Thank you, your check-in is saved\./);
    assert.match(reply, /Sam Okoro \(your supervisor\) has been told today/);
    assert.doesNotMatch(reply, /Wendy Marsh/); // Spring has no lead copy

    await setClock('2025-02-10T10:00:59.000Z'); // still within the minute, and no job runs
    await e2e.services.sender.drain(30_000);
    const alerts = alertsTo(sam);
    assert.equal(alerts.length, 1, 'one alert in the supervisor’s chat');
    const item = await e2e.services.database.db
      .collection(collections.outbox.name)
      .findOne({ purpose: 'checkin.safeguarding', personId: ids.get(sam.name) });
    assert.ok(item, 'the alert went through the outbox');
    assert.equal(new Date(item!.createdAt).toISOString(), submittedAt, 'enqueued at the submit instant');
    assert.ok(new Date(item!.notBefore).getTime() - Date.parse(submittedAt) < 60_000);

    const card = firstCard(alerts[0])!;
    const texts = cardTexts(card).join(' | ');
    for (const expected of [
      'Priya Shah may need support today',
      'Priya rated their wellbeing 1 of 5 and wrote “struggling”, “thinking of leaving” in their week 2 check-in.',
      '**What was hard:** I am really struggling and thinking of leaving',
      '**For supervision:** Whether I can carry on.',
      'Priya has been told that you were told.',
    ])
      assert.ok(texts.includes(expected), `${expected}\n in: ${texts}`);
    assert.match(texts, /Please contact Priya today/);
    const facts = card.body.find((b: { type: string }) => b.type === 'FactSet').facts;
    assert.deepEqual(facts, [
      { title: 'Student', value: 'Priya Shah' },
      { title: 'Cohort', value: 'Spring 2025, week 2 of 6' },
      { title: 'Wellbeing', value: '1 of 5' },
      { title: 'Checked in', value: 'Mon 10 Feb, 10:00' },
    ]);
    const open = card.actions.find((a: { verb?: string }) => a.verb === 'checkin.view');
    assert.deepEqual(open.data, { studentId: ids.get(priya.name), week: 2 });
    // The button works for the supervisor: the check-in with her words.
    const opened = await e2e.post(e2e.execute(sam, 'checkin.view', open.data));
    assert.match(JSON.stringify(opened.body.value), /I am really struggling and thinking of leaving/);

    for (const u of [ruth, wendy, lena]) assert.deepEqual(alertsTo(u), [], `${u.name} was not alerted`);
  });

  it('a re-submit of the same week that stays low (edit, double click) alerts nobody again, and still names who was told', async () => {
    await setClock('2025-02-10T15:00:00Z');
    const edited = answers(2, 2, 'Still struggling; I can’t cope with nights.');
    const replies = await Promise.all([submit(priya, edited), submit(priya, edited)]);
    for (const reply of replies) {
      assert.match(reply, /Your changes are saved\./);
      assert.match(reply, /Sam Okoro \(your supervisor\) has been told today/);
    }
    await e2e.services.sender.drain(30_000);
    assert.equal(alertsTo(sam).length, 1);
    assert.equal(
      await e2e.services.database.db
        .collection(collections.outbox.name)
        .countDocuments({ purpose: 'checkin.safeguarding' }),
      1,
    );
  });

  it('a fine check-in alerts nobody; an edit that makes it low alerts once', async () => {
    await setClock('2025-02-10T11:00:00Z');
    const fine = await submit(ana, answers(2, 4, 'Busy week.'));
    assert.doesNotMatch(fine, /has been told/);
    await e2e.services.sender.drain(30_000);
    assert.deepEqual(alertsTo(ruth), []);

    await setClock('2025-02-11T09:30:00Z');
    const low = await submit(ana, answers(2, 2, 'Busy week, and not sleeping.'));
    assert.match(low, /Ruth Patel \(your supervisor\) has been told today/);
    await submit(ana, answers(2, 1, 'Worse today.'));
    await e2e.services.sender.drain(30_000);
    const alerts = alertsTo(ruth);
    assert.equal(alerts.length, 1);
    assert.ok(cardTexts(firstCard(alerts[0])).includes('**What was hard:** Busy week, and not sleeping.'));
  });

  it('words of distress alert at any wellbeing; a cohort whose lead turned the lead copy on copies its lead, and the student is told both names', async () => {
    await setClock('2025-02-10T12:00:00Z');
    // Lena turns the lead copy on from her cohort's edit form (lead workspace).
    const form = {
      cohortId: copyId,
      name: 'Lead copy 2025',
      startDate: '2025-02-03',
      weeks: '6',
      endDate: '',
      clinicalDays: 'Mon,Tue',
      leadershipDays: 'Wed,Thu',
      supervisionDay: 'Thu',
      supervisionTime: '14:00',
      timeZone: 'Europe/London',
      promptTime: '09:00',
      reminderHours: '24',
      digestHours: '2',
      alertWellbeing: '2',
      alertLead: 'true',
    };
    const saved = await e2e.post(e2e.execute(lena, 'workspace.cohort.save', form));
    assert.match(
      JSON.stringify(saved.body.value),
      /goes to the student's supervisors at once and to the placement lead\(s\)/,
    );
    assert.deepEqual((await e2e.services.cohorts.byId(TENANT, copyId))?.safeguarding, {
      alertLead: true,
      alertWellbeingAtOrBelow: 2,
    });

    const reply = await submit(ben, answers(2, 4, 'I am being bullied by a staff member on the ward.'));
    assert.match(
      reply,
      /Ruth Patel \(your supervisor\) and Lena Byrne \(your placement lead\) have been told today/,
    );
    assert.match(reply, /Samaritans are there day or night on 116 123/); // signposting, at wellbeing 4 too
    await e2e.services.sender.drain(30_000);
    const toRuth = alertsTo(ruth).filter((a) => /Ben Jones/.test(String(a.summary)));
    const toLena = alertsTo(lena);
    assert.equal(toRuth.length, 1);
    assert.equal(toLena.length, 1);
    const lenaTexts = cardTexts(firstCard(toLena[0])).join(' | ');
    assert.match(lenaTexts, /Ben wrote “bullied” in their week 2 check-in\./);
    assert.match(lenaTexts, /Ben has been told that you and Ruth Patel \(supervisor\) were told\./);
    assert.match(lenaTexts, /Ben's supervisor has this alert too/);
    assert.deepEqual(alertsTo(wendy), [], 'the other cohort’s lead is not told');
    // The lead may open it too.
    const open = firstCard(toLena[0])!.actions.find((a: { verb?: string }) => a.verb === 'checkin.view');
    const opened = await e2e.post(e2e.execute(lena, 'checkin.view', open.data));
    assert.match(JSON.stringify(opened.body.value), /I am being bullied by a staff member on the ward\./);
  });

  it("Thursday's summary lists the flagged student first, then the missed-weeks run, with every field filled in", async () => {
    await setClock('2025-02-11T08:00:00Z');
    await submit(aaron, {
      ...answers(2, 4, 'Busy.'),
      leadership: 'Watched the ward manager chair a safety huddle.',
    });
    // Week 2's summary goes at 12:00Z on Thu 13 Feb (two hours before supervision).
    const runDue = async (iso: string) => {
      await setClock(iso);
      const res = await fetch(`${e2e.baseUrl}/test/jobs/run-due`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(res.status, 200);
      await e2e.services.sender.drain(30_000);
    };
    await runDue('2025-02-13T11:59:00Z');
    await runDue('2025-02-13T12:00:00Z');
    const digest = e2e.sentTo(conv(sam)).find((a) => /^Check-in summary for week 2/.test(String(a.summary)));
    assert.ok(digest, 'Sam has the week 2 summary');
    const texts = cardTexts(firstCard(digest)).join(' | ');
    const order = ['**Priya Shah**', '**Carl Dunn**', '**Aaron Able**'].map((n) => texts.indexOf(n));
    assert.ok(order.every((i) => i >= 0) && order[0]! < order[1]! && order[1]! < order[2]!, texts);
    assert.match(
      texts,
      /\*\*Carl Dunn\*\* · 2nd week without a check-in: missed week 1, and none yet for week 2/,
    );
    assert.doesNotMatch(texts, /\*\*Carl Dunn\*\* · not checked in yet/);
    assert.match(texts, /Low wellbeing reported \(2 of 5\), with “struggling”, “can't cope”/);
    // Every field Aaron filled in, each under its own label.
    const json = JSON.stringify(firstCard(digest));
    for (const [title, value] of [
      ['Wellbeing', '4 of 5'],
      ['Project progress', 'Week 2: falls audit on track.'],
      ['Leadership behaviours you observed', 'Watched the ward manager chair a safety huddle.'],
      ['What went well', 'Led the huddle.'],
      ['What was hard', 'Busy.'],
      ['Confidence (baseline)', 'Leadership 3, Time management 3'],
    ])
      assert.ok(json.includes(`{"title":"${title}","value":"${value}`), `${title}: ${value}\n in: ${json}`);

    // A week later Carl has still not checked in: the third week in a row, said as such.
    await runDue('2025-02-20T11:59:00Z');
    await runDue('2025-02-20T12:00:00Z');
    const week3 = e2e.sentTo(conv(sam)).find((a) => /^Check-in summary for week 3/.test(String(a.summary)));
    assert.ok(week3, 'Sam has the week 3 summary');
    const texts3 = cardTexts(firstCard(week3)).join(' | ');
    assert.match(
      texts3,
      /\*\*Carl Dunn\*\* · 3rd week without a check-in: missed weeks 1 and 2, and none yet for week 3/,
    );
    assert.doesNotMatch(texts3, /\*\*Carl Dunn\*\* · not checked in yet/);
  });
});
