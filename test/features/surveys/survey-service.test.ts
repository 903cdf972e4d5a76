import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { ControllableClock } from '../../../src/clock.js';
import { loadConfig } from '../../../src/config.js';
import { GroupTooSmallError } from '../../../src/domain/anonymity.js';
import { createLogger } from '../../../src/logger.js';
import { HttpConnectorClient } from '../../../src/proactive/connector-client.js';
import { noTokens } from '../../../src/proactive/token-provider.js';
import { createServices, type Services } from '../../../src/services.js';
import { collections } from '../../../src/storage/collections.js';
import type { Database } from '../../../src/storage/mongo.js';
import type { PersonDoc } from '../../../src/storage/people-repository.js';
import { SurveyError } from '../../../src/features/surveys/survey-service.js';
import { dropAndClose, freshDatabase } from '../../helpers/db.js';

const T = 'tenant-surveys';
let seq = 0;

describe('surveys: runs, responses and privacy-safe results (real database)', function () {
  this.timeout(60_000);
  let database: Database;
  let services: Services;
  const clock = new ControllableClock();
  let lead: PersonDoc;

  async function cohort(name: string, startDate = '2025-02-03') {
    const { id } = await services.cohorts.upsertByName(
      T,
      {
        name,
        startDate,
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: [],
        supervision: { weekday: 'Thu', time: '14:00' },
        timeZone: 'Europe/London',
        teamsChannelId: null,
      },
      clock.now(),
    );
    return id;
  }

  async function students(cohortId: string, n: number, profession = 'physiotherapy'): Promise<PersonDoc[]> {
    const out: PersonDoc[] = [];
    for (let i = 0; i < n; i++) {
      const email = `student${++seq}@example.nhs.uk`;
      await services.people.upsertByEmail(
        T,
        {
          email,
          displayName: `Student Number${seq}`,
          roles: ['student'],
          profession,
          cohortId,
          timeZone: null,
        },
        clock.now(),
      );
      out.push((await services.people.byEmail(T, email))!);
    }
    return out;
  }

  async function run(
    definitionId: string,
    cohortId: string,
    opensOn: string,
    closesOn: string,
    anonymous = true,
  ) {
    clock.set(new Date(Date.parse(`${opensOn}T00:00:00Z`) - 7 * 86_400_000));
    const { run } = await services.surveys.scheduleRun(T, lead, {
      requestId: `req-${++seq}-abcdefgh`,
      definitionId,
      cohortId,
      opensOn,
      closesOn,
      anonymous,
      remind: true,
    });
    clock.set(new Date(run.opensAt.getTime() + 60_000));
    return run;
  }

  const pulse = (rating: number, workload = 'about-right', comment?: string) => ({
    'week-rating': String(rating),
    workload,
    supported: '4',
    ...(comment !== undefined ? { comment } : {}),
  });

  before(async () => {
    database = await freshDatabase('surveys');
    const config = loadConfig({ LOG_LEVEL: 'silent', MIN_GROUP_SIZE: '5' });
    services = createServices({
      config,
      clock,
      logger: createLogger('silent'),
      database,
      connector: new HttpConnectorClient(noTokens),
    });
    clock.set(new Date('2025-01-06T10:00:00Z'));
    await services.people.upsertByEmail(
      T,
      {
        email: 'lead@example.nhs.uk',
        displayName: 'Lee Lead',
        // The programme lead: runs surveys for every cohort, which takes the admin role
        // (a lead acts only for the cohort they are attached to).
        roles: ['lead', 'admin'],
        profession: 'physiotherapy',
        cohortId: null,
        timeZone: null,
      },
      clock.now(),
    );
    lead = (await services.people.byEmail(T, 'lead@example.nhs.uk'))!;
  });
  after(() => dropAndClose(database));

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

  describe('pre/post confidence deltas and cohort comparison (hand-computed fixtures)', () => {
    const M = [
      'confidence.leadership',
      'confidence.time-management',
      'confidence.interprofessional-collaboration',
      'confidence.professional-behaviours',
      'confidence.communication',
      'pillar.clinical',
      'pillar.leadership',
      'pillar.education',
      'pillar.research',
    ];
    // ratings[measure][respondent]
    async function answer(runId: string, people: PersonDoc[], ratings: number[][]) {
      for (let i = 0; i < people.length; i++) {
        const answers: Record<string, string> = {};
        M.forEach((q, m) => (answers[q] = String(ratings[m]![i]!)));
        await services.surveys.submit(T, people[i]!, runId, answers);
      }
    }
    const same = (v: number, n: number) => Array.from({ length: n }, () => v);
    let c1: string, c2: string, c3: string;

    before(async () => {
      c1 = await cohort('Cohort 1', '2024-07-01');
      c2 = await cohort('Cohort 2', '2025-02-03');
      c3 = await cohort('Cohort 3', '2025-09-01');
      const p1 = await students(c1, 6);
      const p2 = await students(c2, 5);
      const p3 = await students(c3, 5);
      const b1 = await run('confidence-baseline', c1, '2024-07-01', '2024-07-05');
      await answer(b1._id, p1.slice(0, 5), [
        [2, 3, 2, 3, 4],
        [3, 3, 3, 3, 3],
        [1, 2, 2, 3, 2],
        [4, 4, 3, 4, 5],
        [3, 4, 3, 3, 4],
        [3, 3, 4, 4, 3],
        [2, 2, 2, 3, 3],
        [3, 2, 3, 2, 3],
        [1, 1, 2, 2, 1],
      ]);
      const e1 = await run('confidence-end', c1, '2024-08-05', '2024-08-09');
      await answer(e1._id, p1, [
        [4, 4, 5, 3, 4, 4],
        [4, 3, 4, 4, 3, 4],
        [3, 3, 4, 3, 2, 3],
        [4, 5, 4, 5, 5, 4],
        [4, 4, 4, 5, 4, 4],
        same(4, 6),
        [3, 4, 3, 3, 4, 3],
        same(3, 6),
        [2, 2, 2, 1, 2, 2],
      ]);
      const b2 = await run('confidence-baseline', c2, '2025-02-03', '2025-02-07');
      await answer(b2._id, p2, [[1, 2, 2, 2, 3], ...Array.from({ length: 8 }, () => same(3, 5))]);
      const e2 = await run('confidence-end', c2, '2025-03-10', '2025-03-14');
      await answer(e2._id, p2, [[4, 5, 4, 4, 5], ...Array.from({ length: 8 }, () => same(4, 5))]);
      const b3 = await run('confidence-baseline', c3, '2025-09-01', '2025-09-05');
      await answer(
        b3._id,
        p3,
        Array.from({ length: 9 }, () => same(2, 5)),
      );
      const e3 = await run('confidence-end', c3, '2025-10-06', '2025-10-10');
      await answer(
        e3._id,
        p3.slice(0, 4),
        Array.from({ length: 9 }, () => same(5, 4)),
      );
    });

    it('computes the per-area pre/post means and deltas for a cohort', async () => {
      const d = await services.surveys.confidenceDeltas(T, c1);
      assert.equal(d.shown, true);
      assert.deepEqual([d.preResponses, d.postResponses], [5, 6]);
      assert.deepEqual(
        d.rows.map((r) => [r.measure, r.pre, r.post, r.delta]),
        [
          ['confidence:leadership', 2.8, 4, 1.2],
          ['confidence:time-management', 3, 3.67, 0.67],
          ['confidence:interprofessional-collaboration', 2, 3, 1],
          ['confidence:professional-behaviours', 4, 4.5, 0.5],
          ['confidence:communication', 3.4, 4.17, 0.77],
          ['pillar:clinical', 3.4, 4, 0.6],
          ['pillar:leadership', 2.4, 3.33, 0.93],
          ['pillar:education', 2.6, 3, 0.4],
          ['pillar:research', 1.4, 1.83, 0.43],
        ],
      );
    });

    it('compares cohorts side by side and hides a cohort below the minimum', async () => {
      const cmp = await services.surveys.compareCohorts(T, [c1, c2, c3]);
      assert.deepEqual(
        cmp.cohorts.map((c) => [c.cohortName, c.shown]),
        [
          ['Cohort 1', true],
          ['Cohort 2', true],
          ['Cohort 3', false],
        ],
      );
      const lead = cmp.rows.find((r) => r.measure === 'confidence:leadership')!;
      assert.deepEqual(
        lead.cells.map((c) => [c.pre, c.post, c.delta]),
        [
          [2.8, 4, 1.2],
          [2, 4.4, 2.4],
          [null, null, null],
        ],
      );
      const comm = cmp.rows.find((r) => r.measure === 'confidence:communication')!;
      assert.deepEqual(
        comm.cells.map((c) => c.delta),
        [0.77, 1, null],
      );
      // Each cohort against the first (cohort 2 vs cohort 1); nothing for a hidden cohort.
      assert.deepEqual(
        lead.cells.map((c) => c.vsFirst),
        [null, 1.2, null],
      );
      assert.deepEqual(
        comm.cells.map((c) => c.vsFirst),
        [null, 0.23, null],
      );
      assert.deepEqual(
        cmp.cohorts.map((c) => [c.hidden, c.preResponses, c.postResponses]),
        [
          [null, 5, 6],
          [null, 5, 5],
          ['too-few', null, null],
        ],
      );
      const reversed = await services.surveys.compareCohorts(T, [c3, c1]);
      assert.ok(
        reversed.rows.every((r) => r.cells.every((c) => c.vsFirst === null)),
        'no reference figure',
      );
      const d3 = await services.surveys.confidenceDeltas(T, c3);
      assert.equal(d3.shown, false);
      assert.equal(d3.preResponses, null);
      assert.ok(d3.rows.every((r) => r.pre === null && r.post === null && r.delta === null));
    });

    it('never pairs two runs of the same week as before and after: an end survey in week 2 is not the "after" of a week-2 start', async () => {
      const c4 = await cohort('Cohort 4', '2026-01-05');
      const p4 = await students(c4, 5);
      const schedule = async (definitionId: string, opensOn: string, closesOn: string) => {
        clock.set(new Date('2026-01-01T09:00:00Z'));
        const input = {
          requestId: `req-${++seq}-abcdefgh`,
          definitionId,
          cohortId: c4,
          opensOn,
          closesOn,
          anonymous: true,
          remind: false,
        };
        // Both open at an odd time for their purpose: the lead keeps them anyway.
        const warned = await services.surveys.scheduleRun(T, lead, input).then(
          () => assert.fail('expected the timing warning'),
          (e: SurveyError) => e.fields._warning!,
        );
        return (await services.surveys.scheduleRun(T, lead, { ...input, acknowledged: warned })).run;
      };
      const start = await schedule('confidence-baseline', '2026-01-12', '2026-01-16');
      const end = await schedule('confidence-end', '2026-01-14', '2026-01-16');
      clock.set(new Date('2026-01-14T12:00:00Z'));
      await answer(
        start._id,
        p4,
        Array.from({ length: 9 }, () => same(2, 5)),
      );
      await answer(
        end._id,
        p4,
        Array.from({ length: 9 }, () => same(4, 5)),
      );
      const d = await services.surveys.confidenceDeltas(T, c4);
      assert.equal(d.baselineRunId, start._id);
      assert.equal(d.endRunId, null, 'the week-2 end survey is not paired with the week-2 start');
      assert.equal(d.shown, false);
      assert.ok(d.rows.every((r) => r.delta === null));
    });
  });

  it('exports CSV that round-trips through a CSV parser (quotes, commas, newlines, unicode)', async () => {
    const c = await cohort('CSV cohort');
    const people = await students(c, 5);
    const r = await run('weekly-pulse', c, '2025-02-03', '2025-02-07');
    const tricky = [
      'He said "brilliant", then left',
      'line one\nline two, with a comma',
      'Café — naïve coördination 👍 ünïcödé',
      ' leading; semicolon; "quoted" ',
      '=SUM(A1) plain',
    ];
    for (let i = 0; i < 5; i++)
      await services.surveys.submit(T, people[i]!, r._id, pulse(i + 1, 'about-right', tricky[i]));
    const csv = await services.surveys.exportCsv(T, r._id);
    assert.ok(csv.startsWith('\ufeff'), 'UTF-8 BOM so spreadsheet apps read unicode');
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    const texts = rows
      .filter((row) => row.row_type === 'text')
      .map((row) => row.text)
      .sort();
    // Text a spreadsheet would run as a formula comes back with a leading apostrophe.
    assert.deepEqual(
      texts,
      tricky
        .map((t) => t.trim())
        .map((t) => (t.startsWith('=') ? `'${t}` : t))
        .sort(),
    );
    const mean = rows.find((row) => row.question_id === 'week-rating' && row.row_type === 'answered')!;
    assert.deepEqual([mean.count, mean.mean], ['5', '3']);
    const dist = rows.filter((row) => row.question_id === 'workload' && row.row_type === 'distribution');
    assert.deepEqual(
      dist.map((row) => [row.label, row.count, row.percent]),
      [
        ['Too light', '0', '0'],
        ['About right', '5', '100'],
        ['Too heavy', '0', '0'],
      ],
    );
    assert.ok(!csv.includes(people[0]!.email) && !csv.includes(people[0]!._id));
  });

  it('neutralises every CSV cell a spreadsheet would run as a formula (respondents’ free text)', async () => {
    const c = await cohort('Formula cohort');
    const people = await students(c, 5);
    const r = await run('weekly-pulse', c, '2025-02-03', '2025-02-07');
    const hostile = ['=SUM(A1)', '+1+1', '-2+3', '@HYPERLINK("x")', '=cmd|" /C calc"!A0'];
    for (let i = 0; i < 5; i++)
      await services.surveys.submit(T, people[i]!, r._id, pulse(i + 1, 'about-right', hostile[i]));
    const csv = await services.surveys.exportCsv(T, r._id);
    const cells = (parse(csv, { bom: true }) as string[][]).flat();
    const formulas = cells.filter((cell) => /^[=+\-@\t\r]/.test(cell));
    assert.deepEqual(formulas, [], 'no cell starts with = + - @ tab or carriage return');
    for (const h of hostile) assert.ok(cells.includes(`'${h}`), `kept, neutralised: ${h}`);
  });

  it('signs export links that expire and cannot be tampered with', () => {
    clock.set(new Date('2025-02-05T10:00:00Z'));
    const token = services.surveys.exportToken(T, lead._id, 'run-1', { profession: 'physiotherapy' });
    assert.deepEqual(services.surveys.verifyExportToken(token), {
      tenantId: T,
      personId: lead._id,
      runId: 'run-1',
      filter: { profession: 'physiotherapy' },
    });
    const [payload, mac] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), r: 'run-2' }),
    ).toString('base64url');
    assert.equal(services.surveys.verifyExportToken(`${forged}.${mac}`), null);
    clock.set(new Date('2025-02-05T10:16:00Z'));
    assert.equal(services.surveys.verifyExportToken(token), null, 'expired after 15 minutes');
  });
});
