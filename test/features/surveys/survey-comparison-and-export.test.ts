/**
 * Survey results across runs (pre/post confidence deltas, cohort comparison) and the CSV export
 * and its signed links; the same world as survey-service.test.ts.
 */
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { Services } from '../../../src/services.js';
import type { PersonDoc } from '../../../src/storage/people-repository.js';
import type { SurveyError } from '../../../src/features/surveys/survey-service.js';
import { nextSeq, T, surveyWorld } from './survey-world.js';

describe('surveys: runs, responses and privacy-safe results (real database)', function () {
  this.timeout(60_000);
  const w = surveyWorld();
  let services: Services;
  let lead: PersonDoc;
  before(() => ({ services, lead } = w));
  const { clock, cohort, students, run, pulse } = w;

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
          requestId: `req-${nextSeq()}-abcdefgh`,
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
