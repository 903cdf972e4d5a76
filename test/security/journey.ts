/**
 * A broad journey through every feature that is registered, without knowing them: the
 * fixture roster is imported, everyone installs the bot, every command in the registry is
 * typed by every role in its scopes, every Action.Execute on the cards that come back is
 * pressed with plausible inputs (one level deep), and the clock walks through the
 * placement running due jobs and draining the outbox. Used by the data-protection tests to
 * find where personal data lands.
 */
import { readFileSync } from 'node:fs';
import { RosterImportService } from '../../src/features/roster/roster-import.js';
import { AhpHostsRepository } from '../../src/storage/ahp-hosts-repository.js';
import { fixturePath } from '../admin/fixtures.js';
import { firstCard, TENANT, type E2E, type TestUser } from '../e2e/harness.js';

export const CHANNEL = '19:cohort2channel@thread.tacv2';

export interface JourneyPeople {
  student: TestUser;
  otherStudent: TestUser;
  supervisor: TestUser;
  lead: TestUser;
  admin: TestUser;
  host: TestUser;
}

const user = (key: string, name: string, email: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email,
});

export const journeyPeople: JourneyPeople = {
  student: user('george', 'George Clarke', 'george.clarke@student.example.ac.uk'),
  otherStudent: user('hannah', 'Hannah Jones', 'hannah.jones@student.example.ac.uk'),
  supervisor: user('sam', 'Sam Okoro', 'sam.supervisor@example.nhs.uk'),
  lead: user('wendy', 'Wendy Marsh', 'wendy.marsh@example.nhs.uk'),
  admin: user('alex', 'Alex Morgan', 'alex.morgan@example.nhs.uk'),
  host: user('amira-host', 'Amira Fraser', 'amira.fraser.ahp0@example.nhs.uk'),
};

export async function importFixtures(e2e: E2E): Promise<void> {
  const { people, cohorts, supervisions, clock } = e2e.services;
  const { db } = e2e.services.database;
  const service = new RosterImportService({
    people,
    cohorts,
    supervisions,
    directory: new AhpHostsRepository(db),
    clock,
  });
  const roster = await service.importRoster(TENANT, {
    cohortsCsv: readFileSync(fixturePath('cohorts.csv')),
    peopleCsv: readFileSync(fixturePath('people.csv')),
  });
  if (!roster.ok)
    throw new Error(`fixture roster did not import: ${JSON.stringify(roster.errors.slice(0, 3))}`);
  const directory = await service.importDirectory(TENANT, readFileSync(fixturePath('ahp-directory.csv')));
  if (!directory.ok) throw new Error('fixture directory did not import');
  for (const u of Object.values(journeyPeople)) e2e.teamsUser(u);
}

interface CardNode {
  type?: string;
  id?: string;
  value?: string;
  min?: number;
  valueOn?: string;
  verb?: string;
  data?: Record<string, unknown>;
  choices?: { value?: string }[];
  [key: string]: unknown;
}

const SKIP_VERBS = /erase|delete|remove/i;

/** Plausible values for a card's inputs, so a submit has a chance to pass validation. */
export function fillInputs(card: unknown, today: string): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as CardNode;
    if (typeof n.type === 'string' && n.type.startsWith('Input.') && typeof n.id === 'string') {
      if (n.type === 'Input.ChoiceSet') data[n.id] = n.value || n.choices?.[0]?.value || '';
      else if (n.type === 'Input.Number') data[n.id] = String(n.value ?? n.min ?? 3);
      else if (n.type === 'Input.Date') data[n.id] = n.value || today;
      else if (n.type === 'Input.Time') data[n.id] = n.value || '10:00';
      else if (n.type === 'Input.Toggle') data[n.id] = n.valueOn ?? 'true';
      // The event card's optional online link: blank is valid (a place is given), prose is not.
      else if (n.id === 'onlineLink') data[n.id] = n.value ?? '';
      else data[n.id] = n.value || 'I led the morning huddle and reflected on how it went for the team.';
    }
    Object.values(n).forEach(walk);
  };
  walk(card);
  return data;
}

function executes(card: unknown): { verb: string; data: Record<string, unknown> }[] {
  const found: { verb: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as CardNode;
    if (n.type === 'Action.Execute' && typeof n.verb === 'string')
      found.push({ verb: n.verb, data: n.data ?? {} });
    Object.values(n).forEach(walk);
  };
  walk(card);
  return found;
}

/** Presses every button on `card` as `u` (one level of returned cards too). */
async function pressAll(
  e2e: E2E,
  u: TestUser,
  card: unknown,
  today: string,
  conversation?: Record<string, unknown>,
  channelData?: Record<string, unknown>,
  depth = 0,
) {
  for (const action of executes(card)) {
    if (SKIP_VERBS.test(action.verb)) continue;
    const res = await e2e.post(
      e2e.execute(u, action.verb, { ...fillInputs(card, today), ...action.data }, conversation, channelData),
    );
    if (res.status >= 500) throw new Error(`journey: ${action.verb} answered ${res.status}`);
    if (depth === 0 && res.body?.type === 'application/vnd.microsoft.card.adaptive')
      await pressAll(e2e, u, res.body.value, today, conversation, channelData, depth + 1);
  }
}

export async function runJourney(e2e: E2E, options: { weeks?: number; start?: string } = {}): Promise<void> {
  const start = new Date(options.start ?? '2025-02-03T08:00:00Z');
  e2e.clock.set(start);
  const everyone = Object.values(journeyPeople);
  for (const u of everyone) await e2e.post(e2e.install(u));
  const commands = e2e.services.commands.all();
  const channelConversation = { id: `${CHANNEL};messageid=1`, conversationType: 'channel', isGroup: true };
  const channelData = { channel: { id: CHANNEL }, team: { id: '19:team@thread.tacv2' } };
  for (let week = 0; week < (options.weeks ?? 3); week++) {
    const today = e2e.clock.now().toISOString().slice(0, 10);
    for (const u of everyone) {
      for (const c of commands) {
        if (SKIP_VERBS.test(c.command)) continue;
        if (c.scopes.includes('personal')) {
          const before = e2e.connector.calls.length;
          const res = await e2e.post(e2e.message(u, c.command));
          if (res.status >= 500) throw new Error(`journey: "${c.command}" answered ${res.status}`);
          for (const call of e2e.connector.calls.slice(before)) {
            const card = firstCard(call.activity);
            if (card && call.conversationId === `a:personal-${u.id}`) await pressAll(e2e, u, card, today);
          }
        }
        if (c.scopes.includes('team')) {
          const before = e2e.connector.calls.length;
          await e2e.post(e2e.channelMessage(u, CHANNEL, c.command));
          for (const call of e2e.connector.calls.slice(before)) {
            const card = firstCard(call.activity);
            if (card) await pressAll(e2e, u, card, today, channelConversation, channelData);
          }
        }
      }
    }
    // A week of placement: due jobs run, proactive messages go out, people answer them.
    for (let day = 0; day < 7; day++) {
      e2e.clock.advance(24 * 60 * 60 * 1000);
      await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
      await e2e.services.sender.drain(20_000);
    }
    for (const u of everyone) {
      for (const call of e2e.connector.delivered(`a:personal-${u.id}`).slice(-3)) {
        const card = firstCard(call.activity);
        if (card) await pressAll(e2e, u, card, e2e.clock.now().toISOString().slice(0, 10));
      }
    }
  }
}
