/**
 * Issue #28 item 3: the weekly pulse is scheduled once and repeats every week until the
 * placement ends (a run per week, each with its own invitations and close); only the pulse
 * repeats. Scheduled over HTTP from the `run survey` card.
 */
import assert from 'node:assert/strict';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { seedCohort, seedPerson } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:weekly-${key}`,
  aadObjectId: `aad-weekly-${key}`,
  name,
  email: `weekly.${key}@example.nhs.uk`,
});

describe('e2e: the weekly pulse repeats every week until the placement ends', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const lead = user('lead', 'Lena Lead');
  const student = user('student', 'Stella Student');
  let cohortId = '';

  const requestId = async () => {
    await e2e.post(e2e.message(lead, 'run survey'));
    const card = firstCard(e2e.sentTo(`a:personal-${lead.id}`).at(-1))!;
    assert.ok(JSON.stringify(card).includes('"id":"repeat"'), 'the schedule card offers the weekly repeat');
    return card.actions.find((a: { verb: string }) => a.verb === 'survey.schedule').data.requestId as string;
  };
  const schedule = async (data: Record<string, unknown>) =>
    (
      await e2e.post(
        e2e.execute(lead, 'survey.schedule', {
          requestId: await requestId(),
          cohortId,
          opensWeek: 'date',
          anonymous: 'true',
          remind: 'false',
          ...data,
        }),
      )
    ).body.value;

  before(async () => {
    await e2e.start({});
    e2e.clock.set(new Date('2025-01-27T09:00:00Z'));
    const now = e2e.clock.now();
    // 6 weeks from Mon 3 Feb 2025: the last placement week starts Mon 10 Mar, it ends Sun 16 Mar.
    cohortId = await seedCohort(e2e, { name: 'Weekly cohort' }, now);
    await seedPerson(e2e, lead, ['lead'], { cohortId, now });
    await seedPerson(e2e, student, ['student'], { cohortId, now });
    for (const u of [lead, student]) await e2e.post(e2e.install(u));
  });
  after(() => e2e.stop());

  it('only the weekly pulse may repeat', async () => {
    const card = await schedule({
      definitionId: 'conversation-feedback',
      opensOn: '2025-02-03',
      closesOn: '2025-02-07',
      repeat: 'weekly',
    });
    assert.ok(
      cardTexts(card).some((t) => /Only the weekly pulse repeats/.test(t)),
      cardTexts(card).join(' | '),
    );
    assert.equal((await e2e.services.surveys.repo.runsForTenant(TENANT)).length, 0);
  });

  it('scheduled once from week 2, it makes a run each week to the last, and each week invites the cohort', async () => {
    const card = await schedule({
      definitionId: 'weekly-pulse',
      opensOn: '2025-02-10',
      closesOn: '2025-02-14',
      repeat: 'weekly',
    });
    assert.ok(
      cardTexts(card).some((t) => /every week until .*16 Mar/.test(t)),
      cardTexts(card).join(' | '),
    );
    const runs = (await e2e.services.surveys.repo.runsForTenant(TENANT)).sort(
      (a, b) => +a.opensAt - +b.opensAt,
    );
    assert.deepEqual(
      runs.map((r) => r.opensAt.toISOString().slice(0, 10)),
      ['2025-02-10', '2025-02-17', '2025-02-24', '2025-03-03', '2025-03-10'],
    );
    assert.deepEqual(
      runs.map((r) => r.closesAt.toISOString().slice(0, 10)),
      ['2025-02-14', '2025-02-21', '2025-02-28', '2025-03-07', '2025-03-14'],
    );
    for (const at of ['2025-02-10T09:30:00Z', '2025-02-17T09:30:00Z']) {
      e2e.clock.set(new Date(at));
      await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
      await e2e.services.sender.drain();
    }
    const invites = e2e
      .sentTo(`a:personal-${student.id}`)
      .filter((a) => cardTexts(firstCard(a)).includes('Weekly pulse'));
    assert.equal(invites.length, 2);
  });
});
