/**
 * The world of the projects e2e story (issue 17): cohort Mon 2025-02-03, 6 weeks, Thu 14:00
 * supervision, the clock at Tue 11 Feb 2025 09:00Z (week 2); Wendy leads it, Sam and Olu
 * supervise, Amira is an AHP host, Priya, Ben and Cara are one team and Dan is on another.
 * Call it inside the describe: it adds the before and after hooks.
 */
/**
 * Projects (issue 17, part 1) through the real HTTP endpoint, the fake Bot Connector, a
 * controllable clock and the real local database.
 *
 * Cohort: Mon 2025-02-03, 6 weeks, Thu 14:00 supervision. The clock starts at Tue 11 Feb 2025
 * 09:00Z (week 2). Wendy leads the cohort; Sam and Olu are supervisors attached to it; Amira is
 * an AHP host. Priya, Ben and Cara are the "Falls huddle" team; Dan is on another team.
 */
import assert from 'node:assert/strict';
import { cardTexts, E2E, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';
import { checkinAnswers as answersOfWeek } from '../helpers/loop-world.js';

export const user = (key: string, name: string): TestUser => ({
  id: `29:p-${key}`,
  aadObjectId: `aad-p-${key}`,
  name,
  email: `${key}.p@example.nhs.uk`,
});

export { actionData } from './harness.js';

export const checkinAnswers = (week: number, progress: string) =>
  answersOfWeek(week, 4, { progress, wentWell: 'Good huddle.' });

export function projectsWorld() {
  const e2e = new E2E();
  const wendy = user('wendy', 'Wendy Marsh');
  const sam = user('sam', 'Sam Okoro');
  const olu = user('olu', 'Olu Adeyemi');
  const amira = user('amira', 'Amira Fraser');
  const priya = user('priya', 'Priya Shah');
  const ben = user('ben', 'Ben Jones');
  const cara = user('cara', 'Cara Lewis');
  const dan = user('dan', 'Dan Brown');
  const everyone = [wendy, sam, olu, amira, priya, ben, cara, dan];
  const ids = new Map<TestUser, string>();
  const id = (u: TestUser) => ids.get(u)!;
  let cohortId = '';
  const start = new Date('2025-02-11T09:00:00Z');

  const exec = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a card or a message
    return res.body.value as any;
  };
  const say = async (u: TestUser, text: string) => {
    const message = e2e.message(u, text);
    await e2e.post(message);
    const replies = e2e.sentTo(`a:personal-${u.id}`).filter((a) => a.replyToId === message.id);
    assert.equal(replies.length, 1, `one reply to "${text}"`);
    return replies[0]!;
  };
  const count = (name: string, filter: Record<string, unknown> = {}) =>
    e2e.services.database.db.collection(name).countDocuments({ tenantId: TENANT, ...filter });
  const texts = (value: unknown) => (value && typeof value === 'object' ? cardTexts(value) : [String(value)]);

  before(async () => {
    e2e.clock.set(start);
    await e2e.start();
    const { people, cohorts, supervisions } = e2e.services;
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 2',
        ...DEFAULT_COHORT,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
      },
      start,
    ));
    const spec: [TestUser, ('student' | 'supervisor' | 'lead' | 'ahp-host')[], string, boolean][] = [
      [wendy, ['lead'], 'occupational therapy', true],
      [sam, ['supervisor'], 'occupational therapy', true],
      [olu, ['supervisor'], 'physiotherapy', true],
      [amira, ['ahp-host'], 'dietetics', false],
      [priya, ['student'], 'physiotherapy', true],
      [ben, ['student'], 'occupational therapy', true],
      [cara, ['student'], 'speech and language therapy', true],
      [dan, ['student'], 'physiotherapy', true],
    ];
    for (const [u, roles, profession, onCohort] of spec) {
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession,
          cohortId: onCohort ? cohortId : null,
          timeZone: null,
        },
        start,
      );
      ids.set(u, (await people.byEmail(TENANT, u.email!))!._id);
      e2e.teamsUser(u);
    }
    for (const s of [priya, ben, cara]) await supervisions.link(TENANT, id(s), id(sam), start);
    await supervisions.link(TENANT, id(dan), id(olu), start);
    for (const u of everyone) await e2e.post(e2e.install(u));
  });
  after(() => e2e.stop());

  const createData = (requestId: string, extra: Record<string, unknown> = {}) => ({
    requestId,
    cohortId,
    title: 'Falls huddle on Ward 7',
    clinicalTeam: 'Stroke rehabilitation, Ward 7',
    studentIds: [priya, ben, cara].map(id).join(','),
    supervisorIds: id(sam),
    ...extra,
  });
  const post = (path: string, body: unknown) =>
    fetch(`${e2e.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  return {
    /** The story's project, once the lead has created it. */
    projectId: '',
    post,
    e2e,
    wendy,
    sam,
    olu,
    amira,
    priya,
    ben,
    cara,
    dan,
    everyone,
    ids,
    id,
    get cohortId() {
      return cohortId;
    },
    start,
    exec,
    say,
    count,
    texts,
    createData,
  };
}

export type ProjectsWorld = ReturnType<typeof projectsWorld>;
