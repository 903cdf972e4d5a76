/**
 * Comparing cohorts that have no confidence surveys, from the weekly check-ins' confidence
 * (issue #28 item 5), over real HTTP: in chat (`compare cohorts`, the pick card's submit) and
 * from the dashboard's JSON API. Each student's first check-in against their latest; the
 * minimum group size holds on every cut (a cohort, an area). Check-ins are stored straight
 * through the repository.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- cards and JSON answers are read loosely */
import assert from 'node:assert/strict';
import { CheckinsRepository } from '../../src/features/checkins/checkins-repository.js';
import type { PersonDoc } from '../../src/storage/people-repository.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';

const AREAS = [
  'leadership',
  'time-management',
  'interprofessional-collaboration',
  'professional-behaviours',
  'communication',
];

interface Body {
  source: string;
  cohorts: { name: string; shown: boolean; hidden: string | null; preResponses: number | null }[];
  rows: {
    measure: string;
    cells: { pre: number | null; post: number | null; delta: number | null; vsFirst: number | null }[];
  }[];
}

const user = (key: string, name: string): TestUser => ({
  id: `29:cmpci-${key}`,
  aadObjectId: `aad-cmpci-${key}`,
  name,
  email: `cmpci.${key}@example.nhs.uk`,
});

describe('e2e: cohorts without surveys compared from weekly check-in confidence', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const leadDE = user('lead-de', 'Grace Lee');
  const leadDEF = user('lead-def', 'Sam Carter');
  const ids: Record<'D' | 'E' | 'F', string> = { D: '', E: '', F: '' };

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

  /** A check-in for a student of a cohort in a week, rating every area given. */
  async function checkin(
    cohort: 'D' | 'E' | 'F',
    studentId: string,
    week: number,
    confidence: Record<string, number>,
  ) {
    await new CheckinsRepository(e2e.services.database.db).save(
      TENANT,
      {
        studentId,
        cohortId: ids[cohort],
        week,
        of: 6,
        answers: {
          wellbeing: 4,
          progress: 'ok',
          leadership: '',
          wentWell: '',
          hard: '',
          topics: '',
          confidence,
        },
        dueAt: null,
      },
      e2e.clock.now(),
    );
  }
  const all = (v: number) => Object.fromEntries(AREAS.map((a) => [a, v]));

  async function say(u: TestUser, text: string) {
    const conversation = `a:personal-${u.id}`;
    const before = e2e.connector.delivered(conversation).length;
    const activity = e2e.message(u, text);
    await e2e.post(activity);
    return e2e
      .sentTo(conversation)
      .slice(before)
      .filter((a) => a.replyToId === activity.id);
  }
  async function api(u: TestUser, cohortIds: string[]): Promise<{ status: number; body: Body }> {
    const t = await fetch(`${e2e.baseUrl}/api/dashboard/dev-token?as=${encodeURIComponent(u.email!)}`);
    const { token } = (await t.json()) as { token: string };
    const res = await fetch(
      `${e2e.baseUrl}/api/dashboard/lead/compare?cohortIds=${encodeURIComponent(cohortIds.join(','))}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    return { status: res.status, body: (await res.json()) as Body };
  }
  const table = (card: any): string[][] =>
    card.body
      .filter((b: any) => b.type === 'ColumnSet')
      .map((s: any) => s.columns.map((c: any) => c.items[0].text));

  before(async () => {
    await e2e.start({ DASHBOARD_DEV_LOGIN: 'true', MIN_GROUP_SIZE: '5' });
    e2e.clock.set(new Date('2025-03-17T09:00:00Z'));
    const calendar = {
      clinicalDays: ['Mon', 'Tue'],
      leadershipDays: ['Wed', 'Thu', 'Fri'],
      nonPlacementDates: [],
      supervision: { weekday: 'Thu', time: '14:00' },
      timeZone: 'Europe/London',
      teamsChannelId: null,
    };
    for (const [key, name, startDate] of [
      ['D', 'Check-in cohort 1', '2024-07-01'],
      ['E', 'Check-in cohort 2', '2025-02-03'],
      ['F', 'Check-in cohort 3', '2025-02-10'],
    ] as const)
      ids[key] = (
        await e2e.services.cohorts.upsertByName(
          TENANT,
          { name, startDate, weeks: 6, ...calendar } as never,
          e2e.clock.now(),
        )
      ).id;
    await addPerson(leadDE.email!, leadDE.name, ['lead'], [ids.D, ids.E]);
    await addPerson(leadDEF.email!, leadDEF.name, ['lead'], [ids.D, ids.E, ids.F]);
    for (const u of [leadDE, leadDEF]) {
      e2e.teamsUser(u);
      await e2e.post(e2e.install(u));
    }
    // Cohort 1: 5 students, 2 in week 1 and 4 in week 5 in every area (+2.00); one more
    // student with a single check-in, who is not counted.
    for (let i = 0; i < 5; i++) {
      await checkin('D', `student-D${i}`, 1, all(2));
      await checkin('D', `student-D${i}`, 3, all(3));
      await checkin('D', `student-D${i}`, 5, all(4));
    }
    await checkin('D', 'student-D-once', 1, all(1));
    // Cohort 2: 5 students, 3 then 4,5,4,5,4 (+1.40); the fifth leaves communication out of
    // their latest check-in, so only 4 rated it in two weeks: that area shows nothing.
    const ends = [4, 5, 4, 5, 4];
    for (let i = 0; i < 5; i++) {
      await checkin('E', `student-E${i}`, 1, all(3));
      const end = all(ends[i]!);
      if (i === 4) delete end.communication;
      await checkin('E', `student-E${i}`, 4, end);
    }
    // Cohort 3: only 4 students rated two weeks.
    for (let i = 0; i < 4; i++) {
      await checkin('F', `student-F${i}`, 1, all(2));
      await checkin('F', `student-F${i}`, 2, all(5));
    }
  });
  after(() => e2e.stop());

  it('two cohorts without surveys but with check-ins show a comparison, in chat and from the API', async () => {
    const card = firstCard((await say(leadDE, 'compare cohorts')).at(-1));
    assert.ok(card, 'a comparison card');
    const texts = cardTexts(card);
    assert.ok(texts.includes('Confidence: Check-in cohort 2 vs Check-in cohort 1'), texts.join(' | '));
    assert.ok(texts.some((t) => /from each student's first weekly check-in to their latest/.test(t)));
    assert.ok(texts.includes("5 students' first and latest check-ins"), texts.join(' | '));
    const rows = table(card);
    assert.deepEqual(rows[0], ['Area', 'Check-in cohort 1', 'Check-in cohort 2']);
    assert.equal(rows.length, 1 + AREAS.length, 'the five confidence areas (check-ins have no pillars)');
    for (const row of rows.slice(1, -1)) assert.deepEqual(row.slice(1), ['+2.00', '+1.40 (-0.60)'], row[0]);
    assert.deepEqual(rows.at(-1), ['Communication', '+2.00', '–'], 'an area rated by 4 shows nothing');

    const res = await api(leadDE, [ids.D, ids.E]);
    assert.equal(res.status, 200);
    assert.equal(res.body.source, 'checkins');
    assert.deepEqual(
      res.body.cohorts.map((c) => [c.name, c.shown, c.hidden, c.preResponses]),
      [
        ['Check-in cohort 1', true, null, 5],
        ['Check-in cohort 2', true, null, 5],
      ],
    );
    assert.deepEqual(res.body.rows[0]!.cells[1], {
      cohortId: ids.E,
      pre: 3,
      post: 4.4,
      delta: 1.4,
      vsFirst: -0.6,
    });
    assert.deepEqual(res.body.rows.at(-1)!.cells[1], {
      cohortId: ids.E,
      pre: null,
      post: null,
      delta: null,
      vsFirst: null,
    });
  });

  it('a cohort below the minimum group size shows nothing: no figure, no difference, no count', async () => {
    const reply = await e2e.post(e2e.execute(leadDEF, 'survey.compare', { cohortIds: `${ids.D},${ids.F}` }));
    const texts = cardTexts(reply.body.value);
    assert.ok(
      texts.includes(
        'No figures: hidden because fewer than 5 students have rated their confidence in two different weeks',
      ),
      texts.join(' | '),
    );
    for (const row of table(reply.body.value).slice(1)) assert.deepEqual(row.slice(1), ['+2.00', '–']);
    assert.ok(
      !texts.some((t) => /\b4\b/.test(t) && !/1–5/.test(t)),
      'the size of the hidden group is not shown',
    );

    const res = await api(leadDEF, [ids.D, ids.F]);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.cohorts[1], {
      ...res.body.cohorts[1],
      shown: false,
      hidden: 'too-few',
      preResponses: null,
    });
    for (const row of res.body.rows) assert.deepEqual(row.cells[1]!.delta, null);
  });
});
