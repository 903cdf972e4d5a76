/**
 * The reflections story, part 1: drafts that survive a restart, bad input, private and shared
 * reflections with feedback, editing and deleting (run by reflections.e2e.test.ts, in order).
 */
import assert from 'node:assert/strict';
import { DRAFT_NOT_FOUND, NOT_FOUND } from '../../src/features/reflections/reflection-service.js';
import { cardTexts, E2E, firstCard, TENANT, type TestUser } from './harness.js';
import { actionData, input, type ReflectionsWorld } from './reflections-world.js';

export function draftsAndSharing(w: ReflectionsWorld) {
  const { priya, ben, sam, olu, lead, everyone, ids } = w;
  const { start, exec, say, reflections, drafts, feedback, outbox } = w;

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
    const dbName = w.e2e.dbName;
    await w.e2e.stop(false);
    w.e2e = new E2E();
    w.e2e.dbName = dbName;
    w.e2e.clock.set(new Date(start.getTime() + 3_600_000));
    await w.e2e.start();
    everyone.forEach((u) => w.e2e.teamsUser(u));

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
    w.priyaReflectionId = saved[0]!._id as unknown as string;
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
    w.benReflectionId = (await reflections().findOne({ personId: ids.get('ben') }))!._id as unknown as string;
    assert.equal(await drafts().countDocuments({ _id: draftId as never }), 0);

    // Tampered ids: operators, another person's reflection, a made-up id, another person's draft.
    const snapshot = async () => JSON.stringify(await reflections().find({}).sort({ _id: 1 }).toArray());
    const before = await snapshot();
    // Operator keys never reach the database: the handler gets the data without them.
    const gated = await w.e2e.post(
      w.e2e.execute(priya, 'reflection.delete', { reflectionId: { $gt: '' }, confirm: true }),
    );
    assert.equal(gated.status, 200);
    assert.equal(gated.body.value, NOT_FOUND);
    for (const reflectionId of [
      `${TENANT}|${ids.get('priya')}|refl|${'z'.repeat(400)}`,
      w.benReflectionId,
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
    const refusals = await w.e2e.services.audit.list(TENANT, { actorId: ids.get('priya') });
    assert.ok(refusals.filter((a) => a.outcome === 'refused').length >= 24);
  });

  it('keeps reflections private; a shared one is visible to the student’s supervisor only, who can give feedback', async () => {
    const view = (u: TestUser) => exec(u, 'reflection.view', { reflectionId: w.priyaReflectionId });
    // Private: nobody else sees it.
    for (const u of [sam, olu, ben, lead]) assert.equal((await view(u)).value, NOT_FOUND, u.name);
    // Priya shares it.
    let res = await exec(priya, 'reflection.share', { reflectionId: w.priyaReflectionId, share: true });
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
          reflectionId: w.priyaReflectionId,
          nonce: 'abcdef123',
          feedback: 'hi',
        })
      ).value,
      NOT_FOUND,
    );
    assert.equal(
      (
        await exec(ben, 'reflection.feedback', {
          reflectionId: w.priyaReflectionId,
          nonce: 'abcdef123',
          feedback: 'hi',
        })
      ).value,
      NOT_FOUND,
    );
    const tooLong = await exec(sam, 'reflection.feedback', {
      reflectionId: w.priyaReflectionId,
      nonce: 'abcdef123',
      feedback: 'y'.repeat(1501),
    });
    assert.ok(cardTexts(tooLong.value).includes('Must be 1500 characters or fewer'));
    assert.equal(await feedback().countDocuments({}), 0);
    const nonce = actionData(res.value, 'reflection.feedback')!.nonce;
    for (let i = 0; i < 2; i++)
      res = await exec(sam, 'reflection.feedback', {
        reflectionId: w.priyaReflectionId,
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
    await exec(priya, 'reflection.share', { reflectionId: w.priyaReflectionId, share: false });
    assert.equal((await view(sam)).value, NOT_FOUND);
    await exec(priya, 'reflection.share', { reflectionId: w.priyaReflectionId, share: true });
  });

  it('edits a reflection through the same steps, and deletes for real (with its feedback)', async () => {
    let res = await exec(priya, 'reflection.edit', { reflectionId: w.priyaReflectionId });
    assert.ok(cardTexts(res.value).includes('Step 1 of 7: Description'));
    const { draftId } = actionData(res.value, 'reflection.step')!;
    const original = await reflections().findOne({ _id: w.priyaReflectionId as never });
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
    const edited = await reflections().findOne({ _id: w.priyaReflectionId as never });
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
}
