/**
 * The reflections story, part 2: my journey, its signed export, the supervisor's view and the
 * scheduled and feature prompts (run by reflections.e2e.test.ts after part 1, in order).
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { asCard, asText, cardTexts, firstCard, TENANT } from './harness.js';
import { actionData, openUrls, type CardActivity, type ReflectionsWorld } from './reflections-world.js';

export function journeyAndPrompts(w: ReflectionsWorld) {
  const { priya, ben, sam, olu, lead, ids } = w;
  const { exec, say, drafts, outbox } = w;

  it('shows my journey: counts by pillar and standard, weeks without a reflection, gaps and a nudge', async () => {
    // Priya's one reflection was written in week 2 (Tue 11 Feb); move to Wed 26 Feb (week 4).
    w.e2e.clock.set(new Date('2025-02-26T12:00:00Z'));
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
    const counts = await w.e2e.services.reflections.countsFor(TENANT, ids.get('priya')!);
    assert.equal(counts.total, 1);
    assert.equal(typeof (await say(sam, 'my journey')).text, 'string');
  });

  it('exports the journey behind a signed link that opens again until it expires, for that person only', async () => {
    w.e2e.clock.set(new Date('2025-02-26T12:00:00Z'));
    // What the check-ins and conversations features store (their collections, read if present).
    await w.e2e.services.database.db.collection('checkins').insertMany([
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
    await w.e2e.services.database.db.collection('conversation_bookings').insertMany([
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
    const local = (url: string) => url.replace('http://localhost:3978', w.e2e.baseUrl);

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
    const forgedRes = await fetch(`${w.e2e.baseUrl}/exports/${forged}`);
    assert.equal(forgedRes.status, 404);
    assert.ok(!(await forgedRes.text()).includes('FTSU'));
    // Guessed tokens.
    for (const guess of ['abc', `${payload}.AAAA`, 'x'.repeat(3000)])
      assert.equal((await fetch(`${w.e2e.baseUrl}/exports/${guess}`)).status, 404);
    // Expired after 15 minutes: both the fresh link and the one opened twice are refused.
    w.e2e.clock.set(new Date(Date.parse('2025-02-26T12:00:00Z') + 15 * 60_000 + 1));
    assert.equal((await fetch(local(fresh))).status, 410);
    assert.equal((await fetch(local(htmlUrl!))).status, 410);
    const opens = await w.e2e.services.database.db
      .collection(collections.audit.name)
      .find({ tenantId: TENANT, action: 'journey.export.open', actorId: ids.get('priya') })
      .toArray();
    assert.ok(opens.filter((a) => a.outcome !== 'refused').length >= 3, 'every open is audited');
    w.e2e.clock.set(new Date('2025-02-26T12:00:00Z'));
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
      await fetch(openUrls(supCard)[0]!.replace('http://localhost:3978', w.e2e.baseUrl))
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
    await w.e2e.services.supervisions.unlinkAllExcept(TENANT, ids.get('priya')!, []);
    assert.equal((await fetch(link.replace('http://localhost:3978', w.e2e.baseUrl))).status, 403);
    await w.e2e.services.supervisions.link(TENANT, ids.get('priya')!, ids.get('sam')!, new Date());
  });

  it('sends scheduled prompts after clinical days, as the lead configured, once per student per day', async () => {
    w.e2e.clock.set(new Date('2025-03-03T10:00:00Z')); // Mon 3 Mar (clinical, week 5)
    assert.ok(cardTexts(firstCard(await say(lead, 'reflection prompts'))).includes('Reflection prompts'));
    assert.match(
      asText(
        (await exec(priya, 'reflection.schedule', { cohortId: w.cohortId, after: 'clinical', time: '17:00' }))
          .value,
      ),
      /Only a placement lead/,
    );
    const bad = await exec(lead, 'reflection.schedule', {
      cohortId: w.cohortId,
      after: 'clinical',
      time: '25:99',
    });
    assert.ok(cardTexts(bad.value).includes('Enter a time as HH:mm, e.g. 17:00.'));
    const ok = await exec(lead, 'reflection.schedule', {
      cohortId: w.cohortId,
      after: 'clinical',
      time: '17:30',
    });
    assert.ok(
      cardTexts(ok.value).includes('Leadership 2025 cohort 2: a prompt at 17:30 on each clinical day.'),
    );

    const jobs = w.e2e.services.database.db.collection(collections.jobs.name);
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

    const runDue = () => fetch(`${w.e2e.baseUrl}/test/jobs/run-due`, { method: 'POST' });
    await runDue();
    assert.equal((await outbox('reflection.prompt')).length, 0, 'not before 17:30');
    w.e2e.clock.set(new Date('2025-03-03T17:31:00Z'));
    await runDue();
    await runDue();
    const prompts = await outbox('reflection.prompt');
    assert.deepEqual(prompts.map((p) => p.personId).sort(), [ids.get('ben'), ids.get('priya')].sort());
    // Wed 5 Mar is a leadership day: nothing planned for it.
    w.e2e.clock.set(new Date('2025-03-05T10:00:00Z'));
    await runDue();
    assert.equal(await jobs.countDocuments({ _id: { $regex: '2025-03-05$' } as never }), 0);
    // The prompt is a start card: the student can begin from it.
    // The outbox drops an item's activity once it is delivered: then read it as delivered.
    const deliveredPrompt = w.e2e.connector
      .delivered()
      .map((c) => c.activity)
      .find((a) => JSON.stringify(a).includes('reflection.start'));
    const activity = (prompts[0]!.activity ?? deliveredPrompt) as CardActivity;
    assert.ok(actionData(activity.attachments[0]!.content, 'reflection.start'));
  });

  it('lets another feature prompt a reflection (e.g. after a 20-minute conversation), once per link', async () => {
    const svc = w.e2e.services.reflections;
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
    await w.e2e.services.sender.drain();
    const activity = (item.activity ??
      w.e2e.connector
        .delivered(`a:personal-${priya.id}`)
        .map((c) => c.activity)
        .find((a) => JSON.stringify(a).includes('booking-42'))) as CardActivity;
    const data = actionData(activity.attachments[0]!.content, 'reflection.start')!;
    assert.equal(data.linkId, 'booking-42');
    const res = await exec(priya, 'reflection.start', { ...data, model: 'free', topic: 'conversation' });
    const draft = await drafts().findOne({ _id: actionData(res.value, 'reflection.step')!.draftId as never });
    assert.equal(draft!.linkId, 'booking-42');
  });
}
