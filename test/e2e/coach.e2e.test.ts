/* eslint-disable @typescript-eslint/no-explicit-any -- activities, cards and requests are untyped JSON here */
/**
 * The optional coach on the trust's own model (issue 25, item 3), against a local fake
 * OpenAI-compatible server: free text the intent model cannot place ends in the command the
 * model chose (one of the person's own); a model that is down or slow leaves the suggestions
 * in place within the turn; the distress answer never calls the model; the reflection coach
 * comments on a draft when asked and its standards can be taken or ignored; every call is
 * audited without text; and with the coach off, no request reaches the server at all.
 */
import assert from 'node:assert/strict';
import { COACH_AUDIT_ACTION } from '../../src/coach/coach.js';
import { COACH_OFF, COACH_UNAVAILABLE } from '../../src/features/reflections/coach-reflection.js';
import { FEEDBACK_SYSTEM_PROMPT, ROUTE_SYSTEM_PROMPT } from '../../src/coach/prompts.js';
import { NOTHING_MATCHED_MESSAGE } from '../../src/bot/free-text.js';
import { DISTRESS } from '../understanding/held-out.js';
import { FakeOpenAI } from '../helpers/fake-openai.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';

/** Text the in-process intent model cannot place (on its own it answers with NOTHING_MATCHED_MESSAGE). */
const UNPLACED = 'the ward sister asked me to jot down what I took away from the MDT huddle';

const student: TestUser = {
  id: '29:coach-student',
  aadObjectId: 'aad-coach-student',
  name: 'Priya Shah',
  email: 'priya.coach@example.nhs.uk',
};
const supervisor: TestUser = {
  id: '29:coach-sup',
  aadObjectId: 'aad-coach-sup',
  name: 'Sam Okoro',
  email: 'sam.coach@example.nhs.uk',
};

const host: TestUser = {
  id: '29:coach-host',
  aadObjectId: 'aad-coach-host',
  name: 'Amira Fraser',
  email: 'amira.coach@example.nhs.uk',
};

const buttons = (reply: any): string[] => (reply?.suggestedActions?.actions ?? []).map((a: any) => a.value);

/** The data of the first Action.Execute with this verb in a card, or undefined. */
function actionData(card: any, verb: string): Record<string, unknown> | undefined {
  const actions: any[] = card?.actions ?? [];
  return actions.find((a) => a.type === 'Action.Execute' && a.verb === verb)?.data;
}

function inputValue(card: any, id: string): unknown {
  return (card?.body ?? []).find((b: any) => b.id === id)?.value;
}

async function startService(e2e: E2E, fake: FakeOpenAI, env: Record<string, string>) {
  await e2e.start(
    {
      AZURE_OPENAI_ENDPOINT: fake.url,
      AZURE_OPENAI_DEPLOYMENT: 'coach-test',
      AZURE_OPENAI_API_KEY: 'fake-key-for-tests',
      ...env,
    },
    { engines: false },
  );
  const now = new Date();
  await e2e.addStudent(student);
  await e2e.services.people.upsertByEmail(
    TENANT,
    {
      email: supervisor.email!,
      displayName: supervisor.name,
      roles: ['supervisor'],
      profession: 'physiotherapy',
      cohortId: null,
      timeZone: null,
    },
    now,
  );
  e2e.teamsUser(supervisor);
  await e2e.services.people.upsertByEmail(
    TENANT,
    {
      email: host.email!,
      displayName: host.name,
      roles: ['ahp-host'],
      profession: 'occupational therapy',
      cohortId: null,
      timeZone: null,
    },
    now,
  );
  e2e.teamsUser(host);
}

/** A Gibbs draft written up to its tagging step; the tagging card. */
async function draftAtTags(e2e: E2E, answers: string[]) {
  const exec = async (verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(student, verb, data));
    assert.equal(res.status, 200);
    return res.body.value;
  };
  const start = firstCard(await e2e.lastReply(student, 'reflect'))!;
  const { flowId } = (start.actions as any[]).find((a) => a.verb === 'reflection.start').data;
  let card = await exec('reflection.start', { flowId, linkId: '', model: 'gibbs', topic: 'other' });
  const draftId = actionData(card, 'reflection.step')!.draftId as string;
  for (let step = 0; step < 6; step++)
    card = await exec('reflection.step', {
      draftId,
      step: String(step),
      nav: 'next',
      answer: answers[step] ?? '',
    });
  assert.ok(cardTexts(card).includes('Step 7 of 7: Tag your reflection'), cardTexts(card).join(' | '));
  return { draftId, card, exec };
}

const GIBBS_ANSWERS = [
  'I handed over a patient at the MDT huddle for the first time.',
  'Nervous, then relieved.',
  'It went fine but I rushed it.',
  '',
  'Prepare notes.',
  '',
];

