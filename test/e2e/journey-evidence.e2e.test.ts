/**
 * Issue 28, the journey export as evidence people can use and trust (acceptance), over HTTP with
 * the fake Bot Connector, the controllable clock and the real local database:
 * - the student's export holds their supervisor's comment and countersignature (with dates), a
 *   supervision session and its agreed action, and the confidence change from the first check-in
 *   to the last (with a chart); their check-in notes only when they choose to include them;
 * - a student shares a read-only, expiring view with a named assessor: it opens again and again
 *   until revoked or expired, holds no private reflection, and sharing, every open and the revoke
 *   are audited.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import JSZip from 'jszip';
import { collections } from '../../src/storage/collections.js';
import { reflectionId } from '../../src/features/reflections/reflections-repository.js';
import type { AdaptiveCard } from '../../src/cards/cards.js';
import { cardTexts, firstCard, TENANT } from './harness.js';
import { checkinAnswers, executes, LoopWorld, loopUser } from '../helpers/loop-world.js';

/** The card's own links: the document, then the CSV. */
function openUrls(card: AdaptiveCard): string[] {
  return (card.actions as { type: string; url: string }[])
    .filter((a) => a.type === 'Action.OpenUrl')
    .map((a) => a.url);
}

/** The assessors' views listed on the export card. */
function shareUrls(card: AdaptiveCard): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'Action.OpenUrl') out.push(String(n.url));
    Object.values(n).forEach(walk);
  };
  walk(card.body);
  return out;
}

