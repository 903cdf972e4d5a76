/**
 * Issue #28 item 3: a lead closes or cancels a scheduled or open survey run from the runs card
 * (each after a confirmation), audited. A cancelled run's invitations stop and its results are
 * not shown; a run closed early releases all its responses (subject to the minimum) and tells
 * the lead it has closed.
 */
import assert from 'node:assert/strict';
import type { PersonDoc } from '../../src/storage/people-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { seedCohort, seedPerson } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:close-${key}`,
  aadObjectId: `aad-close-${key}`,
  name,
  email: `close.${key}@example.nhs.uk`,
});

describe('e2e: a lead closes or cancels a survey run', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const lead = user('lead', 'Lena Lead');
  const studentUsers: TestUser[] = [];
  const students: PersonDoc[] = [];
  let leadDoc: PersonDoc;
  let cohortId = '';
  let n = 0;

  const runDue = async () => {
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await e2e.services.sender.drain();
  };
  const schedule = async (opensOn: string, closesOn: string) =>
    (
      await e2e.services.surveys.scheduleRun(TENANT, leadDoc, {
        requestId: `close-run-${++n}-abcdefgh`,
        definitionId: 'weekly-pulse',
        cohortId,
        opensOn,
        closesOn,
        anonymous: true,
        remind: true,
      })
    ).run;
  const exec = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200);
    return res.body.value;
  };
  const invitesTo = (u: TestUser, title = 'Weekly pulse') =>
    e2e.sentTo(`a:personal-${u.id}`).filter((a) => cardTexts(firstCard(a)).includes(title)).length;

  before(async () => {
    await e2e.start({ MIN_GROUP_SIZE: '5' });
    e2e.clock.set(new Date('2025-01-27T09:00:00Z'));
    const now = e2e.clock.now();
    cohortId = await seedCohort(e2e, { name: 'Close cohort' }, now);
    await seedPerson(e2e, lead, ['lead'], { cohortId, now });
    leadDoc = (await e2e.services.people.byEmail(TENANT, lead.email!))!;
    for (let i = 0; i < 6; i++) {
      const s = user(`student-${i}`, `Student ${i}`);
      studentUsers.push(s);
      const id = await seedPerson(e2e, s, ['student'], { cohortId, now });
      students.push((await e2e.services.people.byId(TENANT, id))!);
    }
    for (const u of [lead, ...studentUsers]) await e2e.post(e2e.install(u));
  });
  after(() => e2e.stop());

  it('cancelling a scheduled run asks first; once confirmed no invitation goes out and it is audited', async () => {
    const run = await schedule('2025-02-03', '2025-02-07');
    const runs = await exec(lead, 'survey.runs', {});
    assert.ok(JSON.stringify(runs).includes('"verb":"survey.cancel"'), 'the runs card offers Cancel');
    const ask = await exec(lead, 'survey.cancel', { surveyRunId: run._id });
    assert.ok(
      cardTexts(ask).some((t) => t.startsWith('Cancel Weekly pulse?')),
      cardTexts(ask).join(' | '),
    );
    assert.equal(
      e2e.services.surveys.status((await e2e.services.surveys.repo.runById(TENANT, run._id))!),
      'scheduled',
    );
    const done = await exec(lead, 'survey.cancel', { surveyRunId: run._id, confirm: 'yes' });
    assert.ok(
      cardTexts(done).some((t) => t.includes('Cancelled')),
      cardTexts(done).join(' | '),
    );
    e2e.clock.set(new Date('2025-02-03T09:30:00Z'));
    await runDue();
    for (const s of studentUsers) assert.equal(invitesTo(s), 0, s.id);
    const open = await exec(studentUsers[0]!, 'survey.answer', { surveyRunId: run._id });
    assert.match(JSON.stringify(open), /cancelled/);
    const audit = await e2e.services.audit.list(TENANT, { action: 'survey.cancel' });
    assert.ok(
      audit.some((a) => a.targetId === run._id && a.actorId === leadDoc._id && a.outcome !== 'refused'),
    );
  });

  it('cancelling an open run stops the invitations still waiting to be sent, and the reminder', async () => {
    const run = await schedule('2025-02-10', '2025-02-14');
    e2e.clock.set(new Date('2025-02-10T09:00:00Z'));
    await e2e.services.sender.stop(); // the invitations wait in the outbox
    try {
      await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
      const queued = await e2e.services.outbox.byBatch(TENANT, `survey.invite:${run._id}`);
      assert.equal(queued.length, studentUsers.length);
      await exec(lead, 'survey.cancel', { surveyRunId: run._id, confirm: 'yes' });
    } finally {
      e2e.services.sender.start();
    }
    await e2e.services.sender.drain();
    const items = await e2e.services.outbox.byBatch(TENANT, `survey.invite:${run._id}`);
    assert.deepEqual(
      items.map((i) => i.state),
      items.map(() => 'cancelled'),
    );
    e2e.clock.set(new Date('2025-02-13T17:00:00Z'));
    await runDue();
    for (const s of studentUsers) assert.equal(invitesTo(s), 0, s.id);
  });

  it('a student cannot close or cancel a run', async () => {
    const run = await schedule('2025-02-17', '2025-02-21');
    const res = await exec(studentUsers[0]!, 'survey.cancel', { surveyRunId: run._id, confirm: 'yes' });
    assert.equal(typeof res, 'string');
    assert.equal(
      e2e.services.surveys.status((await e2e.services.surveys.repo.runById(TENANT, run._id))!),
      'scheduled',
    );
    const refused = await e2e.services.audit.list(TENANT, { action: 'survey.cancel' });
    assert.ok(refused.some((a) => a.targetId === run._id && a.outcome === 'refused'));
  });

  it('closing an open run early releases all its responses at once and tells the lead it has closed', async () => {
    const run = await schedule('2025-02-24', '2025-02-28');
    e2e.clock.set(new Date('2025-02-24T10:00:00Z'));
    for (let i = 0; i < 6; i++)
      await e2e.services.surveys.submit(TENANT, students[i]!, run._id, {
        'week-rating': String(i < 5 ? 3 : 5),
        workload: 'about-right',
        supported: '4',
      });
    const stepped = cardTexts(await exec(lead, 'survey.results', { surveyRunId: run._id }));
    assert.ok(stepped.includes('5 answers · mean 3.00'), stepped.join(' | '));
    const ask = await exec(lead, 'survey.close', { surveyRunId: run._id });
    assert.ok(cardTexts(ask).some((t) => t.startsWith('Close Weekly pulse now?')));
    await exec(lead, 'survey.close', { surveyRunId: run._id, confirm: 'yes' });
    const closed = cardTexts(await exec(lead, 'survey.results', { surveyRunId: run._id }));
    assert.ok(closed.includes('6 answers · mean 3.33'), closed.join(' | '));
    const late = await exec(studentUsers[0]!, 'survey.submit', {
      surveyRunId: run._id,
      'week-rating': '1',
      workload: 'about-right',
      supported: '1',
    });
    assert.match(String(late), /closed/);
    await runDue();
    assert.ok(
      e2e
        .sentTo(`a:personal-${lead.id}`)
        .some((a) => cardTexts(firstCard(a)).includes('Weekly pulse has closed')),
    );
    const audit = await e2e.services.audit.list(TENANT, { action: 'survey.close' });
    assert.ok(audit.some((a) => a.targetId === run._id && a.outcome !== 'refused'));
  });
});
