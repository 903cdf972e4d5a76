/**
 * Issue 26, item 3 (escalations people can act on), over HTTP: the escalation card to the lead
 * offers message the student, contact the supervisor, pause, mark handled; the supervisor is
 * told when the escalation goes to the lead, and again when it is handled; the handled state
 * shows on the lead's card and in the supervisor's `my students`.
 */
import assert from 'node:assert/strict';
import { firstCard } from './harness.js';
import { checkinAnswers, executes, LoopWorld, loopUser } from '../helpers/loop-world.js';

describe('e2e: escalation cards with actions and a handled state (issue 26, item 3)', function () {
  this.timeout(240_000);
  const w = new LoopWorld();
  const asha = loopUser('ea-asha', 'Asha Patel'); // misses weeks 1 and 2
  const cara = loopUser('ea-cara', 'Cara Hill'); // fine
  const sam = loopUser('ea-sam', 'Sam Okoro');
  const wendy = loopUser('ea-wendy', 'Wendy Marsh');
  const ruth = loopUser('ea-ruth', 'Ruth Patel'); // another supervisor, not Asha's
  let card: any; // eslint-disable-line @typescript-eslint/no-explicit-any

  before(async () => {
    await w.start(
      [
        [asha, ['student']],
        [cara, ['student']],
        [sam, ['supervisor']],
        [ruth, ['supervisor']],
        [wendy, ['lead']],
      ],
      [
        [asha, sam],
        [cara, sam],
      ],
    );
    for (const week of [1, 2]) {
      await w.setClock(`2025-02-${week === 1 ? '03' : '10'}T10:00:00Z`);
      await w.exec(cara, 'checkin.submit', checkinAnswers(week, 4));
    }
    await w.setClock('2025-02-13T15:00:00Z'); // Thu, an hour after week 2 was due
    await w.e2e.services.supervision.escalations.run(new Date('2025-02-13T15:00:00Z'));
  });
  after(() => w.stop());

  it('the lead’s card offers message the student, contact the supervisor, pause and mark handled', async () => {
    const [escalation] = await w.delivered(wendy, /^Asha Patel: missed check-ins$/);
    assert.ok(escalation, 'the lead got the escalation');
    card = firstCard(escalation);
    assert.match(w.texts(card), /Asha Patel has missed 2 check-ins in a row/);
    assert.match(w.texts(card), /Not handled yet/);
    const urls = JSON.stringify(card)
      .match(/\{"type":"Action\.OpenUrl"[^}]*\}/g)!
      .map((a) => JSON.parse(a) as { title: string; url: string });
    assert.deepEqual(
      urls.map((a) => [a.title, a.url]),
      [
        ['Message Asha', 'https://teams.microsoft.com/l/chat/0/0?users=ea-asha%40example.nhs.uk'],
        ['Contact the supervisor', 'https://teams.microsoft.com/l/chat/0/0?users=ea-sam%40example.nhs.uk'],
      ],
    );
    assert.deepEqual(
      executes(card).map((b) => b.title),
      ['Pause check-ins', 'Mark handled'],
    );
  });

  it('the supervisor is told at that moment', async () => {
    const told = await w.delivered(sam, /Escalated to the placement lead: Asha Patel/);
    assert.equal(told.length, 1);
    assert.match(
      w.texts(firstCard(told[0])),
      /Asha has missed 2 check-ins in a row \(weeks 1 and 2\), so Wendy Marsh has been sent an escalation card today/,
    );
    assert.deepEqual(await w.delivered(ruth, /Escalated/), []);
  });

  it('Pause check-ins opens the pause form below, with the student chosen', async () => {
    const pause = executes(card).find((b) => b.verb === 'escalation.pause')!;
    const answer = await w.exec(wendy, pause.verb, pause.data);
    assert.equal(answer, 'The pause form is below, with the student chosen.');
    const form = firstCard(w.e2e.sentTo(w.conv(wendy)).at(-1));
    const picker = JSON.stringify(form).match(/"id":"studentId"[^}]*"value":"([^"]*)"/);
    assert.equal(picker?.[1], w.id(asha), JSON.stringify(form));
    // The form's own button pauses Asha (week 3: sickness).
    const add = executes(form).find((b) => b.verb === 'checkin.pause.add')!;
    assert.ok(add, 'the form has its Pause button');
    await w.exec(wendy, add.verb, {
      ...add.data,
      studentId: w.id(asha),
      from: '2025-02-17',
      to: '2025-02-23',
      reason: 'sickness',
    });
    const pauses = await w.e2e.services.checkins.repo.pausesOf('tenant-e2e', w.id(asha));
    assert.deepEqual(
      pauses.map((p) => [p.from, p.to, p.reason]),
      [['2025-02-17', '2025-02-23', 'sickness']],
    );
  });

  it('Mark handled: the first mark stands, the supervisor is told, and the handled state shows to both', async () => {
    await w.setClock('2025-02-13T16:00:00Z');
    const mark = executes(card).find((b) => b.verb === 'escalation.handle')!;
    const [first, second] = await Promise.all([
      w.exec(wendy, mark.verb, mark.data),
      w.exec(wendy, mark.verb, mark.data),
    ]);
    for (const answer of [first, second]) {
      assert.match(w.texts(answer), /Handled by Wendy Marsh, Thu 13 Feb, 16:00/);
      assert.ok(!executes(answer).some((b) => b.verb === 'escalation.handle'), 'no second Mark handled');
    }
    assert.equal((await w.delivered(sam, /Escalation handled: Asha Patel/)).length, 1);
    const refreshed = await w.exec(wendy, card.refresh.action.verb, card.refresh.action.data);
    assert.match(w.texts(refreshed), /Handled by Wendy Marsh/);
    const list = await w.say(sam, 'my students');
    assert.match(
      w.texts(list),
      /Placement lead alerted: has missed 2 check-ins in a row \(weeks 1 and 2\) · Handled by Wendy Marsh, Thu 13 Feb, 16:00\./,
    );
  });

  it('someone who is not the cohort’s lead cannot act on it', async () => {
    const mark = executes(card).find((b) => b.verb === 'escalation.handle')!;
    assert.match(await w.exec(ruth, mark.verb, mark.data), /for the placement lead/);
    assert.match(
      await w.exec(sam, 'escalation.pause', executes(card).find((b) => b.verb === 'escalation.pause')!.data),
      /for the placement lead/,
    );
    // Nor open it: the card's refresh answers the supervisor and a student with the refusal.
    for (const u of [sam, asha])
      assert.match(
        await w.exec(u, card.refresh.action.verb, card.refresh.action.data),
        /for the placement lead/,
      );
  });
});
