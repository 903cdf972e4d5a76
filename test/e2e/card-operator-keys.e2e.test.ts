/**
 * Issue 26, Tooling: a MongoDB operator key in a card submit (Action.Execute `value.action.data`)
 * is answered by the card itself ("Some answers contained values that are not allowed.", the
 * field marked), not by a bare HTTP 400 that Teams shows as a generic error. Nothing is stored
 * and no operator reaches the database. Operator keys anywhere else in the activity are still
 * refused at the gate.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { checkinAnswers, LoopWorld, loopUser } from '../helpers/loop-world.js';

describe('e2e: an operator key in a card submit gets the card’s own message (issue 26, tooling)', function () {
  this.timeout(120_000);
  const w = new LoopWorld();
  const ana = loopUser('ok-ana', 'Ana Costa');
  const sam = loopUser('ok-sam', 'Sam Okoro');
  const checkins = () =>
    w.e2e.services.database.db.collection(collections.checkins.name).countDocuments({ studentId: w.id(ana) });

  before(async () => {
    await w.start(
      [
        [ana, ['student']],
        [sam, ['supervisor']],
      ],
      [[ana, sam]],
    );
    await w.setClock('2025-02-04T10:00:00Z'); // Tue, week 1
  });
  after(() => w.stop());

  it('a check-in submit with an operator in a field: the form answers, marks the field, saves nothing', async () => {
    const before = await checkins();
    const card = await w.exec(ana, 'checkin.submit', { ...checkinAnswers(1, 4), hard: { $ne: null } });
    const texts = w.texts(card);
    assert.match(texts, /Some answers contained values that are not allowed\./);
    assert.match(texts, /Not allowed/);
    assert.equal(await checkins(), before, 'nothing stored');
  });

  it('an operator key at the top of the data: the same message, nothing stored', async () => {
    const before = await checkins();
    const card = await w.exec(ana, 'checkin.submit', { ...checkinAnswers(1, 4), $where: 'sleep(1000)' });
    assert.match(w.texts(card), /Some answers contained values that are not allowed\./);
    assert.equal(await checkins(), before, 'nothing stored');
    // The same answers without the operator are saved: the refusal was for the operator alone.
    const saved = await w.exec(ana, 'checkin.submit', checkinAnswers(1, 4));
    assert.doesNotMatch(w.texts(saved), /not allowed/);
    assert.equal(await checkins(), before + 1);
  });

  it('operator keys elsewhere in the activity are still refused at the gate', async () => {
    const execute = w.e2e.execute(ana, 'checkin.submit', checkinAnswers(1, 4));
    const refused = [
      { ...execute, value: { ...execute.value, $where: '1' } },
      { ...execute, value: { ...execute.value, action: { ...execute.value.action, $where: '1' } } },
      { ...execute, value: { ...execute.value, trigger: { $gt: '' } } },
      { ...w.e2e.message(ana, 'help'), value: { data: { $gt: '' } } },
      { ...execute, type: 'message', value: { action: { data: { $gt: '' } } } },
    ];
    for (const activity of refused) assert.equal((await w.e2e.post(activity)).status, 400);
  });
});
