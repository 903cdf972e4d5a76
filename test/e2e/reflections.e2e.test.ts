/**
 * Acceptance for guided reflection and the learning-journey export (issue 5), through the real
 * HTTP endpoint with the fake Bot Connector, a controllable clock and the real local database.
 *
 * Cohort: Mon 2025-02-03, 6 weeks, Mon/Tue clinical, Wed–Fri leadership. The clock starts at
 * Tue 11 Feb 2025 09:00Z (week 2). Priya and Ben are students; Sam supervises Priya; Olu
 * supervises Ben only (an unrelated supervisor for Priya); Wendy is the placement lead.
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { DRAFT_NOT_FOUND, NOT_FOUND } from '../../src/features/reflections/reflection-service.js';
import type { AdaptiveCard } from '../../src/cards/cards.js';
import { asCard, asText, cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { DEFAULT_COHORT } from '../helpers/world.js';

const user = (key: string, name: string): TestUser => ({
  id: `29:r-${key}`,
  aadObjectId: `aad-r-${key}`,
  name,
  email: `${key}.r@example.nhs.uk`,
});

/** The data of the first Action.Execute with this verb anywhere in a card. */
function actionData(card: unknown, verb: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const r = node as Record<string, unknown>;
      if (r.type === 'Action.Execute' && r.verb === verb) {
        found = (r.data as Record<string, unknown>) ?? {};
        return;
      }
      Object.values(r).forEach(walk);
    }
  };
  walk(card);
  return found;
}

function input(card: unknown, id: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (node: unknown) => {
    if (found) return;
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const r = node as Record<string, unknown>;
      if (typeof r.type === 'string' && r.type.startsWith('Input.') && r.id === id) found = r;
      else Object.values(r).forEach(walk);
    }
  };
  walk(card);
  return found;
}

/** An activity that carries a card. */
type CardActivity = { attachments: { content: unknown }[] };

function openUrls(card: AdaptiveCard): string[] {
  return (card.actions as { type: string; url: string }[])
    .filter((a) => a.type === 'Action.OpenUrl')
    .map((a) => a.url);
}

