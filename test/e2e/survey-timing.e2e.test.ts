/**
 * Issue #26, surveys: a start-of-placement survey set after week 1 (or an end-of-placement one
 * before the last week) is warned about on the schedule card, and the lead can still confirm;
 * the reminder to people who have not answered goes out in working time on a placement day.
 */
import assert from 'node:assert/strict';
import { surveysFeature } from '../../src/features/surveys/index.js';
import { asCard, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { seedWorld } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:${key}`,
  aadObjectId: `aad-${key}`,
  name,
  email: `${key}@timing.nhs.uk`,
});

describe('e2e: survey timing (warnings on the schedule card, reminders in working time)', function () {
  this.timeout(90_000);
  const e2e = new E2E();
  const lead = user('st-lead', 'Lee Lead');
  const students = [user('st-ana', 'Ana Student'), user('st-ben', 'Ben Student')];
  let cohortId: string;

  const runDue = async () => {
    await fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await e2e.services.sender.drain();
  };
  const newRequestId = async (): Promise<string> => {
    await e2e.post(e2e.message(lead, 'run survey'));
    const card = firstCard(e2e.sentTo(`a:personal-${lead.id}`).at(-1))!;
    return card.actions.find((a: { verb: string }) => a.verb === 'survey.schedule').data.requestId;
  };
  const submit = (data: Record<string, unknown>) =>
    e2e.post(
      e2e.execute(lead, 'survey.schedule', {
        cohortId,
        opensWeek: 'date',
        anonymous: 'true',
        remind: 'true',
        ...data,
      }),
    );
  const runsOf = async (definitionId: string) =>
    (await e2e.services.surveys.repo.runsForTenant(TENANT)).filter((r) => r.definitionId === definitionId);

  before(async () => {
    await e2e.start({}, { features: [surveysFeature] });
    // Cohort: starts Mon 3 Feb 2025, 6 weeks, placement days Mon to Thu (Friday is not one).
    e2e.clock.set(new Date('2025-01-27T10:00:00Z'));
    ({ cohortId } = await seedWorld(e2e, {
      cohort: { name: 'Timing cohort' },
      people: [[lead, ['lead']], ...students.map((s): [TestUser, ['student']] => [s, ['student']])],
      now: e2e.clock.now(),
    }));
    for (const u of [lead, ...students]) await e2e.post(e2e.install(u));
  });
  after(() => e2e.stop());

  it('a start-of-placement survey set in week 2 is warned about, not scheduled; "Schedule anyway" schedules it', async () => {
    const requestId = await newRequestId();
    const warned = await submit({
      requestId,
      definitionId: 'confidence-baseline',
      opensWeek: '2',
      closesOn: '2025-02-14',
    });
    const card = asCard(warned.body.value);
    const texts = cardTexts(card).join(' | ');
    assert.match(texts, /start of placement/i, texts);
    assert.match(texts, /week 2/, texts);
    assert.equal(
      (await runsOf('confidence-baseline')).length,
      0,
      'nothing scheduled before the lead confirms',
    );
    const action = card.actions.find((a: { verb: string }) => a.verb === 'survey.schedule');
    assert.equal(action.title, 'Schedule anyway');
    assert.equal(action.data.requestId, requestId);

    const confirmed = await submit({
      ...action.data,
      definitionId: 'confidence-baseline',
      opensWeek: '2',
      closesOn: '2025-02-14',
    });
    assert.ok(
      cardTexts(confirmed.body.value).includes('Confidence at the start of placement scheduled'),
      JSON.stringify(confirmed.body),
    );
    assert.equal((await runsOf('confidence-baseline')).length, 1);
  });

  it('a confirmation of one warning does not pass another (the lead changed the week to 3)', async () => {
    const requestId = await newRequestId();
    const first = await submit({
      requestId,
      definitionId: 'confidence-baseline',
      opensWeek: '2',
      closesOn: '2025-02-28',
    });
    const data = asCard(first.body.value).actions[0].data;
    const changed = await submit({
      ...data,
      definitionId: 'confidence-baseline',
      opensWeek: '3',
      closesOn: '2025-02-28',
    });
    assert.match(cardTexts(changed.body.value).join(' | '), /week 3/);
    assert.equal((await runsOf('confidence-baseline')).length, 1, 'still only the first test run');
  });

  it('an end-of-placement survey before the last week is warned about; in the last week it is not', async () => {
    const early = await submit({
      requestId: await newRequestId(),
      definitionId: 'end-of-placement-evaluation',
      opensOn: '2025-02-24', // week 4 of 6
      closesOn: '2025-02-28',
    });
    const texts = cardTexts(early.body.value).join(' | ');
    assert.match(texts, /end of placement/i, texts);
    assert.match(texts, /week 4/, texts);
    assert.match(texts, /week 6/, texts);
    assert.equal((await runsOf('end-of-placement-evaluation')).length, 0);

    const last = await submit({
      requestId: await newRequestId(),
      definitionId: 'confidence-end',
      opensWeek: '6',
      closesOn: '2025-03-13',
    });
    assert.ok(cardTexts(last.body.value).includes('Confidence at the end of placement scheduled'));
    const week1 = await submit({
      requestId: await newRequestId(),
      definitionId: 'confidence-baseline',
      opensWeek: '1',
      closesOn: '2025-02-06',
    });
    assert.ok(cardTexts(week1.body.value).includes('Confidence at the start of placement scheduled'));
  });

  it('the reminder goes in working time on a placement day (not 17:00 on the Sunday before a Monday close)', async () => {
    const ok = await submit({
      requestId: await newRequestId(),
      definitionId: 'weekly-pulse',
      opensOn: '2025-02-10', // Monday, week 2
      closesOn: '2025-02-17', // Monday, week 3
    });
    assert.ok(cardTexts(ok.body.value).includes('Weekly pulse scheduled'), JSON.stringify(ok.body));
    const [run] = await runsOf('weekly-pulse');
    // Friday 14th is not a placement day and the weekend is not working time: Thursday 13th at 09:00.
    assert.equal(run!.reminderAt?.toISOString(), '2025-02-13T09:00:00.000Z');
    assert.match(cardTexts(ok.body.value).join(' '), /Thu 13 Feb, 09:00/);

    e2e.clock.set(new Date('2025-02-10T09:00:00Z'));
    await runDue();
    await e2e.post(
      e2e.execute(students[0]!, 'survey.submit', {
        surveyRunId: run!._id,
        'week-rating': '4',
        workload: 'about-right',
        supported: '4',
        comment: 'Fine',
      }),
    );
    const reminders = (s: TestUser) =>
      e2e.sentTo(`a:personal-${s.id}`).filter((a) => {
        const texts = cardTexts(firstCard(a));
        return texts.includes('Reminder: this survey closes soon.') && texts.includes('Weekly pulse');
      }).length;
    e2e.clock.set(new Date('2025-02-13T08:59:00Z'));
    await runDue();
    assert.equal(reminders(students[1]!), 0, 'not before working time');
    e2e.clock.set(new Date('2025-02-13T09:00:00Z'));
    await runDue();
    assert.equal(reminders(students[1]!), 1, 'the student who has not answered is reminded');
    assert.equal(reminders(students[0]!), 0, 'the student who answered is not');
  });
});
