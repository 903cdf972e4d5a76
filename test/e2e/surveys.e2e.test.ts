import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { collections } from '../../src/storage/collections.js';
import { asCard, asText, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

describe('e2e: a lead runs an anonymous survey and reads privacy-safe results over HTTP', function () {
  this.timeout(90_000);
  const e2e = new E2E();
  const lead: TestUser = {
    id: '29:survey-lead',
    aadObjectId: 'aad-survey-lead',
    name: 'Alex Morgan',
    email: 'alex.morgan@survey.nhs.uk',
  };
  const supervisor: TestUser = {
    id: '29:survey-supervisor',
    aadObjectId: 'aad-survey-supervisor',
    name: 'Sam Okoro',
    email: 'sam.okoro@survey.nhs.uk',
  };
  const students: TestUser[] = Array.from({ length: 5 }, (_, i) => ({
    id: `29:survey-student-${i}`,
    aadObjectId: `aad-survey-student-${i}`,
    name: `Student ${i}`,
    email: `student${i}@survey.nhs.uk`,
  }));
  let cohortId: string;
  let runId: string;

  const lastCard = (user: TestUser) => firstCard(e2e.sentTo(`a:personal-${user.id}`).at(-1))!;
  const answers = (rating: number, comment: string) => ({
    'week-rating': String(rating),
    workload: 'about-right',
    supported: '4',
    comment,
  });

  before(async () => {
    await e2e.start();
    e2e.clock.set(new Date('2025-01-27T10:00:00Z'));
    const now = e2e.clock.now();
    const { people, cohorts } = e2e.services;
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 2',
        ...DEFAULT_COHORT,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
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
        cohortId, // a lead acts for the cohort they are attached to
        timeZone: null,
      },
      now,
    );
    for (const s of students)
      await people.upsertByEmail(
        TENANT,
        {
          email: s.email!,
          displayName: s.name,
          roles: ['student'],
          profession: 'physiotherapy',
          cohortId,
          timeZone: null,
        },
        now,
      );
    await people.upsertByEmail(
      TENANT,
      {
        email: supervisor.email!,
        displayName: supervisor.name,
        roles: ['supervisor'],
        profession: 'physiotherapy',
        cohortId,
        timeZone: null,
      },
      now,
    );
    for (const u of [lead, supervisor, ...students]) {
      e2e.teamsUser(u);
      await e2e.post(e2e.install(u));
    }
  });
  after(() => e2e.stop());

  it('schedules a survey from the run survey card', async () => {
    await e2e.post(e2e.message(lead, 'run survey'));
    const card = lastCard(lead);
    assert.ok(cardTexts(card).includes('Run a survey'));
    const requestId = card.actions.find((a: { verb: string }) => a.verb === 'survey.schedule').data.requestId;
    const bad = await e2e.post(
      e2e.execute(lead, 'survey.schedule', {
        requestId,
        definitionId: 'weekly-pulse',
        cohortId,
        opensOn: '2025-02-10',
        opensWeek: 'date',
        closesOn: '2025-02-07',
        anonymous: 'true',
        remind: 'true',
      }),
    );
    assert.ok(cardTexts(bad.body.value).includes('The survey must close after it opens'));
    const ok = await e2e.post(
      e2e.execute(lead, 'survey.schedule', {
        requestId,
        definitionId: 'weekly-pulse',
        cohortId,
        opensOn: '2025-02-10',
        opensWeek: 'date',
        closesOn: '2025-02-14',
        anonymous: 'true',
        remind: 'true',
      }),
    );
    assert.ok(cardTexts(ok.body.value).includes('Weekly pulse scheduled'), JSON.stringify(ok.body));
    const runs = await e2e.services.surveys.repo.runsForTenant(TENANT);
    assert.equal(runs.length, 1);
    runId = runs[0]!._id;
    const refused = await e2e.post(
      e2e.execute(students[0]!, 'survey.schedule', {
        requestId: 'student-request-1',
        definitionId: 'weekly-pulse',
        cohortId,
        opensOn: '2025-02-10',
        closesOn: '2025-02-14',
        anonymous: 'true',
        remind: 'true',
      }),
    );
    assert.match(asText(refused.body.value), /Only a placement lead/);
  });

  it('invites every student when the survey opens; a bad answer re-shows the form with the error', async () => {
    e2e.clock.set(new Date('2025-02-10T09:00:00Z'));
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await e2e.services.sender.drain();
    // Other features may message students at the same instant (e.g. week-start prompts): look for ours.
    for (const s of students)
      assert.equal(
        e2e.sentTo(`a:personal-${s.id}`).filter((a) => cardTexts(firstCard(a)).includes('Weekly pulse'))
          .length,
        1,
        s.id,
      );

    const bad = await e2e.post(
      e2e.execute(students[0]!, 'survey.submit', { surveyRunId: runId, ...answers(7, 'x') }),
    );
    const texts = cardTexts(bad.body.value);
    assert.ok(texts.includes('Choose a whole number from 1 to 5'), texts.join(' | '));
    const typed = JSON.stringify(bad.body.value);
    assert.ok(typed.includes('"value":"x"'), 'keeps what was typed');
    assert.equal(await e2e.services.surveys.countFor(runId), 0);
  });

  it('a supervisor opening the survey is told what is true: students answer it (not "another cohort")', async () => {
    const res = await e2e.post(e2e.execute(supervisor, 'survey.answer', { surveyRunId: runId }));
    assert.equal(typeof res.body.value, 'string', JSON.stringify(res.body));
    assert.doesNotMatch(asText(res.body.value), /another cohort/);
    assert.match(asText(res.body.value), /answered by the students on placement, not by staff/);
  });

  it('with 4 responses the lead sees no figure or text; the reminder goes only to the one who has not answered', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await e2e.post(
        e2e.execute(students[i]!, 'survey.submit', {
          surveyRunId: runId,
          ...answers(i + 2, `Comment, "${i}"\nnext line — ✓`),
        }),
      );
      assert.ok(cardTexts(res.body.value).includes('Thank you: your answers are saved'));
    }
    const results = await e2e.post(e2e.execute(lead, 'survey.results', { surveyRunId: runId }));
    const json = JSON.stringify(results.body.value);
    assert.match(json, /Fewer than 5 responses so far/);
    assert.ok(!json.includes('Comment') && !json.includes('mean') && !json.includes('Download CSV'));

    e2e.clock.set(new Date('2025-02-13T17:00:00Z'));
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await e2e.services.sender.drain();
    assert.ok(
      e2e
        .sentTo(`a:personal-${students[4]!.id}`)
        .some((a) => cardTexts(firstCard(a)).includes('Reminder: this survey closes soon.')),
    );
    for (const s of students.slice(0, 4)) {
      const reminders = e2e
        .sentTo(`a:personal-${s.id}`)
        .filter((a) => cardTexts(firstCard(a)).includes('Reminder: this survey closes soon.'));
      assert.equal(reminders.length, 0, `no reminder for ${s.id}, who answered`);
    }
  });

  it('with 5 the results card shows figures and text, the CSV link works, and answers can be changed until close', async () => {
    await e2e.post(
      e2e.execute(students[4]!, 'survey.submit', { surveyRunId: runId, ...answers(5, 'Brilliant week') }),
    );
    const changed = await e2e.post(
      e2e.execute(students[0]!, 'survey.submit', { surveyRunId: runId, ...answers(1, 'Changed my mind') }),
    );
    assert.ok(cardTexts(changed.body.value).includes('Your answers are updated'));
    const raw = await e2e.services.database.db
      .collection(collections.surveyResponses.name)
      .find({ runId })
      .toArray();
    assert.equal(raw.length, 5);
    const stored = JSON.stringify(raw);
    for (const s of students)
      assert.ok(!stored.includes(s.email!) && !stored.includes(s.name) && !stored.includes(s.id));

    const results = await e2e.post(e2e.execute(lead, 'survey.results', { surveyRunId: runId }));
    const card = asCard(results.body.value);
    const texts = cardTexts(card);
    assert.ok(
      texts.some((t) => t.startsWith('Showing the first 5 responses.')),
      texts.join(' | '),
    );
    assert.ok(texts.includes('5 answers · mean 3.60'), texts.join(' | ')); // (1+3+4+5+5)/5
    assert.ok(texts.includes('“Changed my mind”') && !texts.some((t) => t.includes('Comment, "0"')));

    const url = card.actions.find((a: { type: string }) => a.type === 'Action.OpenUrl').url as string;
    const local = url.replace(/^https?:\/\/[^/]+/, e2e.baseUrl);
    const response = await fetch(local);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/csv/);
    const rows = parse(await response.text(), { bom: true, columns: true }) as Record<string, string>[];
    assert.ok(rows.some((r) => r.row_type === 'text' && r.text === 'Comment, "1"\nnext line — ✓'));
    assert.equal((await fetch(local.replace(/token=[^&]{5}/, 'token=AAAAA'))).status, 403);
  });

  it('refuses an answer after the survey closes', async () => {
    e2e.clock.set(new Date('2025-02-14T17:00:01Z'));
    const res = await e2e.post(
      e2e.execute(students[1]!, 'survey.submit', { surveyRunId: runId, ...answers(3, 'late') }),
    );
    assert.match(asText(res.body.value), /This survey closed .* answers can no longer be changed/);
  });
});
