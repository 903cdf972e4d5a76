/**
 * Issue 26, item 2: one supervisor check-in card wherever it is opened (my students, the
 * summary, the same-day alert), with Comment, Countersign, Record supervision and a clear
 * low-wellbeing flag; never the student's advice or the student's Refresh. And refusals that
 * say what is true. Over HTTP with the fake Bot Connector and the controllable clock.
 */
import assert from 'node:assert/strict';
import { firstCard } from './harness.js';
import { checkinAnswers, executes, LoopWorld, loopUser } from '../helpers/loop-world.js';

describe('e2e: one supervisor check-in card (issue 26, item 2)', function () {
  this.timeout(240_000);
  const w = new LoopWorld();
  const priya = loopUser('sc-priya', 'Priya Shah');
  const tom = loopUser('sc-tom', 'Tom Reid');
  const sam = loopUser('sc-sam', 'Sam Okoro');
  const wendy = loopUser('sc-wendy', 'Wendy Marsh');

  /** The supervisor card, wherever opened: the low-wellbeing flag, no student advice, no student Refresh. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a card, read by the test
  const assertSupervisorCard = (card: any) => {
    const texts = w.texts(card);
    assert.match(texts, /Needs your attention/);
    assert.match(texts, /Low wellbeing: Priya rated their wellbeing 1 of 5/);
    assert.doesNotMatch(texts, /Thank you for being honest|Looking after yourself/);
    assert.equal(card.refresh?.action?.verb, 'checkin.view');
    assert.ok(!executes(card).some((b) => ['checkin.refresh', 'checkin.edit'].includes(b.verb)));
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

  it('the supervisor opens it from my students, comments and countersigns; the student sees both', async () => {
    await w.setClock('2025-02-10T10:00:00Z'); // Mon, week 2
    await w.exec(
      priya,
      'checkin.submit',
      checkinAnswers(2, 1, { hard: 'I am really struggling and thinking of leaving' }),
    );

    const list = await w.say(sam, 'my students');
    const open = executes(list).find((b) => b.verb === 'checkin.view' && b.data.studentId === w.id(priya));
    assert.ok(open, 'an Open check-in button for Priya');
    const answer = await w.exec(sam, open.verb, open.data);
    assert.equal(typeof answer, 'string', 'the list stays as it is; the check-in arrives below it');
    const card = firstCard(w.e2e.sentTo(w.conv(sam)).at(-1))!;
    const texts = w.texts(card);
    assert.match(texts, /Priya Shah: week 2 of 6 check-in/);
    assert.match(texts, /Needs your attention/);
    assert.match(
      texts,
      /Low wellbeing: Priya rated their wellbeing 1 of 5 and wrote “struggling”, “thinking of leaving”/,
    );
    assert.match(
      JSON.stringify(card.body),
      /"What was hard","value":"I am really struggling and thinking of leaving"/,
    );
    assert.doesNotMatch(texts, /Thank you for being honest/, "no student's advice");
    assert.doesNotMatch(texts, /Looking after yourself/);
    assert.notEqual(card.refresh?.action?.verb, 'checkin.refresh', "not the student's refresh");
    const buttons = executes(card).map((b) => b.title);
    assert.deepEqual(buttons, ['Send comment', 'Countersign', 'Record session']);
    assert.ok(!buttons.includes('Refresh'));
    assert.ok(!buttons.includes('Edit my answers'));

    const commented = await w.exec(sam, 'checkin.comment', {
      ...executes(card).find((b) => b.verb === 'checkin.comment')!.data,
      comment: 'Thank you for telling me. I will call you at 2pm today.',
    });
    assert.match(w.texts(commented), /Comment sent to Priya Shah\./);
    assert.match(w.texts(commented), /\*\*Sam Okoro\*\*: Thank you for telling me/);
    const signed = await w.exec(
      sam,
      'checkin.countersign',
      executes(commented).find((b) => b.verb === 'checkin.countersign')!.data,
    );
    assert.match(w.texts(signed), /Countersigned Priya Shah's week 2 check-in\./);
    assert.match(w.texts(signed), /countersigned by Sam Okoro/);
    assert.ok(!executes(signed).some((b) => b.verb === 'checkin.countersign'), 'no second Countersign');

    // The student: told of both, and her own card shows both.
    assert.equal((await w.delivered(priya, /commented on your week 2/)).length, 1);
    assert.equal((await w.delivered(priya, /countersigned your week 2/)).length, 1);
    const mine = await w.exec(priya, 'checkin.refresh', { week: 2 });
    assert.match(w.texts(mine), /Sam Okoro\*\*: Thank you for telling me/);
    assert.match(w.texts(mine), /countersigned/);
  });

  it('the same card opens from the same-day alert and from the summary', async () => {
    const [alert] = await w.delivered(sam, /may need support today/);
    const fromAlert = await w.exec(
      sam,
      'checkin.view',
      executes(firstCard(alert)).find((b) => b.verb === 'checkin.view')!.data,
    );
    assert.match(w.texts(fromAlert), /Priya Shah: week 2 of 6 check-in/);
    assertSupervisorCard(fromAlert);
    assert.deepEqual(
      executes(fromAlert).map((b) => b.title),
      ['Send comment', 'Record session'], // countersigned already
    );

    await w.setClock('2025-02-13T12:00:00Z'); // Thu 12:00, the summary's instant
    await w.e2e.services.checkins.runDigest(
      'tenant-e2e',
      { cohortId: w.cohortId, week: 2, at: '2025-02-13T12:00:00.000Z' },
      new Date('2025-02-13T12:00:00Z'),
    );
    const [digest] = await w.delivered(sam, /Check-in summary for week 2/);
    const opens = executes(firstCard(digest)).filter((b) => b.verb === 'checkin.view');
    assert.equal(opens.length, 2, 'an Open check-in for each student');
    const answer = await w.exec(
      sam,
      'checkin.view',
      opens.find((b) => b.data.studentId === w.id(priya))!.data,
    );
    assert.equal(typeof answer, 'string');
    const fromDigest = firstCard(w.e2e.sentTo(w.conv(sam)).at(-1));
    assert.match(w.texts(fromDigest), /Priya Shah: week 2 of 6 check-in/);
    assertSupervisorCard(fromDigest);
    assert.deepEqual(
      executes(fromDigest).map((b) => b.title),
      ['Send comment', 'Record session'],
    );
    // Comment on the summary itself: a line back, the summary stays.
    const comment = executes(firstCard(digest)).find(
      (b) => b.verb === 'checkin.comment' && b.data.studentId === w.id(priya),
    )!;
    const line = await w.exec(sam, 'checkin.comment', {
      ...comment.data,
      [`comment_${comment.data.idx}`]: 'See you at 2.',
    });
    assert.equal(line, 'Comment sent to Priya Shah.');
  });

  it("from my students, a student who has not checked in opens too (Tom's card says so)", async () => {
    await w.setClock('2025-02-13T15:00:00Z'); // Thu, after the week's due time
    const list = await w.say(sam, 'my students');
    const open = executes(list).find((b) => b.verb === 'checkin.view' && b.data.studentId === w.id(tom));
    assert.ok(open, 'Open check-in is offered for a student who has not checked in');
    const card = await w.exec(sam, 'checkin.view', { studentId: open.data.studentId, week: open.data.week });
    assert.match(w.texts(card), /Tom Reid: week 2 of 6 check-in/);
    assert.match(w.texts(card), /Not checked in: it was due/);
    assert.ok(!executes(card).some((b) => b.verb === 'checkin.countersign' || b.verb === 'checkin.comment'));
  });

  it('a lead trying to countersign is told only the supervisor can; not that a lead may', async () => {
    const answer = await w.exec(wendy, 'checkin.countersign', { studentId: w.id(priya), week: 2 });
    assert.equal(typeof answer, 'string');
    assert.doesNotMatch(answer, /cohort you lead/);
    assert.match(answer, /Only the student's own supervisor can countersign/);
    // The lead may read it and comment, so the card says nothing about countersigning.
    const card = await w.exec(wendy, 'checkin.view', { studentId: w.id(priya), week: 2 });
    assert.deepEqual(
      executes(card).map((b) => b.title),
      ['Send comment'],
    );
  });
});
