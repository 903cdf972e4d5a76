/**
 * Issue #28 item 3: one privacy rule for a survey run's results in chat (the results card),
 * the tab (the dashboard's JSON API) and the CSV. Nothing below the minimum group size; while
 * the run is open, results move only in steps (5, 10, 15… responses), computed from the first
 * N responses in submission order, so no two views differ by one person; all of them at close.
 * Set-up (cohorts, people, runs, answers) goes straight to the services; every view is read over HTTP.
 */
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import type { PersonDoc } from '../../src/storage/people-repository.js';
import { asCard, cardTexts, E2E, TENANT, type TestUser } from './harness.js';
import { seedCohort, seedPerson } from '../helpers/world.js';

const RATINGS = [
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

const user = (key: string, name: string): TestUser => ({
  id: `29:steps-${key}`,
  aadObjectId: `aad-steps-${key}`,
  name,
  email: `steps.${key}@example.nhs.uk`,
});

interface View {
  card: { texts: string[]; csvUrl: string | null; json: string };
  csv: { status: number; rows: Record<string, string>[] };
  tab: { shown: boolean; post: number | null; delta: number | null };
}

describe('e2e: survey results are released in steps, alike in chat, tab and CSV', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const lead = user('lead', 'Lena Lead');
  const ids = { A: '', B: '' };
  const students: PersonDoc[] = [];
  let leadId = '';
  let endRun = '';
  let seq = 0;

  async function run(definitionId: string, opensOn: string, closesOn: string): Promise<string> {
    const admin = (await e2e.services.people.byId(TENANT, leadId))!;
    const { run: r } = await e2e.services.surveys.scheduleRun(TENANT, admin, {
      requestId: `steps-run-${++seq}-abcdefgh`,
      definitionId,
      cohortId: ids.A,
      opensOn,
      closesOn,
      anonymous: true,
      remind: false,
    });
    return r._id;
  }

  const answer = (runId: string, i: number, rating: number) =>
    e2e.services.surveys.submit(TENANT, students[i]!, runId, {
      ...Object.fromEntries(RATINGS.map((m) => [m, String(rating)])),
      ...(runId === endRun ? { 'biggest-change': `Change number ${i}` } : {}),
    });

  async function view(): Promise<View> {
    const res = await e2e.post(e2e.execute(lead, 'survey.results', { surveyRunId: endRun }));
    const card = asCard(res.body.value);
    const open = (card.actions ?? []).find((a: { type: string }) => a.type === 'Action.OpenUrl');
    const csvUrl = open ? (open.url as string).replace(/^https?:\/\/[^/]+/, e2e.baseUrl) : null;
    // The CSV as the link gives it, or (no link below the minimum) as a freshly signed link would.
    const token = e2e.services.surveys.exportToken(TENANT, leadId, endRun, {});
    const got = await fetch(csvUrl ?? `${e2e.baseUrl}/surveys/export?token=${encodeURIComponent(token)}`);
    const body = await got.text();
    const rows =
      got.status === 200 ? (parse(body, { bom: true, columns: true }) as Record<string, string>[]) : [];
    const t = await fetch(`${e2e.baseUrl}/api/dashboard/dev-token?as=${encodeURIComponent(lead.email!)}`);
    const { token: bearer } = (await t.json()) as { token: string };
    const api = await fetch(
      `${e2e.baseUrl}/api/dashboard/lead/compare?cohortIds=${encodeURIComponent(`${ids.A},${ids.B}`)}`,
      { headers: { authorization: `Bearer ${bearer}` } },
    );
    assert.equal(api.status, 200);
    const compare = (await api.json()) as {
      cohorts: { shown: boolean }[];
      rows: { cells: { post: number | null; delta: number | null }[] }[];
    };
    const cell = compare.rows[0]!.cells[0]!;
    return {
      card: { texts: cardTexts(card), csvUrl, json: JSON.stringify(card).replace(/token=[^"]+/, '') },
      csv: { status: got.status, rows },
      tab: { shown: compare.cohorts[0]!.shown, post: cell.post, delta: cell.delta },
    };
  }

  const leadershipCsv = (v: View) => v.csv.rows.find((r) => r.question_id === 'confidence.leadership');
  const csvTexts = (v: View) => v.csv.rows.filter((r) => r.row_type === 'text').map((r) => r.text);

  before(async () => {
    await e2e.start({ DASHBOARD_DEV_LOGIN: 'true', MIN_GROUP_SIZE: '5' });
    e2e.clock.set(new Date('2025-01-20T09:00:00Z'));
    const now = e2e.clock.now();
    ids.A = await seedCohort(e2e, { name: 'Steps cohort A' }, now);
    ids.B = await seedCohort(e2e, { name: 'Steps cohort B', startDate: '2025-09-01' }, now);
    leadId = await seedPerson(e2e, lead, ['lead'], {
      cohortId: null,
      now,
      extra: { cohortIds: [ids.A, ids.B] },
    });
    for (let i = 0; i < 12; i++) {
      const s = user(`student-${i}`, `Student ${i}`);
      const id = await seedPerson(e2e, s, ['student'], { cohortId: ids.A, now, teams: false });
      students.push((await e2e.services.people.byId(TENANT, id))!);
    }
    await e2e.post(e2e.install(lead));
    // Start of placement: five answer 3 everywhere (closed, all released).
    const baseline = await run('confidence-baseline', '2025-02-03', '2025-02-07');
    endRun = await run('confidence-end', '2025-03-10', '2025-03-14');
    e2e.clock.set(new Date('2025-02-03T10:00:00Z'));
    for (let i = 0; i < 5; i++) await answer(baseline, i, 3);
    e2e.clock.set(new Date('2025-03-10T10:00:00Z'));
  });
  after(() => e2e.stop());

  let atFive: View;

  it('4 responses: nothing in chat, tab or CSV', async () => {
    for (let i = 0; i < 4; i++) await answer(endRun, i, 2);
    const v = await view();
    assert.ok(
      v.card.texts.some((t) => /Fewer than 5 responses so far/.test(t)),
      v.card.texts.join(' | '),
    );
    assert.ok(!v.card.json.includes('Change number') && !v.card.json.includes('mean'));
    assert.equal(v.card.csvUrl, null);
    assert.equal(v.csv.status, 409);
    assert.equal(v.tab.shown, false);
    assert.equal(v.tab.post, null);
  });

  it('5 responses: the first step, the same figures everywhere', async () => {
    await answer(endRun, 4, 4);
    const v = await view();
    atFive = v;
    assert.ok(v.card.texts.includes('5 answers · mean 2.40'), v.card.texts.join(' | ')); // (2×4 + 4) / 5
    assert.equal(leadershipCsv(v)?.count, '5');
    assert.equal(leadershipCsv(v)?.mean, '2.4');
    assert.equal(v.tab.post, 2.4);
    assert.equal(v.tab.delta, -0.6);
    assert.deepEqual(
      csvTexts(v).sort(),
      [0, 1, 2, 3, 4].map((i) => `Change number ${i}`),
    );
  });

  it('6 responses: still the same step in chat, tab and CSV (the sixth answer is not in any view)', async () => {
    await answer(endRun, 5, 5);
    const v = await view();
    assert.deepEqual(v.card.texts, atFive.card.texts);
    assert.ok(v.card.json === atFive.card.json, 'the card is the same as at 5');
    assert.deepEqual(v.csv.rows, atFive.csv.rows);
    assert.deepEqual(v.tab, atFive.tab);
    assert.ok(!v.card.json.includes('Change number 5'));
  });

  it('10 responses: the next step, alike everywhere', async () => {
    for (let i = 6; i < 10; i++) await answer(endRun, i, 5);
    const v = await view();
    assert.ok(v.card.texts.includes('10 answers · mean 3.70'), v.card.texts.join(' | ')); // (8 + 4 + 5×5) / 10
    assert.equal(leadershipCsv(v)?.count, '10');
    assert.equal(leadershipCsv(v)?.mean, '3.7');
    assert.equal(v.tab.post, 3.7);
    assert.equal(v.tab.delta, 0.7);
    assert.ok(v.card.json.includes('Change number 9'));
    assert.equal(csvTexts(v).length, 10);
  });

  it('11 responses while open: still 10; after close: all 11', async () => {
    await answer(endRun, 10, 1);
    const open = await view();
    assert.equal(leadershipCsv(open)?.count, '10');
    assert.equal(open.tab.post, 3.7);
    e2e.clock.set(new Date('2025-03-14T17:00:01Z'));
    const closed = await view();
    assert.ok(closed.card.texts.includes('11 answers · mean 3.45'), closed.card.texts.join(' | ')); // 38 / 11
    assert.equal(leadershipCsv(closed)?.count, '11');
    assert.equal(closed.tab.post, 3.45);
  });
});
