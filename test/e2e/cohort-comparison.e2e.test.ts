/**
 * Leads of several cohorts compare confidence gains, over real HTTP: in chat (`compare cohorts`,
 * a pick card when they lead more than two) and from the dashboard's JSON API. A lead of one
 * cohort is refused the other (a polite message in chat, 403 from the API), and a cohort with
 * fewer respondents than the minimum group size shows no figure, no difference and no size.
 * Set-up (cohorts, people, survey runs and answers) goes straight to the services.
 */
import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../src/cards/cards.js';
import type { PersonDoc } from '../../src/storage/people-repository.js';
import { NOT_YOUR_COHORT } from '../../src/features/surveys/compare-cohorts.js';
import { asCard, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';

const MEASURES = [
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
/** The parts of the JSON answers and cards these tests read. */
interface Body {
  cohorts: {
    name: string;
    shown: boolean;
    hidden: string | null;
    preResponses: number | null;
    postResponses: number | null;
  }[];
  rows: {
    cells: {
      cohortId: string;
      pre: number | null;
      post: number | null;
      delta: number | null;
      vsFirst: number | null;
    }[];
  }[];
  message: string;
}
interface CardNode {
  type?: string;
  id?: string;
  label?: string;
  value?: string;
  verb?: string;
  choices?: { value: string }[];
  columns?: { items: { text: string }[] }[];
}
interface Card extends AdaptiveCard {
  body: CardNode[];
  actions: CardNode[];
}

const user = (key: string, name: string): TestUser => ({
  id: `29:compare-${key}`,
  aadObjectId: `aad-compare-${key}`,
  name,
  email: `compare.${key}@example.nhs.uk`,
});

describe('e2e: leads of several cohorts compare confidence gains (chat and dashboard)', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const leadAB = user('lead-ab', 'Grace Lee');
  const leadA = user('lead-a', 'Ola Adeyemi');
  const leadABC = user('lead-abc', 'Sam Carter');
  const ids: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };
  const students: Record<'A' | 'B', PersonDoc[]> = { A: [], B: [] };
  let admin: PersonDoc;
  let bBaselineRun = '';
  let seq = 0;

  async function addPerson(email: string, name: string, roles: PersonDoc['roles'], cohortIds: string[]) {
    await e2e.services.people.upsertByEmail(
      TENANT,
      {
        email,
        displayName: name,
        roles,
        profession: 'physiotherapy',
        cohortId: null,
        cohortIds,
        timeZone: null,
      },
      e2e.clock.now(),
    );
    return (await e2e.services.people.byEmail(TENANT, email))!;
  }

  /** A confidence survey run open from `opensOn` to `closesOn`, answered with `ratings` (one per respondent). */
  async function answeredRun(
    definitionId: 'confidence-baseline' | 'confidence-end',
    cohort: 'A' | 'B',
    opensOn: string,
    closesOn: string,
    ratings: number[],
  ) {
    e2e.clock.set(new Date(Date.parse(`${opensOn}T00:00:00Z`) - 7 * 86_400_000));
    const { run } = await e2e.services.surveys.scheduleRun(TENANT, admin, {
      requestId: `compare-run-${++seq}-abcdefgh`,
      definitionId,
      cohortId: ids[cohort],
      opensOn,
      closesOn,
      anonymous: true,
      remind: false,
    });
    e2e.clock.set(new Date(run.opensAt.getTime() + 60_000));
    for (let i = 0; i < ratings.length; i++)
      await e2e.services.surveys.submit(
        TENANT,
        students[cohort][i]!,
        run._id,
        Object.fromEntries(MEASURES.map((m) => [m, String(ratings[i])])),
      );
    return run;
  }

  async function say(u: TestUser, text: string) {
    const conversation = `a:personal-${u.id}`;
    const before = e2e.connector.delivered(conversation).length;
    const activity = e2e.message(u, text);
    await e2e.post(activity);
    // Only the replies to this message: the engines may deliver a proactive message meanwhile.
    return e2e
      .sentTo(conversation)
      .slice(before)
      .filter((a) => a.replyToId === activity.id);
  }

  async function exec(u: TestUser, verb: string, data: Record<string, unknown>) {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200);
    return res.body?.value;
  }

  async function api(u: TestUser, path: string): Promise<{ status: number; body: Body }> {
    const t = await fetch(`${e2e.baseUrl}/api/dashboard/dev-token?as=${encodeURIComponent(u.email!)}`);
    const { token } = (await t.json()) as { token: string };
    const res = await fetch(`${e2e.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: (await res.json()) as Body };
  }
  const compareUrl = (...cohortIds: string[]) =>
    `/api/dashboard/lead/compare?cohortIds=${encodeURIComponent(cohortIds.join(','))}`;

  /** The comparison card's table: one row of cell texts per area, after the header row. */
  function table(card: AdaptiveCard): string[][] {
    const sets = (card as Card).body.filter((b) => b.type === 'ColumnSet');
    return sets.map((s) => s.columns!.map((c) => c.items[0]!.text));
  }

  before(async () => {
    await e2e.start({ DASHBOARD_DEV_LOGIN: 'true', MIN_GROUP_SIZE: '5' });
    e2e.clock.set(new Date('2024-06-01T09:00:00Z'));
    const calendar = {
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu', 'Fri'],
      nonPlacementDates: [],
      supervision: { weekday: 'Thu', time: '14:00' },
      timeZone: 'Europe/London',
      teamsChannelId: null,
    };
    const { cohorts } = e2e.services;
    const now = e2e.clock.now();
    for (const [key, name, startDate, weeks] of [
      ['A', 'Compare cohort 1', '2024-07-01', 5],
      ['B', 'Compare cohort 2', '2025-02-03', 6],
      ['C', 'Compare cohort 3', '2025-09-01', 6],
    ] as const)
      ids[key] = (
        await cohorts.upsertByName(TENANT, { name, startDate, weeks, ...calendar } as never, now)
      ).id;
    admin = await addPerson('compare.admin@example.nhs.uk', 'Admin', ['admin'], []);
    await addPerson(leadAB.email!, leadAB.name, ['lead'], [ids.A, ids.B]);
    await addPerson(leadA.email!, leadA.name, ['lead'], [ids.A]);
    await addPerson(leadABC.email!, leadABC.name, ['lead', 'supervisor'], [ids.A, ids.B, ids.C]);
    for (const key of ['A', 'B'] as const)
      for (let i = 0; i < 5; i++)
        students[key].push(
          await addPerson(
            `compare.${key}${i}@student.example.ac.uk`,
            `Student ${key}${i}`,
            ['student'],
            [ids[key]],
          ),
        );
    for (const u of [leadAB, leadA, leadABC]) {
      e2e.teamsUser(u);
      await e2e.post(e2e.install(u));
    }
    // Cohort 1: 5 answer both (2 -> 4 in every area: +2.00). Cohort 2: 5 at the end (4,5,4,5,4:
    // mean 4.4) but only 4 at the start, below the minimum group size of 5.
    await answeredRun('confidence-baseline', 'A', '2024-07-01', '2024-07-05', [2, 2, 2, 2, 2]);
    await answeredRun('confidence-end', 'A', '2024-08-05', '2024-08-09', [4, 4, 4, 4, 4]);
    bBaselineRun = (await answeredRun('confidence-baseline', 'B', '2025-02-03', '2025-02-07', [3, 3, 3, 3]))
      ._id;
    await answeredRun('confidence-end', 'B', '2025-03-10', '2025-03-14', [4, 5, 4, 5, 4]);
    e2e.clock.set(new Date('2025-03-17T09:00:00Z'));
  });
  after(() => e2e.stop());

  it('with 4 respondents in cohort 2: no figure, no difference and no group size, in chat and from the API', async () => {
    const card = firstCard((await say(leadAB, 'compare cohorts')).at(-1));
    assert.ok(card, 'a comparison card');
    const texts = cardTexts(card);
    assert.ok(texts.includes('Confidence: Compare cohort 2 vs Compare cohort 1'), texts.join(' | '));
    assert.ok(texts.includes('5 responses at the start, 5 at the end'));
    assert.ok(
      texts.includes('No figures: hidden because fewer than 5 people answered one of the surveys'),
      texts.join(' | '),
    );
    const rows = table(card);
    assert.deepEqual(rows[0], ['Area', 'Compare cohort 1', 'Compare cohort 2']);
    assert.equal(rows.length, 1 + MEASURES.length);
    for (const row of rows.slice(1)) assert.deepEqual(row.slice(1), ['+2.00', '–']);
    assert.ok(
      !texts.some((t) => /\b4\b/.test(t) && !/1–5/.test(t)),
      'the size of the hidden group is not shown',
    );

    const res = await api(leadAB, compareUrl(ids.B, ids.A));
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.cohorts.map((c) => [c.name, c.shown, c.hidden, c.preResponses, c.postResponses]),
      [
        ['Compare cohort 1', true, null, 5, 5],
        ['Compare cohort 2', false, 'too-few', null, null],
      ],
    );
    for (const row of res.body.rows) {
      assert.deepEqual(row.cells[0], { cohortId: ids.A, pre: 2, post: 4, delta: 2, vsFirst: null });
      assert.deepEqual(row.cells[1], { cohortId: ids.B, pre: null, post: null, delta: null, vsFirst: null });
    }
    assert.deepEqual(Object.keys(res.body.cohorts[1]).sort(), [
      'hidden',
      'id',
      'name',
      'postResponses',
      'preResponses',
      'shown',
    ]);
  });

  it('with the 5th respondent, cohort 2 vs cohort 1 deltas appear (+1.40, 0.60 less than cohort 1)', async () => {
    e2e.clock.set(new Date('2025-02-04T09:00:00Z'));
    await e2e.services.surveys.submit(
      TENANT,
      students.B[4]!,
      bBaselineRun,
      Object.fromEntries(MEASURES.map((m) => [m, '3'])),
    );
    e2e.clock.set(new Date('2025-03-17T09:00:00Z'));
    const card = firstCard((await say(leadAB, 'compare cohorts')).at(-1))!;
    const rows = table(card);
    for (const row of rows.slice(1)) assert.deepEqual(row.slice(1), ['+2.00', '+1.40 (-0.60)']);
    const res = await api(leadAB, compareUrl(ids.A, ids.B));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.cohorts[1].preResponses, 5);
    assert.deepEqual(res.body.rows[0].cells[1], {
      cohortId: ids.B,
      pre: 3,
      post: 4.4,
      delta: 1.4,
      vsFirst: -0.6,
    });
  });

  it('a lead of cohort 1 only: a polite refusal in chat, 403 from the API, nothing about cohort 2', async () => {
    const [reply] = await say(leadA, 'compare cohorts');
    assert.match(
      String(reply?.text),
      /^You lead one cohort \(Compare cohort 1\), so there is no other cohort/,
    );
    const refused = await exec(leadA, 'survey.compare', { cohortIds: `${ids.A},${ids.B}` });
    assert.equal(refused, NOT_YOUR_COHORT);
    assert.doesNotMatch(refused, /Compare cohort 2|\d\.\d\d/);
    const audit = await e2e.services.audit.list(TENANT, { action: 'survey.compare' });
    assert.ok(audit.some((a) => a.outcome === 'refused'));

    const api403 = await api(leadA, compareUrl(ids.A, ids.B));
    assert.equal(api403.status, 403);
    assert.match(api403.body.message, /only compare cohorts you lead/);
    assert.equal(JSON.stringify(api403.body).includes('Compare cohort 2'), false);
    assert.equal(
      (await api(leadA, `/api/dashboard/lead/overview?cohortId=${encodeURIComponent(ids.B)}`)).status,
      403,
    );
    // The lead of both is refused a cohort they do not lead as well.
    assert.equal((await api(leadAB, compareUrl(ids.A, ids.C))).status, 403);
    assert.equal(await exec(leadAB, 'survey.compare', { cohortIds: `${ids.A},${ids.C}` }), NOT_YOUR_COHORT);
  });

  it('a lead of three cohorts picks which to compare on a card; the choice is validated', async () => {
    const pick = firstCard((await say(leadABC, 'compare cohorts')).at(-1))!;
    assert.ok(cardTexts(pick).includes('Compare cohorts'));
    const input = (pick as Card).body.find((b) => b.id === 'cohortIds')!;
    assert.equal(input.label, 'Cohorts to compare');
    assert.deepEqual(
      input.choices!.map((c) => c.value),
      [ids.A, ids.B, ids.C],
    );
    assert.equal(input.value, `${ids.B},${ids.C}`, 'the two latest cohorts are chosen to start with');
    assert.equal(pick.actions[0].verb, 'survey.compare');

    const tooFew = await exec(leadABC, 'survey.compare', { cohortIds: ids.A });
    assert.ok(cardTexts(tooFew).includes('Choose at least two cohorts to compare'));
    const list = await exec(leadABC, 'survey.compare', { cohortIds: [ids.A, ids.B] });
    assert.ok(cardTexts(list).includes('Confidence: Compare cohort 2 vs Compare cohort 1'));
    const bad = await exec(leadABC, 'survey.compare', { cohortIds: 42 });
    assert.ok(cardTexts(bad).includes('Choose the cohorts to compare from the list'));
    const five = await exec(leadABC, 'survey.compare', { cohortIds: 'a,b,c,d,e' });
    assert.ok(cardTexts(five).includes('Choose up to 4 cohorts'));

    const three = asCard(await exec(leadABC, 'survey.compare', { cohortIds: `${ids.C},${ids.A},${ids.B}` }));
    assert.ok(cardTexts(three).includes('Confidence across 3 cohorts'));
    const rows = table(three);
    assert.deepEqual(rows[0], ['Area', 'Compare cohort 1', 'Compare cohort 2', 'Compare cohort 3']);
    assert.deepEqual(rows[1]!.slice(1), ['+2.00', '+1.40 (-0.60)', '–']);
    assert.ok(
      cardTexts(three).includes(
        'No figures: needs both a start-of-placement and an end-of-placement confidence survey',
      ),
    );
    assert.ok((three as Card).actions.some((a) => a.verb === 'survey.compare.pick'));
  });

  it('the dashboard API validates the cohort list (400 with the field), and serves the lead of both', async () => {
    const one = await api(leadAB, compareUrl(ids.A));
    assert.equal(one.status, 400);
    assert.match(JSON.stringify(one.body), /cohortIds/);
    assert.equal((await api(leadAB, '/api/dashboard/lead/compare')).status, 400);
    const listed = await api(leadAB, '/api/dashboard/cohorts');
    assert.deepEqual(
      listed.body.cohorts.map((c) => c.name),
      ['Compare cohort 1', 'Compare cohort 2'],
    );
  });
});
