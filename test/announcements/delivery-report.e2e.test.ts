/**
 * The announcement delivery report end to end (issue #28 item 6): per recipient delivered,
 * acknowledged, unreachable or failed, as a card and a CSV behind a signed link (every cell
 * safe from formula injection), and "resend to those not reached": only to them, once per
 * press, audited. The fake Bot Connector refuses some recipients.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- cards and JSON answers are read loosely */
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { parse } from 'csv-parse/sync';
import { E2E, TENANT, type TestUser } from '../e2e/harness.js';
import { personalKey } from '../../src/storage/conversation-references-repository.js';
import { announcementsFeature } from '../../src/features/announcements/index.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const textOf = (card: unknown) => JSON.stringify(card);
const FORMULA_START = /^[=+\-@\t\r]/;
/** Every action on a card, in its actions and in ActionSets in its body. */
const actionsOf = (card: any): any[] => [
  ...(card.actions ?? []),
  ...(card.body ?? []).flatMap((b: any) => (b.type === 'ActionSet' ? b.actions : [])),
];

describe('e2e: announcement delivery report and resend', function () {
  this.timeout(300_000);
  const e2e = new E2E();
  const lead: TestUser = {
    id: '29:lead-dr',
    aadObjectId: 'aad-lead-dr',
    name: 'Wendy Marsh',
    email: 'wendy.dr@example.nhs.uk',
  };
  const names = [
    'Aisha Khan',
    'Ben Hughes',
    'Chloe Okafor',
    'Daniel Brown',
    '=HYPERLINK("http://evil.example","x")',
  ];
  const members: TestUser[] = names.map((name, i) => ({
    id: `29:dr-member-${i}`,
    aadObjectId: `aad-dr-member-${i}`,
    name,
    email: `dr.member${i}@student.example.ac.uk`,
  }));
  const blocked = members[1]!; // 403: blocked or removed the app
  const refused = members[2]!; // 400: Teams refused the message
  const conv = (u: TestUser) => `a:personal-${u.id}`;
  let cohortId: string;
  let annId: string;

  const exec = async (user: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(user, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.value as any;
  };
  const copies = (u: TestUser) =>
    e2e.connector.delivered(conv(u)).filter((c) => JSON.stringify(c.activity).includes(annId)).length;
  const csvOf = async (card: any) => {
    const open = card.actions.find((a: any) => a.type === 'Action.OpenUrl');
    assert.ok(open, 'the card offers the CSV');
    const url = new URL(open.url);
    return fetch(`${e2e.baseUrl}${url.pathname}${url.search}`);
  };

  before(async () => {
    await e2e.start(
      { ANNOUNCEMENT_REMINDER_MINUTES: '1440', RETENTION_MONTHS: '0' },
      { features: [announcementsFeature] },
    );
    const now = new Date();
    const { people, cohorts, references } = e2e.services;
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Delivery report cohort',
        ...DEFAULT_COHORT,
        startDate: DateTime.now().minus({ weeks: 10 }).toISODate()!,
      },
      now,
    ));
    const add = async (u: TestUser, roles: ('student' | 'lead')[]) => {
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession: 'physiotherapy',
          cohortId,
          timeZone: null,
        },
        now,
      );
      const p = (await people.byEmail(TENANT, u.email!))!;
      await people.linkTeamsIdentity(TENANT, p._id, { teamsUserId: u.id, aadObjectId: u.aadObjectId }, now);
      await references.save(
        TENANT,
        personalKey(p._id),
        'personal',
        p._id,
        {
          serviceUrl: e2e.connector.url,
          conversation: { id: conv(u), conversationType: 'personal', isGroup: false, name: '' },
        },
        now,
      );
    };
    await add(lead, ['lead']);
    for (const m of members) await add(m, ['student']);
  });
  after(() => e2e.stop());

  it('reports each recipient as delivered, acknowledged, unreachable or failed, with a safe CSV', async () => {
    e2e.connector.fault = ({ conversationId }) =>
      conversationId === conv(blocked)
        ? { status: 403 }
        : conversationId === conv(refused)
          ? { status: 400 }
          : undefined;
    const preview = await exec(lead, 'announcement.preview', {
      cohortId,
      title: 'Room change for Thursday',
      body: 'Group supervision moves to room 4.',
      linkUrl: '',
      imageUrl: '',
      importance: 'normal',
      ackRequired: 'true',
      target: 'members',
      when: 'now',
      sendDate: '',
      sendTime: '',
    });
    annId = preview.actions[0].data.announcementId;
    const status = await exec(lead, 'announcement.send', { announcementId: annId });
    assert.ok(
      actionsOf(status).some((a: any) => a.verb === 'announcement.delivery'),
      'the status card offers the delivery report',
    );
    await e2e.services.sender.drain(120_000);
    await exec(members[0]!, 'announcement.ack', { announcementId: annId });

    const card = await exec(lead, 'announcement.delivery', { announcementId: annId });
    const text = textOf(card);
    assert.match(text, /5 people: 3 delivered, 0 waiting, 1 unreachable, 1 failed, 1 of 5 acknowledged/);
    const facts = Object.fromEntries(
      card.body.find((b: any) => b.type === 'FactSet').facts.map((f: any) => [f.title, f.value]),
    );
    assert.match(facts['Aisha Khan'], /^Delivered · acknowledged /);
    assert.equal(facts['Ben Hughes'], 'Unreachable (blocked or removed the app)');
    assert.equal(facts['Chloe Okafor'], 'Failed (Teams refused it)');
    assert.equal(facts['Daniel Brown'], 'Delivered');
    const resend = actionsOf(card).find((a: any) => a.verb === 'announcement.resend');
    assert.equal(resend?.title, 'Resend to the 2 not reached');
    assert.equal(Number(resend.data.round), 1);

    const res = await csvOf(card);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    const rows: string[][] = parse((await res.text()).replace(/^\ufeff/, ''));
    assert.deepEqual(rows[0], [
      'name',
      'email',
      'delivery',
      'copies_sent',
      'acknowledged',
      'acknowledged_at',
    ]);
    const byEmail = new Map(rows.slice(1).map((r) => [r[1]!, r] as const));
    assert.equal(rows.length, 6);
    assert.deepEqual(byEmail.get(members[0]!.email!)!.slice(2, 5), ['delivered', '1', 'yes']);
    assert.deepEqual(byEmail.get(blocked.email!)!.slice(2, 5), ['unreachable', '1', 'no']);
    assert.deepEqual(byEmail.get(refused.email!)!.slice(2, 5), ['failed', '1', 'no']);
    for (const row of rows) for (const cell of row) assert.doesNotMatch(cell, FORMULA_START, `cell ${cell}`);
    assert.equal(byEmail.get(members[4]!.email!)![0], `'${names[4]}`);
    const exports = await e2e.services.audit.list(TENANT, { action: 'announcement.delivery.export' });
    assert.equal(exports.length, 1);

    // Others may not see it; a link that is changed or has expired opens nothing.
    assert.match(
      textOf(await exec(members[0]!, 'announcement.delivery', { announcementId: annId })),
      /Only a placement lead/,
    );
    const open = card.actions.find((a: any) => a.type === 'Action.OpenUrl').url as string;
    const tampered = new URL(open.replace(/token=./, 'token=A'));
    assert.equal((await fetch(`${e2e.baseUrl}${tampered.pathname}${tampered.search}`)).status, 403);
    e2e.clock.advance(16 * 60_000);
    try {
      assert.equal((await csvOf(card)).status, 403, 'expired after 15 minutes');
    } finally {
      e2e.clock.advance(-16 * 60_000);
    }
  });

  it('resends only to those not reached, once however often the button is pressed, and audits it', async () => {
    e2e.connector.fault = () => undefined;
    const before = members.map(copies);
    assert.deepEqual(before, [1, 0, 0, 1, 1]);
    const [a, b] = await Promise.all([
      exec(lead, 'announcement.resend', { announcementId: annId, round: 1 }),
      exec(lead, 'announcement.resend', { announcementId: annId, round: 1 }),
    ]);
    assert.equal(
      [a, b].filter((c) => /Sending it again to 2 people not reached/.test(textOf(c))).length,
      1,
      'one press wins',
    );
    assert.ok([a, b].some((c) => /This was resent already/.test(textOf(c))));
    await e2e.services.sender.drain(120_000);
    assert.deepEqual(members.map(copies), [1, 1, 1, 1, 1], 'one more copy each, to those not reached only');
    const again = await exec(lead, 'announcement.resend', { announcementId: annId, round: 1 });
    assert.match(textOf(again), /This was resent already/);
    await e2e.services.sender.drain(120_000);
    assert.deepEqual(members.map(copies), [1, 1, 1, 1, 1]);

    const audits = await e2e.services.audit.list(TENANT, { action: 'announcement.resend' });
    assert.equal(audits.length, 1);
    assert.deepEqual([audits[0]!.details.round, audits[0]!.details.recipients], [1, 2]);

    const card = await exec(lead, 'announcement.delivery', { announcementId: annId });
    assert.match(textOf(card), /5 people: 5 delivered, 0 waiting, 0 unreachable, 0 failed/);
    assert.ok(!actionsOf(card).some((a: any) => a.verb === 'announcement.resend'), 'nothing left to resend');
    const student = await exec(members[0]!, 'announcement.resend', { announcementId: annId, round: 2 });
    assert.match(textOf(student), /Only a placement lead/);
  });
});
