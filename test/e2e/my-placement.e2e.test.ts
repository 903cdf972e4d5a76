/**
 * `my placement` over HTTP, as a student types it on a phone: the exact command and the ways
 * people ask ("whos my supervisor", "what week am i on", "is tmrw a leadership day") all open
 * the same card, with the week, today and tomorrow, the dates, the supervisor and the lead;
 * a question naming a day ("is thursday a leadership day") adds that day's line;
 * on a bank holiday, before the start and after the end. A student on no cohort and a
 * supervisor get a sentence, not an error.
 *
 * Cohort "Physio spring": Mon 28 Apr 2025, 6 weeks, Mon/Tue clinical, Wed/Thu leadership,
 * Europe/London (BST, UTC+1). Mon 5 May 2025 is the Early May bank holiday.
 */
import assert from 'node:assert/strict';
import type { AdaptiveCard } from '../../src/cards/cards.js';
import { NO_COHORT } from '../../src/features/my-placement/my-placement.js';
import { seedPerson, seedWorld } from '../helpers/world.js';
import { E2E, firstCard, type TestUser } from './harness.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:mp-${key}`,
  aadObjectId: `aad-mp-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});
const STUDENT = user('priya', 'Priya Shah');
const SUPERVISOR = user('sam', 'Sam Okoro');
const LEAD = user('wendy', 'Wendy Marsh');
const LOOSE = user('lee', 'Lee Park');

/** The card's texts, its facts by title and its buttons' urls by title. */
function read(card: AdaptiveCard | undefined) {
  assert.ok(card, 'a card');
  const texts: string[] = [];
  const facts = new Map<string, string>();
  const buttons = new Map<string, string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const r = node as Record<string, unknown>;
    if (r.type === 'TextBlock') texts.push(String(r.text));
    if (r.type === 'FactSet')
      for (const f of r.facts as { title: string; value: string }[]) facts.set(f.title, f.value);
    if (r.type === 'Action.OpenUrl') buttons.set(String(r.title), String(r.url));
    Object.values(r).forEach(walk);
  };
  walk(card);
  return { texts, facts, buttons };
}

describe('e2e: my placement, typed by a student', function () {
  this.timeout(120_000);
  const e2e = new E2E();

  const says = async (who: TestUser, text: string) => (await e2e.say(who, text)).last;
  const cardFor = async (text: string) => read(firstCard(await says(STUDENT, text)));

  before(async () => {
    e2e.clock.set(new Date('2025-04-20T09:00:00Z'));
    await e2e.start({}, { engines: false });
    const world = await seedWorld(e2e, {
      cohort: {
        name: 'Physio spring',
        startDate: '2025-04-28',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu'],
      },
      people: [
        [STUDENT, ['student']],
        [SUPERVISOR, ['supervisor']],
        [LEAD, ['lead']],
      ],
      links: [[STUDENT, SUPERVISOR]],
    });
    assert.ok(world.cohortId);
    await seedPerson(e2e, LOOSE, ['student'], { cohortId: null });
  });

  after(() => e2e.stop());

  it('before the start: the card says plainly when it starts', async () => {
    e2e.clock.set(new Date('2025-04-24T09:00:00Z'));
    const { texts, facts } = await cardFor('my placement');
    assert.ok(texts.includes('Your placement'));
    assert.ok(texts.includes('Your placement starts on Mon 28 Apr 2025 (in 4 days).'), texts.join(' | '));
    assert.equal(facts.get('First day'), 'Clinical day');
    assert.equal(facts.get('Dates'), 'Mon 28 Apr 2025 to Thu 5 Jun 2025');
  });

  it('on the bank holiday: "what week am i on" shows week 2 of 6 and why there is no placement today', async () => {
    e2e.clock.set(new Date('2025-05-05T08:00:00Z'));
    for (const text of ['what week am i on', 'placement info']) {
      const { texts, facts } = await cardFor(text);
      assert.ok(texts.includes('Week 2 of 6'), `${text}: ${texts.join(' | ')}`);
      assert.equal(facts.get('Today'), 'No placement: Early May bank holiday', text);
      assert.equal(facts.get('Tomorrow'), 'Clinical day', text);
    }
  });

  it('"is tmrw a leadership day" the day before one: tomorrow is a leadership day', async () => {
    e2e.clock.set(new Date('2025-05-06T16:00:00Z'));
    const { texts, facts } = await cardFor('is tmrw a leadership day');
    assert.ok(texts.includes('Week 2 of 6'));
    assert.equal(facts.get('Today'), 'Clinical day');
    assert.equal(facts.get('Tomorrow'), 'Leadership day');
  });

  it('day questions: the card adds a line for the day asked about, a plain sentence when it has passed', async () => {
    e2e.clock.set(new Date('2025-05-06T09:00:00Z')); // Tue 6 May, week 2
    const dayLine = async (text: string) => {
      const { texts, facts } = await cardFor(text);
      assert.ok(texts.includes('Week 2 of 6'), `${text}: ${texts.join(' | ')}`);
      assert.equal(facts.get('Today'), 'Clinical day', text);
      const shown = ['Today', 'Tomorrow', 'Dates', 'Supervisor', 'Lead', 'Next chat'];
      return [...facts].filter(([title]) => !shown.includes(title));
    };
    assert.deepEqual(await dayLine('is thursday a leadership day'), [['Thu 8 May', 'Leadership day']]);
    assert.deepEqual(await dayLine('what am i doing on friday'), [
      ['Fri 9 May', 'No placement: not one of your placement days'],
    ]);
    assert.deepEqual(await dayLine('am i on placement next monday'), [['Mon 12 May', 'Clinical day']]);
    assert.deepEqual(await dayLine('is the 5th of may a bank holiday'), [
      ['Mon 5 May', 'That day has passed.'],
    ]);
    assert.deepEqual(await dayLine('is the 26th of may a bank holiday'), [
      ['Mon 26 May', 'No placement: Spring bank holiday'],
    ]);
  });

  it('"am i doing clinical or leadership on thursday" is a question, not distress: the card, with Thursday', async () => {
    e2e.clock.set(new Date('2025-05-06T09:00:00Z'));
    const { facts } = await cardFor('am i doing clinical or leadership on thursday');
    assert.equal(facts.get('Thu 8 May'), 'Leadership day');
  });

  it('"whos my supervisor" and "who is my lead": their names, and a button to chat to each in Teams', async () => {
    e2e.clock.set(new Date('2025-05-07T09:00:00Z'));
    for (const text of ['whos my supervisor', 'who is my lead']) {
      const { facts, buttons } = await cardFor(text);
      assert.equal(facts.get('Supervisor'), 'Sam Okoro', text);
      assert.equal(facts.get('Lead'), 'Wendy Marsh', text);
      assert.equal(
        buttons.get('Chat to Sam Okoro (supervisor)'),
        'https://teams.microsoft.com/l/chat/0/0?users=sam%40example.nhs.uk',
      );
      assert.equal(
        buttons.get('Chat to Wendy Marsh (placement lead)'),
        'https://teams.microsoft.com/l/chat/0/0?users=wendy%40example.nhs.uk',
      );
    }
  });

  it('after the end: "when does my placement finish" says it ended', async () => {
    e2e.clock.set(new Date('2025-06-10T09:00:00Z'));
    const { texts, facts } = await cardFor('when does my placement finish');
    assert.ok(texts.includes('Your placement ended on Thu 5 Jun 2025.'), texts.join(' | '));
    assert.equal(facts.has('Today'), false);
  });

  it('a student on no cohort gets a kind sentence; a supervisor is pointed to my students', async () => {
    assert.equal((await says(LOOSE, 'my placement'))?.text, NO_COHORT);
    const supervisor = await says(SUPERVISOR, 'my placement');
    assert.equal(firstCard(supervisor), undefined);
    assert.match(String(supervisor?.text), /\*\*my students\*\*/);
  });
});
