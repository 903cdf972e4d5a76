/**
 * Issue 26, Tooling: the test clock drives the outbox sender as it drives the scheduler. A
 * message due later (by the service's clock) is not sent before the clock reaches its time and
 * is sent once it has, whether the scenario sits in the past or in the future of the real date.
 *
 * A supervisor presses Nudge out of working hours: the nudge waits for 09:00 on the next
 * placement day (Spring 2025: clinical Mon–Tue, leadership Wed–Thu, Europe/London).
 */
import assert from 'node:assert/strict';
import { checkinAnswers, executes, LoopWorld, loopUser } from '../helpers/loop-world.js';
import { waitUntil } from '../helpers/world.js';
import { TENANT } from './harness.js';

describe('e2e: the test clock drives the outbox sender (issue 26, tooling)', function () {
  this.timeout(240_000);
  const w = new LoopWorld();
  const ana = loopUser('tc-ana', 'Ana Costa');
  const tom = loopUser('tc-tom', 'Tom Reid');
  const sam = loopUser('tc-sam', 'Sam Okoro');

  before(async () => {
    await w.start(
      [
        [ana, ['student']],
        [tom, ['student']],
        [sam, ['supervisor']],
      ],
      [
        [ana, sam],
        [tom, sam],
      ],
    );
    await w.setClock('2025-02-03T10:00:00Z'); // Mon, week 1
    for (const u of [ana, tom]) await w.exec(u, 'checkin.submit', checkinAnswers(1, 4));
  });
  after(() => w.stop());

  it('a nudge due Monday 09:00 by the test clock is not sent before then, and is sent after', async () => {
    // Week 2 is due Thu 13 Feb 14:00; Tom misses it. Sam presses Nudge on Thu evening.
    await w.setClock('2025-02-13T19:30:00Z');
    const card = await w.exec(sam, 'checkin.view', { studentId: w.id(tom), week: 2 });
    const button = executes(card).find((b) => b.verb === 'checkin.nudge');
    assert.ok(button, 'a Nudge button for a missed week');
    const pressed = await w.exec(sam, 'checkin.nudge', button.data);
    assert.match(w.texts(pressed), /Tom will be nudged at Mon 17 Feb, 09:00, in working hours\./);

    // The real date is long past Monday 17 Feb 2025; the service's clock is not.
    assert.equal((await w.delivered(tom, /check-in is missing/)).length, 0, 'not sent on Thursday');
    await w.setClock('2025-02-17T08:59:00Z');
    assert.equal((await w.delivered(tom, /check-in is missing/)).length, 0, 'not sent at 08:59');

    const sentAt = await waitUntil(
      w.e2e,
      async () => (await w.delivered(tom, /check-in is missing/)).length > 0,
      { stepMs: 30_000, withinMs: 10 * 60_000, what: "Tom's nudge" },
    );
    assert.equal(sentAt.toISOString(), '2025-02-17T09:00:00.000Z', 'sent once the clock reached 09:00');
    assert.equal((await w.delivered(tom, /check-in is missing/)).length, 1);
  });

  it('the hourly job and the Nudge button, driven by the test clock over evenings and a weekend: one nudge each, Monday 09:00', async () => {
    // Week 3 is due Thu 20 Feb 14:00; neither Ana nor Tom checks in. From Thu 17:30 the clock
    // moves two hours at a time to Tue 25 Feb 15:30, the scheduler runs what is due and the sender
    // sends; on Saturday Sam presses Nudge for Tom. (Two-hour steps: each lands in a new hourly slot.)
    const week3 = /week 3 check-in is missing/;
    const firstSeen = new Map<string, string>();
    const step = async (iso: string) => {
      await w.setClock(iso);
      await w.e2e.services.scheduler.runDue();
      for (const u of [ana, tom])
        if (!firstSeen.has(u.name) && (await w.delivered(u, week3)).length > 0) firstSeen.set(u.name, iso);
    };
    let t = new Date('2025-02-20T17:30:00Z').getTime();
    const saturday = new Date('2025-02-22T11:30:00Z').getTime();
    for (; t <= new Date('2025-02-25T15:30:00Z').getTime(); t += 2 * 3_600_000) {
      await step(new Date(t).toISOString());
      if (t === saturday) {
        const card = await w.exec(sam, 'checkin.view', { studentId: w.id(tom), week: 3 });
        const button = executes(card).find((b) => b.verb === 'checkin.nudge');
        assert.ok(button, 'a Nudge button on Saturday: Tom has not been nudged yet');
        const pressed = await w.exec(sam, 'checkin.nudge', button.data);
        assert.match(w.texts(pressed), /Tom will be nudged at Mon 24 Feb, 09:00, in working hours\./);
        assert.match(
          w.texts(await w.exec(sam, 'checkin.nudge', button.data)),
          /Tom has already been nudged about week 3: one nudge a week\./,
        );
      }
    }
    assert.equal(firstSeen.get('Ana Costa'), '2025-02-24T09:30:00.000Z', 'the first run in working time');
    assert.equal(firstSeen.get('Tom Reid'), '2025-02-24T09:30:00.000Z', 'queued for 09:00, sent by then');
    assert.equal((await w.delivered(ana, week3)).length, 1);
    assert.equal((await w.delivered(tom, week3)).length, 1);
  });

  it('a scenario set in the future of the real date is delivered as its clock passes', async () => {
    // Moving the clock years ahead: what is due by the service's clock goes, not by the real date.
    await w.setClock('2040-02-14T10:00:00Z');
    const before = (await w.delivered(ana, /check-in is missing/)).length;
    const { outbox } = w.e2e.services;
    const due = new Date('2040-02-14T10:05:00Z');
    await outbox.enqueue(
      TENANT,
      [
        {
          dedupeKey: 'test-clock|future|ana',
          purpose: 'checkin.nudge',
          target: { kind: 'person', personId: w.id(ana) },
          activity: {
            type: 'message',
            text: 'Your week 9 check-in is missing',
            summary: 'Your check-in is missing',
          },
          notBefore: due,
        },
      ],
      w.e2e.clock.now(),
    );
    assert.equal((await w.delivered(ana, /check-in is missing/)).length, before, 'not before 10:05');
    const sentAt = await waitUntil(
      w.e2e,
      async () => (await w.delivered(ana, /check-in is missing/)).length > before,
      { stepMs: 60_000, withinMs: 30 * 60_000, what: "Ana's message" },
    );
    assert.equal(sentAt.toISOString(), due.toISOString());
  });
});
