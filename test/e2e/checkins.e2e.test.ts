/**
 * Acceptance for weekly check-ins (issue 4), through the real HTTP endpoint with the fake Bot
 * Connector and a controllable clock.
 *
 * Choice of cohorts (stated as the issue asks): a 6-week cohort starting Mon 2025-10-20 — the
 * week before the clocks go back on Sun 26 Oct 2025 — has no England & Wales bank holiday
 * inside it (the nearest are 25 Aug and 25 Dec). So the walk drives TWO cohorts on one clock:
 *   A "Autumn 2025": Mon 2025-10-20, 6 weeks, Mon/Tue clinical, Wed/Thu leadership,
 *     supervision Thu 14:00, a cohort non-placement date Mon 2025-11-10 (week 4's prompt moves
 *     to Tue), and student Tom paused (sickness) for the whole of week 3;
 *   B "Winter 2025": Mon 2025-12-15, 2 weeks, Mon–Fri, supervision Thu 14:00; in week 2
 *     Christmas Day and Boxing Day (bank holidays) remove the Thu supervision slot, so there is
 *     no digest that week and the due time is Wed 24 Dec 17:00, reminder 24 h before, moved
 *     into working time (Wed 09:00).
 * Defaults: prompt 09:00 local on the first placement day, reminder 24 h before due, digest 2 h
 * before supervision. Every expected instant is written out in UTC: 09:00 BST = 08:00Z before
 * 26 Oct, 09:00 GMT = 09:00Z after.
 */
