/**
 * First use, over HTTP. Every command in the Teams command menu (appPackage/manifest.json
 * `commandLists`, per scope) gets a real answer for each kind of person who can see that menu:
 * never the "didn't catch that" fallback, never the turn-error message, `help` lists it, and
 * every card it answers with passes the card rules (tools/lib/card-check.ts). Plus the
 * first-use paths found broken in issue 15.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { NOT_UNDERSTOOD_MESSAGE } from '../../src/bot/application.js';
import { TURN_ERROR_MESSAGE } from '../../src/bot/turn-error.js';
import type { AdaptiveCard } from '../../src/cards/cards.js';
import type { Scope } from '../../src/feature-kit/commands.js';
import type { Role } from '../../src/storage/people-repository.js';
import { REPO_ROOT } from '../../tools/lib/app-package.js';
import { checkExpandedCard, ISO_DATE } from '../../tools/lib/card-check.js';
import { seedAhpHost, seedWorld } from '../helpers/world.js';
import { asCard, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';

interface CommandList {
  scopes: Scope[];
  commands: { title: string; description: string }[];
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'appPackage', 'manifest.json'), 'utf8')) as {
  bots: { commandLists: CommandList[] }[];
};
const commandLists = manifest.bots[0]!.commandLists;
const CHANNEL = '19:menu-channel@thread.tacv2';

/** Everything the bot said in reply, as text: message text plus every card's texts. */
function replyText(activities: Record<string, unknown>[]): string {
  return activities
    .map((a) => [typeof a.text === 'string' ? a.text : '', ...cardTexts(firstCard(a))].join(' '))
    .join(' | ');
}

