/**
 * Issue #28 item 3: free text that names a person on the roster, or words of a safety concern
 * (the safeguarding phrases), is held back from a survey's shared results (the results card and
 * its CSV) and shown to the lead privately, on a card of its own, audited.
 */
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { PersonDoc } from '../../src/storage/people-repository.js';
import { asCard, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { seedCohort, seedPerson } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:held-${key}`,
  aadObjectId: `aad-held-${key}`,
  name,
  email: `held.${key}@example.nhs.uk`,
});

describe('e2e: survey comments that name a person or a safety concern are held back for the lead', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const lead = user('lead', 'Lena Lead');
  const supervisor = user('supervisor', 'Sam Okoro');
  const students: PersonDoc[] = [];
  const studentUsers: TestUser[] = [];
  let runId = '';
  const NAMED = 'Okoro shouted at me in front of a patient';
  const UNSAFE = 'I felt unsafe on the night shift';
  const PLAIN = ['Good week', 'More time for the project, please', 'Loved the study day'];

  before(async () => {
    await e2e.start({ MIN_GROUP_SIZE: '5' });
    e2e.clock.set(new Date('2025-01-27T09:00:00Z'));
    const now = e2e.clock.now();
    const cohortId = await seedCohort(e2e, { name: 'Held cohort' }, now);
    await seedPerson(e2e, lead, ['lead'], { cohortId, now });
    await seedPerson(e2e, supervisor, ['supervisor'], { cohortId, now });
    for (let i = 0; i < 5; i++) {
      const s = user(`student-${i}`, `Student ${i}`);
      studentUsers.push(s);
      const id = await seedPerson(e2e, s, ['student'], { cohortId, now });
      students.push((await e2e.services.people.byId(TENANT, id))!);
    }
    for (const u of [lead, studentUsers[0]!]) await e2e.post(e2e.install(u));
    const leadDoc = (await e2e.services.people.byEmail(TENANT, lead.email!))!;
    const { run } = await e2e.services.surveys.scheduleRun(TENANT, leadDoc, {
      requestId: 'held-run-abcdefgh',
      definitionId: 'weekly-pulse',
      cohortId,
      opensOn: '2025-02-03',
      closesOn: '2025-02-07',
      anonymous: true,
      remind: false,
    });
    runId = run._id;
    e2e.clock.set(new Date('2025-02-03T10:00:00Z'));
    const comments = [NAMED, UNSAFE, ...PLAIN];
    for (let i = 0; i < 5; i++)
      await e2e.services.surveys.submit(TENANT, students[i]!, runId, {
        'week-rating': '4',
        workload: 'about-right',
        supported: '4',
        comment: comments[i]!,
      });
  });
  after(() => e2e.stop());

  it('the shared results card and CSV leave them out, and say how many were held back', async () => {
    const res = await e2e.post(e2e.execute(lead, 'survey.results', { surveyRunId: runId }));
    const card = asCard(res.body.value);
    const json = JSON.stringify(card);
    assert.ok(!json.includes('Okoro') && !json.includes('unsafe'), json);
    for (const p of PLAIN) assert.ok(json.includes(p), p);
    const texts = cardTexts(card);
    assert.ok(
      texts.some((t) => t.includes('2 comments are held back from these shared results')),
      texts.join(' | '),
    );
    assert.ok(json.includes('"verb":"survey.comments"'));
    const url = card.actions.find((a: { type: string }) => a.type === 'Action.OpenUrl').url as string;
    const csv = await (await fetch(url.replace(/^https?:\/\/[^/]+/, e2e.baseUrl))).text();
    assert.ok(!csv.includes('Okoro') && !csv.includes('unsafe'));
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    assert.deepEqual(
      rows
        .filter((r) => r.row_type === 'text')
        .map((r) => r.text)
        .sort(),
      [...PLAIN].sort(),
    );
    assert.equal(rows.find((r) => r.row_type === 'held-back')?.count, '2');
  });

  it('the lead reads them privately, with why each was held back; the review is audited', async () => {
    const res = await e2e.post(e2e.execute(lead, 'survey.comments', { surveyRunId: runId }));
    const texts = cardTexts(res.body.value);
    assert.ok(texts.includes(`“${NAMED}”`), texts.join(' | '));
    assert.ok(texts.includes(`“${UNSAFE}”`));
    assert.ok(texts.some((t) => /names someone/.test(t)));
    assert.ok(texts.some((t) => /safety concern/.test(t)));
    assert.ok(!texts.some((t) => PLAIN.some((p) => t.includes(p))));
    const audit = await e2e.services.audit.list(TENANT, { action: 'survey.comments' });
    assert.ok(audit.some((a) => a.targetId === runId && a.outcome !== 'refused'));
  });

  it('a student is refused the held-back comments', async () => {
    const res = await e2e.post(e2e.execute(studentUsers[0]!, 'survey.comments', { surveyRunId: runId }));
    assert.equal(typeof res.body.value, 'string');
    assert.ok(!JSON.stringify(res.body.value).includes('Okoro'));
  });

  it('when the survey closes, the lead is told privately that comments are waiting for them', async () => {
    e2e.clock.set(new Date('2025-02-07T17:00:01Z'));
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await e2e.services.sender.drain();
    const notice = e2e
      .sentTo(`a:personal-${lead.id}`)
      .map((a) => cardTexts(firstCard(a)).join(' '))
      .find((t) => t.includes('has closed'));
    assert.ok(notice, 'closed notice');
    assert.match(notice!, /2 comments were held back/);
  });
});
