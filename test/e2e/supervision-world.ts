/**
 * The world of the supervision e2e tests: cohort "Spring 2025" (Mon 3 Feb 2025, 6 weeks,
 * Mon/Tue clinical, Wed/Thu leadership, supervision Thu 14:00 Europe/London = UTC in February)
 * over the real HTTP endpoint, the fake Bot Connector and a controllable clock.
 */
import assert from 'node:assert/strict';
import { E2E, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';
import { checkinAnswers } from '../helpers/loop-world.js';

export const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

export const answers = (week: number, wellbeing = 4) => checkinAnswers(week, wellbeing);

/** Every Action.Execute in a card, with its data. */
export function executes(card: unknown): { title: string; verb: string; data: Record<string, unknown> }[] {
  const out: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const r = node as Record<string, unknown>;
      if (r.type === 'Action.Execute')
        out.push({
          title: String(r.title),
          verb: String(r.verb),
          data: (r.data ?? {}) as Record<string, unknown>,
        });
      Object.values(r).forEach(walk);
    }
  };
  walk(card);
  return out;
}

export class World {
  readonly e2e = new E2E();
  readonly ids = new Map<string, string>();
  cohortId = '';
  private seen = 0;

  async start(people: [TestUser, ('student' | 'supervisor' | 'lead' | 'admin')[], 'A' | 'B' | null][]) {
    await this.e2e.start({ JOBS_POLL_MS: '60000' });
    await this.e2e.services.scheduler.stop(); // the test runs due jobs itself
    const now = new Date('2025-01-20T12:00:00Z');
    const { cohorts } = this.e2e.services;
    const calendar = {
      ...DEFAULT_COHORT,
    } as const;
    ({ id: this.cohortId } = await cohorts.upsertByName(
      TENANT,
      { ...calendar, name: 'Spring 2025' } as never,
      now,
    ));
    const { id: other } = await cohorts.upsertByName(
      TENANT,
      { ...calendar, name: 'Other 2025' } as never,
      now,
    );
    for (const [u, roles, cohort] of people) {
      await this.e2e.services.people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession: 'occupational-therapy',
          cohortId: cohort === 'A' ? this.cohortId : cohort === 'B' ? other : null,
          timeZone: null,
        },
        now,
      );
      this.ids.set(u.name, (await this.e2e.services.people.byEmail(TENANT, u.email!))!._id);
    }
    for (const [u] of people) {
      this.e2e.teamsUser(u);
      await this.e2e.post(this.e2e.install(u));
    }
    await this.e2e.services.sender.drain();
    this.seen = this.e2e.connector.delivered().length;
  }

  id(u: TestUser) {
    return this.ids.get(u.name)!;
  }

  async link(student: TestUser, supervisor: TestUser) {
    await this.e2e.services.supervisions.link(TENANT, this.id(student), this.id(supervisor), new Date());
  }

  async post(path: string, body: unknown) {
    const res = await fetch(`${this.e2e.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200);
    return res.json();
  }

  /** Moves the clock, runs due jobs, drains the outbox; what was delivered, per conversation. */
  async step(iso: string) {
    await this.post('/test/clock', { now: iso });
    await this.post('/test/jobs/run-due', {});
    await this.e2e.services.sender.drain(60_000);
    const calls = this.e2e.connector.delivered().slice(this.seen);
    this.seen += calls.length;
    return calls;
  }

  conv(u: TestUser) {
    return `a:personal-${u.id}`;
  }

  async exec(u: TestUser, verb: string, data: Record<string, unknown>) {
    const res = await this.e2e.post(this.e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.value;
  }

  /** The card the bot replies with to a message. */
  async say(u: TestUser, text: string) {
    const before = this.e2e.connector.delivered(this.conv(u)).length;
    await this.e2e.post(this.e2e.message(u, text));
    const replies = this.e2e.connector.delivered(this.conv(u)).slice(before);
    return replies.map((c) => c.activity!).at(-1);
  }

  async count(collection: string) {
    return this.e2e.services.database.db.collection(collection).countDocuments({});
  }
}
