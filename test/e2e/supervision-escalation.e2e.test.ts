/**
 * Acceptance for escalation to the placement lead (issue 17, part 4), through the real HTTP
 * endpoint, the fake Bot Connector and a controllable clock.
 *
 * Cohort "Spring 2025": Mon 3 Feb 2025, 6 weeks, Mon/Tue clinical, Wed/Thu leadership,
 * supervision Thu 14:00 (Europe/London = UTC in February), so week n's check-in is due on
 * Thu 6 Feb + 7(n-1) days at 14:00Z and its supervisor summary goes out at 12:00Z that day.
 */
import assert from 'node:assert/strict';
import { cardTexts, firstCard, TENANT, type TestUser } from './harness.js';
import { user, answers, World } from './supervision-world.js';

describe('e2e: escalation to the placement lead with a controllable clock (acceptance)', function () {
  this.timeout(240_000);
  const w = new World();
  const asha = user('esc-asha', 'Asha Patel'); // misses check-ins
  const ben = user('esc-ben', 'Ben Cole'); // low wellbeing
  const cara = user('esc-cara', 'Cara Hill'); // fine
  const dev = user('esc-dev', 'Dev Rao'); // joins in week 3 and never checks in
  const sam = user('esc-sam', 'Sam Okoro');
  const lead = user('esc-lead', 'Wendy Marsh');
  const otherLead = user('esc-olu', 'Olu Lead'); // leads another cohort
  const admin = user('esc-ada', 'Ada Admin');

  const cardsTo = (calls: Awaited<ReturnType<World['step']>>, u: TestUser) =>
    calls.filter(
      (c) =>
        c.conversationId === w.conv(u) &&
        /^[A-Z][a-z]+ [A-Z][a-z]+: (missed check-ins|low wellbeing)$/.test(String(c.activity?.summary)),
    );
  const summaries = (calls: Awaited<ReturnType<World['step']>>, u: TestUser) =>
    cardsTo(calls, u).map((c) => String(c.activity!.summary));

  before(async () => {
    await w.start([
      [asha, ['student'], 'A'],
      [ben, ['student'], 'A'],
      [cara, ['student'], 'A'],
      [sam, ['supervisor'], 'A'],
      [lead, ['lead'], 'A'],
      [otherLead, ['lead'], 'B'],
      [admin, ['admin'], null],
    ]);
    for (const s of [asha, ben, cara]) await w.link(s, sam);
  });
  after(() => w.e2e.stop());

  const weekly = async (week: number, who: { u: TestUser; wellbeing: number }[]) => {
    // Monday of the week (prompts), then the students answer.
    const monday = new Date(Date.UTC(2025, 1, 3 + 7 * (week - 1), 9, 30));
    await w.step(monday.toISOString());
    for (const { u, wellbeing } of who) {
      const res = await w.exec(u, 'checkin.submit', answers(week, wellbeing));
      assert.ok(cardTexts(res).includes(`Week ${week} of 6: check-in received`));
    }
    // An hour after Thursday's due time (14:00Z): the hourly escalation job has run.
    const thursday = new Date(Date.UTC(2025, 1, 6 + 7 * (week - 1), 15, 1));
    return w.step(thursday.toISOString());
  };

  it('one missed week: no card', async () => {
    const calls = await weekly(1, [
      { u: ben, wellbeing: 2 },
      { u: cara, wellbeing: 4 },
    ]);
    for (const u of [lead, otherLead, admin]) assert.deepEqual(summaries(calls, u), []);
  });

  it('a second missed week and a second low week: the lead gets exactly one card each, nobody else any', async () => {
    const calls = await weekly(2, [
      { u: ben, wellbeing: 1 },
      { u: cara, wellbeing: 4 },
    ]);
    assert.deepEqual(summaries(calls, lead).sort(), [
      'Asha Patel: missed check-ins',
      'Ben Cole: low wellbeing',
    ]);
    for (const u of [otherLead, admin, sam, asha]) assert.deepEqual(summaries(calls, u), []);
    const asha2 = cardsTo(calls, lead).find((c) => /Asha/.test(String(c.activity!.summary)))!;
    const texts = cardTexts(firstCard(asha2.activity)).join(' | ');
    assert.match(texts, /Asha Patel has missed 2 check-ins in a row/);
    assert.match(texts, /Asha has missed 2 check-ins in a row \(weeks 1 and 2\)/);
    assert.match(JSON.stringify(firstCard(asha2.activity)), /"title":"Supervisor","value":"Sam Okoro"/);
    // Later runs of the hourly job in the same week send nothing more.
    assert.deepEqual(summaries(await w.step('2025-02-13T18:30:00Z'), lead), []);
    // Dev joins the cohort now: weeks 1 and 2 were never asked of him.
    await w.e2e.services.people.upsertByEmail(
      TENANT,
      {
        email: dev.email!,
        displayName: dev.name,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: w.cohortId,
        timeZone: null,
      },
      w.e2e.services.clock.now(),
    );
    w.e2e.teamsUser(dev);
  });

  it("a third miss sends no second card for the same episode; the supervisor's summary marks the student", async () => {
    const calls = await weekly(3, [
      { u: ben, wellbeing: 2 },
      { u: cara, wellbeing: 5 },
    ]);
    assert.deepEqual(summaries(calls, lead), []);
    const digest = calls.find(
      (c) =>
        c.conversationId === w.conv(sam) && /^Check-in summary for week 3/.test(String(c.activity?.summary)),
    );
    assert.ok(digest, 'week 3 summary');
    const texts = cardTexts(firstCard(digest!.activity));
    assert.ok(
      texts.includes('Placement lead alerted: has missed 2 check-ins in a row (weeks 1 and 2).'),
      texts.join(' | '),
    );
    assert.ok(texts.some((t) => t.startsWith('Placement lead alerted: reported wellbeing of 2 or less')));
    const episodes = await w.e2e.services.supervision.repo.escalationsOfCohort(TENANT, w.cohortId);
    assert.equal(episodes.length, 2);
    assert.deepEqual(episodes.find((e) => e.kind === 'missed')!.weeks, [1, 2, 3]);
  });

  it('a check-in ends the episode (the summary stops marking); two new misses are a new episode and a new card', async () => {
    const calls4 = await weekly(4, [
      { u: asha, wellbeing: 4 },
      { u: ben, wellbeing: 4 },
      { u: cara, wellbeing: 4 },
    ]);
    // Dev's two misses since he joined (weeks 3 and 4): his own episode, one card.
    assert.deepEqual(summaries(calls4, lead), ['Dev Rao: missed check-ins']);
    assert.match(JSON.stringify(firstCard(cardsTo(calls4, lead)[0]!.activity)), /\(weeks 3 and 4\)/);
    const devId = (await w.e2e.services.people.byEmail(TENANT, dev.email!))!._id;
    const episodes = await w.e2e.services.supervision.repo.escalationsOfCohort(TENANT, w.cohortId);
    assert.ok(
      episodes.filter((e) => e.studentId !== devId).every((e) => e.endedAt !== null),
      JSON.stringify(episodes),
    );
    const calls5 = await weekly(5, [
      { u: ben, wellbeing: 4 },
      { u: cara, wellbeing: 4 },
    ]);
    const digest5 = calls5.find(
      (c) => c.conversationId === w.conv(sam) && /week 5/.test(String(c.activity?.summary)),
    );
    assert.doesNotMatch(JSON.stringify(firstCard(digest5!.activity)), /Placement lead alerted/);
    assert.deepEqual(summaries(calls5, lead), []);
    const calls6 = await weekly(6, [
      { u: ben, wellbeing: 4 },
      { u: cara, wellbeing: 4 },
    ]);
    assert.deepEqual(summaries(calls6, lead), ['Asha Patel: missed check-ins']);
    const texts = cardTexts(firstCard(cardsTo(calls6, lead)[0]!.activity)).join(' | ');
    assert.match(texts, /\(weeks 5 and 6\)/);
  });
});
