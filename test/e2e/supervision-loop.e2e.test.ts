/**
 * Issue 26, acceptance: the supervision loop, closed, over HTTP with the fake Bot Connector
 * and the controllable clock. Monday's wellbeing-1 check-in ("I am really struggling and
 * thinking of leaving") reaches the supervisor within a minute of the submit (the clock moves,
 * due jobs run and the outbox drains), not the lead while the cohort has no lead copy; the
 * student is told who was told; the supervisor opens it from `my students`, comments and
 * countersigns; the student sees both. Once the lead turns the lead copy on, words of distress
 * at wellbeing 4 reach the supervisor and the lead.
 *
 * Cohort "Spring 2025": Mon 3 Feb 2025, 6 weeks, supervision Thu 14:00, Europe/London (= UTC
 * in February), lead copy off until the lead turns it on.
 */
import assert from 'node:assert/strict';
import { firstCard, TENANT, type TestUser } from './harness.js';
import { checkinAnswers, executes, LoopWorld, loopUser } from '../helpers/loop-world.js';
import { waitUntil } from '../helpers/world.js';

const ALERT = /may need support today/;
const MINUTE = 60_000;

describe('e2e: the supervision loop, closed (issue 26 acceptance)', function () {
  this.timeout(240_000);
  const w = new LoopWorld();
  const priya = loopUser('sl-priya', 'Priya Shah');
  const tom = loopUser('sl-tom', 'Tom Reid');
  const sam = loopUser('sl-sam', 'Sam Okoro');
  const wendy = loopUser('sl-wendy', 'Wendy Marsh');
  const alertsTo = (u: TestUser) =>
    w.e2e.sentTo(w.conv(u)).filter((a) => ALERT.test(String(a.summary ?? '')));

  /** Moves the clock (10 s at a time, due jobs run, outbox drained) until `u` has `count` alerts; returns the ms it took. */
  const alertArrives = async (u: TestUser, count: number, from: string) => {
    const at = await waitUntil(w.e2e, () => alertsTo(u).length >= count, {
      stepMs: 10_000,
      withinMs: MINUTE - 1,
      what: `an alert for ${u.name}`,
    });
    return at.getTime() - Date.parse(from);
  };

  before(async () => {
    await w.start(
      [
        [priya, ['student']],
        [tom, ['student']],
        [sam, ['supervisor']],
        [wendy, ['lead']],
      ],
      [
        [priya, sam],
        [tom, sam],
      ],
    );
  });
  after(() => w.stop());

  it("Monday's wellbeing-1 check-in reaches the supervisor within a minute, not the lead (no lead copy); the student is told who was told", async () => {
    const submittedAt = '2025-02-10T10:00:00.000Z'; // Mon, week 2
    await w.setClock(submittedAt);
    const reply = w.texts(
      await w.exec(
        priya,
        'checkin.submit',
        checkinAnswers(2, 1, { hard: 'I am really struggling and thinking of leaving' }),
      ),
    );
    assert.match(reply, /Thank you, your check-in is saved\./);
    assert.match(reply, /Sam Okoro \(your supervisor\) has been told today/);
    assert.doesNotMatch(reply, /Wendy Marsh/, 'the cohort has no lead copy: the lead is not named');

    const took = await alertArrives(sam, 1, submittedAt);
    assert.ok(took < MINUTE, `arrived ${took} ms after the submit`);
    const alert = alertsTo(sam);
    assert.equal(alert.length, 1);
    assert.match(String(alert[0].summary), /^Priya Shah may need support today/);
    const texts = w.texts(firstCard(alert[0]));
    assert.match(texts, /Priya rated their wellbeing 1 of 5 and wrote “struggling”, “thinking of leaving”/);
    assert.match(texts, /Priya has been told that you were told\./);
    assert.deepEqual(alertsTo(wendy), [], 'no lead copy in this cohort');
  });

  it('the supervisor opens it from my students, comments and countersigns; the student sees both', async () => {
    await w.setClock('2025-02-10T10:20:00Z');
    const list = await w.say(sam, 'my students');
    const open = executes(list).find((b) => b.verb === 'checkin.view' && b.data.studentId === w.id(priya));
    assert.ok(open, 'an Open check-in button for Priya in my students');
    await w.exec(sam, open.verb, open.data);
    const card = firstCard(w.e2e.sentTo(w.conv(sam)).at(-1));
    assert.match(w.texts(card), /Priya Shah: week 2 of 6 check-in/);
    assert.match(w.texts(card), /Low wellbeing: Priya rated their wellbeing 1 of 5/);
    assert.deepEqual(
      executes(card).map((b) => b.title),
      ['Send comment', 'Countersign', 'Record session'],
    );

    const comment = executes(card).find((b) => b.verb === 'checkin.comment')!;
    const commented = await w.exec(sam, comment.verb, {
      ...comment.data,
      comment: 'Thank you for telling me. I will call you at 11 today.',
    });
    assert.match(w.texts(commented), /Comment sent to Priya Shah\./);
    const countersign = executes(commented).find((b) => b.verb === 'checkin.countersign')!;
    const signed = await w.exec(sam, countersign.verb, countersign.data);
    assert.match(w.texts(signed), /Countersigned Priya Shah's week 2 check-in\./);

    // The student is told of each, and her history and her card show both.
    assert.equal((await w.delivered(priya, /commented on your week 2/)).length, 1);
    assert.equal((await w.delivered(priya, /countersigned your week 2/)).length, 1);
    const history = JSON.stringify(await w.say(priya, 'my check-ins'));
    assert.match(
      history,
      /"title":"Week 2","value":"submitted · wellbeing 1 of 5 · countersigned · 1 comment"/,
    );
    const mine = w.texts(await w.exec(priya, 'checkin.refresh', { week: 2 }));
    assert.match(mine, /\*\*Sam Okoro\*\*: Thank you for telling me/);
    assert.match(mine, /Submitted · countersigned by Sam Okoro, \w{3} \d{1,2} \w{3}, \d{2}:\d{2}/);
  });

  it('once the lead turns the lead copy on, words of distress at wellbeing 4 reach the supervisor and the lead within a minute', async () => {
    await w.setClock('2025-02-10T11:00:00Z');
    const saved = await w.exec(wendy, 'workspace.cohort.save', {
      cohortId: w.cohortId,
      name: 'Spring 2025',
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
    });
    assert.match(w.texts(saved), /to the placement lead/);
    assert.equal((await w.e2e.services.cohorts.byId(TENANT, w.cohortId))?.safeguarding?.alertLead, true);

    const submittedAt = '2025-02-10T11:30:00.000Z';
    await w.setClock(submittedAt);
    const reply = w.texts(
      await w.exec(tom, 'checkin.submit', checkinAnswers(2, 4, { hard: 'I am being bullied on the ward.' })),
    );
    assert.match(
      reply,
      /Sam Okoro \(your supervisor\) and Wendy Marsh \(your placement lead\) have been told today/,
    );
    assert.ok((await alertArrives(wendy, 1, submittedAt)) < MINUTE);
    await alertArrives(sam, 2, submittedAt);
    const toSam = alertsTo(sam).filter((a) => /Tom Reid/.test(String(a.summary)));
    assert.equal(toSam.length, 1);
    assert.match(w.texts(firstCard(toSam[0])), /Tom wrote “bullied” in their week 2 check-in\./);
    const toWendy = alertsTo(wendy);
    assert.equal(toWendy.length, 1, 'the lead has one alert: Tom’s, not Priya’s from before the copy');
    assert.match(String(toWendy[0].summary), /^Tom Reid may need support today/);
  });
});