describe('e2e: every command in the Teams command menu answers', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const people: Record<string, TestUser & { roles: Role[] }> = {
    student: {
      id: '29:menu-student',
      aadObjectId: 'aad-menu-student',
      name: 'Priya Shah',
      email: 'priya.menu@example.nhs.uk',
      roles: ['student'],
    },
    supervisor: {
      id: '29:menu-supervisor',
      aadObjectId: 'aad-menu-sup',
      name: 'Sam Okoro',
      email: 'sam.menu@example.nhs.uk',
      roles: ['supervisor'],
    },
    host: {
      id: '29:menu-host',
      aadObjectId: 'aad-menu-host',
      name: 'Jas Taylor',
      email: 'jas.menu@example.nhs.uk',
      roles: ['ahp-host'],
    },
    lead: {
      id: '29:menu-lead',
      aadObjectId: 'aad-menu-lead',
      name: 'Alex Morgan',
      email: 'alex.menu@example.nhs.uk',
      roles: ['lead'],
    },
  };

  /** The bot's reply to one message in the personal chat. */
  async function replyTo(user: TestUser, text: string) {
    const activity = e2e.message(user, text);
    await e2e.post(activity);
    return e2e.connector
      .delivered()
      .map((c) => c.activity!)
      .find((a) => a.replyToId === activity.id);
  }

  before(async () => {
    await e2e.start();
    const world = await seedWorld(e2e, {
      cohort: { name: 'Menu cohort', leadershipDays: ['Wed', 'Thu', 'Fri'] },
      people: Object.values(people).map((p) => [p, p.roles]),
    });
    await seedAhpHost(e2e, world.id(people.host!), {
      profession: 'dietetics',
      roleType: 'research',
      bio: 'Research dietitian.',
      location: 'online',
      weeklyCap: 5,
    });
    e2e.clock.set(new Date('2025-02-04T09:00:00Z'));
  });
  after(() => e2e.stop());

  it('the manifest has a personal and a team command list', () => {
    assert.deepEqual(commandLists.flatMap((l) => l.scopes).sort(), ['personal', 'team']);
  });

  it('my bookings: a student sees their upcoming conversations with Move / Cancel, the host sees the student', async () => {
    const host = (await e2e.services.people.byEmail(TENANT, people.host!.email!))!;
    const hostDoc = (await e2e.services.conversations.hosts.byPersonId(TENANT, host._id))!;
    await e2e.services.conversations.publishSlots(TENANT, host, {
      pubDate: '2025-02-12',
      pubTime: '10:00',
      pubCount: '2',
      pubBuffer: '0',
      pubWeeks: '1',
    });
    const [slot] = await e2e.services.conversations.repo.openSlots(
      TENANT,
      e2e.clock.now(),
      new Date('2025-03-01T00:00:00Z'),
      hostDoc._id,
    );
    const studentUser = people.student!;
    const booked = await e2e.post(
      e2e.execute(studentUser, 'conv.book', {
        slotId: slot!._id,
        hostId: hostDoc._id,
        startsAt: slot!.startsAt.toISOString(),
      }),
    );
    assert.ok(
      cardTexts(booked.body.value).some((t) => t.startsWith('Booked')),
      JSON.stringify(booked.body),
    );

    const ask = async (user: TestUser) => {
      const activity = e2e.message(user, 'my bookings');
      await e2e.post(activity);
      const reply = e2e.connector
        .delivered()
        .map((c) => c.activity!)
        .find((a) => a.replyToId === activity.id);
      return firstCard(reply);
    };
    const studentCard = await ask(studentUser);
    const studentTexts = cardTexts(studentCard);
    assert.ok(studentTexts.includes('Conversations you booked'), studentTexts.join(' | '));
    assert.ok(studentTexts.includes('Wed 12 Feb, 10:00 (20 minutes)'), studentTexts.join(' | '));
    assert.ok(studentTexts.includes('With Jas Taylor (dietetics · research)'), studentTexts.join(' | '));
    const actions = JSON.stringify(studentCard);
    assert.match(actions, /"verb":"conv\.cancel","data":\{"bookingId":"[^"]+"/);
    assert.match(actions, /"verb":"conv\.reschedule\.start"/);

    const hostTexts = cardTexts(await ask(people.host!));
    assert.ok(hostTexts.includes('Students booked with you'), hostTexts.join(' | '));
    assert.ok(
      hostTexts.some((t) => t.startsWith('With Priya Shah')),
      hostTexts.join(' | '),
    );

    // Cancel from the list; the refreshed list is empty again.
    const bookingId = /"verb":"conv\.cancel","data":\{"bookingId":"([^"]+)"/.exec(actions)![1]!;
    await e2e.post(e2e.execute(studentUser, 'conv.cancel', { bookingId }));
    const refreshed = await e2e.post(e2e.execute(studentUser, 'conv.mybookings', {}));
    assert.ok(
      cardTexts(refreshed.body.value).some((t) => t.startsWith('You have no conversations booked')),
      JSON.stringify(refreshed.body),
    );
    // Someone who neither books nor hosts gets a plain answer.
    const leadActivity = e2e.message(people.lead!, 'my bookings');
    await e2e.post(leadActivity);
    const leadReply = e2e.connector
      .delivered()
      .map((c) => c.activity!)
      .find((a) => a.replyToId === leadActivity.id);
    assert.match(String(leadReply?.text), /booked by students and hosted by AHP hosts/);
  });

  it('my host profile and my slots bind numbers to their number inputs, also when a rejected save comes back', async () => {
    const numberInputs = (card: unknown) => {
      const found: Record<string, unknown> = {};
      JSON.stringify(card, (_k, v) => {
        if (v && v.type === 'Input.Number') found[v.id] = v.value;
        return v;
      });
      return found;
    };
    const profile = firstCard(await replyTo(people.host!, 'my host profile'));
    assert.deepEqual(checkExpandedCard(profile), []);
    assert.deepEqual(numberInputs(profile), { weeklyCap: 5 });
    const slots = firstCard(await replyTo(people.host!, 'my slots'));
    assert.deepEqual(checkExpandedCard(slots), []);
    assert.deepEqual(numberInputs(slots), { pubCount: 3, pubWeeks: 1 });

    // Teams submits Input.Number as text; a rejected save shows what was typed, as a number.
    const rejected = await e2e.post(
      e2e.execute(people.host!, 'conv.profile.save', {
        bio: '',
        location: 'Room 1',
        onlineLink: '',
        weeklyCap: '7',
      }),
    );
    assert.deepEqual(checkExpandedCard(rejected.body.value), []);
    assert.deepEqual(numberInputs(rejected.body.value), { weeklyCap: 7 });
    const saved = await e2e.post(
      e2e.execute(people.host!, 'conv.profile.save', {
        bio: 'Research dietitian.',
        location: 'Room 1',
        onlineLink: 'https://teams.microsoft.com/l/meetup-join/abc',
        weeklyCap: '6',
      }),
    );
    assert.ok(
      cardTexts(saved.body.value).some((t) => t.startsWith('Saved.')),
      JSON.stringify(saved.body),
    );
    assert.ok(!cardTexts(saved.body.value).includes('Must be an https:// link'));
    assert.deepEqual(numberInputs(saved.body.value), { weeklyCap: 6 });
    const rejectedSlots = await e2e.post(
      e2e.execute(people.host!, 'conv.slots.publish', {
        pubDate: '',
        pubTime: '10:00',
        pubCount: '4',
        pubBuffer: '10',
        pubWeeks: '2',
      }),
    );
    assert.deepEqual(numberInputs(rejectedSlots.body.value), { pubCount: 4, pubWeeks: 2 });

    // A blocked day is shown as people write dates, in the message and the list.
    const blocked = await e2e.post(
      e2e.execute(people.host!, 'conv.slots.block', { blockDate: '2025-02-14' }),
    );
    assert.deepEqual(checkExpandedCard(blocked.body.value), []);
    const blockedTexts = cardTexts(blocked.body.value);
    assert.ok(
      blockedTexts.some((t) => t.startsWith('Fri 14 Feb 2025 is blocked')),
      blockedTexts.join(' | '),
    );
    assert.ok(blockedTexts.includes('Blocked: Fri 14 Feb 2025'), blockedTexts.join(' | '));
  });

  it('welcome on install: a short start; "Show all commands" (and typed help) show every command of the role', async () => {
    const factTitles = (card: AdaptiveCard) =>
      (card.body as Record<string, unknown>[])
        .filter((b) => b.type === 'FactSet')
        .flatMap((f) => (f.facts as { title: string }[]).map((x) => x.title));
    const verbs = (card: AdaptiveCard) => ((card.actions ?? []) as { verb?: string }[]).map((a) => a.verb);
    for (const who of ['lead', 'host', 'student'] as const) {
      const user = people[who]!;
      const person = (await e2e.services.people.byEmail(TENANT, user.email!))!;
      const all = e2e.services.commands.for(person.roles, 'personal').map((c) => c.command);
      const install = e2e.install(user);
      await e2e.post(install);
      const welcome = firstCard(
        e2e.connector.delivered().find((c) => c.activity?.replyToId === install.id)?.activity,
      )!;
      const short = factTitles(welcome);
      assert.ok(
        short.length < all.length,
        `${who}: the welcome already lists everything (${short.join(', ')})`,
      );
      assert.deepEqual(verbs(welcome), ['help.show']);
      const res = await e2e.post(e2e.execute(user, 'help.show', { role: person.roles[0] }));
      const full = asCard(res.body.value);
      assert.deepEqual(checkExpandedCard(full), []);
      assert.deepEqual(factTitles(full), all, `${who}: every command the role can use here`);
      assert.ok(cardTexts(full).includes('Everything you can type to me here'));
      assert.deepEqual(verbs(full), [], 'no "Show all commands" on the full list');
      // Typed `help` gives the whole list straight away.
      assert.deepEqual(factTitles(firstCard(await replyTo(user, 'help'))!), all);
    }
  });

  it('pause check-ins: the student drop-down opens with a placeholder, not blank', async () => {
    const card = firstCard(await replyTo(people.lead!, 'pause check-ins'))!;
    assert.deepEqual(checkExpandedCard(card), []);
    const choice = (card.body as Record<string, unknown>[]).find((b) => b.id === 'studentId')!;
    assert.equal(choice.placeholder, 'Choose a student');
  });

  /** Sends `text` as every person in `scope`; each must get a real answer that passes the card rules. */
  async function answersEveryone(scope: Scope, text: string) {
    for (const [who, user] of Object.entries(people)) {
      const activity =
        scope === 'personal' ? e2e.message(user, text) : e2e.channelMessage(user, CHANNEL, text);
      const res = await e2e.post(activity);
      const what = `${who}, "${text}" in ${scope}`;
      assert.equal(res.status, 200, what);
      // The replies to this very message (proactive messages in the same chat are not answers).
      const replies = e2e.connector
        .delivered()
        .map((c) => c.activity!)
        .filter((a) => a?.replyToId === activity.id);
      const said = replyText(replies);
      assert.ok(replies.length > 0, `${what}: no answer`);
      assert.ok(!said.includes(NOT_UNDERSTOOD_MESSAGE), `${what}: "didn't catch that"`);
      assert.ok(!said.includes(TURN_ERROR_MESSAGE), `${what}: the turn-error message`);
      for (const reply of replies) {
        const text = typeof reply.text === 'string' ? reply.text : '';
        const attachments =
          (reply.attachments as { contentType: string; content: unknown }[] | undefined) ?? [];
        // An answer is words or cards: a reply with neither, or with something else attached, fails.
        assert.ok(text.trim() !== '' || attachments.length > 0, `${what}: an empty reply`);
        assert.doesNotMatch(text, ISO_DATE, `${what}: an ISO date`);
        for (const { contentType, content } of attachments) {
          assert.equal(
            contentType,
            'application/vnd.microsoft.card.adaptive',
            `${what}: not an Adaptive Card`,
          );
          assert.deepEqual(checkExpandedCard(content), [], `${what}: the card breaks the card rules`);
        }
      }
    }
  }

  for (const list of commandLists) {
    for (const scope of list.scopes) {
      for (const { title } of list.commands) {
        it(`command menu, ${scope}: "${title}" is listed by help and answers every role`, async () => {
          const registered = e2e.services.commands
            .all()
            .filter((c) => c.command === title && c.scopes.includes(scope));
          assert.ok(
            registered.length > 0,
            `"${title}" is not registered for ${scope} (help would not list it)`,
          );
          await answersEveryone(scope, title);
        });
      }
    }
  }

  it('every command help lists (not only the menu) answers every role in its scopes', async () => {
    const commands = e2e.services.commands.all().filter((c) => !c.command.includes('<'));
    assert.ok(commands.length > 15, commands.map((c) => c.command).join(', '));
    for (const c of commands)
      for (const scope of c.scopes.filter((x) => x !== 'groupChat')) await answersEveryone(scope, c.command);
  });
});