describe('e2e: the coach on the trust’s own model (fake OpenAI-compatible server)', function () {
  this.timeout(120_000);
  const fake = new FakeOpenAI();
  const e2e = new E2E();
  let studentId = '';

  before(async () => {
    await fake.start();
    await startService(e2e, fake, { COACH_ENABLED: 'true', COACH_TIMEOUT_MS: '300' });
    studentId = (await e2e.services.people.byEmail(TENANT, student.email!))!._id;
  });
  after(async () => {
    await e2e.stop();
    await fake.stop();
  });
  beforeEach(() => {
    fake.requests.length = 0;
  });

  const coachAudits = async () =>
    (await e2e.services.audit.list(TENANT, { action: COACH_AUDIT_ACTION })) as any[];

  it('free text the intent model cannot place ends in the command the model chose, among the person’s own', async () => {
    fake.behaviour = { kind: 'tool', args: () => ({ command: 'reflect' }) };
    const reply = await e2e.lastReply(student, UNPLACED);
    const exact = await e2e.lastReply(student, 'reflect');
    assert.ok(firstCard(reply), `a card, not suggestions: ${reply?.text}`);
    assert.deepEqual(cardTexts(firstCard(reply)), cardTexts(firstCard(exact)));

    assert.equal(fake.requests.length, 1);
    const [request] = fake.requests;
    assert.match(request!.path, /^\/openai\/deployments\/coach-test\/chat\/completions\?api-version=/);
    assert.equal(request!.headers['api-key'], 'fake-key-for-tests');
    assert.deepEqual(request!.body.messages, [
      { role: 'system', content: ROUTE_SYSTEM_PROMPT },
      { role: 'user', content: UNPLACED.toLowerCase() },
    ]);
    const offered: string[] = request!.body.tools[0].function.parameters.properties.command.enum;
    assert.ok(offered.includes('reflect') && offered.includes('check in'), offered.join());
    assert.ok(!offered.includes('announce') && !offered.includes('cohort status'), 'only the student’s own');
    const sent = JSON.stringify(request!.body);
    for (const personal of [student.name, 'Priya', student.email!, studentId, TENANT])
      assert.ok(!sent.includes(personal), `"${personal}" is not sent`);
  });

  it('a command the model makes up, or no choice at all, leaves the suggestions', async () => {
    fake.behaviour = { kind: 'tool', args: () => ({ command: 'announce' }) };
    const madeUp: any = await e2e.lastReply(student, UNPLACED);
    assert.equal(madeUp.text.startsWith(NOTHING_MATCHED_MESSAGE), true, madeUp.text);
    assert.ok(buttons(madeUp).includes('help'));
    fake.behaviour = { kind: 'text', content: '' };
    const none: any = await e2e.lastReply(student, 'banana pyjamas');
    assert.equal(none.text.startsWith(NOTHING_MATCHED_MESSAGE), true, none.text);
    assert.equal(fake.requests.length, 2);
  });

  it('with the model slow (it never answers) or down, the bot answers with suggestions within the turn', async () => {
    const tally = async () => {
      const counts: Record<string, number> = {};
      for (const a of await coachAudits()) counts[a.details.result] = (counts[a.details.result] ?? 0) + 1;
      return counts;
    };
    const before = await tally();
    fake.behaviour = { kind: 'hang' };
    const slow = await e2e.say(student, UNPLACED);
    assert.equal(slow.response.status, 200);
    assert.equal(slow.replies.length, 1);
    assert.equal((slow.last as any).text.startsWith(NOTHING_MATCHED_MESSAGE), true);
    assert.ok(buttons(slow.last).length >= 2);
    assert.equal(fake.requests.length, 1, 'the slow server was asked');

    fake.behaviour = { kind: 'status', status: 500 };
    const failing: any = await e2e.lastReply(student, UNPLACED);
    assert.equal(failing.text.startsWith(NOTHING_MATCHED_MESSAGE), true);

    await fake.stop();
    try {
      const down = await e2e.say(student, UNPLACED);
      assert.equal(down.response.status, 200);
      assert.equal((down.last as any).text.startsWith(NOTHING_MATCHED_MESSAGE), true);
    } finally {
      await fake.start();
    }
    const after = await tally();
    assert.equal((after.timeout ?? 0) - (before.timeout ?? 0), 1, 'the slow call, as a timeout');
    assert.equal((after.error ?? 0) - (before.error ?? 0), 2, 'the failing and the down calls, as errors');
  });

  it('the distress answer never calls the model, from a student, a supervisor or a host, even when the model would route it', async () => {
    fake.behaviour = { kind: 'tool', args: () => ({ command: 'check in' }) };
    const before = (await coachAudits()).length;
    for (const [who, user] of [
      ['student', student],
      ['supervisor', supervisor],
      ['host', host],
    ] as const) {
      for (const text of DISTRESS) {
        const reply = await e2e.lastReply(user, text);
        const said = cardTexts(firstCard(reply)).join(' | ');
        assert.match(said, /I'm sorry things are hard right now/, `${who}: "${text}" → ${reply?.text}`);
      }
    }
    assert.equal(fake.requests.length, 0, 'no request reached the model server');
    assert.equal((await coachAudits()).length, before);
  });

  it('every call is audited: who, when, which feature and how it ended; never the text', async () => {
    const audits = await coachAudits();
    assert.ok(audits.length >= 5, String(audits.length));
    for (const a of audits) {
      assert.equal(a.actorId, studentId);
      assert.ok(a.at instanceof Date);
      assert.deepEqual(Object.keys(a.details).sort(), ['feature', 'ms', 'result']);
      assert.equal(a.details.feature, 'free-text');
      assert.ok(!JSON.stringify(a).includes('huddle'));
    }
  });

  it('the reflection coach: asked on a draft, it names thin steps, the standards it evidences and a question; its standards can be added', async () => {
    const { draftId, card, exec } = await draftAtTags(e2e, GIBBS_ANSWERS);
    assert.ok(actionData(card, 'reflection.coach'), 'the tagging step offers the coach');
    assert.equal(fake.requests.length, 0, 'nothing is sent until the student asks');

    fake.behaviour = {
      kind: 'tool',
      args: () => ({
        thinSteps: ['Analysis', 'Action plan', 'Not a step'],
        standards: ['8', '11', '99'],
        question: 'What made the handover feel rushed, and what would help you feel ready next time?',
      }),
    };
    const coached = await exec('reflection.coach', {
      draftId,
      standards: '7',
      pillars: 'clinical',
      topic: 'other',
    });
    const texts = cardTexts(coached).join(' | ');
    assert.match(texts, /The coach's thoughts on your draft/);
    assert.match(texts, /Analysis, Action plan/);
    assert.ok(!texts.includes('Not a step'));
    assert.match(texts, /SOP 8: Work appropriately with others · SOP 11: Reflect on and review practice/);
    assert.ok(!texts.includes('SOP 99'));
    assert.match(texts, /What made the handover feel rushed/);

    assert.equal(fake.requests.length, 1);
    const body = fake.requests[0]!.body;
    assert.equal(body.messages[0].content, FEEDBACK_SYSTEM_PROMPT);
    assert.match(body.messages[1].content, /## Description\nI handed over a patient at the MDT huddle/);
    assert.match(body.messages[1].content, /## Analysis\n\(not written yet\)/);
    assert.deepEqual(body.tool_choice, { type: 'function', function: { name: 'give_feedback' } });
    const sent = JSON.stringify(body);
    for (const personal of [student.name, 'Priya', student.email!, studentId, draftId])
      assert.ok(!sent.includes(personal), `"${personal}" is not sent`);

    const accepted = await exec('reflection.coach.accept', actionData(coached, 'reflection.coach.accept')!);
    assert.ok(
      cardTexts(accepted).includes("Added SOP 8, SOP 11. Check the tags, then save when you're ready."),
    );
    assert.equal(
      inputValue(accepted, 'standards'),
      '7,8,11',
      'the student’s own choice is kept and the coach’s added',
    );
    assert.equal(inputValue(accepted, 'pillars'), 'clinical');

    const ignored = await exec('reflection.continue', actionData(coached, 'reflection.continue')!);
    assert.ok(cardTexts(ignored).includes('Step 7 of 7: Tag your reflection'));
    const audits = (await coachAudits()).filter((a) => a.details.feature === 'reflection-feedback');
    assert.deepEqual(
      audits.map((a) => ({ actor: a.actorId, result: a.details.result })),
      [{ actor: studentId, result: 'answered' }],
    );
  });

  it('the reflection coach slow: the card answers within the invoke limit, draft untouched', async () => {
    const { draftId, exec } = await draftAtTags(e2e, GIBBS_ANSWERS);
    fake.behaviour = { kind: 'hang' };
    const card = await exec('reflection.coach', {
      draftId,
      standards: '7',
      pillars: 'clinical',
      topic: 'other',
    });
    assert.ok(cardTexts(card).includes(COACH_UNAVAILABLE), cardTexts(card).join(' | '));
    assert.equal(inputValue(card, 'standards'), '7');
    assert.equal(fake.requests.length, 1);
  });
});

describe('e2e: the coach switched off (the default), with a deployment configured', function () {
  this.timeout(120_000);
  const fake = new FakeOpenAI();
  const e2e = new E2E();

  before(async () => {
    await fake.start();
    fake.behaviour = { kind: 'tool', args: () => ({ command: 'reflect' }) };
    await startService(e2e, fake, {});
  });
  after(async () => {
    await e2e.stop();
    await fake.stop();
  });

  it('no request reaches the server: free text gets suggestions, the draft offers no coach, a stale button is refused', async () => {
    const reply: any = await e2e.lastReply(student, UNPLACED);
    assert.equal(reply.text.startsWith(NOTHING_MATCHED_MESSAGE), true, reply.text);
    await e2e.lastReply(student, "I'm struggling this week and need to talk to someone");
    const { draftId, card, exec } = await draftAtTags(e2e, GIBBS_ANSWERS);
    assert.equal(actionData(card, 'reflection.coach'), undefined, 'no coach button');
    const stale = await exec('reflection.coach', { draftId });
    assert.ok(cardTexts(stale).includes(COACH_OFF));
    assert.equal(fake.requests.length, 0);
    assert.deepEqual(await e2e.services.audit.list(TENANT, { action: COACH_AUDIT_ACTION }), []);
  });
});
