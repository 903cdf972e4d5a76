/**
 * Acceptance for the lead's workspace in Teams (issue 16, part 1), over the real HTTP endpoint
 * with the fake Bot Connector and the test clock:
 * - a lead creates a 6-week cohort from cards, adds a supervisor and 3 students, adds a study
 *   day on the day the week 1 prompt was already planned for; the planner then skips that day
 *   (the prompt arrives the next placement day, not on the study day);
 * - invalid inputs (last day before the first, unknown supervisor email, 0 weeks, a date
 *   outside the cohort) give a per-field message with the field's label and write nothing
 *   (document counts of every collection before and after).
 *
 * Cohort: Mon 20 Oct 2025, 6 weeks, Mon/Tue clinical, Wed/Thu leadership, supervision Thu
 * 14:00, Europe/London (no bank holiday inside it). Week 1 prompt: Mon 20 Oct 09:00 BST =
 * 08:00Z; with Mon 20 Oct a study day it moves to Tue 21 Oct 08:00Z.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { asCard, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:ws-${key}`,
  aadObjectId: `aad-ws-${key}`,
  name,
  email: `${key}@example.nhs.uk`,
});

describe('e2e: a placement lead sets up a cohort from Teams cards (acceptance)', function () {
  this.timeout(180_000);
  const e2e = new E2E();
  const lead = user('ws.lead', 'Wendy Marsh');
  const sam = user('ws.sam', 'Sam Okoro');
  const students = [user('ws.priya', 'Priya Shah'), user('ws.tom', 'Tom Reid'), user('ws.ana', 'Ana Costa')];
  let cohortId = '';

  const post = (path: string, body: unknown) =>
    fetch(`${e2e.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** An Action.Execute as the lead; the card (or text) that comes back in the invoke response. */
  const act = async (verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(lead, verb, data));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.value;
  };
  const textsOf = (card: unknown) => cardTexts(card).join(' | ');
  /** Documents in every collection the service uses (turn state aside: a turn may save it). */
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const spec of Object.values(collections)) {
      if (spec.name === collections.turnState.name) continue;
      out[spec.name] = await e2e.services.database.db.collection(spec.name).countDocuments({});
    }
    return out;
  };
  const promptsDelivered = () =>
    e2e.connector
      .delivered()
      .filter((c) => /^Your week \d+ check-in is ready/.test(String(c.activity?.summary ?? '')))
      .map((c) => c.conversationId)
      .sort();

  const cohortForm = {
    name: 'Leadership 2025 cohort 3',
    startDate: '2025-10-20',
    weeks: '6',
    endDate: '',
    clinicalDays: 'Mon,Tue',
    leadershipDays: 'Wed,Thu',
    supervisionDay: 'Thu',
    supervisionTime: '14:00',
    timeZone: 'Europe/London',
    promptTime: '09:00',
    reminderHours: '24',
    digestHours: '2',
  };

  before(async () => {
    await e2e.start({ JOBS_POLL_MS: '60000' });
    await e2e.services.scheduler.stop(); // the test runs due jobs itself
    await e2e.services.people.upsertByEmail(
      TENANT,
      {
        email: lead.email!,
        displayName: lead.name,
        roles: ['lead'],
        profession: 'occupational therapy',
        cohortId: null,
        timeZone: null,
      },
      new Date(),
    );
    e2e.teamsUser(lead);
    assert.equal((await post('/test/clock', { now: '2025-10-13T10:00:00Z' })).status, 200);
    await e2e.post(e2e.install(lead));
  });
  after(() => e2e.stop());

  it('`manage cohorts` in the personal chat offers to set up a cohort, and help lists it', async () => {
    const card = firstCard(await e2e.lastReply(lead, 'manage cohorts'))!;
    assert.match(textsOf(card), /Your cohorts/);
    assert.match(textsOf(card), /You have no cohorts yet/);
    assert.deepEqual(
      card.actions.map((a: { verb: string }) => a.verb),
      ['workspace.cohort.new'],
    );
    assert.match(textsOf(firstCard(await e2e.lastReply(lead, 'help'))), /manage cohorts/);
  });

  it('refuses a last day before the first day, and 0 weeks, with the field and its label; nothing is written', async () => {
    const form = asCard(await act('workspace.cohort.new', {}));
    const requestId = form.actions[0].data.requestId as string;
    assert.ok(requestId);
    const before = await counts();

    let card = await act('workspace.cohort.save', { ...cohortForm, requestId, endDate: '2025-10-10' });
    let texts = textsOf(card);
    assert.match(texts, /Nothing was saved\. Please check: Last placement day\./);
    assert.match(texts, /The last day is before the first day \(Mon 20 Oct 2025\)/);
    assert.doesNotMatch(texts, /endDate/);

    card = await act('workspace.cohort.save', { ...cohortForm, requestId, weeks: '0' });
    texts = textsOf(card);
    assert.match(texts, /Please check: Number of weeks\./);
    assert.match(texts, /Enter a whole number of weeks from 1 to 52/);
    // What the lead typed comes back in the form.
    const weeks = findInput(card, 'weeks');
    assert.equal(weeks?.value, 0);

    assert.deepEqual(await counts(), before);
  });

  it('creates a 6-week cohort from the form (a double submit creates one), the lead then leads it', async () => {
    const form = asCard(await act('workspace.cohort.new', {}));
    const requestId = form.actions[0].data.requestId as string;
    const card = await act('workspace.cohort.save', { ...cohortForm, requestId });
    assert.match(textsOf(card), /Leadership 2025 cohort 3 is set up/);
    assert.match(JSON.stringify(card), /"value":"Mon 20 Oct 2025 to Thu 27 Nov 2025 \(6 weeks\)"/);
    const again = await act('workspace.cohort.save', { ...cohortForm, requestId });
    assert.match(textsOf(again), /Leadership 2025 cohort 3/);
    const all = await e2e.services.cohorts.all(TENANT);
    assert.equal(all.length, 1);
    const cohort = all[0]!;
    cohortId = cohort._id;
    assert.deepEqual(
      {
        startDate: cohort.startDate,
        weeks: cohort.weeks,
        clinicalDays: cohort.clinicalDays,
        leadershipDays: cohort.leadershipDays,
        supervision: cohort.supervision,
        timeZone: cohort.timeZone,
        nonPlacementDates: cohort.nonPlacementDates,
        checkins: cohort.checkins,
      },
      {
        startDate: '2025-10-20',
        weeks: 6,
        clinicalDays: ['Mon', 'Tue'],
        leadershipDays: ['Wed', 'Thu'],
        supervision: { weekday: 'Thu', time: '14:00' },
        timeZone: 'Europe/London',
        nonPlacementDates: [],
        checkins: { promptTime: '09:00', reminderHoursBeforeDue: 24, digestHoursBeforeSupervision: 2 },
      },
    );
    assert.deepEqual((await e2e.services.people.byEmail(TENANT, lead.email!))!.leadCohortIds, [cohortId]);
    const audit = await e2e.services.audit.list(TENANT, { action: 'workspace.cohort.create' });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]!.targetId, cohortId);
    // The lead's list now shows it.
    assert.match(textsOf(firstCard(await e2e.lastReply(lead, 'manage cohorts'))), /Leadership 2025 cohort 3/);
  });

  it('refuses a student whose supervisor is not on the roster; nothing is written', async () => {
    const before = await counts();
    const card = await act('workspace.student.add', {
      cohortId,
      email: students[0]!.email,
      displayName: students[0]!.name,
      profession: 'physiotherapy',
      supervisorEmails: 'nobody@example.nhs.uk',
      personTimeZone: '',
    });
    const texts = textsOf(card);
    assert.match(texts, /Please check: Supervisors' email addresses\./);
    assert.match(texts, /nobody@example\.nhs\.uk is not on the roster; add them as a supervisor first/);
    assert.deepEqual(await counts(), before);
  });

  it('adds a supervisor and 3 students with that supervisor; each student is prompted on Mon 20 Oct as planned', async () => {
    let card = await act('workspace.supervisor.add', {
      cohortId,
      email: sam.email,
      displayName: sam.name,
      profession: 'physiotherapy',
      personTimeZone: '',
    });
    assert.match(textsOf(card), /Sam Okoro can now supervise students on Leadership 2025 cohort 3/);
    for (const s of students) {
      card = await act('workspace.student.add', {
        cohortId,
        email: s.email,
        displayName: s.name,
        profession: 'physiotherapy',
        supervisorEmails: sam.email,
        personTimeZone: '',
      });
      assert.match(textsOf(card), new RegExp(`${s.name} is on Leadership 2025 cohort 3`));
    }
    assert.match(textsOf(card), /Students \(3\)/);
    const { people, supervisions } = e2e.services;
    const samId = (await people.byEmail(TENANT, sam.email!))!._id;
    for (const s of students) {
      const p = (await people.byEmail(TENANT, s.email!))!;
      assert.deepEqual([p.roles, p.cohortId], [['student'], cohortId]);
      assert.deepEqual(await supervisions.supervisorIdsOf(TENANT, p._id), [samId]);
      e2e.teamsUser(s);
      await e2e.post(e2e.install(s));
    }
    // The planner put the week 1 prompt on Mon 20 Oct 09:00 London (08:00Z).
    const jobs = await e2e.services.database.db
      .collection('jobs')
      .find({ type: 'checkins.prompt', 'payload.cohortId': cohortId })
      .toArray();
    assert.deepEqual(
      jobs.map((j) => (j.payload as { at: string }).at),
      ['2025-10-20T08:00:00.000Z'],
    );
  });

  it('refuses a non-placement day outside the cohort; nothing is written', async () => {
    const before = await counts();
    const card = await act('workspace.cohort.day.add', { cohortId, date: '2025-12-08' });
    assert.match(textsOf(card), /Choose a day within the placement, Mon 20 Oct 2025 to Thu 27 Nov 2025/);
    assert.deepEqual(await counts(), before);
  });

  it('adds a study day on Mon 20 Oct: the planned prompt moves to Tue 21 Oct, nobody is prompted on the study day', async () => {
    const card = await act('workspace.cohort.day.add', { cohortId, date: '2025-10-20' });
    assert.match(textsOf(card), /Mon 20 Oct 2025 is now a non-placement day/);
    assert.deepEqual((await e2e.services.cohorts.byId(TENANT, cohortId))!.nonPlacementDates, ['2025-10-20']);
    const audit = await e2e.services.audit.list(TENANT, { action: 'workspace.cohort.day.add' });
    assert.deepEqual([audit.length, audit[0]!.details.date], [1, '2025-10-20']);

    // Mon 20 Oct 09:30 London: the job planned before the study day runs and sends nothing.
    await post('/test/clock', { now: '2025-10-20T08:30:00Z' });
    await post('/test/jobs/run-due', {});
    await e2e.services.sender.drain(60_000);
    assert.deepEqual(promptsDelivered(), []);
    // Tue 21 Oct 09:00 London: each of the 3 students gets their week 1 prompt, once.
    await post('/test/clock', { now: '2025-10-21T08:00:00Z' });
    await post('/test/jobs/run-due', {});
    await e2e.services.sender.drain(60_000);
    assert.deepEqual(promptsDelivered(), students.map((s) => `a:personal-${s.id}`).sort());
  });

  it('opens the cohort by name, a student, their pause card, and the edit form with the stored values', async () => {
    const page = firstCard(await e2e.lastReply(lead, 'manage leadership 2025 cohort 3'));
    assert.match(textsOf(page), /Students \(3\)/);
    assert.match(JSON.stringify(page), /"value":"Mon 20 Oct 2025"|Mon 20 Oct 2025/);
    const priya = (await e2e.services.people.byEmail(TENANT, students[0]!.email!))!;
    const card = await act('workspace.student.open', { cohortId, studentId: priya._id });
    assert.match(textsOf(card), /Priya Shah/);
    assert.match(JSON.stringify(card), /"value":"Sam Okoro"/);
    const pause = await act('workspace.student.pause', { studentId: priya._id });
    assert.match(textsOf(pause), /Pause a student's check-ins/);
    assert.equal(findInput(pause, 'studentId')?.value, priya._id);
    const form = await act('workspace.cohort.edit', { cohortId });
    assert.match(textsOf(form), /Edit Leadership 2025 cohort 3/);
    assert.equal(findInput(form, 'weeks')?.value, 6);
    assert.equal(findInput(form, 'clinicalDays')?.value, 'Mon,Tue');
  });

  it('a student pressing a workspace button is refused politely and nothing changes', async () => {
    const other = user('ws.other', 'Olu Other');
    await e2e.services.people.upsertByEmail(
      TENANT,
      {
        email: other.email!,
        displayName: other.name,
        roles: ['student'],
        profession: 'physiotherapy',
        cohortId: null,
        timeZone: null,
      },
      new Date(),
    );
    e2e.teamsUser(other);
    const res = await e2e.post(
      e2e.execute(other, 'workspace.cohort.day.add', { cohortId, date: '2025-10-21' }),
    );
    assert.match(String(res.body.value), /Managing cohorts is for placement leads/);
    assert.deepEqual((await e2e.services.cohorts.byId(TENANT, cohortId))!.nonPlacementDates, ['2025-10-20']);
  });
});

function findInput(card: unknown, id: string): { value?: unknown } | undefined {
  let found: { value?: unknown } | undefined;
  const walk = (node: unknown) => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const r = node as Record<string, unknown>;
    if (r.id === id && typeof r.type === 'string' && r.type.startsWith('Input.'))
      found = r as { value?: unknown };
    Object.values(r).forEach(walk);
  };
  walk(card);
  return found;
}
