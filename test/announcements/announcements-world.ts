/**
 * The cohort-announcements e2e world: a finished cohort with a Teams channel, its lead, 100
 * student members and a lead of another cohort, with stored conversation references, over
 * real HTTP; and the helpers the announcements story uses. Call it inside the describe.
 */
/**
 * Announcements end to end: the real service over HTTP, the real local database, the real
 * outbox sender, and a fake Bot Connector that records (and can fault) every call.
 */
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { E2E, TENANT, type TestUser } from '../e2e/harness.js';
import { channelKey, personalKey } from '../../src/storage/conversation-references-repository.js';
import { onboardingFeature } from '../../src/features/onboarding/index.js';
import { announcementsFeature } from '../../src/features/announcements/index.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

export const CHANNEL = '19:cohort2channel@thread.tacv2';
export const MEMBERS = 100;

/** Every string in a card (TextBlock texts, fact titles and values, action titles). */
export const textOf = (card: unknown) => JSON.stringify(card);

export function announcementsWorld() {
  const e2e = new E2E();
  const lead: TestUser = {
    id: '29:lead-wendy',
    aadObjectId: 'aad-wendy',
    name: 'Wendy Marsh',
    email: 'wendy.marsh@example.nhs.uk',
  };
  const otherLead: TestUser = {
    id: '29:lead-ruth',
    aadObjectId: 'aad-ruth',
    name: 'Ruth Patel',
    email: 'ruth.patel@example.nhs.uk',
  };
  const members: TestUser[] = Array.from({ length: MEMBERS }, (_, i) => ({
    id: `29:member-${i}`,
    aadObjectId: `aad-member-${i}`,
    name: `Member ${String(i).padStart(3, '0')}`,
    email: `member${i}@student.example.ac.uk`,
  }));
  const memberIds: string[] = [];
  let cohortId: string;
  let leadId: string;

  const exec = async (user: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(user, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const compose = (over: Record<string, unknown> = {}) => ({
    title: 'Room change for Thursday',
    body: 'Group supervision moves to **room 4**. See [the map](https://intranet.example.nhs.uk/map).',
    linkUrl: 'https://intranet.example.nhs.uk/placements',
    imageUrl: '',
    importance: 'urgent',
    ackRequired: 'true',
    target: 'both',
    when: 'now',
    sendDate: '',
    sendTime: '',
    ...over,
  });
  const personalConv = (u: TestUser) => `a:personal-${u.id}`;

  before(async () => {
    await e2e.start(
      // 100 acknowledgements at once test exact counting, not speed: on a slow shared machine
      // the default 4 s invoke limit would answer some of them "took too long".
      { ANNOUNCEMENT_REMINDER_MINUTES: '1440', RETENTION_MONTHS: '0', INVOKE_TIMEOUT_MS: '30000' },
      { features: [onboardingFeature, announcementsFeature] },
    );
    const now = new Date();
    const { people, cohorts, references } = e2e.services;
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 2',
        // A cohort that has finished: no other feature has anything to send it.
        ...DEFAULT_COHORT,
        startDate: DateTime.now().minus({ weeks: 10 }).toISODate()!,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        teamsChannelId: CHANNEL,
      },
      now,
    ));
    const { id: otherCohort } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2024 cohort 1',
        ...DEFAULT_COHORT,
        startDate: DateTime.now().minus({ weeks: 9 }).toISODate()!,
        weeks: 5,
        clinicalDays: [],
        leadershipDays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
        supervision: null,
      },
      now,
    );
    await cohorts.linkChannel(
      TENANT,
      cohortId,
      { teamsChannelId: CHANNEL, teamsTeamId: '19:team', serviceUrl: e2e.connector.url },
      now,
    );
    await references.save(
      TENANT,
      channelKey(CHANNEL),
      'channel',
      null,
      {
        serviceUrl: e2e.connector.url,
        conversation: { id: CHANNEL, conversationType: 'channel', isGroup: true, name: '' },
      },
      now,
    );
    const add = async (u: TestUser, roles: ('student' | 'lead')[], cohort: string) => {
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles,
          profession: 'physiotherapy',
          cohortId: cohort,
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
          conversation: { id: personalConv(u), conversationType: 'personal', isGroup: false, name: '' },
        },
        now,
      );
      return p._id;
    };
    leadId = await add(lead, ['lead'], cohortId);
    await add(otherLead, ['lead'], otherCohort);
    for (const m of members) memberIds.push(await add(m, ['student'], cohortId));
  });
  after(() => e2e.stop());
  afterEach(() => {
    e2e.connector.fault = () => undefined;
  });

  const drain = async () => {
    try {
      await e2e.services.sender.drain(240_000);
    } catch (err) {
      const stuck = await e2e.services.outbox
        .collection()
        .find({ state: { $in: ['pending', 'sending'] } }, { projection: { activity: 0 } })
        .limit(5)
        .toArray();
      throw new Error(`${(err as Error).message}: ${JSON.stringify(stuck)}`, { cause: err });
    }
  };
  /** Deliveries of one announcement into one conversation (replies to commands are not counted). */
  const copies = (conversationId: string, id: string) =>
    e2e.connector.delivered(conversationId).filter((c) => JSON.stringify(c.activity).includes(id));
  /** Runs due jobs and waits for one to be done (the scheduler's own loop may have taken it). */
  const runJobs = async (job: () => Promise<{ state: string } | null>) => {
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    const deadline = Date.now() + 60_000;
    while ((await job())?.state !== 'done') {
      if (Date.now() > deadline) throw new Error(`job not done: ${JSON.stringify(await job())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const countAnnouncements = () => e2e.services.database.db.collection('announcements').countDocuments();
  return {
    e2e,
    lead,
    otherLead,
    members,
    memberIds,
    get cohortId() {
      return cohortId;
    },
    get leadId() {
      return leadId;
    },
    exec,
    compose,
    personalConv,
    drain,
    copies,
    runJobs,
    countAnnouncements,
  };
}
