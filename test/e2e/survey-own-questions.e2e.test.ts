/**
 * Issue #28 item 3: a lead writes their own survey (up to 12 questions: 1–5 scale, single or
 * multiple choice, short text), kept for the trust (tenant) and reusable: it is offered on the
 * `run survey` card, scheduled, answered, and its results follow the same privacy rules.
 */
import assert from 'node:assert/strict';
import type { PersonDoc } from '../../src/storage/people-repository.js';
import { asCard, cardTexts, E2E, TENANT, type TestUser } from './harness.js';
import { seedCohort, seedPerson } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:own-${key}`,
  aadObjectId: `aad-own-${key}`,
  name,
  email: `own.${key}@example.nhs.uk`,
});

const QUESTIONS = [
  'scale: How useful was the induction?',
  'choice: Which day suits the study session? | Monday | Wednesday',
  'multi: What helped you most? | Supervision | Study days | Peers',
  'text: Anything else?',
].join('\n');

describe('e2e: a lead writes their own survey questions and reuses them', function () {
  this.timeout(120_000);
  const e2e = new E2E();
  const lead = user('lead', 'Lena Lead');
  const students: PersonDoc[] = [];
  const studentUsers: TestUser[] = [];
  let cohortId = '';
  let templateId = '';

  const exec = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200);
    return res.body.value;
  };

  before(async () => {
    await e2e.start({ MIN_GROUP_SIZE: '5' });
    e2e.clock.set(new Date('2025-01-27T09:00:00Z'));
    const now = e2e.clock.now();
    cohortId = await seedCohort(e2e, { name: 'Own cohort' }, now);
    await seedPerson(e2e, lead, ['lead'], { cohortId, now });
    for (let i = 0; i < 5; i++) {
      const s = user(`student-${i}`, `Student ${i}`);
      studentUsers.push(s);
      const id = await seedPerson(e2e, s, ['student'], { cohortId, now });
      students.push((await e2e.services.people.byId(TENANT, id))!);
    }
    for (const u of [lead, studentUsers[0]!]) await e2e.post(e2e.install(u));
  });
  after(() => e2e.stop());

  it('the runs card leads to the question writer; a bad line is pointed out, the form keeps what was typed', async () => {
    const runs = await exec(lead, 'survey.runs', {});
    assert.ok(JSON.stringify(runs).includes('"verb":"survey.author"'));
    const form = await exec(lead, 'survey.author', {});
    assert.ok(cardTexts(form).includes('Write your own survey'), cardTexts(form).join(' | '));
    const bad = await exec(lead, 'survey.template.save', {
      title: 'Induction check',
      questions: `${QUESTIONS}\nchoice: Only one option | Yes`,
    });
    assert.ok(
      cardTexts(bad).some((t) => /Line 5: give at least two options/.test(t)),
      cardTexts(bad).join(' | '),
    );
    assert.ok(JSON.stringify(bad).includes('Induction check'));
    const tooMany = await exec(lead, 'survey.template.save', {
      title: 'Too long',
      questions: Array.from({ length: 13 }, (_, i) => `scale: Question ${i + 1}?`).join('\n'),
    });
    assert.ok(cardTexts(tooMany).some((t) => /up to 12 questions/.test(t)));
  });

  it('a student cannot write one', async () => {
    const res = await exec(studentUsers[0]!, 'survey.template.save', { title: 'Mine', questions: QUESTIONS });
    assert.equal(typeof res, 'string');
    assert.equal((await e2e.services.surveys.repo.templatesOf(TENANT)).length, 0);
  });

  it('saved for the trust, it is offered on the run survey card, scheduled, answered and its results shown', async () => {
    const saved = await exec(lead, 'survey.template.save', {
      title: 'Induction check',
      questions: QUESTIONS,
    });
    assert.ok(
      cardTexts(saved).some((t) => /Induction check is saved/.test(t)),
      cardTexts(saved).join(' | '),
    );
    const [template] = await e2e.services.surveys.repo.templatesOf(TENANT);
    templateId = template!._id;
    const form = asCard(await exec(lead, 'survey.new', {}));
    assert.ok(JSON.stringify(form).includes(templateId));
    const requestId = form.actions.find((a: { verb: string }) => a.verb === 'survey.schedule').data.requestId;
    const scheduled = await exec(lead, 'survey.schedule', {
      requestId,
      definitionId: templateId,
      cohortId,
      opensOn: '2025-02-03',
      opensWeek: 'date',
      closesOn: '2025-02-07',
      anonymous: 'true',
      remind: 'false',
    });
    assert.ok(cardTexts(scheduled).includes('Induction check scheduled'), cardTexts(scheduled).join(' | '));
    const [run] = await e2e.services.surveys.repo.runsForTenant(TENANT);
    e2e.clock.set(new Date('2025-02-03T10:00:00Z'));
    const answerCard = await exec(studentUsers[0]!, 'survey.answer', { surveyRunId: run!._id });
    assert.ok(
      JSON.stringify(answerCard).includes('How useful was the induction?'),
      JSON.stringify(answerCard).slice(0, 400),
    );
    for (let i = 0; i < 5; i++)
      await e2e.services.surveys.submit(TENANT, students[i]!, run!._id, {
        q1: String(i < 3 ? 4 : 5),
        q2: 'o2',
        q3: i < 2 ? 'o1,o3' : 'o2',
        q4: `Note ${i}`,
      });
    const results = cardTexts(await exec(lead, 'survey.results', { surveyRunId: run!._id }));
    assert.ok(results.includes('5 answers · mean 4.40'), results.join(' | '));
    assert.ok(results.includes('Wednesday'));
    assert.ok(results.includes('“Note 4”'));
  });
});