import assert from 'node:assert/strict';
import { asText, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';

type Kind = 'prompt' | 'reminder' | 'digest';

function kindOf(activity: Record<string, unknown> | null): { kind: Kind; week: number } | null {
  const summary = String(activity?.summary ?? '');
  let m = /^Your week (\d+) check-in is ready/.exec(summary);
  if (m) return { kind: 'prompt', week: Number(m[1]) };
  m = /^Reminder: week (\d+) check-in/.exec(summary);
  if (m) return { kind: 'reminder', week: Number(m[1]) };
  m = /^Check-in summary for week (\d+)/.exec(summary);
  if (m) return { kind: 'digest', week: Number(m[1]) };
  return null;
}

const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

describe('e2e: weekly check-ins on the placement calendar (acceptance)', function () {
  this.timeout(300_000);
  const e2e = new E2E();
  const priya = user('priya', 'Priya Shah');
  const tom = user('tom', 'Tom Reid');
  const ana = user('ana', 'Ana Costa');
  const ben = user('ben', 'Ben Jones');
  const sam = user('sam', 'Sam Okoro'); // supervises Priya and Tom
  const ruth = user('ruth', 'Ruth Patel'); // supervises Ana (A) and Ben (B)
  const other = user('other', 'Olu Other'); // a supervisor of nobody here
  const lead = user('lead', 'Wendy Marsh');
  const everyone = [priya, tom, ana, ben, sam, ruth, other, lead];
  const ids = new Map<string, string>();
  let cohortA = '';

  const post = (path: string, body: unknown) =>
    fetch(`${e2e.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const conv = (u: TestUser) => `a:personal-${u.id}`;
  const nameOfConv = new Map(everyone.map((u) => [conv(u), u.name.split(' ')[0]]));
  let seen = 0;

  /** Moves the clock, runs due jobs over HTTP, drains the outbox; returns what was delivered. */
  async function step(iso: string): Promise<string[]> {
    assert.equal((await post('/test/clock', { now: iso })).status, 200);
    const ran = await post('/test/jobs/run-due', {});
    assert.equal(ran.status, 200);
    await e2e.services.sender.drain(60_000);
    const calls = e2e.connector.delivered().slice(seen);
    seen += calls.length;
    return calls
      .map((c) => {
        const k = kindOf(c.activity);
        return k ? `${k.kind} w${k.week} -> ${nameOfConv.get(c.conversationId) ?? c.conversationId}` : null;
      })
      .filter((x): x is string => x !== null)
      .sort();
  }

  const answers = (week: number, wellbeing: number, confidence: number) => ({
    week,
    wellbeing: String(wellbeing),
    progress: `Week ${week}: audit data collection on track.`,
    leadership: 'Saw the ward manager de-escalate a bed crisis calmly.',
    wentWell: 'Led my first huddle.',
    hard: 'Balancing project time with clinical days.',
    topics: 'How to present baseline data.',
    conf_leadership: String(confidence),
    'conf_time-management': String(confidence),
    'conf_interprofessional-collaboration': String(confidence),
    'conf_professional-behaviours': String(confidence),
    conf_communication: String(confidence),
  });

  before(async () => {
    await e2e.start({ JOBS_POLL_MS: '60000' });
    // The test drives jobs itself through POST /test/jobs/run-due.
    await e2e.services.scheduler.stop();
    const now = new Date('2025-10-01T12:00:00Z');
    const { people, cohorts, supervisions } = e2e.services;
    const base = {
      teamsChannelId: null,
      timeZone: 'Europe/London',
      supervision: { weekday: 'Thu', time: '14:00' } as const,
    };
    ({ id: cohortA } = await cohorts.upsertByName(
      TENANT,
      {
        ...base,
        name: 'Autumn 2025',
        startDate: '2025-10-20',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu'],
        nonPlacementDates: ['2025-11-10'],
      },
      now,
    ));
    const { id: cohortB } = await cohorts.upsertByName(
      TENANT,
      {
        ...base,
        name: 'Winter 2025',
        startDate: '2025-12-15',
        weeks: 2,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu', 'Fri'],
        nonPlacementDates: [],
      },
      now,
    );
    const add = async (
      u: TestUser,
      roles: ('student' | 'supervisor' | 'lead' | 'admin')[],
      cohortId: string | null,
    ) => {
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
      ids.set(u.name, (await people.byEmail(TENANT, u.email!))!._id);
    };
    await add(priya, ['student'], cohortA);
    await add(tom, ['student'], cohortA);
    await add(ana, ['student'], cohortA);
    await add(ben, ['student'], cohortB);
    await add(sam, ['supervisor'], cohortA);
    await add(ruth, ['supervisor'], cohortA);
    await add(other, ['supervisor'], null);
    await add(lead, ['lead'], cohortA); // a lead acts for the cohort they are attached to
    await supervisions.link(TENANT, ids.get(priya.name)!, ids.get(sam.name)!, now);
    await supervisions.link(TENANT, ids.get(tom.name)!, ids.get(sam.name)!, now);
    await supervisions.link(TENANT, ids.get(ana.name)!, ids.get(ruth.name)!, now);
    await supervisions.link(TENANT, ids.get(ben.name)!, ids.get(ruth.name)!, now);
    for (const u of everyone) {
      e2e.teamsUser(u);
      await e2e.post(e2e.install(u));
    }
    await e2e.services.sender.drain();
    seen = e2e.connector.delivered().length;
  });
  after(() => e2e.stop());

  it('a lead pauses Tom for week 3 (sickness) through the pause card', async () => {
    await post('/test/clock', { now: '2025-10-17T12:00:00Z' });
    await e2e.post(e2e.message(lead, 'pause check-ins'));
    await e2e.services.sender.drain();
    const bad = await e2e.post(
      e2e.execute(lead, 'checkin.pause.add', {
        studentId: ids.get(tom.name),
        from: '2025-11-09',
        to: '2025-11-03',
        reason: 'sickness',
      }),
    );
    const badTexts = cardTexts(bad.body.value);
    assert.ok(
      badTexts.includes('Last paused day: The last paused day is before the first'),
      badTexts.join(' | '),
    );
    assert.deepEqual(await e2e.services.checkins.repo.pausesOf(TENANT, ids.get(tom.name)!), []);
    const res = await e2e.post(
      e2e.execute(lead, 'checkin.pause.add', {
        studentId: ids.get(tom.name),
        from: '2025-11-03',
        to: '2025-11-09',
        reason: 'sickness',
      }),
    );
    assert.ok(cardTexts(res.body.value).includes('Pause added'), JSON.stringify(res.body));
    assert.deepEqual(await e2e.services.checkins.repo.pausesOf(TENANT, ids.get(tom.name)!), [
      { from: '2025-11-03', to: '2025-11-09', reason: 'sickness' },
    ]);
  });

  it('sends prompts, reminders and digests at the exact London instants, to exactly the expected people, none while paused', async () => {
    const A = ['Ana', 'Priya', 'Tom'];
    const nonResponders = ['Ana', 'Tom']; // Priya answers every week as soon as she is prompted
    const both = ['Ruth', 'Sam'];
    const expected: [string, string[]][] = [
      // week 1 (BST): 09:00 BST = 08:00Z
      ['2025-10-20T08:00:00Z', A.map((p) => `prompt w1 -> ${p}`)],
      ['2025-10-22T13:00:00Z', nonResponders.map((p) => `reminder w1 -> ${p}`)],
      ['2025-10-23T11:00:00Z', both.map((s) => `digest w1 -> ${s}`)],
      // week 2 (GMT from Sun 26 Oct): 09:00 GMT = 09:00Z
      ['2025-10-27T09:00:00Z', A.map((p) => `prompt w2 -> ${p}`)],
      ['2025-10-29T14:00:00Z', nonResponders.map((p) => `reminder w2 -> ${p}`)],
      ['2025-10-30T12:00:00Z', both.map((s) => `digest w2 -> ${s}`)],
      // week 3: Tom paused all week: no prompt, no reminder
      ['2025-11-03T09:00:00Z', ['Ana', 'Priya'].map((p) => `prompt w3 -> ${p}`)],
      ['2025-11-05T14:00:00Z', ['reminder w3 -> Ana']],
      ['2025-11-06T12:00:00Z', both.map((s) => `digest w3 -> ${s}`)],
      // week 4: Mon 10 Nov is a cohort non-placement date: prompt on Tue
      ['2025-11-11T09:00:00Z', A.map((p) => `prompt w4 -> ${p}`)],
      ['2025-11-12T14:00:00Z', nonResponders.map((p) => `reminder w4 -> ${p}`)],
      ['2025-11-13T12:00:00Z', both.map((s) => `digest w4 -> ${s}`)],
      ['2025-11-17T09:00:00Z', A.map((p) => `prompt w5 -> ${p}`)],
      ['2025-11-19T14:00:00Z', nonResponders.map((p) => `reminder w5 -> ${p}`)],
      ['2025-11-20T12:00:00Z', both.map((s) => `digest w5 -> ${s}`)],
      ['2025-11-24T09:00:00Z', A.map((p) => `prompt w6 -> ${p}`)],
      ['2025-11-26T14:00:00Z', nonResponders.map((p) => `reminder w6 -> ${p}`)],
      ['2025-11-27T12:00:00Z', both.map((s) => `digest w6 -> ${s}`)],
      // cohort B week 1
      ['2025-12-15T09:00:00Z', ['prompt w1 -> Ben']],
      ['2025-12-17T14:00:00Z', ['reminder w1 -> Ben']],
      ['2025-12-18T12:00:00Z', ['digest w1 -> Ruth']],
      // cohort B week 2: Thu 25 / Fri 26 Dec are bank holidays: no supervision slot, so no
      // digest; due Wed 24 Dec 17:00 (end of the last placement day). 24 h before is Tue 17:00,
      // the end of working time, so the reminder waits for Wed 09:00 (issue 26: quiet hours).
      ['2025-12-22T09:00:00Z', ['prompt w2 -> Ben']],
      ['2025-12-24T09:00:00Z', ['reminder w2 -> Ben']],
    ];
    assert.deepEqual(await step('2025-10-19T12:00:00Z'), []);
    for (const [instant, who] of expected) {
      const t = new Date(instant).getTime();
      assert.deepEqual(
        await step(new Date(t - 60_000).toISOString()),
        [],
        `nothing due one minute before ${instant}`,
      );
      assert.deepEqual(await step(instant), [...who].sort(), `deliveries at ${instant}`);
      const prompt = /prompt w(\d)/.exec(who.join(' '));
      if (prompt && who.some((w) => w.endsWith('Priya'))) {
        const week = Number(prompt[1]);
        const res = await e2e.post(
          e2e.execute(priya, 'checkin.submit', answers(week, week === 2 ? 2 : 4, Math.min(5, week + 1))),
        );
        assert.equal(res.body.type, 'application/vnd.microsoft.card.adaptive', JSON.stringify(res.body));
        const texts = cardTexts(res.body.value).join(' | ');
        assert.match(texts, new RegExp(`Week ${week} of 6: check-in received`));
        if (week === 2) assert.match(texts, /Samaritans are there day or night on 116 123/);
        else assert.doesNotMatch(texts, /116 123/);
      }
      if (instant === '2025-10-30T12:00:00Z') {
        const digest = e2e.connector
          .delivered(conv(sam))
          .map((c) => c.activity)
          .filter((a) => kindOf(a)?.kind === 'digest')
          .at(-1)!;
        const texts = cardTexts(firstCard(digest)).join(' | ');
        assert.match(texts, /Low wellbeing reported \(2 of 5\)/);
        assert.match(texts, /Priya Shah\*\* · submitted/);
        assert.match(
          texts,
          /Tom Reid\*\* · 2nd week without a check-in: missed week 1, and none yet for week 2/,
        );
      }
      if (instant === '2025-11-06T12:00:00Z') {
        const digest = e2e.connector
          .delivered(conv(sam))
          .map((c) => c.activity)
          .filter((a) => kindOf(a)?.kind === 'digest')
          .at(-1)!;
        const card = JSON.stringify(firstCard(digest));
        assert.match(card, /Tom Reid\*\* · paused this week/);
        assert.match(card, /Confidence since week 1/);
        assert.match(card, /Leadership 2→4 \(\+2\)/);
      }
    }
    // Nothing else until well after both placements.
    assert.deepEqual(await step('2025-12-24T18:00:00Z'), []);
    assert.deepEqual(await step('2026-01-10T12:00:00Z'), []);
    // Late marking: Ana never answered; Priya's were all on time.
    const priyas = await e2e.services.checkins.repo.ofStudent(TENANT, ids.get(priya.name)!);
    assert.deepEqual(
      priyas.map((c) => [c.week, c.late]),
      [1, 2, 3, 4, 5, 6].map((w) => [w, false]),
    );
  });

  it('shows a lead the cohort status with the submission rate and the overdue list', async () => {
    await post('/test/clock', { now: '2025-11-13T15:00:00Z' }); // week 4, after the due time
    const card = firstCard(await e2e.lastReply(lead, 'cohort status'));
    const text = JSON.stringify(card);
    assert.match(text, /Autumn 2025\*\* · week 4 of 6/);
    assert.match(text, /1 of 3 \(33%\)/);
    assert.match(text, /Ana Costa, Tom Reid/);
  });

  it('refuses a supervisor who is not the student’s, and logs the attempt', async () => {
    for (const verb of ['checkin.view', 'checkin.comment', 'checkin.countersign']) {
      const res = await e2e.post(
        e2e.execute(other, verb, { studentId: ids.get(priya.name), week: 1, comment_0: 'hi', idx: '0' }),
      );
      assert.match(asText(res.body.value), /only see and act on check-ins of students you supervise/);
    }
    const refused = (await e2e.services.audit.list(TENANT, { actorId: ids.get(other.name) })).filter(
      (a) => a.outcome === 'refused',
    );
    assert.deepEqual(refused.map((a) => a.action).sort(), [
      'checkin.comment',
      'checkin.countersign',
      'checkin.view',
    ]);
    assert.ok(refused.every((a) => a.targetId === ids.get(priya.name)));
    const c = await e2e.services.checkins.repo.get(TENANT, ids.get(priya.name)!, 1);
    assert.equal(c!.comments.length, 0);
    assert.equal(c!.countersignedBy, null);
  });

  it('lets the student’s own supervisor comment (student notified once), countersign and record supervision', async () => {
    const data = {
      studentId: ids.get(priya.name),
      week: 1,
      idx: '0',
      comment_0: 'Great start: bring the audit numbers on Thursday.',
    };
    await e2e.post(e2e.execute(sam, 'checkin.comment', data));
    await e2e.post(e2e.execute(sam, 'checkin.comment', data)); // double click
    await e2e.services.sender.drain();
    const notes = e2e
      .sentTo(conv(priya))
      .filter((a) => String(a.summary ?? '').includes('commented on your week 1'));
    assert.equal(notes.length, 1);
    const signed = await e2e.post(
      e2e.execute(sam, 'checkin.countersign', { studentId: ids.get(priya.name), week: 1 }),
    );
    assert.ok(
      cardTexts(signed.body.value).some((t) => /Countersigned Priya Shah's week 1 check-in/.test(t)),
      JSON.stringify(signed.body.value),
    );
    const held = await e2e.post(
      e2e.execute(sam, 'supervision.session.record', {
        requestId: 'checkins-e2e-1',
        attendees: ids.get(priya.name),
        date: '2025-10-23',
        minutes: '45',
        kind: 'individual',
        notes: '',
      }),
    );
    assert.ok(
      cardTexts(held.body.value).some((t) => /Recorded individual supervision with Priya Shah/.test(t)),
      JSON.stringify(held.body.value),
    );
    const c = await e2e.services.checkins.repo.get(TENANT, ids.get(priya.name)!, 1);
    assert.equal(c!.comments.length, 1);
    assert.equal(c!.countersignedBy, ids.get(sam.name));
    const sessions = await e2e.services.supervision.repo.sessionsOf(TENANT, ids.get(priya.name)!);
    assert.deepEqual(
      sessions.map((s) => [s.week, s.date, s.minutes, s.kind]),
      [[1, '2025-10-23', 45, 'individual']],
    );
    // The student sees the comment on her card (Action.Execute refresh).
    const refreshed = await e2e.post(e2e.execute(priya, 'checkin.refresh', { week: 1 }));
    assert.match(JSON.stringify(refreshed.body.value), /Sam Okoro\*\*: Great start/);
  });
});
