/**
 * Journeys through Microsoft 365 Agents Playground, a real Teams-like client of the bot:
 * `startPlayground()` (what `npm run playground` runs) starts the bot on the run's database,
 * imports the fixture roster and spawns the playground with the committed
 * .m365agentsplayground.yml; the test then acts as the playground's web client over its
 * HTTP/WebSocket API (test/e2e/playground-client.ts). Everything the bot sends, in-turn or
 * proactive, travels through the playground's mock connector. Runs offline.
 */
import assert from 'node:assert/strict';
import { NOT_SURE_MESSAGE, NOTHING_MATCHED_MESSAGE } from '../../src/bot/free-text.js';
import { ControllableClock } from '../../src/clock.js';
import { collections } from '../../src/storage/collections.js';
import { fixture } from '../admin/fixtures.js';
import { dropDatabaseNamed, testMongoUri, uniqueDbName } from '../helpers/db.js';
import { freePort } from '../../tools/local-db/local-db.js';
import {
  PlaygroundUnavailableError,
  startPlayground,
  type RunningPlayground,
} from '../../tools/playground.js';
import { PlaygroundClient, texts, verbs, type StreamMessage } from './playground-client.js';

const CARD = 'application/vnd.microsoft.card.adaptive';

describe('e2e: journeys through Microsoft 365 Agents Playground', function () {
  this.timeout(120_000);
  const clock = new ControllableClock();
  let pg: RunningPlayground;
  let client: PlaygroundClient;
  let me: { id: string; email: string; name: string };
  let bot: { id: string; name: string };
  let personal: string;
  let channel: string;
  let unavailable: string | null = null;

  before(async function () {
    // Monday of week 1 of "Leadership 2025 cohort 2" (fixtures), before the 09:00 check-in prompt.
    clock.set(new Date('2025-02-03T08:00:00Z'));
    try {
      pg = await startPlayground({
        env: {
          MONGODB_URI: await testMongoUri(),
          MONGODB_DB: uniqueDbName('playground'),
          DEFAULT_TENANT_ID: 'local-tenant',
          LOG_LEVEL: process.env.PLAYGROUND_TEST_LOG_LEVEL ?? 'silent',
        },
        botPort: 0,
        playgroundPort: await freePort(),
        clock,
        playgroundOutput: 'collect',
      });
    } catch (err) {
      if (!(err instanceof PlaygroundUnavailableError)) throw err;
      unavailable = err.message;
      console.log(`    skipped: Microsoft 365 Agents Playground cannot start here: ${err.message}`);
      this.skip();
    }
    // The test runs due jobs itself; the outbox sender keeps delivering in the background.
    await pg.services.scheduler.stop();
    client = await PlaygroundClient.connect(pg.playgroundUrl);
    const { config } = await client.config();
    me = config.currentUser;
    bot = config.bot;
    personal = config.personalChat.id;
    const team = config.teams[0];
    channel = team.channels.find((c) => c.id !== team.id)!.id;
  });

  after(async () => {
    client?.close();
    if (pg) {
      const name = pg.services.database.db.databaseName;
      await pg.stop();
      await dropDatabaseNamed(name);
    }
  });

  const fromBot = (conversationId: string, match: (m: StreamMessage) => boolean, after: number) =>
    client.next(
      bot.id,
      (m) => m.action === 'createMessage' && m.conversationId.startsWith(conversationId) && match(m),
      {
        after,
      },
    );
  const cardSaying = (re: RegExp) => (m: StreamMessage) => m.cards.some((c) => re.test(texts(c).join(' | ')));

  describe('onboarding', () => {
    it('plays fixture people: the current user and exactly five colleagues, all on the imported roster; the personal chat holds only the current user', async () => {
      assert.equal(unavailable, null);
      assert.equal(pg.seed.seeded, true, pg.seed.reason);
      const roster = new Set(
        fixture('people.csv')
          .split('\n')
          .slice(1)
          .map((line) => line.split(',')[0]),
      );
      const { config } = await client.config();
      assert.equal(config.users.length, 5);
      for (const user of [config.currentUser, ...config.users]) {
        assert.ok(roster.has(user.email), `${user.email} is in people.csv`);
        assert.equal(user.userPrincipleName, user.email);
        const person = await pg.services.people.byEmail(config.tenantId, user.email);
        assert.ok(person, `${user.email} was imported`);
      }
      const roles = async (email: string) =>
        (await pg.services.people.byEmail(config.tenantId, email))!.roles;
      assert.ok((await roles(config.currentUser.email)).includes('student'));
      const colleagues = await Promise.all(config.users.map((u) => roles(u.email)));
      assert.ok(colleagues.some((r) => r.includes('supervisor')));
      assert.ok(colleagues.some((r) => r.includes('lead')));

      assert.deepEqual(
        (await client.members(personal)).map((m) => m.email),
        [config.currentUser.email],
      );
      assert.equal((await client.members(channel)).length, 6);
    });

    it('welcomes the student on install, links their Teams identity through the member lookup and keeps the conversation reference', async () => {
      const tenantId = pg.tenant.tenantId;
      const before = await pg.services.people.byEmail(tenantId, me.email);
      assert.equal(before?.teamsUserId ?? null, null, 'not linked before the first contact');

      const seen = client.messages.length;
      await client.install(personal);
      const welcome = await fromBot(personal, cardSaying(/Welcome, George/), seen);
      const card = texts(welcome.cards[0]).join(' | ');
      assert.match(card, /check in/);

      const person = await pg.services.people.byEmail(tenantId, me.email);
      assert.equal(person?.teamsUserId, me.id);
      assert.equal(person?.aadObjectId, (await client.config()).config.currentUser.aadObjectId);
      const ref = await pg.services.references.get(tenantId, `personal:${person!._id}`);
      assert.equal(ref?.reference.conversation?.id, personal);
      assert.match(ref!.reference.serviceUrl!, /\/_connector$/);
    });

    it('answers help with every command, shows them all from the welcome card’s Action.Execute, and says when it did not understand', async () => {
      let seen = client.messages.length;
      await client.send(personal, me.id, 'help');
      const help = await fromBot(personal, cardSaying(/Welcome, George/), seen);
      const welcomes = client.messages.filter((m) => m.fromId === bot.id && cardSaying(/Welcome, George/)(m));
      assert.equal(welcomes.length, 2, 'one welcome for the install (two install activities), one for help');
      assert.match(texts(help.cards[0]).join(' | '), /Everything you can type to me here/);

      // The install welcome starts short; its "Show all commands" answers with the full list.
      const refreshed = await client.execute(personal, me.id, welcomes[0]!, 'help.show');
      assert.equal(refreshed.type, CARD);
      const all = texts(refreshed.value).join(' | ');
      assert.match(all, /Welcome, George/);
      assert.match(all, /Everything you can type to me here/);
      assert.ok(texts(refreshed.value).length > texts(welcomes[0]!.cards[0]).length, all);

      seen = client.messages.length;
      await client.send(personal, me.id, 'what is this');
      const reply = await fromBot(personal, (m) => typeof m.text === 'string', seen);
      // Not a command: the likeliest commands as buttons, never a dead end.
      assert.ok(
        reply.text!.startsWith(NOT_SURE_MESSAGE) || reply.text!.startsWith(NOTHING_MATCHED_MESSAGE),
        reply.text,
      );
    });

    it('greets a team channel on install and answers an @mention there', async () => {
      let seen = client.messages.length;
      await client.install(channel);
      const hello = await fromBot(channel, (m) => /Placement Companion/.test(m.text ?? ''), seen);
      assert.match(hello.text!, /link cohort/);

      seen = client.messages.length;
      await client.send(channel, me.id, 'help', bot);
      const help = await fromBot(channel, cardSaying(/Welcome, George/), seen);
      assert.ok(help.conversationId.startsWith(`${channel};messageid=`), 'replied in the thread');
    });
  });

  describe('check-in', () => {
    const count = () => pg.services.database.db.collection(collections.checkins.name).countDocuments();
    let prompt: StreamMessage;
    /** The form: the prompt card refreshed in place by its "open" action. */
    let form: Record<string, unknown>;

    it('delivers the 09:00 prompt proactively to the student’s personal chat through the playground', async () => {
      await pg.services.scheduler.runDue(); // the planner schedules this cohort's prompts
      clock.set(new Date('2025-02-03T09:05:00Z'));
      const seen = client.messages.length;
      assert.ok((await pg.services.scheduler.runDue()) > 0);
      await pg.services.sender.drain(30_000);
      prompt = await fromBot(personal, cardSaying(/Week 1 of 6/), seen);
      assert.ok(verbs(prompt.cards[0]).includes('checkin.open'), verbs(prompt.cards[0]).join(','));
    });

    it('opens the form in place from the prompt card', async () => {
      const opened = await client.execute(personal, me.id, prompt, 'checkin.open');
      assert.equal(opened.type, CARD);
      assert.ok(typeof opened.value !== 'string');
      form = opened.value;
      assert.match(texts(form).join(' | '), /Week 1 of 6: supervision check-in/);
      assert.ok(verbs(form).includes('checkin.submit'));
    });

    it('re-shows the card with errors and stores nothing when a required answer is missing', async () => {
      const result = await client.execute(
        personal,
        me.id,
        prompt,
        'checkin.submit',
        { wellbeing: '4', progress: '' },
        form,
      );
      assert.equal(result.type, CARD);
      assert.match(texts(result.value).join(' | '), /nothing was saved yet/);
      assert.equal(await count(), 0);
    });

    it('saves the answers submitted from the prompt card and shows the submitted state', async () => {
      const answers = {
        wellbeing: '4',
        progress: 'Baseline audit data collected on two wards.',
        wentWell: 'Led my first safety huddle.',
        conf_leadership: '3',
        'conf_time-management': '2',
        'conf_interprofessional-collaboration': '4',
        'conf_professional-behaviours': '4',
        conf_communication: '3',
      };
      const result = await client.execute(personal, me.id, prompt, 'checkin.submit', answers, form);
      assert.equal(result.type, CARD);
      assert.match(texts(result.value).join(' | '), /Week 1 of 6: check-in received/);
      const person = await pg.services.people.byEmail(pg.tenant.tenantId, me.email);
      const stored = await pg.services.checkins.repo.ofStudent(pg.tenant.tenantId, person!._id);
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.week, 1);
      assert.equal(stored[0]!.answers.progress, answers.progress);
    });

    it('`check in` afterwards shows that week’s submitted check-in', async () => {
      const seen = client.messages.length;
      await client.send(personal, me.id, 'check in');
      const card = await fromBot(personal, (m) => m.cards.length > 0, seen);
      assert.match(texts(card.cards[0]).join(' | '), /Week 1 of 6: check-in received/);
      assert.equal(await count(), 1);
    });
  });
});
