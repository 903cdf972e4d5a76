/**
 * test/helpers/world.ts: what it seeds is what the service sees, and waitUntil moves the
 * controllable clock (no real sleep) until the first check-in prompt arrives at 09:00 London
 * on the cohort's first placement day.
 */
import assert from 'node:assert/strict';
import { E2E, TENANT, type TestUser } from '../e2e/harness.js';
import { seedWorld, waitUntil } from './world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});
const student = user('world-student', 'Wren Student');
const supervisor = user('world-supervisor', 'Sol Supervisor');

describe('test world: seed a placement, wait on the controllable clock', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  after(() => e2e.stop());

  it('seeds the cohort, people and link; waitUntil reaches the first prompt by moving the clock', async () => {
    await e2e.start({ JOBS_POLL_MS: '60000' });
    await e2e.services.scheduler.stop(); // waitUntil runs the due jobs itself
    e2e.clock.set(new Date('2025-02-02T12:00:00Z')); // Sun, the day before the placement
    const world = await seedWorld(e2e, {
      cohort: { name: 'World cohort' },
      people: [
        [student, ['student']],
        [supervisor, ['supervisor']],
      ],
      links: [[student, supervisor]],
      now: e2e.clock.now(),
    });
    const cohort = (await e2e.services.cohorts.byId(TENANT, world.cohortId))!;
    assert.deepEqual(
      [cohort.startDate, cohort.weeks, cohort.leadershipDays],
      ['2025-02-03', 6, ['Wed', 'Thu']],
    );
    const person = (await e2e.services.people.byId(TENANT, world.id(student)))!;
    assert.deepEqual([person.roles, person.cohortId], [['student'], world.cohortId]);
    assert.deepEqual(await e2e.services.supervisions.supervisorIdsOf(TENANT, world.id(student)), [
      world.id(supervisor),
    ]);
    await e2e.post(e2e.install(student));

    const prompted = () =>
      e2e
        .sentTo(`a:personal-${student.id}`)
        .some((a) => String(a.summary ?? '').startsWith('Your week 1 check-in is ready'));
    assert.equal(prompted(), false);
    const at = await waitUntil(e2e, prompted, { stepMs: 30 * 60_000, what: 'the week 1 prompt' });
    assert.equal(at.toISOString(), '2025-02-03T09:00:00.000Z');
    await assert.rejects(
      waitUntil(e2e, () => false, { stepMs: 3_600_000, withinMs: 2 * 3_600_000, what: 'never' }),
      /never did not hold within 7200000 ms of clock time/,
    );
  });
});
