/**
 * Issue 26, items 3 (nudges) and 4 (late check-ins), over HTTP with the fake Bot Connector and
 * the controllable clock: a missed week produces one nudge, in working hours, however often
 * time passes or the supervisor presses Nudge; a late check-in is accepted until the placement
 * ends, the form says so at that moment, and the supervisor sees it marked late.
 *
 * "Spring 2025": Mon 3 Feb 2025, 6 weeks, supervision (= due) Thu 14:00, Europe/London (UTC in
 * February), ends Sun 16 Mar 2025. Week 2 is due Thu 13 Feb 14:00.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { cardTexts, firstCard, TENANT } from './harness.js';
import { checkinAnswers, executes, LoopWorld, loopUser } from '../helpers/loop-world.js';

describe('e2e: missed weeks are nudged once in working hours, and can be caught up late (issue 26, items 3 and 4)', function () {
  this.timeout(240_000);
  const w = new LoopWorld();
  const ana = loopUser('mw-ana', 'Ana Costa');
  const tom = loopUser('mw-tom', 'Tom Reid');
  const carl = loopUser('mw-carl', 'Carl Dunn');
  const priya = loopUser('mw-priya', 'Priya Shah');
  const sam = loopUser('mw-sam', 'Sam Okoro');
  const lee = loopUser('mw-lee', 'Lee Hart');

  const nudgeItems = async (u: typeof ana) =>
    w.e2e.services.database.db
      .collection(collections.outbox.name)
      .find({ purpose: 'checkin.nudge', personId: w.id(u) })
      .toArray();
  /** The hourly job at an instant (the test clock moves, the job runs). */
  const jobAt = async (iso: string) => {
    await w.setClock(iso);
    return w.e2e.services.checkins.nudges.runAll(new Date(iso));
  };

  before(async () => {
    await w.start(
      [
        [ana, ['student']],
        [tom, ['student']],
        [carl, ['student']],
        [priya, ['student']],
        [sam, ['supervisor']],
        [lee, ['lead']],
      ],
      [
        [ana, sam],
        [tom, sam],
        [carl, sam],
        [priya, sam],
      ],
    );
    await w.setClock('2025-02-03T10:00:00Z'); // Mon, week 1: everyone checks in
    for (const u of [ana, tom, carl, priya]) await w.exec(u, 'checkin.submit', checkinAnswers(1, 4));
    await w.setClock('2025-02-10T10:00:00Z'); // Mon, week 2: only Priya does
    await w.exec(priya, 'checkin.submit', checkinAnswers(2, 4));
  });
  after(() => w.stop());

  it('the job nudges only in working hours, once per missed week, however often it runs', async () => {
    assert.equal(await jobAt('2025-02-13T13:00:00Z'), 0, 'Thu 13:00: not due yet');
    assert.equal(await jobAt('2025-02-13T17:00:00Z'), 0, 'Thu 17:00: after working hours');
    assert.equal(await jobAt('2025-02-13T22:00:00Z'), 0, 'Thu 22:00');
    assert.equal(await jobAt('2025-02-14T10:00:00Z'), 0, 'Fri: not a placement day for this cohort');
    assert.equal(await jobAt('2025-02-15T10:00:00Z'), 0, 'Saturday');
    assert.equal(await jobAt('2025-02-17T08:59:00Z'), 0, 'Mon 08:59');
    assert.equal(await jobAt('2025-02-17T09:00:00Z'), 3, 'Mon 09:00: Ana, Tom and Carl, not Priya');
    for (const iso of [
      '2025-02-17T09:00:00Z',
      '2025-02-17T10:00:00Z',
      '2025-02-17T16:59:00Z',
      '2025-02-18T09:00:00Z',
    ])
      assert.equal(await jobAt(iso), 0, iso);
    await Promise.all([jobAt('2025-02-17T11:00:00Z'), jobAt('2025-02-17T11:00:00Z')]);
    for (const u of [ana, tom, carl]) {
      const items = await nudgeItems(u);
      assert.equal(items.length, 1, u.name);
      assert.equal(new Date(items[0]!.notBefore).toISOString(), '2025-02-17T09:00:00.000Z');
    }
    assert.equal((await nudgeItems(priya)).length, 0);
    const [nudge] = await w.delivered(ana, /week 2 check-in is missing/);
    const texts = cardTexts(firstCard(nudge)).join(' | ');
    assert.match(
      texts,
      /was due Thu 13 Feb, 14:00\. You can still send it until your placement ends \(Thu 13 Mar 2025\); it will be marked late/,
    );
    assert.equal((await w.delivered(ana, /check-in is missing/)).length, 1);
  });

  it("only the student's own supervisor can nudge: the cohort's lead sees the missed week, no Nudge button, and a press is refused", async () => {
    await w.setClock('2025-02-20T19:30:00Z'); // Thu evening, week 3 due at 14:00; Carl missed it
    const card = await w.exec(lee, 'checkin.view', { studentId: w.id(carl), week: 3 });
    assert.match(w.texts(card), /Not checked in: it was due Thu 20 Feb, 14:00/);
    assert.ok(!executes(card).some((b) => b.verb === 'checkin.nudge'), 'no Nudge button for the lead');
    assert.doesNotMatch(w.texts(card), /Nudge Carl/);
    const refused = await w.exec(lee, 'checkin.nudge', { studentId: w.id(carl), week: 3 });
    assert.equal(
      refused,
      "Only the student's own supervisor can nudge them about a missed check-in. You can still read it and comment.",
    );
    assert.equal((await nudgeItems(carl)).filter((i) => /\|w3$/.test(String(i.dedupeKey))).length, 0);
  });

  it("the supervisor's Nudge button follows the same rule: out of hours it waits for 09:00; pressed again, nothing more", async () => {
    // Week 3 (due Thu 20 Feb 14:00): Tom misses it; Sam opens Tom's week 3 on Thu evening.
    await w.setClock('2025-02-20T19:30:00Z');
    const card = await w.exec(sam, 'checkin.view', { studentId: w.id(tom), week: 3 });
    assert.match(w.texts(card), /Not checked in: it was due Thu 20 Feb, 14:00/);
    const button = executes(card).find((b) => b.verb === 'checkin.nudge');
    assert.ok(button, 'a Nudge button for a missed week');
    assert.equal(button.title, 'Nudge Tom');
    const pressed = await w.exec(sam, 'checkin.nudge', button.data);
    assert.match(w.texts(pressed), /Tom will be nudged at Mon 24 Feb, 09:00, in working hours\./);
    assert.ok(!executes(pressed).some((b) => b.verb === 'checkin.nudge'), 'no second button');
    const again = await w.exec(sam, 'checkin.nudge', button.data); // an old copy of the card
    assert.match(w.texts(again), /Tom has already been nudged about week 3: one nudge a week\./);
    assert.equal(await jobAt('2025-02-21T10:00:00Z'), 0, 'Fri: not a placement day');
    // In working time (Mon 09:30, before the job's next run) a press sends it now, and says so.
    await w.setClock('2025-02-24T09:30:00Z');
    const carlNow = await w.exec(sam, 'checkin.nudge', { studentId: w.id(carl), week: 3 });
    assert.match(w.texts(carlNow), /Carl has been nudged about week 3\./);
    assert.match(w.texts(carlNow), /Carl was nudged about week 3 \(Mon 24 Feb, 09:30\): one nudge a week\./);
    assert.equal(await jobAt('2025-02-24T10:00:00Z'), 2, 'Ana and Priya; Tom and Carl already have theirs');
    assert.equal((await w.delivered(carl, /week 3 check-in is missing/)).length, 1);
    const toms = (await nudgeItems(tom)).filter((i) => /\|w3$/.test(String(i.dedupeKey)));
    assert.equal(toms.length, 1);
    assert.equal(new Date(toms[0]!.notBefore).toISOString(), '2025-02-24T09:00:00.000Z');
    const [tomNudge] = (await w.delivered(tom, /week 3 check-in is missing/)).slice(-1);
    assert.match(cardTexts(firstCard(tomNudge)).join(' '), /Sam Okoro asked me to remind you/);
  });

  it('after the deadline the form tells the truth and offers the late check-in; it is accepted and shown late to the supervisor', async () => {
    await w.setClock('2025-02-24T10:00:00Z'); // Mon, week 4
    // A missed week offers a way to catch up.
    const mine = await w.say(ana, 'my check-ins');
    assert.match(JSON.stringify(mine), /missed · you can still check in late/);
    const catchUp = executes(mine).find((b) => b.title === 'Catch up week 2 (late)');
    assert.ok(catchUp, JSON.stringify(executes(mine)));
    const form = await w.exec(ana, catchUp.verb, catchUp.data);
    const intro = w.texts(form);
    assert.doesNotMatch(intro, /you can edit them until then/);
    assert.match(
      intro,
      /This check-in was due Thu 13 Feb, 14:00, so it will be marked late\. You can still send it until your placement ends \(Thu 13 Mar 2025\)/,
    );

    const saved = await w.exec(ana, 'checkin.submit', checkinAnswers(2, 3));
    assert.match(
      w.texts(saved),
      /Thank you, your check-in is saved\. It is marked late, and Sam Okoro \(your supervisor\) has been told it arrived\./,
    );
    assert.match(w.texts(saved), /Submitted late/);
    assert.equal((await w.e2e.services.checkins.repo.get(TENANT, w.id(ana), 2))!.late, true);

    const [told] = await w.delivered(sam, /Ana Costa checked in late for week 2/);
    assert.ok(told, 'the supervisor is told');
    const open = executes(firstCard(told)).find((b) => b.verb === 'checkin.view')!;
    const card = await w.exec(sam, open.verb, open.data);
    assert.match(w.texts(card), /Submitted late \(Mon 24 Feb, 10:00\)/);
    // Sent twice (a double click): the supervisor is told once.
    await w.exec(ana, 'checkin.submit', checkinAnswers(2, 3));
    assert.equal((await w.delivered(sam, /Ana Costa checked in late for week 2/)).length, 1);
  });

  it('the next summary tells the supervisor which earlier week came in late since the last one', async () => {
    // Week 4's summary (Thu 27 Feb 12:00, 2 h before supervision): Ana sent week 2 on Mon 24 Feb.
    await w.setClock('2025-02-27T12:00:00Z');
    const { checkins } = w.e2e.services;
    await checkins.runDigest(
      TENANT,
      { cohortId: w.cohortId, week: 4, at: '2025-02-27T12:00:00.000Z' },
      new Date('2025-02-27T12:00:00Z'),
    );
    const [digest] = await w.delivered(sam, /Check-in summary for week 4/);
    assert.ok(digest, 'the week 4 summary arrived');
    const texts = cardTexts(firstCard(digest));
    const ana = texts.find((t) => t.startsWith('**Ana Costa**'));
    assert.match(String(ana), /week 2 sent late \(Mon 24 Feb, 10:00\)/, texts.join(' | '));
    // Priya's week 2 was on time and nobody else caught up: no "late" on their rows.
    for (const name of ['Priya Shah', 'Tom Reid', 'Carl Dunn'])
      assert.doesNotMatch(String(texts.find((t) => t.startsWith(`**${name}**`))), /late/, name);
  });

  it('before the deadline the form keeps saying it can be edited until supervision', async () => {
    await w.setClock('2025-02-24T10:00:00Z');
    const form = await w.exec(ana, 'checkin.open', { week: 4 });
    assert.match(
      w.texts(form),
      /Due Thu 27 Feb, 14:00\. Your answers go to your supervisor before supervision; you can edit them until then\./,
    );
  });

  it('once the placement has ended, check-ins are closed and nobody is nudged', async () => {
    await w.setClock('2025-03-17T10:00:00Z'); // Mon after the last week
    const answer = await w.exec(carl, 'checkin.submit', checkinAnswers(2, 3));
    assert.match(answer, /placement has ended, so check-ins are closed/);
    assert.equal(await w.e2e.services.checkins.repo.get(TENANT, w.id(carl), 2), null);
    assert.equal(await jobAt('2025-03-17T10:00:00Z'), 0);
    // The form for a missed week (a Teams refresh of an old card) says so too; no catch-up offered.
    assert.match(await w.exec(carl, 'checkin.refresh', { week: 2 }), /placement has ended/);
    const mine = await w.say(carl, 'my check-ins');
    assert.match(w.texts(mine), /placement ended/);
    assert.doesNotMatch(JSON.stringify(mine), /check in late|Catch up/);
    // Ana's late week 2 stays marked late for her.
    assert.match(JSON.stringify(await w.say(ana, 'my check-ins')), /submitted late/);
  });
});
