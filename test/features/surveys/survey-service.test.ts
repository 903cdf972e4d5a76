import assert from 'node:assert/strict';
import { GroupTooSmallError } from '../../../src/domain/anonymity.js';
import type { Services } from '../../../src/services.js';
import { collections } from '../../../src/storage/collections.js';
import type { Database } from '../../../src/storage/mongo.js';
import type { PersonDoc } from '../../../src/storage/people-repository.js';
import { SurveyError } from '../../../src/features/surveys/survey-service.js';
import { T, surveyWorld } from './survey-world.js';

describe('surveys: runs, responses and privacy-safe results (real database)', function () {
  this.timeout(60_000);
  const w = surveyWorld();
  let database: Database;
  let services: Services;
  let lead: PersonDoc;
  before(() => ({ database, services, lead } = w));
  const { clock, cohort, students, run, pulse } = w;

  it('with 4 responses shows no figure or free text; with 5 it shows counts, distributions, means and text', async () => {
    const c = await cohort('Threshold cohort');
    const people = await students(c, 5);
    const r = await run('weekly-pulse', c, '2025-02-03', '2025-02-07');
    const ratings = [5, 4, 4, 3, 2];
    for (let i = 0; i < 4; i++)
      await services.surveys.submit(T, people[i]!, r._id, pulse(ratings[i]!, 'about-right', `comment ${i}`));
    const four = await services.surveys.results(T, r._id);
    assert.equal(four.shown, false);
    assert.equal(four.responses, null);
    assert.deepEqual(four.questions, []);
    assert.ok(!JSON.stringify(four).includes('comment'), 'no free text below the minimum');
    await assert.rejects(services.surveys.exportCsv(T, r._id), GroupTooSmallError);

    await services.surveys.submit(T, people[4]!, r._id, pulse(ratings[4]!, 'too-heavy', 'comment 4'));
    const five = await services.surveys.results(T, r._id);
    assert.equal(five.shown, true);
    assert.equal(five.responses, 5);
    const week = five.questions.find((q) => q.id === 'week-rating')!;
    assert.equal(week.answered, 5);
    assert.equal(week.mean, 3.6); // (5+4+4+3+2)/5
    assert.deepEqual(
      week.distribution.map((d) => [d.key, d.count]),
      [
        ['1', 0],
        ['2', 1],
        ['3', 1],
        ['4', 2],
        ['5', 1],
      ],
    );
    const workload = five.questions.find((q) => q.id === 'workload')!;
    assert.deepEqual(
      workload.distribution.map((d) => [d.label, d.count, d.percent]),
      [
        ['Too light', 0, 0],
        ['About right', 4, 80],
        ['Too heavy', 1, 20],
      ],
    );
    assert.equal(workload.mean, null);
    assert.deepEqual(five.questions.find((q) => q.id === 'comment')!.texts, [
      'comment 0',
      'comment 1',
      'comment 2',
      'comment 3',
      'comment 4',
    ]);
  });

  it('hides a question (including its free text) answered by fewer than the minimum, even when the run is shown', async () => {
    const c = await cohort('Question threshold cohort');
    const people = await students(c, 6);
    const r = await run('weekly-pulse', c, '2025-02-03', '2025-02-07');
    for (let i = 0; i < 6; i++)
      await services.surveys.submit(
        T,
        people[i]!,
        r._id,
        pulse(4, 'about-right', i < 4 ? `only ${i}` : undefined),
      );
    clock.set(new Date(r.closesAt.getTime() + 1)); // closed: all six released
    const res = await services.surveys.results(T, r._id);
    assert.equal(res.responses, 6);
    const comment = res.questions.find((q) => q.id === 'comment')!;
    assert.deepEqual([comment.shown, comment.answered, comment.texts], [false, null, []]);
    assert.ok(!JSON.stringify(res).includes('only '));
  });

  it('refuses a filter that narrows a cut below the minimum, or leaves a complement below it; allows one that does not', async () => {
    const c = await cohort('Filter cohort');
    const physio = await students(c, 5, 'physiotherapy');
    const ot = await students(c, 2, 'occupational therapy');
    const r = await run('weekly-pulse', c, '2025-02-03', '2025-02-07');
    for (const p of [...physio, ...ot])
      await services.surveys.submit(
        T,
        p,
        r._id,
        pulse(3, p.profession === 'physiotherapy' ? 'about-right' : 'too-heavy'),
      );
    // Open, 7 responses: only the first step (the 5 physiotherapists) is released, so the
    // whole of it is the physiotherapy cut and the occupational therapists are in no view.
    const stepped = await services.surveys.results(T, r._id, { profession: 'physiotherapy' });
    assert.equal(stepped.responses, 5);
    await assert.rejects(
      services.surveys.results(T, r._id, { profession: 'occupational therapy' }),
      GroupTooSmallError,
    );
    const opensAt = clock.now();
    clock.set(new Date(r.closesAt.getTime() + 1)); // closed: all seven released
    await assert.rejects(
      services.surveys.results(T, r._id, { profession: 'occupational therapy' }),
      GroupTooSmallError,
    );
    // 5 physiotherapists, but the other 2 could be recovered by subtraction from the whole.
    await assert.rejects(
      services.surveys.results(T, r._id, { profession: 'physiotherapy' }),
      GroupTooSmallError,
    );
    await assert.rejects(
      services.surveys.results(T, r._id, { answer: { questionId: 'workload', value: 'too-heavy' } }),
      GroupTooSmallError,
    );
    await assert.rejects(
      services.surveys.exportCsv(T, r._id, { profession: 'occupational therapy' }),
      GroupTooSmallError,
    );

    clock.set(opensAt);
    const more = await students(c, 3, 'occupational therapy');
    for (const p of more) await services.surveys.submit(T, p, r._id, pulse(5, 'too-heavy'));
    const otOnly = await services.surveys.results(T, r._id, { profession: 'occupational therapy' });
    assert.equal(otOnly.responses, 5);
    assert.equal(otOnly.questions.find((q) => q.id === 'week-rating')!.mean, 4.2); // (3+3+5+5+5)/5
    const heavy = await services.surveys.results(T, r._id, {
      answer: { questionId: 'workload', value: 'too-heavy' },
    });
    assert.equal(heavy.responses, 5);
    await assert.rejects(
      services.surveys.results(T, r._id, { answer: { questionId: 'nope', value: '1' } }),
      /Unknown question id 'nope'/,
    );
  });

  it('anonymous: the stored response has no person id, name or email, yet a second response replaces the first', async () => {
    const c = await cohort('Anonymous cohort');
    const [p] = await students(c, 1);
    const r = await run('weekly-pulse', c, '2025-02-03', '2025-02-07', true);
    assert.equal(
      await services.surveys.submit(T, p!, r._id, pulse(2, 'too-light', 'first thoughts')),
      'created',
    );
    assert.equal(
      await services.surveys.submit(T, p!, r._id, pulse(5, 'about-right', 'second thoughts')),
      'replaced',
    );
    const raw = await database.db
      .collection(collections.surveyResponses.name)
      .find({ runId: r._id })
      .toArray();
    assert.equal(raw.length, 1);
    const json = JSON.stringify(raw);
    for (const secret of [
      p!._id,
      p!._id.split('|')[1]!,
      p!.email,
      p!.displayName,
      'Number',
      p!.teamsUserId ?? 'no-teams-id',
    ])
      assert.ok(!json.includes(secret), `stored response mentions ${secret}`);
    assert.equal('respondentId' in raw[0]!, false);
    assert.deepEqual(raw[0]!.items, [
      '#',
      '?week-rating',
      'week-rating=5',
      '?workload',
      'workload=about-right',
      '?supported',
      'supported=4',
      '?comment',
      'comment~second thoughts',
    ]);
    // Times are coarsened to the day.
    assert.equal((raw[0]!.updatedAt as Date).toISOString().slice(11), '00:00:00.000Z');
    // The person's own answers come back for editing.
    assert.equal((await services.surveys.myAnswers(T, p!, r._id))!['comment'], 'second thoughts');
  });

  it('named: the response carries the respondent id (for their own data export)', async () => {
    const c = await cohort('Named cohort');
    const [p] = await students(c, 1);
    const r = await run('weekly-pulse', c, '2025-02-03', '2025-02-07', false);
    await services.surveys.submit(T, p!, r._id, pulse(4));
    const raw = await database.db.collection(collections.surveyResponses.name).findOne({ runId: r._id });
    assert.equal(raw!.respondentId, p!._id);
  });

  it('rejects bad input with clear errors: unknown question id, out-of-range answers, unknown option, after close, before open, other cohort', async () => {
    const c = await cohort('Bad input cohort');
    const [p] = await students(c, 1);
    const [outsider] = await students(await cohort('Other cohort'), 1);
    const r = await run('end-of-placement-evaluation', c, '2025-03-10', '2025-03-14');
    const good = { recommend: '9', overall: '4', 'clinical-link': '5' };
    const fail = async (answers: Record<string, unknown>) => {
      try {
        await services.surveys.submit(T, p!, r._id, answers);
      } catch (err) {
        assert.ok(err instanceof SurveyError);
        return err;
      }
      assert.fail('expected a SurveyError');
    };
    const unknown = await fail({ ...good, 'favourite-colour': 'blue' });
    assert.equal(unknown.code, 'invalid');
    assert.match(unknown.fields['favourite-colour']!, /Unknown question id 'favourite-colour'/);
    assert.match((await fail({ ...good, overall: '6' })).fields.overall!, /from 1 to 5/);
    assert.match((await fail({ ...good, recommend: 11 })).fields.recommend!, /from 0 to 10/);
    assert.match((await fail({ ...good, recommend: '4.5' })).fields.recommend!, /whole number/);
    assert.match(
      (await fail({ ...good, valuable: 'supervision,teleportation' })).fields.valuable!,
      /Choose from the options/,
    );
    assert.match(
      (await fail({ ...good, format: 'mixed,mostly-virtual' })).fields.format!,
      /Choose one option/,
    );
    assert.match((await fail({ recommend: '9' })).fields.overall!, /Please answer/);
    assert.match((await fail({ ...good, keep: 'x'.repeat(1501) })).fields.keep!, /1500 characters/);
    assert.equal(await services.surveys.countFor(r._id), 0, 'nothing stored for rejected submits');

    assert.equal(
      await services.surveys.submit(T, p!, r._id, { ...good, valuable: 'supervision,conversations' }),
      'created',
    );
    await assert.rejects(
      services.surveys.submit(T, outsider!, r._id, good),
      (e: SurveyError) => e.code === 'forbidden',
    );
    clock.set(new Date('2025-03-14T17:00:00Z'));
    const closed = await fail(good);
    assert.equal(closed.code, 'closed');
    assert.match(closed.message, /closed .*answers can no longer be changed/);
    clock.set(new Date('2025-03-01T10:00:00Z'));
    assert.equal((await fail(good)).code, 'not-open');
    await assert.rejects(
      services.surveys.submit(T, p!, 'tenant-surveys|srun|missing', good),
      /could not find that survey/,
    );
  });

  it('schedules idempotently, validates the schedule and refuses a student', async () => {
    const c = await cohort('Schedule cohort');
    clock.set(new Date('2025-01-06T10:00:00Z'));
    const input = {
      requestId: 'same-request-123',
      definitionId: 'weekly-pulse',
      cohortId: c,
      opensWeek: 2,
      closesOn: '2025-02-14',
      anonymous: true,
      remind: true,
    };
    const first = await services.surveys.scheduleRun(T, lead, input);
    const again = await services.surveys.scheduleRun(T, lead, input);
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.run._id, first.run._id);
    assert.equal(first.run.opensAt.toISOString(), '2025-02-10T09:00:00.000Z'); // week 2, Mon 09:00 GMT
    assert.equal(first.run.closesAt.toISOString(), '2025-02-14T17:00:00.000Z');
    // The last placement day before the close day, at the start of working time.
    assert.equal(first.run.reminderAt!.toISOString(), '2025-02-13T09:00:00.000Z');
    assert.equal(
      (await services.scheduler.get(`survey.open:${first.run._id}`))!.runAt.toISOString(),
      '2025-02-10T09:00:00.000Z',
    );
    assert.ok(await services.scheduler.get(`survey.remind:${first.run._id}`));

    await assert.rejects(
      services.surveys.scheduleRun(T, lead, {
        ...input,
        requestId: 'other-request-1',
        closesOn: '2025-02-03',
      }),
      (e: SurveyError) => /close after it opens/.test(e.fields.closesOn ?? ''),
    );
    await assert.rejects(
      services.surveys.scheduleRun(T, lead, { ...input, requestId: 'other-request-2', opensWeek: 9 }),
      (e: SurveyError) => /has 6 weeks/.test(e.fields.opensWeek ?? ''),
    );
    await assert.rejects(
      services.surveys.scheduleRun(T, lead, { ...input, requestId: 'other-request-3', definitionId: 'nope' }),
      (e: SurveyError) => e.fields.definitionId === 'Unknown survey',
    );
    // A start-of-placement survey in week 2 waits for the lead to keep that warning.
    const baseline = { ...input, requestId: 'other-request-5', definitionId: 'confidence-baseline' };
    await assert.rejects(
      services.surveys.scheduleRun(T, lead, baseline),
      (e: SurveyError) => e.code === 'needs-confirmation' && e.fields._warning === 'start:week-2',
    );
    const kept = await services.surveys.scheduleRun(T, lead, { ...baseline, acknowledged: 'start:week-2' });
    assert.equal(kept.created, true);
    const [student] = await students(c, 1);
    await assert.rejects(
      services.surveys.scheduleRun(T, student!, { ...input, requestId: 'other-request-4' }),
      (e: SurveyError) => e.code === 'forbidden',
    );
  });

  it('invites the cohort when a run opens and reminds only non-responders (anonymous completion by HMAC)', async () => {
    const c = await cohort('Reminder cohort');
    const people = await students(c, 6);
    const r = await run('weekly-pulse', c, '2025-02-03', '2025-02-07');
    assert.equal(await services.surveys.sendInvitations(T, r._id, 'invite'), 6);
    assert.equal(
      await services.surveys.sendInvitations(T, r._id, 'invite'),
      0,
      'a re-run enqueues nothing new',
    );
    await services.surveys.submit(T, people[0]!, r._id, pulse(4));
    await services.surveys.submit(T, people[3]!, r._id, pulse(4));
    assert.equal(await services.surveys.sendInvitations(T, r._id, 'remind'), 4);
    const reminded = (await services.outbox.byBatch(T, `survey.remind:${r._id}`))
      .map((i) => i.personId)
      .sort();
    assert.deepEqual(reminded, [people[1], people[2], people[4], people[5]].map((p) => p!._id).sort());
  });
});
