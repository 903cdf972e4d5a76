/**
 * Issue 26, the student's defects, over HTTP: optional check-in answers left out of the submit
 * are not "Required"; a failed re-submit says the earlier answers are still saved; the "What?"
 * step of a reflection cannot be left blank; an agreed supervision action can be marked done
 * or commented on from the notes card.
 */
import assert from 'node:assert/strict';
import { firstCard, TENANT } from './harness.js';
import { checkinAnswers, executes, LoopWorld, loopUser } from '../helpers/loop-world.js';

describe('e2e: the student’s side of the supervision loop (issue 26, student defects)', function () {
  this.timeout(240_000);
  const w = new LoopWorld();
  const priya = loopUser('sl-priya', 'Priya Shah');
  const sam = loopUser('sl-sam', 'Sam Okoro');

  before(async () => {
    await w.start(
      [
        [priya, ['student']],
        [sam, ['supervisor']],
      ],
      [[priya, sam]],
    );
    await w.setClock('2025-02-10T10:00:00Z'); // Mon, week 2
  });
  after(() => w.stop());

  it('a submit without the optional answers’ keys is saved, with no "Required"', async () => {
    const { leadership: _l, wentWell: _w, hard: _h, topics: _t, ...required } = checkinAnswers(2, 4);
    const answer = await w.exec(priya, 'checkin.submit', required);
    assert.doesNotMatch(JSON.stringify(answer), /Required/);
    assert.match(w.texts(answer), /Thank you, your check-in is saved\./);
    const saved = await w.e2e.services.checkins.repo.get(TENANT, w.id(priya), 2);
    assert.deepEqual(
      [saved!.answers.leadership, saved!.answers.wentWell, saved!.answers.hard, saved!.answers.topics],
      ['', '', '', ''],
    );
  });

  it('a failed re-submit says the earlier answers are still saved, not "nothing was saved yet"', async () => {
    const answer = await w.exec(priya, 'checkin.submit', checkinAnswers(2, 9));
    const texts = w.texts(answer);
    assert.doesNotMatch(texts, /nothing was saved yet/);
    assert.match(
      texts,
      /these changes were not saved, and your earlier answers are still saved as they were/,
    );
    assert.equal((await w.e2e.services.checkins.repo.get(TENANT, w.id(priya), 2))!.answers.wellbeing, 4);
  });

  it('the "What?" step of a reflection cannot be left blank', async () => {
    const start = await w.say(priya, 'reflect');
    const flowId = executes(start).find((b) => b.verb === 'reflection.start')!.data.flowId;
    const first = await w.exec(priya, 'reflection.start', {
      flowId,
      linkId: '',
      model: 'what-so-what',
      topic: 'qi-project',
    });
    assert.match(w.texts(first), /Step 1 of \d: What\?/);
    const draftId = executes(first).find((b) => b.verb === 'reflection.step')!.data.draftId;
    for (const answer of ['', '   \n ']) {
      const again = await w.exec(priya, 'reflection.step', { draftId, step: '0', nav: 'next', answer });
      assert.match(w.texts(again), /Step 1 of \d: What\?/, 'still on the What? step');
      assert.match(w.texts(again), /Write what happened before you go on/);
    }
    const next = await w.exec(priya, 'reflection.step', {
      draftId,
      step: '0',
      nav: 'next',
      answer: 'I led the huddle.',
    });
    assert.match(w.texts(next), /Step 2 of \d: So what\?/);
  });

  it('from the notes card the student marks an agreed action done, or comments on it', async () => {
    await w.exec(sam, 'supervision.session.record', {
      requestId: 'student-loop-1',
      attendees: w.id(priya),
      date: '2025-02-10',
      minutes: '30',
      kind: 'individual',
      notes: 'Baseline data plan agreed.',
      action1Text: 'Collect the falls baseline',
      action1Owner: w.id(priya),
      action1Due: '2025-02-17',
      action2Text: 'Book the ward manager',
      action2Owner: w.id(priya),
      action2Due: '2025-02-17',
    });
    const [notes] = await w.delivered(priya, /Notes from supervision/);
    assert.ok(notes, 'the notes card arrived');
    const buttons = executes(firstCard(notes));
    const done = buttons.filter((b) => b.title === 'Done');
    const send = buttons.filter((b) => b.verb === 'supervision.action.comment');
    assert.equal(done.length, 2, JSON.stringify(buttons));
    assert.equal(send.length, 2);

    assert.equal(
      await w.exec(priya, done[0]!.verb, done[0]!.data),
      'Marked done: Collect the falls baseline.',
    );
    const open = await w.e2e.services.supervision.openActions(TENANT, w.id(priya));
    assert.deepEqual(
      open.map((a) => a.text),
      ['Book the ward manager'],
    );
    // The supervisor sees it: my students lists only the action still open.
    const students = w.texts(await w.say(sam, 'my students'));
    assert.match(students, /Book the ward manager/);
    assert.doesNotMatch(students, /Collect the falls baseline/);

    const data = { ...send[1]!.data, comment: 'Emailed her; she is on leave until Thursday.' };
    assert.equal(await w.exec(priya, send[1]!.verb, data), 'Comment sent to Sam Okoro.');
    await w.exec(priya, send[1]!.verb, data); // double click
    const told = await w.delivered(sam, /Priya Shah commented on an agreed action/);
    assert.equal(told.length, 1);
    assert.match(
      w.texts(firstCard(told[0])),
      /“Book the ward manager”: Emailed her; she is on leave until Thursday\./,
    );
    // Nobody else's action: Sam cannot comment as if he were Priya.
    assert.match(await w.exec(sam, send[1]!.verb, data), /only comment on actions you agreed to/);
  });
});
