/**
 * The world of the guided-reflection e2e story: cohort Mon 2025-02-03, 6 weeks, the clock at
 * Tue 11 Feb 2025 09:00Z; Priya and Ben are students, Sam supervises Priya, Olu supervises Ben,
 * Wendy leads. Call it inside the describe: it adds the hooks. The story restarts the service,
 * so `w.e2e` and the ids the story learns are properties of the world, read when used.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import type { AdaptiveCard } from '../../src/cards/cards.js';
import { E2E, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

export const user = (key: string, name: string): TestUser => ({
  id: `29:r-${key}`,
  aadObjectId: `aad-r-${key}`,
  name,
  email: `${key}.r@example.nhs.uk`,
});

export { actionData } from './harness.js';

export function input(card: unknown, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const r = node as Record<string, unknown>;
      if (typeof r.type === 'string' && r.type.startsWith('Input.') && r.id === id) found = r;
      else Object.values(r).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** An activity that carries a card. */
export type CardActivity = { attachments: { content: unknown }[] };

export function openUrls(card: AdaptiveCard): string[] {
  return (card.actions as { type: string; url: string }[])
    .filter((a) => a.type === 'Action.OpenUrl')
    .map((a) => a.url);
}

export function reflectionsWorld() {
  const w = {
    e2e: new E2E(),
    cohortId: '',
    priyaReflectionId: '',
    benReflectionId: '',
  };
  const priya = user('priya', 'Priya Shah');
  const ben = user('ben', 'Ben Jones');
  const sam = user('sam', 'Sam Okoro');
  const olu = user('olu', 'Olu Other');
  const lead = user('lead', 'Wendy Marsh');
  const everyone = [priya, ben, sam, olu, lead];
  const ids = new Map<string, string>();
  const start = new Date('2025-02-11T09:00:00Z');

  const exec = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await w.e2e.post(w.e2e.execute(u, verb, data));
    assert.equal(res.status, 200);
    return res.body;
  };
  /** The bot's one reply to a message (proactive deliveries that interleave are ignored). */
  const say = async (u: TestUser, text: string) => {
    const message = w.e2e.message(u, text);
    await w.e2e.post(message);
    const replies = w.e2e.sentTo(`a:personal-${u.id}`).filter((a) => a.replyToId === message.id);
    assert.equal(replies.length, 1, `one reply to "${text}"`);
    return replies[0]!;
  };
  const reflections = () => w.e2e.services.database.db.collection(collections.reflections.name);
  const drafts = () => w.e2e.services.database.db.collection(collections.reflectionDrafts.name);
  const feedback = () => w.e2e.services.database.db.collection(collections.reflectionFeedback.name);
  const outbox = (purpose: string) => w.e2e.services.outbox.collection().find({ purpose }).toArray();

  before(async () => {
    w.e2e.clock.set(start);
    await w.e2e.start();
    const { people, cohorts, supervisions } = w.e2e.services;
    ({ id: w.cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 2',
        ...DEFAULT_COHORT,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
      },
      start,
    ));
    const roles: Record<string, ('student' | 'supervisor' | 'lead')[]> = {
      priya: ['student'],
      ben: ['student'],
      sam: ['supervisor'],
      olu: ['supervisor'],
      lead: ['lead'],
    };
    for (const u of everyone) {
      const key = u.id.slice('29:r-'.length);
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles: roles[key]!,
          profession: 'physiotherapy',
          // Students are on the cohort, and the lead is attached to the cohort they lead.
          cohortId: roles[key]!.includes('student') || key === 'lead' ? w.cohortId : null,
          timeZone: null,
        },
        start,
      );
      ids.set(key, (await people.byEmail(TENANT, u.email!))!._id);
      w.e2e.teamsUser(u);
    }
    await supervisions.link(TENANT, ids.get('priya')!, ids.get('sam')!, start);
    await supervisions.link(TENANT, ids.get('ben')!, ids.get('olu')!, start);
  });
  after(() => w.e2e.stop());
  return Object.assign(w, {
    priya,
    ben,
    sam,
    olu,
    lead,
    everyone,
    ids,
    start,
    exec,
    say,
    reflections,
    drafts,
    feedback,
    outbox,
  });
}

export type ReflectionsWorld = ReturnType<typeof reflectionsWorld>;