describe('e2e: guided reflection, sharing and the journey export (acceptance)', function () {
  this.timeout(180_000);
  let e2e = new E2E();
  const priya = user('priya', 'Priya Shah');
  const ben = user('ben', 'Ben Jones');
  const sam = user('sam', 'Sam Okoro');
  const olu = user('olu', 'Olu Other');
  const lead = user('lead', 'Wendy Marsh');
  const everyone = [priya, ben, sam, olu, lead];
  const ids = new Map<string, string>();
  let cohortId = '';
  let priyaReflectionId = '';
  let benReflectionId = '';
  const start = new Date('2025-02-11T09:00:00Z');

  const exec = async (u: TestUser, verb: string, data: Record<string, unknown>) => {
    const res = await e2e.post(e2e.execute(u, verb, data));
    assert.equal(res.status, 200);
    return res.body;
  };
  /** The bot's one reply to a message (proactive deliveries that interleave are ignored). */
  const say = async (u: TestUser, text: string) => {
    const message = e2e.message(u, text);
    await e2e.post(message);
    const replies = e2e.sentTo(`a:personal-${u.id}`).filter((a) => a.replyToId === message.id);
    assert.equal(replies.length, 1, `one reply to "${text}"`);
    return replies[0]!;
  };
  const reflections = () => e2e.services.database.db.collection(collections.reflections.name);
  const drafts = () => e2e.services.database.db.collection(collections.reflectionDrafts.name);
  const feedback = () => e2e.services.database.db.collection(collections.reflectionFeedback.name);
  const outbox = (purpose: string) => e2e.services.outbox.collection().find({ purpose }).toArray();

  before(async () => {
    e2e.clock.set(start);
    await e2e.start();
    const { people, cohorts, supervisions } = e2e.services;
    ({ id: cohortId } = await cohorts.upsertByName(
      TENANT,
      {
        name: 'Leadership 2025 cohort 2',
        ...DEFAULT_COHORT,
        leadershipDays: ['Wed', 'Thu', 'Fri'],
      },
      start,
    ));
    const roles: Record<string, ('student' | 'supervisor' | 'lead')[]> = {
      priya: ['student'],
      ben: ['student'],
      sam: ['supervisor'],
      olu: ['supervisor'],
      lead: ['lead'],
    };
    for (const u of everyone) {
      const key = u.id.slice('29:r-'.length);
      await people.upsertByEmail(
        TENANT,
        {
          email: u.email!,
          displayName: u.name,
          roles: roles[key]!,
          profession: 'physiotherapy',
          // Students are on the cohort, and the lead is attached to the cohort they lead.
          cohortId: roles[key]!.includes('student') || key === 'lead' ? cohortId : null,
          timeZone: null,
        },
        start,
      );
      ids.set(key, (await people.byEmail(TENANT, u.email!))!._id);
      e2e.teamsUser(u);
    }
    await supervisions.link(TENANT, ids.get('priya')!, ids.get('sam')!, start);
    await supervisions.link(TENANT, ids.get('ben')!, ids.get('olu')!, start);
  });
  after(() => e2e.stop());

  it('resumes a half-finished Gibbs reflection after a service restart: nothing typed is lost', async () => {
    const startCard = firstCard(await say(priya, 'reflect'));
    assert.ok(cardTexts(startCard).includes('Write a reflection'));
    // The choice says as many steps as the flow then counts ("Step 1 of 7").
    const modelChoices = JSON.stringify(startCard).match(/"title":"Gibbs[^"]*"/g) ?? [];
    assert.deepEqual(modelChoices, [
      `"title":"Gibbs' reflective cycle (7 steps): description, feelings, evaluation, analysis, conclusion, action plan, then tags"`,
    ]);
    const { flowId } = actionData(startCard, 'reflection.start')!;
    let res = await exec(priya, 'reflection.start', {
      flowId,
      linkId: '',
      model: 'gibbs',
      topic: 'qi-project',
    });
    assert.ok(cardTexts(res.value).includes('Step 1 of 7: Description'), cardTexts(res.value).join(' | '));
    const { draftId } = actionData(res.value, 'reflection.step')!;
    // A retried start (double click) lands on the same draft.
    const again = await exec(priya, 'reflection.start', {
      flowId,
      linkId: '',
      model: 'gibbs',
      topic: 'qi-project',
    });
    assert.equal(actionData(again.value, 'reflection.step')!.draftId, draftId);

    const typed = {
      description:
        'I led the morning huddle on 5 North to introduce our falls-audit idea.\n\nEight staff came.',
      feelings: 'Nervous at first — “what if nobody engages?” — then relieved.',
      evaluation: 'Good: people offered ideas. Hard: keeping to ten minutes.',
      analysis: 'Asking for ideas first made it their project, not mine.',
      conclusion: 'Listening before presenting builds ownership.',
      actionPlan: 'Run a co-design session with the HCAs next Tuesday.',
    };
    res = await exec(priya, 'reflection.step', {
      draftId,
      step: '0',
      nav: 'next',
      answer: typed.description,
    });
    assert.ok(cardTexts(res.value).includes('Step 2 of 7: Feelings'));
    await exec(priya, 'reflection.step', { draftId, step: '1', nav: 'next', answer: typed.feelings });
    res = await exec(priya, 'reflection.step', { draftId, step: '2', nav: 'next', answer: typed.evaluation });
    assert.ok(cardTexts(res.value).includes('Step 4 of 7: Analysis'));
    // Half of the analysis typed, then "save and finish later".
    res = await exec(priya, 'reflection.step', {
      draftId,
      step: '3',
      nav: 'pause',
      answer: 'Asking for ideas first',
    });
    assert.ok(cardTexts(res.value).includes('Draft saved'));

    // Stop the service and start a new one on the same database.
    const dbName = e2e.dbName;
    await e2e.stop(false);
    e2e = new E2E();
    e2e.dbName = dbName;
    e2e.clock.set(new Date(start.getTime() + 3_600_000));
    await e2e.start();
    everyone.forEach((u) => e2e.teamsUser(u));

    const resumeCard = firstCard(await say(priya, 'reflect'));
    assert.ok(cardTexts(resumeCard).includes('Continue your draft'));
    assert.equal(actionData(resumeCard, 'reflection.continue')!.draftId, draftId);
    res = await exec(priya, 'reflection.continue', { draftId });
    assert.ok(cardTexts(res.value).includes('Step 4 of 7: Analysis'));
    assert.equal(input(res.value, 'answer')!.value, 'Asking for ideas first');
    // Back to step 1: what was typed before the restart is there.
    res = await exec(priya, 'reflection.step', {
      draftId,
      step: '3',
      nav: 'back',
      answer: 'Asking for ideas first',
    });
    assert.equal(input(res.value, 'answer')!.value, typed.evaluation);
    await exec(priya, 'reflection.step', { draftId, step: '2', nav: 'next', answer: typed.evaluation });
    await exec(priya, 'reflection.step', { draftId, step: '3', nav: 'next', answer: typed.analysis });
    await exec(priya, 'reflection.step', { draftId, step: '4', nav: 'next', answer: typed.conclusion });
    res = await exec(priya, 'reflection.step', { draftId, step: '5', nav: 'next', answer: typed.actionPlan });
    assert.ok(cardTexts(res.value).includes('Step 7 of 7: Tag your reflection'));
    res = await exec(priya, 'reflection.finish', {
      draftId,
      nav: 'save',
      standards: '9,11,8',
      pillars: 'leadership,clinical',
      topic: 'qi-project',
    });
    assert.ok(
      cardTexts(res.value).includes('Reflection saved. It is private to you.'),
      cardTexts(res.value).join(' | '),
    );

    const saved = await reflections()
      .find({ personId: ids.get('priya') })
      .toArray();
    assert.equal(saved.length, 1);
    assert.deepEqual(saved[0]!.answers, typed);
    assert.deepEqual(saved[0]!.standards, ['8', '9', '11']);
    assert.deepEqual(saved[0]!.pillars, ['clinical', 'leadership']);
    assert.equal(saved[0]!.standardsVersion, 'HCPC-SOP-2023');
    assert.equal(saved[0]!.shared, false);
    assert.equal(await drafts().countDocuments({ personId: ids.get('priya') }), 0);
    priyaReflectionId = saved[0]!._id as unknown as string;
  });

  it('rejects bad input with a clear error and changes nothing: overlong text, unknown standard, tampered ids', async () => {
    const startCard = firstCard(await say(ben, 'reflect'));
    const { flowId } = actionData(startCard, 'reflection.start')!;
    let res = await exec(ben, 'reflection.start', {
      flowId,
      linkId: '',
      model: 'free',
      topic: 'conversation',
    });
    const stepInput = input(res.value, 'answer')!;
    assert.equal(stepInput.label, 'Your reflection (up to 6,000 characters)');
    assert.equal(stepInput.maxLength, 6000);
    const { draftId } = actionData(res.value, 'reflection.step')!;

    const overlong = 'x'.repeat(6001);
    res = await exec(ben, 'reflection.step', { draftId, step: '0', nav: 'next', answer: overlong });
    assert.ok(
      cardTexts(res.value).includes('Must be 6000 characters or fewer'),
      cardTexts(res.value).join(' | '),
    );
    assert.equal(input(res.value, 'answer')!.value, overlong, 'what was typed is kept on the card');
    const draft = await drafts().findOne({ _id: draftId as never });
    assert.deepEqual(draft!.answers, {});
    assert.equal(draft!.step, 0);

    res = await exec(ben, 'reflection.step', {
      draftId,
      step: '0',
      nav: 'next',
      answer: 'Talked to the FTSU guardian about speaking up.',
    });
    assert.ok(cardTexts(res.value).includes('Step 2 of 2: Tag your reflection'));
    res = await exec(ben, 'reflection.finish', {
      draftId,
      nav: 'save',
      standards: '7,99',
      pillars: 'leadership',
      topic: 'conversation',
    });
    assert.ok(
      cardTexts(res.value).some((t) => t.startsWith('Unknown HCPC standard "99"')),
      cardTexts(res.value).join(' | '),
    );
    assert.equal(input(res.value, 'standards')!.value, '7,99');
    assert.equal(await reflections().countDocuments({ personId: ids.get('ben') }), 0);
    res = await exec(ben, 'reflection.finish', {
      draftId,
      nav: 'save',
      standards: '7',
      pillars: 'leadership,alchemy',
      topic: 'conversation',
    });
    assert.ok(cardTexts(res.value).some((t) => t.startsWith('Unknown pillar "alchemy"')));
    assert.equal(await reflections().countDocuments({ personId: ids.get('ben') }), 0);
    res = await exec(ben, 'reflection.finish', {
      draftId,
      nav: 'save',
      standards: '7',
      pillars: 'leadership',
      topic: 'conversation',
    });
    assert.ok(cardTexts(res.value).includes('Reflection saved. It is private to you.'));
    benReflectionId = (await reflections().findOne({ personId: ids.get('ben') }))!._id as unknown as string;
    assert.equal(await drafts().countDocuments({ _id: draftId as never }), 0);

    // Tampered ids: operators, another person's reflection, a made-up id, another person's draft.
    const snapshot = async () => JSON.stringify(await reflections().find({}).sort({ _id: 1 }).toArray());
    const before = await snapshot();
    // Operator keys never reach the database: the handler gets the data without them.
    const gated = await e2e.post(
      e2e.execute(priya, 'reflection.delete', { reflectionId: { $gt: '' }, confirm: true }),
    );
    assert.equal(gated.status, 200);
    assert.equal(gated.body.value, NOT_FOUND);
    for (const reflectionId of [
      `${TENANT}|${ids.get('priya')}|refl|${'z'.repeat(400)}`,
      benReflectionId,
      `${TENANT}|nobody|refl|abc`,
      `other-tenant|x`,
      '',
      42,
    ]) {
      for (const verb of ['reflection.view', 'reflection.share', 'reflection.edit']) {
        const r = await exec(priya, verb, { reflectionId, share: true });
        assert.equal(r.value, NOT_FOUND, `${verb} ${JSON.stringify(reflectionId)}`);
      }
      const del = await exec(priya, 'reflection.delete', { reflectionId, confirm: true });
      assert.equal(del.value, NOT_FOUND);
    }
    assert.equal(await snapshot(), before);
    const other = await exec(priya, 'reflection.step', {
      draftId: `${TENANT}|${ids.get('ben')}|rdraft|${flowId}`,
      step: '0',
      nav: 'next',
      answer: 'x',
    });
    assert.equal(other.value, DRAFT_NOT_FOUND);
    const refusals = await e2e.services.audit.list(TENANT, { actorId: ids.get('priya') });
    assert.ok(refusals.filter((a) => a.outcome === 'refused').length >= 24);
  });

  it('keeps reflections private; a shared one is visible to the student’s supervisor only, who can give feedback', async () => {
    const view = (u: TestUser) => exec(u, 'reflection.view', { reflectionId: priyaReflectionId });
    // Private: nobody else sees it.
    for (const u of [sam, olu, ben, lead]) assert.equal((await view(u)).value, NOT_FOUND, u.name);
    // Priya shares it.
    let res = await exec(priya, 'reflection.share', { reflectionId: priyaReflectionId, share: true });
    assert.ok(
      cardTexts(res.value).includes('Shared with your supervisors. They can read it and give feedback.'),
    );
    const shareNotes = await outbox('reflection.shared');
    assert.deepEqual(
      shareNotes.map((n) => n.personId),
      [ids.get('sam')],
    );
    // Her supervisor sees it; an unrelated supervisor and another student still do not.
    res = await view(sam);
    assert.ok(cardTexts(res.value).includes('Shared by Priya Shah'));
    assert.ok(cardTexts(res.value).includes('Listening before presenting builds ownership.'));
    for (const u of [olu, ben, lead]) assert.equal((await view(u)).value, NOT_FOUND, u.name);
    assert.ok(
      cardTexts(firstCard(await say(sam, 'shared reflections'))).some((t) => t.startsWith('Priya Shah: ')),
    );
    assert.ok(cardTexts(firstCard(await say(olu, 'shared reflections'))).includes('Nothing here yet.'));

    // Feedback: refused for the unrelated supervisor and for students; Sam's is stored once and Priya is notified.
    assert.equal(
      (
        await exec(olu, 'reflection.feedback', {
          reflectionId: priyaReflectionId,
          nonce: 'abcdef123',
          feedback: 'hi',
        })
      ).value,
      NOT_FOUND,
    );
    assert.equal(
      (
        await exec(ben, 'reflection.feedback', {
          reflectionId: priyaReflectionId,
          nonce: 'abcdef123',
          feedback: 'hi',
        })
      ).value,
      NOT_FOUND,
    );
    const tooLong = await exec(sam, 'reflection.feedback', {
      reflectionId: priyaReflectionId,
      nonce: 'abcdef123',
      feedback: 'y'.repeat(1501),
    });
    assert.ok(cardTexts(tooLong.value).includes('Must be 1500 characters or fewer'));
    assert.equal(await feedback().countDocuments({}), 0);
    const nonce = actionData(res.value, 'reflection.feedback')!.nonce;
    for (let i = 0; i < 2; i++)
      res = await exec(sam, 'reflection.feedback', {
        reflectionId: priyaReflectionId,
        nonce,
        feedback: 'Lovely insight about asking first.',
      });
    assert.ok(cardTexts(res.value).includes('Feedback sent. The student has been notified.'));
    assert.equal(await feedback().countDocuments({}), 1);
    const notes = await outbox('reflection.feedback');
    assert.deepEqual(
      notes.map((n) => n.personId),
      [ids.get('priya')],
    );
    res = await view(priya);
    assert.ok(cardTexts(res.value).includes('Lovely insight about asking first.'));

    // Unshare: Sam loses access.
    await exec(priya, 'reflection.share', { reflectionId: priyaReflectionId, share: false });
    assert.equal((await view(sam)).value, NOT_FOUND);
    await exec(priya, 'reflection.share', { reflectionId: priyaReflectionId, share: true });
  });

  it('edits a reflection through the same steps, and deletes for real (with its feedback)', async () => {
    let res = await exec(priya, 'reflection.edit', { reflectionId: priyaReflectionId });
    assert.ok(cardTexts(res.value).includes('Step 1 of 7: Description'));
    const { draftId } = actionData(res.value, 'reflection.step')!;
    const original = await reflections().findOne({ _id: priyaReflectionId as never });
    for (let step = 0; step < 6; step++) {
      const key = ['description', 'feelings', 'evaluation', 'analysis', 'conclusion', 'actionPlan'][step]!;
      const answer =
        step === 5
          ? 'Run the co-design session on Tuesday and report back at supervision.'
          : original!.answers[key];
      await exec(priya, 'reflection.step', { draftId, step: String(step), nav: 'next', answer });
    }
    res = await exec(priya, 'reflection.finish', {
      draftId,
      nav: 'save',
      standards: '9,11,8,13',
      pillars: 'leadership,clinical',
      topic: 'qi-project',
    });
    assert.ok(cardTexts(res.value).includes('Changes saved.'));
    const edited = await reflections().findOne({ _id: priyaReflectionId as never });
    assert.equal(
      edited!.answers.actionPlan,
      'Run the co-design session on Tuesday and report back at supervision.',
    );
    assert.deepEqual(edited!.standards, ['8', '9', '11', '13']);
    assert.equal(await reflections().countDocuments({ personId: ids.get('priya') }), 1);

    // A second reflection to delete: asking first shows a confirmation; confirming removes it and its feedback.
    const flowId = actionData(firstCard(await say(priya, 'reflect')), 'reflection.start')!.flowId;
    res = await exec(priya, 'reflection.start', {
      flowId,
      linkId: '',
      model: 'what-so-what',
      topic: 'supervision',
    });
    const d2 = actionData(res.value, 'reflection.step')!.draftId;
    for (const [step, answer] of ['What happened', 'Why it matters', 'What next'].entries())
      await exec(priya, 'reflection.step', { draftId: d2, step: String(step), nav: 'next', answer });
    res = await exec(priya, 'reflection.finish', {
      draftId: d2,
      nav: 'save',
      standards: '3',
      pillars: 'education',
      topic: 'supervision',
    });
    const doomed = actionData(res.value, 'reflection.delete')!.reflectionId as string;
    await exec(priya, 'reflection.share', { reflectionId: doomed, share: true });
    const n = actionData(
      (await exec(sam, 'reflection.view', { reflectionId: doomed })).value,
      'reflection.feedback',
    )!.nonce;
    await exec(sam, 'reflection.feedback', {
      reflectionId: doomed,
      nonce: n,
      feedback: 'Thanks for sharing.',
    });
    assert.equal(await feedback().countDocuments({ reflectionId: doomed }), 1);
    res = await exec(priya, 'reflection.delete', { reflectionId: doomed, confirm: false });
    assert.ok(
      cardTexts(res.value).some((t) =>
        t.startsWith('Delete this reflection and any feedback on it for good?'),
      ),
    );
    assert.equal(await reflections().countDocuments({ _id: doomed as never }), 1);
    assert.equal(
      (await exec(sam, 'reflection.delete', { reflectionId: doomed, confirm: true })).value,
      NOT_FOUND,
    );
    res = await exec(priya, 'reflection.delete', { reflectionId: doomed, confirm: true });
    assert.ok(cardTexts(res.value).includes('Reflection deleted'));
    assert.equal(await reflections().countDocuments({ _id: doomed as never }), 0);
    assert.equal(await feedback().countDocuments({ reflectionId: doomed }), 0);
  });

  it('shows my journey: counts by pillar and standard, weeks without a reflection, gaps and a nudge', async () => {
    // Priya's one reflection was written in week 2 (Tue 11 Feb); move to Wed 26 Feb (week 4).
    e2e.clock.set(new Date('2025-02-26T12:00:00Z'));
    const card = firstCard(await say(priya, 'my journey'))!;
    const texts = cardTexts(card);
    assert.ok(texts.includes('1 reflection so far · placement week 4'), texts.join(' | '));
    type Fact = { title: string; value: string };
    const facts = Object.fromEntries(
      (card.body as { type: string; facts?: Fact[] }[])
        .filter((b) => b.type === 'FactSet')
        .flatMap((f) => f.facts!.map((x) => [x.title, x.value])),
    );
    assert.equal(facts['Clinical practice'], '1');
    assert.equal(facts['Leadership'], '1');
    assert.equal(facts['Research'], '0');
    // Standards by their title, never a bare "SOP 9".
    assert.equal(facts['Practise as a leader'], '1');
    assert.equal(facts['Practise safely and effectively within their scope of practice'], undefined);
    assert.ok(!texts.some((t) => /\bSOP\b/.test(t)), texts.join(' | '));
    assert.ok(texts.includes('Weeks without a reflection: 1, 3.'));
    assert.ok(texts.includes('No evidence yet for 11 of 15 standards:'), texts.join(' | '));
    const gapList = texts.filter((t) => t.startsWith('• '));
    assert.equal(gapList.length, 11);
    assert.equal(gapList[0], '• Practise safely and effectively within their scope of practice');
    assert.ok(gapList.includes('• Communicate effectively'));
    assert.ok(texts.some((t) => t.startsWith('No reflection yet for weeks 1 and 3.')));
    const counts = await e2e.services.reflections.countsFor(TENANT, ids.get('priya')!);
    assert.equal(counts.total, 1);
    assert.equal(typeof (await say(sam, 'my journey')).text, 'string');
  });

  it('exports the journey behind a signed link that opens again until it expires, for that person only', async () => {
    e2e.clock.set(new Date('2025-02-26T12:00:00Z'));
    // What the check-ins and conversations features store (their collections, read if present).
    await e2e.services.database.db.collection('checkins').insertMany([
      {
        _id: `${TENANT}|ck|2` as never,
        tenantId: TENANT,
        studentId: ids.get('priya'),
        week: 2,
        answers: { confidence: { leadership: 2, communication: 3 } },
      },
      {
        _id: `${TENANT}|ck|3` as never,
        tenantId: TENANT,
        studentId: ids.get('priya'),
        week: 3,
        answers: { confidence: { leadership: 4, communication: 3 } },
      },
      {
        _id: `${TENANT}|ck|b` as never,
        tenantId: TENANT,
        studentId: ids.get('ben'),
        week: 2,
        answers: { confidence: { leadership: 1 } },
      },
    ]);
    await e2e.services.database.db.collection('conversation_bookings').insertMany([
      {
        _id: `${TENANT}|bk|1` as never,
        tenantId: TENANT,
        studentId: ids.get('priya'),
        hostId: 'h1',
        state: 'held',
        startsAt: new Date('2025-02-13T10:00:00Z'),
        profession: 'dietetics',
        roleType: 'FTSU guardian',
      },
      {
        _id: `${TENANT}|bk|2` as never,
        tenantId: TENANT,
        studentId: ids.get('priya'),
        hostId: 'h2',
        state: 'cancelled',
        startsAt: new Date('2025-02-14T10:00:00Z'),
        profession: 'radiography',
        roleType: 'EDI lead',
      },
    ]);
    const card = firstCard(await say(priya, 'export my journey'))!;
    const [htmlUrl, csvUrl] = openUrls(card);
    assert.ok(htmlUrl!.startsWith('http://localhost:3978/exports/'));
    const local = (url: string) => url.replace('http://localhost:3978', e2e.baseUrl);

    const page = await fetch(local(htmlUrl!));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.match(page.headers.get('content-security-policy')!, /default-src 'none'/);
    const html = await page.text();
    assert.equal([...html.matchAll(/<article class="reflection"/g)].length, 1);
    assert.equal(html.split('Listening before presenting builds ownership.').length - 1, 1);
    assert.match(
      html,
      /<tr><th scope="row">Week 2<\/th><td class="num">2<\/td><td class="num">3<\/td><\/tr><tr><th scope="row">Week 3<\/th><td class="num">4<\/td>/,
    );
    assert.match(html, /<caption>1 conversation held<\/caption>/);
    assert.ok(html.includes('dietetics, FTSU guardian') && !html.includes('radiography'));
    assert.match(html, /data-group="pillar:leadership"><h3>Leadership \(1\)/);
    // Reusable until it expires: a link preview or a second look does not burn it.
    const again = await fetch(local(htmlUrl!));
    assert.equal(again.status, 200);
    assert.equal([...(await again.text()).matchAll(/<article class="reflection"/g)].length, 1);
    assert.ok(cardTexts(card).some((t) => /^You can open these links again until \d\d:\d\d\./.test(t)));

    const csv = await fetch(local(csvUrl!));
    assert.equal(csv.status, 200);
    assert.match(
      csv.headers.get('content-disposition')!,
      /attachment; filename="learning-journey-2025-02-26.csv"/,
    );
    assert.equal((await csv.text()).split('\r\n').filter((l) => l.startsWith('reflection,r1,')).length, 1);

    // Re-pointed at another person (Ben) with the same signature: refused, nothing of Ben's leaks.
    const fresh = openUrls(firstCard(await say(priya, 'export my journey'))!)[0]!;
    const token = fresh.split('/exports/')[1]!;
    const [payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...claims, of: ids.get('ben'), for: ids.get('ben') })).toString('base64url')}.${signature}`;
    const forgedRes = await fetch(`${e2e.baseUrl}/exports/${forged}`);
    assert.equal(forgedRes.status, 404);
    assert.ok(!(await forgedRes.text()).includes('FTSU'));
    // Guessed tokens.
    for (const guess of ['abc', `${payload}.AAAA`, 'x'.repeat(3000)])
      assert.equal((await fetch(`${e2e.baseUrl}/exports/${guess}`)).status, 404);
    // Expired after 15 minutes: both the fresh link and the one opened twice are refused.
    e2e.clock.set(new Date(Date.parse('2025-02-26T12:00:00Z') + 15 * 60_000 + 1));
    assert.equal((await fetch(local(fresh))).status, 410);
    assert.equal((await fetch(local(htmlUrl!))).status, 410);
    const opens = await e2e.services.database.db
      .collection(collections.audit.name)
      .find({ tenantId: TENANT, action: 'journey.export.open', actorId: ids.get('priya') })
      .toArray();
    assert.ok(opens.filter((a) => a.outcome !== 'refused').length >= 3, 'every open is audited');
    e2e.clock.set(new Date('2025-02-26T12:00:00Z'));
    // The untampered fresh link was never consumed by the refused attempts: it would still open in time.
  });

  it('gives a supervisor only what the student shared, and refuses others', async () => {
    // A private reflection Priya did not share.
    const flowId = actionData(firstCard(await say(priya, 'reflect')), 'reflection.start')!.flowId;
    let res = await exec(priya, 'reflection.start', {
      flowId,
      linkId: '',
      model: 'free',
      topic: 'careers-expo',
    });
    const d = actionData(res.value, 'reflection.step')!.draftId;
    await exec(priya, 'reflection.step', {
      draftId: d,
      step: '0',
      nav: 'next',
      answer: 'PRIVATE careers thoughts',
    });
    res = await exec(priya, 'reflection.finish', {
      draftId: d,
      nav: 'save',
      standards: '4',
      pillars: 'education',
      topic: 'careers-expo',
    });
    assert.ok(cardTexts(res.value).includes('Reflection saved. It is private to you.'));

    const supCard = firstCard(await say(sam, `export journey ${priya.email}`))!;
    assert.ok(cardTexts(supCard).includes("Priya Shah's shared reflections"));
    const html = await (
      await fetch(openUrls(supCard)[0]!.replace('http://localhost:3978', e2e.baseUrl))
    ).text();
    assert.match(html, /contains only the reflections Priya Shah chose to share/);
    assert.ok(html.includes('Listening before presenting builds ownership.'));
    assert.ok(!html.includes('PRIVATE careers thoughts'));
    assert.equal([...html.matchAll(/<article class="reflection"/g)].length, 1);

    // From the reflection card, too.
    res = await exec(sam, 'journey.export', { studentId: ids.get('priya') });
    assert.equal(openUrls(asCard(res.value)).length, 2);

    for (const [u, text] of [
      [olu, `export journey ${priya.email}`],
      [ben, `export journey ${priya.email}`],
    ] as const)
      assert.equal((await say(u, text)).text, 'I can only export the journey of a student you supervise.');
    assert.equal(
      (await exec(olu, 'journey.export', { studentId: ids.get('priya') })).value,
      'I can only export the journey of a student you supervise.',
    );

    // A supervisor's link stops working once the supervision link is gone.
    const link = openUrls(firstCard(await say(sam, `export journey ${priya.email}`))!)[0]!;
    await e2e.services.supervisions.unlinkAllExcept(TENANT, ids.get('priya')!, []);
    assert.equal((await fetch(link.replace('http://localhost:3978', e2e.baseUrl))).status, 403);
    await e2e.services.supervisions.link(TENANT, ids.get('priya')!, ids.get('sam')!, new Date());
  });

  it('sends scheduled prompts after clinical days, as the lead configured, once per student per day', async () => {
    e2e.clock.set(new Date('2025-03-03T10:00:00Z')); // Mon 3 Mar (clinical, week 5)
    assert.ok(cardTexts(firstCard(await say(lead, 'reflection prompts'))).includes('Reflection prompts'));
    assert.match(
      asText(
        (await exec(priya, 'reflection.schedule', { cohortId, after: 'clinical', time: '17:00' })).value,
      ),
      /Only a placement lead/,
    );
    const bad = await exec(lead, 'reflection.schedule', { cohortId, after: 'clinical', time: '25:99' });
    assert.ok(cardTexts(bad.value).includes('Enter a time as HH:mm, e.g. 17:00.'));
    const ok = await exec(lead, 'reflection.schedule', { cohortId, after: 'clinical', time: '17:30' });
    assert.ok(
      cardTexts(ok.value).includes('Leadership 2025 cohort 2: a prompt at 17:30 on each clinical day.'),
    );

    const jobs = e2e.services.database.db.collection(collections.jobs.name);
    const planned = await jobs.find({ type: 'reflections.prompt' }).sort({ _id: 1 }).toArray();
    // Mon 3 and Tue 4 Mar are clinical days: two per student.
    assert.deepEqual(
      planned.map((j) => j._id),
      [
        `reflections.prompt|${TENANT}|${ids.get('ben')}|2025-03-03`,
        `reflections.prompt|${TENANT}|${ids.get('ben')}|2025-03-04`,
        `reflections.prompt|${TENANT}|${ids.get('priya')}|2025-03-03`,
        `reflections.prompt|${TENANT}|${ids.get('priya')}|2025-03-04`,
      ].sort(),
    );
    assert.equal(
      planned.find((j) => String(j._id).endsWith('2025-03-03'))!.runAt.toISOString(),
      '2025-03-03T17:30:00.000Z',
    );

    const runDue = () => fetch(`${e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await runDue();
    assert.equal((await outbox('reflection.prompt')).length, 0, 'not before 17:30');
    e2e.clock.set(new Date('2025-03-03T17:31:00Z'));
    await runDue();
    await runDue();
    const prompts = await outbox('reflection.prompt');
    assert.deepEqual(prompts.map((p) => p.personId).sort(), [ids.get('ben'), ids.get('priya')].sort());
    // Wed 5 Mar is a leadership day: nothing planned for it.
    e2e.clock.set(new Date('2025-03-05T10:00:00Z'));
    await runDue();
    assert.equal(await jobs.countDocuments({ _id: { $regex: '2025-03-05$' } as never }), 0);
    // The prompt is a start card: the student can begin from it.
    // The outbox drops an item's activity once it is delivered: then read it as delivered.
    const deliveredPrompt = e2e.connector
      .delivered()
      .map((c) => c.activity)
      .find((a) => JSON.stringify(a).includes('reflection.start'));
    const activity = (prompts[0]!.activity ?? deliveredPrompt) as CardActivity;
    assert.ok(actionData(activity.attachments[0]!.content, 'reflection.start'));
  });

  it('lets another feature prompt a reflection (e.g. after a 20-minute conversation), once per link', async () => {
    const svc = e2e.services.reflections;
    assert.equal(
      await svc.promptReflection(TENANT, ids.get('priya')!, { topic: 'conversation', linkId: 'booking-42' }),
      true,
    );
    assert.equal(
      await svc.promptReflection(TENANT, ids.get('priya')!, { topic: 'conversation', linkId: 'booking-42' }),
      false,
    );
    assert.equal(
      await svc.promptReflection(TENANT, ids.get('sam')!, { topic: 'conversation', linkId: 'booking-42' }),
      false,
    );
    const item = (await outbox('reflection.prompt')).find((p) => p.dedupeKey.includes('booking-42'))!;
    // The sender may have delivered it already (the outbox then drops the activity): read it there.
    await e2e.services.sender.drain();
    const activity = (item.activity ??
      e2e.connector
        .delivered(`a:personal-${priya.id}`)
        .map((c) => c.activity)
        .find((a) => JSON.stringify(a).includes('booking-42'))) as CardActivity;
    const data = actionData(activity.attachments[0]!.content, 'reflection.start')!;
    assert.equal(data.linkId, 'booking-42');
    const res = await exec(priya, 'reflection.start', { ...data, model: 'free', topic: 'conversation' });
    const draft = await drafts().findOne({ _id: actionData(res.value, 'reflection.step')!.draftId as never });
    assert.equal(draft!.linkId, 'booking-42');
  });
});
