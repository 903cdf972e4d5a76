/**
 * A small placement for the supervision-loop e2e tests (issue 26): one cohort "Spring 2025"
 * (Mon 3 Feb 2025, 6 weeks, clinical Mon–Tue, leadership Wed–Thu, supervision Thu 14:00,
 * Europe/London = UTC in February), students, supervisors and a lead, all installed, over
 * HTTP with the fake Bot Connector and the controllable clock (POST /test/clock).
 */
import assert from 'node:assert/strict';
import { cardTexts, E2E, firstCard, type TestUser } from '../e2e/harness.js';
import { seedWorld } from './world.js';

export const loopUser = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

export const checkinAnswers = (week: number, wellbeing: number, extra: Record<string, unknown> = {}) => ({
  week,
  wellbeing: String(wellbeing),
  progress: `Week ${week}: falls audit on track.`,
  leadership: '',
  wentWell: 'Led the huddle.',
  hard: '',
  topics: '',
  conf_leadership: '3',
  'conf_time-management': '3',
  'conf_interprofessional-collaboration': '3',
  'conf_professional-behaviours': '3',
  conf_communication: '3',
  ...extra,
});

type Role = 'student' | 'supervisor' | 'lead';

export interface ExecuteButton {
  title: string;
  verb: string;
  data: Record<string, unknown>;
}

/** Every Action.Execute in a card (body action sets, actions, show-cards), for assertions. */
export function executes(card: unknown): ExecuteButton[] {
  const out: ExecuteButton[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.Execute')
      out.push({
        title: String(n.title),
        verb: String(n.verb),
        data: (n.data ?? {}) as Record<string, unknown>,
      });
    for (const [k, v] of Object.entries(n)) if (k !== 'refresh') walk(v);
  };
  walk(card);
  return out;
}

export class LoopWorld {
  readonly e2e = new E2E();
  readonly ids = new Map<string, string>();
  cohortId = '';

  id(u: TestUser): string {
    return this.ids.get(u.name)!;
  }

  conv(u: TestUser): string {
    return `a:personal-${u.id}`;
  }

  async start(
    people: [TestUser, Role[]][],
    links: [student: TestUser, supervisor: TestUser][],
    env: Record<string, string> = {},
  ): Promise<void> {
    await this.e2e.start({ JOBS_POLL_MS: '60000', ...env });
    await this.e2e.services.scheduler.stop(); // tests run the jobs they mean to run
    const world = await seedWorld(this.e2e, {
      cohort: { name: 'Spring 2025' },
      people,
      links,
      now: new Date('2025-01-20T12:00:00Z'),
    });
    this.cohortId = world.cohortId;
    for (const [name, id] of world.ids) this.ids.set(name, id);
    for (const [u] of people) await this.e2e.post(this.e2e.install(u));
    await this.e2e.services.sender.drain();
  }

  stop() {
    return this.e2e.stop();
  }

  async setClock(iso: string): Promise<void> {
    const res = await fetch(`${this.e2e.baseUrl}/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: iso }),
    });
    assert.equal(res.status, 200);
  }

  /** An Action.Execute; returns the invoke's answer (a card or a string). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a card or a string, read by the tests
  async exec(u: TestUser, verb: string, data: Record<string, unknown>): Promise<any> {
    const res = await this.e2e.post(this.e2e.execute(u, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.value;
  }

  /** A message in the user's personal chat; returns the last card (or text) replied. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a card or a string, read by the tests
  async say(u: TestUser, text: string): Promise<any> {
    const last = await this.e2e.lastReply(u, text);
    return firstCard(last) ?? last?.text;
  }

  /** Proactive messages delivered to a person whose summary matches. */
  async delivered(u: TestUser, summary: RegExp) {
    await this.e2e.services.sender.drain(30_000);
    return this.e2e.sentTo(this.conv(u)).filter((a) => summary.test(String(a.summary ?? '')));
  }

  texts(card: unknown): string {
    return cardTexts(card).join(' | ');
  }
}
