/**
 * Announcements end to end: the real service over HTTP, the real local database, the real
 * outbox sender, and a fake Bot Connector that records (and can fault) every call.
 */
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { asCard, firstCard, TENANT } from '../e2e/harness.js';
import { localInstant } from '../../src/domain/placement-calendar.js';
import { nextWorkingTime } from '../../src/domain/working-hours.js';
import { batchOf, remindJobKey, sendJobKey } from '../../src/features/announcements/announcement-keys.js';
import { CHANNEL, textOf, announcementsWorld } from './announcements-world.js';

describe('e2e: cohort announcements', function () {
  this.timeout(600_000);
  const w = announcementsWorld();
  const {
    e2e,
    lead,
    otherLead,
    members,
    memberIds,
    exec,
    compose,
    personalConv,
    drain,
    copies,
    runJobs,
    countAnnouncements,
  } = w;

  it('offers the compose card to a lead, with the cohort time zone, and refuses others', async () => {
    const card = firstCard(await e2e.lastReply(lead, 'announce'));
    assert.match(textOf(card), /New announcement/);
    assert.match(textOf(card), /Europe\/London/);
    assert.match(textOf(card), /announcement\.preview/);

    assert.match(String((await e2e.lastReply(members[0]!, 'announce'))?.text), /Only a placement lead/);
    const refused = await exec(otherLead, 'announcement.preview', { ...compose(), cohortId: w.cohortId });
    assert.match(textOf(refused.value), /Choose one of your cohorts/);
    assert.equal(await countAnnouncements(), 0);
  });

  it('re-shows the card with every error and what was typed, storing nothing', async () => {
    const res = await exec(lead, 'announcement.preview', {
      ...compose({
        title: '  ',
        linkUrl: 'http://insecure.example.org',
        imageUrl: 'javascript:alert(1)',
        body: 'Hi <script>x</script>',
        target: 'everyone',
      }),
      cohortId: w.cohortId,
    });
    assert.equal(res.type, 'application/vnd.microsoft.card.adaptive');
    const text = textOf(res.value);
    for (const msg of [
      'Required',
      'Enter a full https:// address',
      'HTML is not supported',
      'Choose where to send it',
    ])
      assert.match(text, new RegExp(msg));
    assert.match(text, /http:\/\/insecure\.example\.org/, 'keeps what was typed');
    const markdownLink = await exec(lead, 'announcement.preview', {
      ...compose({ body: 'See [this](http://plain.example.org)' }),
      cohortId: w.cohortId,
    });
    assert.match(textOf(markdownLink.value), /Links in the text must be full https/);
    const past = await exec(lead, 'announcement.preview', {
      ...compose({ when: 'later', sendDate: '2020-01-01', sendTime: '09:00' }),
      cohortId: w.cohortId,
    });
    assert.match(textOf(past.value), /at least a minute from now/);
    const operator = await exec(lead, 'announcement.preview', {
      ...compose(),
      cohortId: w.cohortId,
      title: ['a', 'b'],
    });
    assert.match(textOf(operator.value), /Must be text/);
    assert.equal(await countAnnouncements(), 0);
  });

  let annId: string;

  it('previews, then sends once to the channel and each member; a 403 member is reported, the rest delivered', async () => {
    const blocked = members[3]!;
    e2e.connector.fault = ({ conversationId }) =>
      conversationId === personalConv(blocked) ? { status: 403 } : undefined;
    const preview = await exec(lead, 'announcement.preview', { ...compose(), cohortId: w.cohortId });
    const text = textOf(preview.value);
    assert.match(text, /Preview/);
    assert.match(text, /each of 100 members personally/);
    annId = asCard(preview.value).actions[0].data.announcementId;
    assert.equal((await e2e.services.announcements.repo.byId(TENANT, annId))?.state, 'draft');

    // The delivery report waits 3 s on the service's clock for the fan-out to finish; the clock
    // runs here, and the sender reads due times against it, so drain waits for the report.
    const [first, second] = await Promise.all([
      exec(lead, 'announcement.send', { announcementId: annId }),
      exec(lead, 'announcement.send', { announcementId: annId }),
    ]);
    assert.match(textOf(first.value), /Announcement sent|Sending/);
    assert.match(textOf(second.value), /Announcement sent|Sending/);
    await drain();
    await drain();
    const [unreachableAt] = await e2e.services.audit.list(TENANT, { action: 'announcement.unreachable' });
    const reportItem = (
      await e2e.services.outbox.scope(TENANT).find({ purpose: 'announcement.report' }).toArray()
    )[0];
    assert.equal(
      reportItem?.notBefore.getTime(),
      unreachableAt!.at.getTime() + 3_000,
      'the report waits 3 s on the clock',
    );

    const channelPosts = e2e.connector.delivered(CHANNEL);
    assert.equal(channelPosts.length, 1, 'one channel post although Send was pressed twice');
    const card = firstCard(channelPosts[0]!.activity)!;
    assert.equal(card.refresh.action.verb, 'announcement.refresh');
    assert.deepEqual(card.refresh.userIds, [lead.id]);
    assert.ok(card.actions.some((a: { verb?: string }) => a.verb === 'announcement.ack'));
    for (const m of members)
      assert.equal(copies(personalConv(m), annId).length, m === blocked ? 0 : 1, m.name);

    const counts = await e2e.services.outbox.batchCounts(TENANT, batchOf(annId));
    assert.deepEqual([counts.sent, counts.unreachable], [100, 1]);
    assert.ok((await e2e.services.people.byId(TENANT, memberIds[3]!))?.unreachableSince instanceof Date);
    const status = await exec(lead, 'announcement.status', { announcementId: annId });
    const statusText = textOf(status.value);
    assert.match(statusText, /0 of 100 acknowledged/);
    assert.match(statusText, /99 of 100 delivered, 0 waiting, 1 unreachable/);
    assert.match(statusText, /Could not be reached.{0,120}"text":"Member 003"/);
    // The author was told proactively.
    const report = e2e.sentTo(personalConv(lead)).find((a) => a.summary === 'Delivery report');
    assert.match(textOf(firstCard(report)), /Member 003/);
    const sends = await e2e.services.audit.list(TENANT, { action: 'announcement.send' });
    assert.equal(sends.length, 1);
    assert.equal(sends[0]!.actorId, w.leadId);
    assert.equal(sends[0]!.details.messages, 101);
  });

  it('counts an acknowledgement once however often it is pressed, and shows the lead a live count', async () => {
    const m = members[0]!;
    const first = await exec(m, 'announcement.ack', { announcementId: annId });
    assert.match(textOf(first.value), /You acknowledged this/);
    assert.ok(
      !asCard(first.value).actions.some((a: { verb?: string }) => a.verb === 'announcement.ack'),
      'no Acknowledge button once acknowledged',
    );
    await exec(m, 'announcement.ack', { announcementId: annId });
    assert.equal(await e2e.services.announcements.repo.countAcks(TENANT, annId), 1);
    const leadView = await exec(lead, 'announcement.refresh', { announcementId: annId });
    assert.match(textOf(leadView.value), /1 of 100 acknowledged/);
    assert.equal(
      asCard(leadView.value).refresh,
      undefined,
      'answers on the posted message never carry refresh',
    );
    const live = await exec(lead, 'announcement.live', { announcementId: annId });
    assert.equal(
      asCard(live.value).refresh.action.verb,
      'announcement.live',
      "the lead's own status card keeps refreshing",
    );
    assert.deepEqual(asCard(live.value).refresh.userIds, [lead.id]);
    const memberView = await exec(members[1]!, 'announcement.refresh', { announcementId: annId });
    assert.ok(
      asCard(memberView.value).actions.some((a: { verb?: string }) => a.verb === 'announcement.ack'),
      'members get their own copy, not the lead view',
    );
    // In the channel, the answer replaces the card for the clicker only: no update for everyone.
    const inChannel = await e2e.post(
      e2e.execute(
        members[2]!,
        'announcement.ack',
        { announcementId: annId },
        { id: `${CHANNEL};messageid=1`, conversationType: 'channel', isGroup: true },
        { channel: { id: CHANNEL } },
      ),
    );
    assert.match(textOf(inChannel.body.value), /You acknowledged this/);
    assert.equal(asCard(inChannel.body.value).refresh, undefined);
    const leadInChannel = await e2e.post(
      e2e.execute(
        lead,
        'announcement.refresh',
        { announcementId: annId },
        { id: `${CHANNEL};messageid=1`, conversationType: 'channel', isGroup: true },
        { channel: { id: CHANNEL } },
      ),
    );
    assert.match(textOf(leadInChannel.body.value), /2 of 100 acknowledged/);
    const channelPuts = e2e.connector.calls.filter(
      (c) => c.method === 'PUT' && c.conversationId.startsWith(CHANNEL),
    );
    assert.deepEqual(channelPuts, [], 'nothing replaced for everyone in the channel');
    const outsider = await exec(otherLead, 'announcement.ack', { announcementId: annId });
    assert.match(textOf(outsider.value), /nothing was recorded/);
    assert.equal(await e2e.services.announcements.repo.countAcks(TENANT, annId), 2);
  });

  it('reminds only reachable people who have not acknowledged, after the configured delay', async () => {
    // The delay, moved into working time (09:00-17:00 Mon-Fri, placement days): see domain/working-hours.
    const scheduled = (await e2e.services.scheduler.get(remindJobKey(annId)))!;
    const sentAt = (await e2e.services.announcements.repo.byId(TENANT, annId))!.sentAt!;
    assert.ok(scheduled.runAt.getTime() >= sentAt.getTime() + 1440 * 60_000);
    assert.equal(nextWorkingTime(scheduled.runAt).getTime(), scheduled.runAt.getTime(), 'in working time');
    e2e.clock.advance(
      Math.max(1441 * 60_000, scheduled.runAt.getTime() - e2e.clock.now().getTime() + 60_000),
    );
    await runJobs(() => e2e.services.scheduler.get(remindJobKey(annId)));
    await drain();
    assert.equal(copies(personalConv(members[0]!), annId).length, 1, 'acknowledged: no reminder');
    assert.equal(copies(personalConv(members[3]!), annId).length, 0, 'unreachable: not tried again');
    const second = copies(personalConv(members[1]!), annId);
    assert.equal(second.length, 2);
    assert.match(textOf(firstCard(second[1]!.activity)), /Reminder: please read and acknowledge/);
    const counts = await e2e.services.outbox.batchCounts(TENANT, `${batchOf(annId)}:remind`);
    assert.equal(counts.sent, 97);
    const job = await e2e.services.scheduler.get(remindJobKey(annId));
    assert.equal(job?.state, 'done');
  });

  it('counts 100 concurrent acknowledgements (each pressed twice) exactly', async () => {
    const notAcknowledged = (answers: { value: unknown }[]) =>
      answers.map((r) => textOf(r.value)).filter((t) => !/You acknowledged this/.test(t));
    const all = await Promise.all(members.map((m) => exec(m, 'announcement.ack', { announcementId: annId })));
    assert.deepEqual(notAcknowledged(all), []);
    const again = await Promise.all(
      members.map((m) => exec(m, 'announcement.ack', { announcementId: annId })),
    );
    assert.deepEqual(notAcknowledged(again), []);
    assert.equal(await e2e.services.announcements.repo.countAcks(TENANT, annId), 100);
    const leadView = await exec(lead, 'announcement.refresh', { announcementId: annId });
    assert.match(textOf(leadView.value), /100 of 100 acknowledged/);
    assert.doesNotMatch(textOf(leadView.value), /Not acknowledged yet/);
  });

  it('edits every posted copy in place, then recalls it everywhere; refuses members; audits all of it', async () => {
    const refused = await exec(members[5]!, 'announcement.recall', { announcementId: annId });
    assert.match(String(refused.value), /Only a placement lead/);
    const editCard = await exec(lead, 'announcement.edit', { announcementId: annId });
    assert.match(textOf(editCard.value), /Save changes/);
    const bad = await exec(lead, 'announcement.update', {
      announcementId: annId,
      title: '',
      body: 'x',
      importance: 'normal',
    });
    assert.match(textOf(bad.value), /Required/);
    const callsBeforeEdit = e2e.connector.calls.length;
    const edited = await exec(lead, 'announcement.update', {
      announcementId: annId,
      title: 'Room change for Thursday (now room 5)',
      body: 'Group supervision moves to **room 5**.',
      linkUrl: '',
      imageUrl: '',
      importance: 'normal',
    });
    assert.match(textOf(edited.value), /Updating 197 posted copies/);
    await drain();
    // (PUTs of 'card-activity-1' are the lead's own status card being refreshed in place.)
    const puts = e2e.connector.calls
      .slice(callsBeforeEdit)
      .filter((c) => c.method === 'PUT' && c.activityId !== 'card-activity-1');
    assert.equal(puts.length, 197, '1 channel post + 99 personal + 97 reminders');
    assert.ok(puts.every((c) => /now room 5/.test(JSON.stringify(c.activity))));
    const channelPut = puts.find((c) => c.conversationId === CHANNEL)!;
    assert.equal(
      channelPut.activityId,
      (await e2e.services.outbox.byBatch(TENANT, batchOf(annId))).find(
        (i) => i.target.kind === 'conversation',
      )!.sentActivityId,
    );

    const recalled = await exec(lead, 'announcement.recall', { announcementId: annId });
    assert.match(textOf(recalled.value), /Announcement recalled/);
    await exec(lead, 'announcement.recall', { announcementId: annId });
    await drain();
    const deletes = e2e.connector.calls.slice(callsBeforeEdit).filter((c) => c.method === 'DELETE');
    assert.equal(deletes.length, 197);
    assert.equal(new Set(deletes.map((d) => `${d.conversationId}|${d.activityId}`)).size, 197);
    const after = await exec(members[1]!, 'announcement.ack', { announcementId: annId });
    assert.match(textOf(after.value), /recalled/);

    const audit = await e2e.services.audit.list(TENANT);
    const byAction = (a: string) => audit.filter((e) => e.action === a && e.targetId === annId);
    assert.equal(byAction('announcement.edit')[0]?.details.messages, 197);
    assert.equal(byAction('announcement.recall').filter((e) => e.outcome === 'ok').length, 1);
    assert.equal(byAction('announcement.recall')[0]?.details.removed, 197);
    assert.equal(byAction('announcement.remind')[0]?.details.reminded, 97);
    assert.equal(byAction('announcement.recall')[0]?.actorId, w.leadId);
    assert.equal(
      audit.filter((e) => e.action === 'announcement.recall' && e.outcome === 'refused').length,
      1,
    );
    assert.ok(
      audit.every((e) => !JSON.stringify(e.details).includes('room')),
      'no free text in the audit',
    );
  });

  it('schedules a send in the cohort time zone, lets it be cancelled, and fires it when due', async () => {
    const zone = 'Europe/London';
    const local = DateTime.fromJSDate(e2e.clock.now(), { zone })
      .plus({ days: 2 })
      .set({ hour: 9, minute: 30 });
    const sendDate = local.toFormat('yyyy-MM-dd');
    const preview = await exec(lead, 'announcement.preview', {
      ...compose({
        title: 'Careers expo',
        target: 'channel',
        when: 'later',
        sendDate,
        sendTime: '09:30',
        ackRequired: 'false',
      }),
      cohortId: w.cohortId,
    });
    assert.match(textOf(preview.value), /09:30 \(Europe\/London\)/);
    const scheduledId = asCard(preview.value).actions[0].data.announcementId;
    const status = await exec(lead, 'announcement.send', { announcementId: scheduledId });
    assert.match(textOf(status.value), /Announcement scheduled/);
    const job = await e2e.services.scheduler.get(sendJobKey(scheduledId));
    assert.equal(job?.runAt.getTime(), localInstant(sendDate, '09:30', zone).getTime());

    const other = await exec(lead, 'announcement.preview', {
      ...compose({ title: 'Cancelled one', target: 'channel', when: 'later', sendDate, sendTime: '09:30' }),
      cohortId: w.cohortId,
    });
    const cancelId = asCard(other.value).actions[0].data.announcementId;
    await exec(lead, 'announcement.send', { announcementId: cancelId });
    const cancelled = await exec(lead, 'announcement.cancel', { announcementId: cancelId });
    assert.match(textOf(cancelled.value), /Scheduled send cancelled/);

    const before = e2e.connector.delivered(CHANNEL).length;
    e2e.clock.set(new Date(localInstant(sendDate, '09:31', zone)));
    await runJobs(() => e2e.services.scheduler.get(sendJobKey(scheduledId)));
    await drain();
    const posts = e2e.connector.delivered(CHANNEL).slice(before);
    const fired = await e2e.services.scheduler.get(sendJobKey(scheduledId));
    assert.equal(
      posts.length,
      1,
      JSON.stringify({
        job: fired,
        state: (await e2e.services.announcements.repo.byId(TENANT, scheduledId))?.state,
        now: e2e.clock.now(),
      }),
    );
    assert.match(JSON.stringify(posts[0]!.activity), /Careers expo/);
    assert.equal((await e2e.services.announcements.repo.byId(TENANT, cancelId))?.state, 'cancelled');
    const list = await e2e.say(lead, 'announcements');
    assert.equal(list.response.status, 200);
    const listCard = textOf(firstCard(list.last));
    assert.match(listCard, /Careers expo/);
    assert.match(listCard, /scheduled send cancelled/);
    assert.match(listCard, /100 of 100 acknowledged/);
  });

  it('delivers exactly one copy each through 429 Retry-After and random 503s, never before Retry-After', async () => {
    const retryUntil = new Map<string, number>();
    const violations: string[] = [];
    let injected = 0;
    e2e.connector.fault = ({ conversationId, method }) => {
      if (method !== 'POST') return undefined;
      const until = retryUntil.get(conversationId);
      if (until && Date.now() < until) violations.push(conversationId);
      const roll = Math.random();
      if (roll < 0.15) {
        injected++;
        retryUntil.set(conversationId, Date.now() + 1000);
        return { status: 429, headers: { 'retry-after': '1' } };
      }
      if (roll < 0.25) {
        injected++;
        return { status: 503 };
      }
      return undefined;
    };
    const start = e2e.connector.calls.length;
    const preview = await exec(lead, 'announcement.preview', {
      ...compose({ title: 'Faults', target: 'members', ackRequired: 'false' }),
      cohortId: w.cohortId,
    });
    const id = asCard(preview.value).actions[0].data.announcementId;
    await exec(lead, 'announcement.send', { announcementId: id });
    await drain();
    const posts = e2e.connector.calls
      .slice(start)
      .filter((c) => c.method === 'POST' && c.status < 300 && /Faults/.test(JSON.stringify(c.activity)));
    const per = new Map<string, number>();
    for (const p of posts) per.set(p.conversationId, (per.get(p.conversationId) ?? 0) + 1);
    assert.ok(injected > 5, `faults injected: ${injected}`);
    assert.equal(per.size, 100, 'every member');
    assert.ok(
      [...per.values()].every((n) => n === 1),
      'nobody twice',
    );
    assert.deepEqual(violations, [], 'no request inside a Retry-After window');
  });
});
