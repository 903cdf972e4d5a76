/**
 * Issue 26, item 5 (lead): every place a lead picks a cohort opens on the lead's current one
 * (running today, else the next to start, else the latest ended), not on the cohort that
 * finished in June; a channel linked by `teams_channel_id` in the roster is linked for
 * announcements too (one source of truth); the reminder to non-acknowledgers goes out in
 * working time, not on Saturday evening.
 *
 * Test clock: Tue 20 Oct 2026. Cohorts: Spring 2026 (4 May, 6 weeks: ended 14 Jun) and
 * Autumn 2026 (5 Oct, 6 weeks, Mon-Thu: running), its channel set as a roster import does, and
 * Winter 2027 (11 Jan: not started).
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { personalKey } from '../../src/storage/conversation-references-repository.js';
import { remindJobKey } from '../../src/features/announcements/announcement-keys.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';

const CHANNEL = '19:autumn2026@thread.tacv2';

const user = (key: string, name: string): TestUser => ({
  id: `29:cc-${key}`,
  aadObjectId: `aad-cc-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

/** The value of the card input with that id (the picker's default). */
function inputValue(card: unknown, id: string): unknown {
  let found: unknown;
  const walk = (node: unknown) => {
    if (found !== undefined) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const r = node as Record<string, unknown>;
      if (r.id === id && typeof r.type === 'string' && r.type.startsWith('Input.')) found = r.value;
      Object.values(r).forEach(walk);
    }
  };
  walk(card);
  return found;
}

