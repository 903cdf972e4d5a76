/**
 * Issue 26 (supervisor tab and lead dashboard):
 * - the supervisor tab showed Wellbeing "OK" for a student with no check-in for weeks, and for a
 *   finished cohort; it must say what is true;
 * - "Updated 8 hours ago" with no way to refresh: the lead can recompute the cohort's numbers
 *   (their own cohorts only; audited like the CSV download).
 */
import assert from 'node:assert/strict';
import type { LeadOverview, SupervisorView, WellbeingFlags } from '../../src/web/api-types.js';
import { cardTexts, firstCard, TENANT, type E2E } from '../e2e/harness.js';
import { executes } from '../helpers/loop-world.js';
import { NOW, startDashboard, TestJwks, type Seeded } from './fixture.js';

describe('dashboard: the supervisor tab tells the truth; the lead can refresh', function () {
  this.timeout(120_000);
  const jwks = new TestJwks();
  let e2e: E2E;
  let seeded: Seeded;

  before(async () => {
    await jwks.start();
    // The clock jumps to July and back: with the scheduler running, the rollup job could run
    // in July and leave the overview computed then.
    ({ e2e, seeded } = await startDashboard(jwks, { engines: false }));
  });
  after(async () => {
    await e2e?.stop();
    await jwks.stop();
  });
  afterEach(() => e2e.clock.set(NOW));

  /** The answer's JSON, as the caller expects it (T). */
  const call = async <T = unknown>(method: 'GET' | 'POST', path: string, key: string) => {
    const token = await jwks.sign({ oid: seeded.oids[key]! });
    const res = await fetch(`${e2e.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  type Row = {
    name: string;
    checkin: string;
    wellbeing: string;
    missedWeeks: number;
    lowWellbeing: boolean;
    lateWeeks: number[];
  };
  const students = async (key: string): Promise<Map<string, Row>> => {
    const res = await call<SupervisorView>('GET', '/api/dashboard/supervisor', key);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return new Map(res.body.students.map((s): [string, Row] => [s.name, s]));
  };

  it('a student with no check-in for weeks is not "OK": the tab says how many weeks were missed', async () => {
    // Week 3: Chloe checked in for weeks 1 and 2 (week 3 is not due yet), so she is fine.
    const now = await students('sup1');
    assert.equal(now.get('Chloe Okafor')!.wellbeing, 'ok');
    assert.equal(now.get('Ben Hughes')!.wellbeing, 'low');
    // Thursday of week 6: weeks 3, 4 and 5 have passed without a check-in from Chloe.
    e2e.clock.set(new Date('2025-03-13T12:00:00Z'));
    const later = await students('sup1');
    const chloe = later.get('Chloe Okafor')!;
    assert.equal(chloe.wellbeing, 'missed', JSON.stringify(chloe));
    assert.equal(chloe.missedWeeks, 3);
    // George (Ruth's) checked in for week 1 only.
    const george = (await students('sup2')).get('George Ives')!;
    assert.equal(george.wellbeing, 'missed');
    assert.equal(george.missedWeeks, 4);
  });

  it('a finished cohort has no current status: not "OK", not "no placement this week"', async () => {
    e2e.clock.set(new Date('2025-07-01T12:00:00Z'));
    for (const s of (await students('sup1')).values()) {
      assert.equal(s.checkin, 'finished', JSON.stringify(s));
      assert.equal(s.wellbeing, 'finished', JSON.stringify(s));
      assert.equal(s.lowWellbeing, false);
    }
  });

  it('the lead refreshes the cohort numbers: recomputed now, audited; others are refused', async () => {
    const path = `/api/dashboard/lead/refresh?cohortId=${encodeURIComponent(seeded.cohortA)}`;
    const overview = `/api/dashboard/lead/overview?cohortId=${encodeURIComponent(seeded.cohortA)}`;
    assert.equal((await call<LeadOverview>('GET', overview, 'leadA')).body.generatedAt, NOW.toISOString());
    const later = new Date(NOW.getTime() + 8 * 3_600_000);
    e2e.clock.set(later);
    const refreshed = await call<LeadOverview>('POST', path, 'leadA');
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.generatedAt, later.toISOString());
    assert.equal((await call<LeadOverview>('GET', overview, 'leadA')).body.generatedAt, later.toISOString());
    const audit = await e2e.services.audit.list(TENANT, { action: 'dashboard.refresh' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.targetId, seeded.cohortA);
    assert.equal(audit[0]!.actorId, seeded.ids.leadA);
    // The lead of another cohort, a supervisor and a student may not.
    for (const key of ['leadB', 'sup1', 's1']) assert.equal((await call('POST', path, key)).status, 403, key);
  });

  it('low-wellbeing flags lead somewhere: the lead of the cohort sees who, with their supervisors (audited); nobody else', async () => {
    const path = `/api/dashboard/lead/wellbeing?cohortId=${encodeURIComponent(seeded.cohortA)}`;
    const res = await call<WellbeingFlags>('GET', path, 'leadA');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    // Weeks 1-3: Ben rated 2 every week, Daniel 1 in week 2 (the overview counts 1, 2, 1).
    assert.deepEqual(res.body, {
      range: { fromWeek: 1, toWeek: 3 },
      students: [
        {
          studentId: seeded.ids.s2,
          name: 'Ben Hughes',
          supervisors: ['Sam Okoro'],
          weeks: [
            { week: 1, wellbeing: 2 },
            { week: 2, wellbeing: 2 },
            { week: 3, wellbeing: 2 },
          ],
        },
        {
          studentId: seeded.ids.s4,
          name: 'Daniel Brown',
          supervisors: ['Ruth Patel'],
          weeks: [{ week: 2, wellbeing: 1 }],
        },
      ],
    });
    const overview = await call<LeadOverview>(
      'GET',
      `/api/dashboard/lead/overview?cohortId=${seeded.cohortA}`,
      'leadA',
    );
    assert.deepEqual(
      overview.body.wellbeing.data!.map((r) => r.count),
      [1, 2, 1],
    );
    // The same week range as the overview.
    const week3 = await call<WellbeingFlags>('GET', `${path}&fromWeek=3&toWeek=3`, 'leadA');
    assert.deepEqual(
      week3.body.students.map((s) => s.name),
      ['Ben Hughes'],
    );
    const audit = await e2e.services.audit.list(TENANT, { action: 'dashboard.wellbeing' });
    assert.equal(audit.length, 2);
    assert.equal(audit[0]!.actorId, seeded.ids.leadA);
    for (const key of ['leadB', 'sup1', 's2']) assert.equal((await call('GET', path, key)).status, 403, key);
  });

  // Last: its submits refresh the cohort's numbers.
  it('a late check-in is shown late on the tab: a caught-up week, and this week sent after its due time', async () => {
    const answers = (week: number) => ({
      week,
      wellbeing: '4',
      progress: 'Caught up.',
      conf_leadership: '3',
      'conf_time-management': '3',
      'conf_interprofessional-collaboration': '3',
      'conf_professional-behaviours': '3',
      conf_communication: '3',
    });
    const person = async (key: string) => (await e2e.services.people.byId(TENANT, seeded.ids[key]!))!;
    // Thu of week 3, 12:00: George sends week 2 (due Thu 13 Feb, 14:00) a week late.
    await e2e.services.checkins.submit(TENANT, await person('s7'), answers(2));
    const george = (await students('sup2')).get('George Ives')!;
    assert.deepEqual(george.lateWeeks, [2], JSON.stringify(george));
    assert.equal(george.checkin, 'due');
    // 15:00, after week 3 was due at 14:00: Chloe's week 3 is late, and this week's status says so.
    e2e.clock.set(new Date('2025-02-20T15:00:00Z'));
    await e2e.services.checkins.submit(TENANT, await person('s3'), answers(3));
    const now = await students('sup1');
    const chloe = now.get('Chloe Okafor')!;
    assert.equal(chloe.checkin, 'submitted');
    assert.deepEqual(chloe.lateWeeks, [3], JSON.stringify(chloe));
    assert.deepEqual(now.get('Ben Hughes')!.lateWeeks, []);
    assert.deepEqual(now.get('Amira Ahmed')!.lateWeeks, [2], 'the fixture sent her week 2 a day late');
  });
});

/**
 * Issue 26, item 2: "Open check-in" on the supervisor tab's My students table sends the one
 * supervisor check-in card (Comment, Countersign, Record session, the low-wellbeing flag; never
 * the student's advice or Refresh) to the supervisor's chat with the bot; refused truly to
 * anyone who may not see the check-in.
 */
describe('dashboard: Open check-in from the supervisor tab', function () {
  this.timeout(120_000);
  const jwks = new TestJwks();
  let e2e: E2E;
  let seeded: Seeded;
  const sam = {
    id: '29:sup1',
    aadObjectId: 'aad-sup1',
    name: 'Sam Okoro',
    email: 'sam.okoro@example.nhs.uk',
  };

  before(async () => {
    await jwks.start();
    ({ e2e, seeded } = await startDashboard(jwks));
    await e2e.post(e2e.install(sam));
    await e2e.services.sender.drain();
  });
  after(async () => {
    await e2e?.stop();
    await jwks.stop();
  });

  const open = async (key: string, studentKey: string, body: unknown) => {
    const token = await jwks.sign({ oid: seeded.oids[key]! });
    const res = await fetch(
      `${e2e.baseUrl}/api/dashboard/supervisor/students/${encodeURIComponent(seeded.ids[studentKey]!)}/open-checkin`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    );
    return { status: res.status, body: (await res.json()) as { message: string } };
  };

  it('sends the supervisor card for that week to the supervisor’s chat', async () => {
    const tab = await (async () => {
      const token = await jwks.sign({ oid: seeded.oids.sup1! });
      const res = await fetch(`${e2e.baseUrl}/api/dashboard/supervisor`, {
        headers: { authorization: `Bearer ${token}` },
      });
      return (await res.json()) as SupervisorView;
    })();
    const ben = tab.students.find((s) => s.name === 'Ben Hughes')!;
    assert.equal(ben.week, 3);
    const before = e2e.sentTo('a:personal-29:sup1').length;
    const res = await open('sup1', 's2', { week: ben.week });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(
      res.body.message,
      'Sent to your chat with Placement Companion: Ben Hughes: week 3 of 6 check-in. Comment, countersign or record the session from there.',
    );
    await e2e.services.sender.drain(30_000);
    const sent = e2e.sentTo('a:personal-29:sup1').slice(before);
    assert.equal(sent.length, 1);
    const card = firstCard(sent[0])!;
    const texts = cardTexts(card).join(' | ');
    assert.match(texts, /Ben Hughes: week 3 of 6 check-in/);
    assert.match(texts, /Low wellbeing: Ben rated their wellbeing 2 of 5/);
    assert.doesNotMatch(texts, /Thank you for being honest/);
    assert.doesNotMatch(texts, /Looking after yourself/);
    assert.notEqual(card.refresh?.action?.verb, 'checkin.refresh');
    assert.deepEqual(
      executes(card).map((b) => b.title),
      ['Send comment', 'Countersign', 'Record session'],
    );
    const audit = await e2e.services.audit.list(TENANT, { action: 'checkin.view' });
    assert.ok(audit.some((a) => a.targetId === seeded.ids.s2 && a.actorId === seeded.ids.sup1));
  });

  it('refuses with a true message: another supervisor’s student, a student, a bad week', async () => {
    const other = await open('sup1', 's4', { week: 2 });
    assert.equal(other.status, 403);
    assert.equal(other.body.message, 'You can only see and act on check-ins of students you supervise.');
    const student = await open('s1', 's2', { week: 2 });
    assert.equal(student.status, 403);
    assert.equal(
      student.body.message,
      "Check-ins are seen only by the student's supervisor and placement lead.",
    );
    assert.equal((await open('sup1', 's2', { week: 0 })).status, 400);
    assert.equal((await open('sup1', 's2', { week: 2, $where: 'x' })).status, 400);
  });
});