describe('e2e: the journey export as evidence, and sharing it with an assessor (issue 28)', function () {
  this.timeout(240_000);
  const w = new LoopWorld();
  const priya = loopUser('je-priya', 'Priya Shah');
  const tom = loopUser('je-tom', 'Tom Reid');
  const sam = loopUser('je-sam', 'Sam Okoro');
  const assessorEmail = 'jo.assessor@uni.example.ac.uk';
  const local = (url: string) => url.replace('http://localhost:3978', w.e2e.baseUrl);
  const audit = (action: string) =>
    w.e2e.services.database.db
      .collection(collections.audit.name)
      .find({ tenantId: TENANT, action })
      .toArray();

  before(async () => {
    await w.start(
      [
        [priya, ['student']],
        [tom, ['student']],
        [sam, ['supervisor']],
      ],
      [
        [priya, sam],
        [tom, sam],
      ],
    );
    // Week 1: Priya's check-in (leadership confidence 2), Sam's comment and countersignature.
    await w.setClock('2025-02-04T10:00:00Z');
    await w.exec(
      priya,
      'checkin.submit',
      checkinAnswers(1, 4, { conf_leadership: '2', wentWell: 'PRIYA-NOTE led my first handover.' }),
    );
    const list = await w.say(sam, 'my students');
    const open = executes(list).find((b) => b.verb === 'checkin.view' && b.data.studentId === w.id(priya))!;
    await w.exec(sam, open.verb, open.data);
    const card = firstCard(w.e2e.sentTo(w.conv(sam)).at(-1));
    const commented = await w.exec(sam, 'checkin.comment', {
      ...executes(card).find((b) => b.verb === 'checkin.comment')!.data,
      comment: 'Clear handover: next time name the escalation route.',
    });
    await w.exec(
      sam,
      'checkin.countersign',
      executes(commented).find((b) => b.verb === 'checkin.countersign')!.data,
    );
    // Thursday of week 1: a supervision session with an agreed action for Priya.
    await w.setClock('2025-02-06T15:00:00Z');
    const recordCard = await w.say(sam, 'record supervision');
    const requestId = executes(recordCard).find((a) => a.verb === 'supervision.session.record')!.data
      .requestId;
    const recorded = await w.exec(sam, 'supervision.session.record', {
      requestId,
      attendees: w.id(priya),
      date: '2025-02-06',
      minutes: '45',
      kind: 'individual',
      notes: 'Talked through the falls audit plan.',
      action1Text: 'Draft the stakeholder map',
      action1Owner: w.id(priya),
      action1Due: '2025-02-13',
    });
    assert.match(cardTexts(recorded).join(' | '), /Recorded individual supervision with Priya Shah/);
    // Week 3: a second check-in, leadership confidence 4.
    await w.setClock('2025-02-18T10:00:00Z');
    await w.exec(priya, 'checkin.submit', checkinAnswers(3, 4, { conf_leadership: '4' }));
    // Two reflections: one shared with her supervisors, one private.
    const reflections = w.e2e.services.reflections.repo;
    for (const [flow, shared, text] of [
      ['je-shared', true, 'SHARED reflection on the huddle'],
      ['je-private', false, 'PRIVATE thoughts about my career'],
    ] as const)
      await reflections.insertReflection(TENANT, {
        _id: reflectionId(TENANT, w.id(priya), flow),
        personId: w.id(priya),
        cohortId: w.cohortId,
        flowId: flow,
        model: 'free',
        answers: { text },
        linkId: null,
        standardsVersion: 'HCPC-SOP-2023',
        standards: ['9'],
        pillars: ['leadership'],
        topic: 'other',
        shared,
        sharedAt: shared ? new Date('2025-02-18T10:00:00Z') : null,
        schemaVersion: 1,
        createdAt: new Date('2025-02-17T10:00:00Z'),
        updatedAt: new Date('2025-02-17T10:00:00Z'),
      });
  });
  after(() => w.stop());

  it("holds the supervisor's comment and countersignature, a supervision action and the confidence change", async () => {
    const card = await w.say(priya, 'export my journey');
    const [htmlUrl, csvUrl] = openUrls(card);
    const html = await (await fetch(local(htmlUrl!))).text();
    assert.match(html, /Clear handover: next time name the escalation route\./);
    assert.match(html, /Sam Okoro, Tue 4 Feb 2025/);
    assert.match(html, /Countersigned by Sam Okoro on Tue 4 Feb 2025/);
    assert.match(
      html,
      /<tr class="agreed-action"><td>Thu 6 Feb 2025<\/td><td>Draft the stakeholder map<\/td>/,
    );
    assert.match(html, /Talked through the falls audit plan\./);
    assert.match(
      html,
      /<tr data-area="Leadership"><th scope="row">Leadership<\/th><td class="num">2 <span class="meta">\(Week 1\)<\/span><\/td><td class="num">4 <span class="meta">\(Week 3\)<\/span><\/td><td class="num">\+2<\/td><\/tr>/,
    );
    assert.match(html, /<svg class="confidence-chart" role="img"/);
    // Check-in notes are left out until the student chooses them.
    assert.ok(!html.includes('PRIYA-NOTE'));
    assert.match(html, /chose not to include what they wrote in their check-ins/);

    const csv = await (await fetch(local(csvUrl!))).text();
    const rows = parse(csv, { bom: true, columns: true, relax_column_count: false }) as Record<
      string,
      string
    >[];
    const of = (record: string) => rows.filter((r) => r.record === record);
    assert.equal(of('supervisor comment')[0]!.detail, 'Clear handover: next time name the escalation route.');
    assert.deepEqual(
      [of('countersignature')[0]!.by, of('countersignature')[0]!.date],
      ['Sam Okoro', '2025-02-04'],
    );
    assert.match(of('agreed action')[0]!.detail, /^Draft the stakeholder map \(due 2025-02-13, open\)$/);
    assert.ok(of('confidence').some((r) => r.detail === 'Leadership: 2 (Week 1) to 4 (Week 3), +2'));
    const cells = (parse(csv, { bom: true }) as string[][]).flat();
    assert.deepEqual(
      cells.filter((c) => /^[=+\-@\t\r]/.test(c)),
      [],
      'every cell passes the formula-injection check',
    );

    // Chosen on the card: new links that include the check-in notes.
    const withNotes = await w.exec(priya, 'journey.export', { includeCheckins: 'true' });
    assert.equal(
      JSON.stringify(withNotes).includes('"id":"includeCheckins"'),
      true,
      'the choice is on the export card',
    );
    const notes = await (await fetch(local(openUrls(withNotes)[0]!))).text();
    assert.match(notes, /PRIYA-NOTE led my first handover\./);

    // The supervisor's export stays what the student shared: no check-ins, supervision or confidence.
    const sup = await (
      await fetch(local(openUrls(await w.say(sam, `export journey ${priya.email}`))[0]!))
    ).text();
    assert.ok(sup.includes('SHARED reflection on the huddle') && !sup.includes('PRIVATE thoughts'));
    assert.ok(!sup.includes('data-section="checkins"') && !sup.includes('data-section="supervision"'));
    assert.ok(!sup.includes('data-section="confidence-change"'));
  });

  it('shares a read-only view with a named assessor: reusable until revoked, private reflections kept out, all audited', async () => {
    const exportCard = await w.say(priya, 'export my journey');
    const share = executes(exportCard).find((b) => b.verb === 'journey.share')!;
    const bad = await w.exec(priya, 'journey.share', { ...share.data, assessorEmail: 'not an email' });
    assert.match(cardTexts(bad).join(' | '), /does not look like an email address/);
    const shared = await w.exec(priya, 'journey.share', {
      ...share.data,
      assessorEmail,
      shareCheckins: 'false',
    });
    const texts = cardTexts(shared).join(' | ');
    assert.match(texts, /Shared with jo\.assessor@uni\.example\.ac\.uk until Tue 4 Mar 2025\./);
    const revoke = executes(shared).find((b) => b.verb === 'journey.share.revoke')!;
    const [viewUrl] = shareUrls(shared);
    assert.ok(viewUrl, 'the assessor link is on the card');
    assert.match(texts, /Shared with assessors/);
    // A double click makes no second share.
    await w.exec(priya, 'journey.share', { ...share.data, assessorEmail, shareCheckins: 'false' });
    assert.equal(
      await w.e2e.services.database.db.collection(collections.journeyShares.name).countDocuments({}),
      1,
    );

    // Opens twice within its life (a link preview does not burn it).
    for (let i = 0; i < 2; i++) {
      const res = await fetch(local(viewUrl));
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /Priya Shah shared this read-only copy with jo\.assessor@uni\.example\.ac\.uk/);
      assert.ok(html.includes('SHARED reflection on the huddle'));
      assert.ok(!html.includes('PRIVATE thoughts'), 'no private reflection');
      assert.match(html, /Countersigned by Sam Okoro/);
      assert.ok(!html.includes('PRIYA-NOTE'), 'check-in notes were not chosen for this share');
    }
    // Days later, still open.
    await w.setClock('2025-02-25T10:00:00Z');
    assert.equal((await fetch(local(viewUrl))).status, 200);

    // Only Priya can stop it.
    const refused = await w.exec(tom, 'journey.share.revoke', revoke.data);
    assert.equal(refused, 'I could not find that share, or it is not yours to stop.');
    assert.equal((await fetch(local(viewUrl))).status, 200);
    const stopped = await w.exec(priya, 'journey.share.revoke', revoke.data);
    assert.match(cardTexts(stopped).join(' | '), /You stopped sharing your journey with jo\.assessor/);
    const gone = await fetch(local(viewUrl));
    assert.equal(gone.status, 403);
    assert.ok(!(await gone.text()).includes('SHARED reflection'));

    // A second share expires after 14 days.
    const again = await w.exec(priya, 'journey.share', {
      nonce: 'second-share-1',
      assessorEmail,
      shareCheckins: 'true',
    });
    const [againUrl] = shareUrls(again);
    assert.equal(shareUrls(again).length, 1, 'the revoked share is no longer listed');
    assert.equal((await fetch(local(againUrl))).status, 200);
    assert.match(await (await fetch(local(againUrl))).text(), /PRIYA-NOTE/);
    await w.setClock('2025-03-11T10:00:01Z');
    assert.equal((await fetch(local(againUrl))).status, 410);

    // Audited: two shares (not the double click), one revoke, the opens (allowed and refused).
    assert.equal((await audit('journey.share')).filter((a) => a.outcome === 'ok').length, 2);
    assert.equal((await audit('journey.share.revoke')).filter((a) => a.outcome === 'ok').length, 1);
    assert.equal((await audit('journey.share.revoke')).filter((a) => a.outcome === 'refused').length, 1);
    const opens = await audit('journey.share.open');
    assert.equal(opens.filter((a) => a.outcome === 'ok').length, 6);
    assert.equal(opens.filter((a) => a.outcome === 'refused').length, 1);
    assert.ok(opens.every((a) => a.targetId === w.id(priya)));
  });

  it('presentation starter: a .pptx of the journey with the 3 to 5 reflections the student picks', async () => {
    const reflections = w.e2e.services.reflections.repo;
    for (const [flow, text] of [
      ['je-third', 'THIRD reflection: the falls audit baseline'],
      ['je-fourth', 'FOURTH reflection: presenting to the ward'],
    ] as const)
      await reflections.insertReflection(TENANT, {
        _id: reflectionId(TENANT, w.id(priya), flow),
        personId: w.id(priya),
        cohortId: w.cohortId,
        flowId: flow,
        model: 'what-so-what',
        answers: { what: text, soWhat: 'It mattered to the team.', nowWhat: `NEXT: ${flow} follow-up` },
        linkId: null,
        standardsVersion: 'HCPC-SOP-2023',
        standards: ['8'],
        pillars: ['clinical', 'research'],
        topic: 'qi-project',
        shared: false,
        sharedAt: null,
        schemaVersion: 1,
        createdAt: new Date('2025-02-20T10:00:00Z'),
        updatedAt: new Date('2025-02-20T10:00:00Z'),
      });
    const card = await w.say(priya, 'presentation starter');
    const choices = (card.body as Record<string, unknown>[]).find((b) => b.id === 'picks')!.choices as {
      value: string;
    }[];
    assert.equal(choices.length, 4);
    const two = await w.exec(priya, 'journey.slides', {
      picks: choices
        .slice(0, 2)
        .map((c) => c.value)
        .join(','),
    });
    assert.match(cardTexts(two).join(' | '), /Pick 3 to 5 of your reflections\./);
    assert.deepEqual(openUrls(two), [], 'no link until 3 to 5 are picked');
    // Someone else's keys do not count.
    const forged = await w.exec(priya, 'journey.slides', { picks: 'AAAA,BBBB,CCCC' });
    assert.match(cardTexts(forged).join(' | '), /Pick 3 to 5/);

    const made = await w.exec(priya, 'journey.slides', {
      picks: choices
        .slice(0, 3)
        .map((c) => c.value)
        .join(','),
    });
    assert.match(cardTexts(made).join(' | '), /Your slides are ready/);
    const [url] = openUrls(made);
    const res = await fetch(local(url!));
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get('content-type'),
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    );
    assert.match(
      res.headers.get('content-disposition')!,
      /attachment; filename="journey-slides-2025-03-11\.pptx"/,
    );
    const deck = Buffer.from(await res.arrayBuffer());
    // tools/slides-gallery.sh renders this very deck to images for the gallery.
    if (process.env.SLIDES_GALLERY_OUT) writeFileSync(process.env.SLIDES_GALLERY_OUT, deck);
    const zip = await JSZip.loadAsync(deck);
    const slideFiles = Object.keys(zip.files)
      .filter((f) => /^ppt\/slides\/slide\d+\.xml$/.test(f))
      .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
    assert.equal(slideFiles.length, 8, 'title, pillars, confidence, 3 reflections, project, what next');
    const textOf = async (f: string) =>
      [...(await zip.file(f)!.async('string')).matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => m[1]).join(' ');
    const slides = await Promise.all(slideFiles.map(textOf));
    assert.match(slides[0]!, /My placement learning journey.*Priya Shah/);
    assert.match(slides[1]!, /Growth across the four pillars/);
    assert.match(slides[1]!, /Leadership: 2 reflections/);
    assert.match(slides[2]!, /Confidence: start to end/);
    for (const i of [3, 4, 5]) assert.match(slides[i]!, new RegExp(`^Reflection ${i - 2}: `));
    // The picks (the two just written come first, newest first on the card).
    const picked = slides.slice(3, 6).join(' ');
    assert.ok(picked.includes('THIRD reflection') && picked.includes('FOURTH reflection'));
    assert.match(slides[6]!, /My project/);
    assert.match(slides[7]!, /What next.*NEXT: je-third follow-up/);
    assert.match(slides[7]!, /Agreed in supervision: Draft the stakeholder map/);
    // Two charts: pillars and confidence (start and end per area).
    const charts = Object.keys(zip.files).filter((f) => /^ppt\/charts\/chart\d+\.xml$/.test(f));
    assert.equal(charts.length, 2);
    // Opens again until the link expires.
    assert.equal((await fetch(local(url!))).status, 200);
  });
});