describe("e2e: the lead's current cohort everywhere, one channel link, reminders in working time", function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const lead = user('lead', 'Wendy Marsh');
  const students = [user('priya', 'Priya Shah'), user('tom', 'Tom Reid')];
  let spring = '';
  let autumn = '';

  const setClock = async (now: string) => {
    const res = await fetch(`${e2e.baseUrl}/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now }),
    });
    assert.equal(res.status, 200);
  };
  const act = async (
    who: TestUser,
    verb: string,
    data: Record<string, unknown>,
    conversation?: Record<string, unknown>,
    channelData?: Record<string, unknown>,
  ) => {
    const res = await e2e.post(e2e.execute(who, verb, data, conversation, channelData));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.value;
  };
  const cardReply = async (text: string) => firstCard(await e2e.lastReply(lead, text));

  before(async () => {
    await e2e.start({
      JOBS_POLL_MS: '60000',
      ANNOUNCEMENT_REMINDER_MINUTES: '1440',
      DASHBOARD_DEV_LOGIN: 'true',
    });
    await e2e.services.scheduler.stop(); // nothing runs by itself: the test reads the scheduled jobs
    const { cohorts, people, references } = e2e.services;
    const now = new Date('2026-10-01T09:00:00Z');
    const base = {
      clinicalDays: ['Mon', 'Tue'] as const,
      leadershipDays: ['Wed', 'Thu'] as const,
      nonPlacementDates: [],
      supervision: { weekday: 'Thu' as const, time: '14:00' },
      timeZone: 'Europe/London',
    };
    ({ id: spring } = await cohorts.upsertByName(
      TENANT,
      {
        ...base,
        clinicalDays: [...base.clinicalDays],
        leadershipDays: [...base.leadershipDays],
        name: 'Spring 2026',
        startDate: '2026-05-04',
        weeks: 6,
        teamsChannelId: null,
      },
      now,
    ));
    // Not started yet: the survey picker used to open on the latest-starting cohort.
    await cohorts.upsertByName(
      TENANT,
      {
        ...base,
        clinicalDays: [...base.clinicalDays],
        leadershipDays: [...base.leadershipDays],
        name: 'Winter 2027',
        startDate: '2027-01-11',
        weeks: 6,
        teamsChannelId: null,
      },
      now,
    );
    // As the roster import stores it: `teams_channel_id` set, no conversation reference yet.
    ({ id: autumn } = await cohorts.upsertByName(
      TENANT,
      {
        ...base,
        clinicalDays: [...base.clinicalDays],
        leadershipDays: [...base.leadershipDays],
        name: 'Autumn 2026',
        startDate: '2026-10-05',
        weeks: 6,
        teamsChannelId: CHANNEL,
      },
      now,
    ));
    await people.upsertByEmail(
      TENANT,
      {
        email: lead.email!,
        displayName: lead.name,
        roles: ['lead'],
        profession: 'occupational therapy',
        cohortId: spring,
        timeZone: null,
      },
      now,
    );
    const wendy = (await people.byEmail(TENANT, lead.email!))!;
    await people.attachToCohort(TENANT, wendy, autumn, true, now);
    const winter = (await cohorts.all(TENANT)).find((c) => c.name === 'Winter 2027')!;
    await people.attachToCohort(TENANT, (await people.byEmail(TENANT, lead.email!))!, winter._id, true, now);
    e2e.teamsUser(lead);
    for (const s of students) {
      await people.upsertByEmail(
        TENANT,
        {
          email: s.email!,
          displayName: s.name,
          roles: ['student'],
          profession: 'physiotherapy',
          cohortId: autumn,
          timeZone: null,
        },
        now,
      );
      const p = (await people.byEmail(TENANT, s.email!))!;
      await people.linkTeamsIdentity(TENANT, p._id, { teamsUserId: s.id, aadObjectId: s.aadObjectId }, now);
      await references.save(
        TENANT,
        personalKey(p._id),
        'personal',
        p._id,
        {
          serviceUrl: e2e.connector.url,
          conversation: { id: `a:personal-${s.id}`, conversationType: 'personal', isGroup: false, name: '' },
        },
        now,
      );
    }
    await setClock('2026-10-20T10:00:00Z');
    await e2e.post(e2e.install(lead));
  });
  after(() => e2e.stop());

  it('`announce` opens on the running cohort, not the one that finished in June', async () => {
    const card = await cardReply('announce');
    assert.equal(inputValue(card, 'cohortId'), autumn);
  });

  it('`run survey` opens on the running cohort', async () => {
    const card = await cardReply('run survey');
    assert.equal(inputValue(card, 'cohortId'), autumn);
  });

  it('`new event` opens on the running cohort', async () => {
    const card = await cardReply('new event');
    assert.equal(inputValue(card, 'cohortId'), autumn);
  });

  it('`new event`: the toggle that stores `nonPlacement` is labelled "Non-placement day", not "Placement day"', async () => {
    const json = JSON.stringify(await cardReply('new event'));
    const toggle = /\{"type":"Input\.Toggle","id":"nonPlacement"[^}]*\}/.exec(json)?.[0] ?? '';
    assert.match(toggle, /"label":"Non-placement day"/, toggle);
  });

  it('`new event`: the toggle off stores a placement day, on stores a non-placement day (label matches what is stored)', async () => {
    const event = (title: string, date: string, nonPlacement: string) => ({
      requestId: `toggle-${nonPlacement}`,
      cohortId: autumn,
      title,
      kind: 'other',
      date,
      startTime: '10:00',
      endTime: '11:00',
      location: 'Room 4',
      onlineLink: '',
      description: '',
      nonPlacement,
    });
    const dates = async () => (await e2e.services.cohorts.byId(TENANT, autumn))!.nonPlacementDates;
    const off = JSON.stringify(await act(lead, 'event.create', event('Team huddle', '2026-10-26', 'false')));
    assert.match(off, /Created/, off);
    assert.doesNotMatch(off, /non-placement day/i, off);
    assert.deepEqual(await dates(), []);
    const on = JSON.stringify(await act(lead, 'event.create', event('Study day', '2026-10-27', 'true')));
    assert.match(on, /Created/, on);
    assert.deepEqual(await dates(), ['2026-10-27']);
  });

  it('`reflection prompts` opens on the running cohort', async () => {
    const card = await cardReply('reflection prompts');
    assert.equal(inputValue(card, 'cohortId'), autumn);
  });

  it('`reflective workshop` opens on the running cohort', async () => {
    const card = await cardReply('reflective workshop');
    assert.equal(inputValue(card, 'cohortId'), autumn);
  });

  it('a reflective workshop for a cohort linked in the roster reaches its channel (no "link cohort" turn needed)', async () => {
    const posted = JSON.stringify(
      await act(lead, 'reflection.workshop.post', {
        requestId: 'workshop-roster-linked',
        cohortId: autumn,
        prompt: 'What did you notice about how decisions were made this week?',
      }),
    );
    assert.match(posted, /Workshop prompt posted/, posted);
    await e2e.connector.waitFor(() =>
      e2e.sentTo(CHANNEL).some((a) => JSON.stringify(a).includes('how decisions were made this week')),
    );
  });

  it('`new project` opens on the running cohort', async () => {
    const card = await cardReply('new project');
    assert.equal(inputValue(card, 'cohortId'), autumn);
  });

  it('`link cohort` in a channel not linked yet opens on the running cohort', async () => {
    const inChannel = e2e.channelMessage(lead, '19:new-team-channel@thread.tacv2', 'link cohort');
    const card = firstCard(await e2e.lastReplyTo(inChannel));
    assert.equal(inputValue(card, 'cohortId'), autumn);
  });

  it('`conversations report` shows the running cohort first', async () => {
    const texts = cardTexts(await cardReply('conversations report')).join(' | ');
    assert.ok(texts.includes('Autumn 2026') && texts.includes('Spring 2026'), texts);
    assert.ok(texts.indexOf('Autumn 2026') < texts.indexOf('Spring 2026'), texts);
  });

  it('the dashboard (My placement and Cohort tabs) is told the current cohort', async () => {
    const minted = await (await fetch(`${e2e.baseUrl}/api/dashboard/dev-token?as=${lead.email}`)).json();
    const get = async (path: string) =>
      (await fetch(`${e2e.baseUrl}${path}`, { headers: { authorization: `Bearer ${minted.token}` } })).json();
    assert.equal((await get('/api/dashboard/me')).currentCohortId, autumn);
    assert.equal((await get('/api/dashboard/cohorts')).currentCohortId, autumn);
    assert.equal((await get('/api/dashboard/manage/cohorts')).cohorts[0].id, autumn);
  });

  it('a channel linked in the roster is "Currently linked" and the announcement preview accepts it', async () => {
    const preview = await act(lead, 'announcement.preview', {
      cohortId: autumn,
      title: 'Room change',
      body: 'Group supervision moves to room 4.',
      linkUrl: '',
      imageUrl: '',
      importance: 'normal',
      ackRequired: 'true',
      target: 'both',
      when: 'now',
      sendDate: '',
      sendTime: '',
    });
    const texts = JSON.stringify(preview);
    assert.doesNotMatch(texts, /not linked yet/);
    assert.match(texts, /announcement\.send/);

    // The channel says the same (asked after the preview: a turn in the channel stores its reference).
    const inChannel = e2e.channelMessage(lead, CHANNEL, 'link cohort');
    const linkCard = firstCard(await e2e.lastReplyTo(inChannel));
    assert.match(cardTexts(linkCard).join(' | '), /Currently linked to Autumn 2026/);
  });

  it('the reminder to non-acknowledgers of a Friday-evening announcement is due Monday 09:00, not Saturday 19:10', async () => {
    await setClock('2026-10-23T18:10:00Z'); // Fri 19:10 BST
    const preview = await act(lead, 'announcement.preview', {
      cohortId: autumn,
      title: 'Next week',
      body: 'Please read the timetable.',
      linkUrl: '',
      imageUrl: '',
      importance: 'normal',
      ackRequired: 'true',
      target: 'members',
      when: 'now',
      sendDate: '',
      sendTime: '',
    });
    const annId =
      /"announcementId":"([^"]+)"/.exec(JSON.stringify(preview))?.[1] ??
      /"draftId":"([^"]+)"/.exec(JSON.stringify(preview))?.[1];
    assert.ok(annId, JSON.stringify(preview));
    await act(lead, 'announcement.send', { announcementId: annId });
    const job = await e2e.services.scheduler.get(remindJobKey(annId));
    // +24 h = Sat 24 Oct 19:10 BST; the clocks go back on Sun 25 Oct: Mon 26 Oct 09:00 GMT.
    assert.equal(job?.runAt.toISOString(), '2026-10-26T09:00:00.000Z');
    const status = JSON.stringify(await act(lead, 'announcement.status', { announcementId: annId }));
    assert.match(status, /Reminder to those who have not acknowledged: Mon 26 Oct/);
    assert.ok((await e2e.services.database.db.collection(collections.jobs.name).countDocuments({})) > 0);
  });
});
