/**
 * The projects story, part 2: the presentation slot and its feedback, the journey export, editing,
 * moving the presentation and erasing a member (run by projects.e2e.test.ts after part 1).
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { ERASED_MESSAGE } from '../../src/features/data-protection/index.js';
import { NOT_FOUND } from '../../src/features/projects/project-service.js';
import { cardTexts, firstCard, TENANT, type TestUser } from './harness.js';
import { actionData, type ProjectsWorld } from './projects-world.js';

export function presentationToErasure(w: ProjectsWorld) {
  const { e2e, wendy, sam, olu, amira, priya, ben, cara, dan, id } = w;
  const { exec, say, count, post } = w;

  const presentation = (extra: Record<string, unknown> = {}) => ({
    projectId: w.projectId,
    date: '2025-03-13',
    time: '14:00',
    minutes: '45',
    teamsLink: 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_falls',
    audienceIds: [sam, olu, amira, wendy].map(id).join(','),
    ...extra,
  });

  it('presentation slot: bad dates, times, links, lengths and tampered invitees are refused and nothing is written', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ date: '2025-04-30' }, 'Choose a date during the placement: Mon 3 Feb 2025 to Fri 14 Mar 2025'],
      [{ date: '2025-02-10' }, 'Choose a date and time in the future'],
      [{ date: '13/03/2025' }, 'Enter a date as YYYY-MM-DD'],
      [{ time: '25:00' }, 'Enter a time as HH:mm, e.g. 14:00'],
      [{ minutes: '600' }, 'Choose a value from 10 to 180'],
      [
        { teamsLink: 'http://teams.microsoft.com/l/x' },
        'Paste the Teams meeting link: it starts with https://teams.microsoft.com/',
      ],
      [
        { teamsLink: 'https://evil.example.com/teams.microsoft.com' },
        'Paste the Teams meeting link: it starts with https://teams.microsoft.com/',
      ],
      [{ teamsLink: `https://teams.microsoft.com/${'x'.repeat(20_000)}` }, 'That link is too long'],
      [{ audienceIds: `${id(priya)},${id(sam)}` }, 'Choose people from the list'],
      [{ audienceIds: '' }, 'Invite at least one person to give feedback'],
    ];
    for (const [extra, message] of cases) {
      const card = await exec(sam, 'project.presentation.save', presentation(extra));
      assert.ok(
        cardTexts(card).includes(message),
        `${JSON.stringify(extra).slice(0, 80)}: ${cardTexts(card).join(' | ')}`,
      );
    }
    assert.equal((await e2e.services.projects.repo.project(TENANT, w.projectId))!.presentation, null);
    assert.equal(await count(collections.projectAttendees.name), 0);
    assert.equal(
      await e2e.services.database.db
        .collection(collections.jobs.name)
        .countDocuments({ type: 'projects.feedback-request' }),
      0,
    );
    // A student of the team cannot book it.
    assert.equal(await exec(priya, 'project.presentation.save', presentation()), NOT_FOUND);
  });

  it('4 raters after the presentation: each gets one feedback card, has one rating (changed, not added to); the team then sees the feedback', async () => {
    const booked = await exec(sam, 'project.presentation.save', presentation());
    assert.ok(
      cardTexts(booked).some((t) => t.startsWith('Presentation booked for Thu 13 Mar 2025, 14:00')),
      cardTexts(booked).join(' | '),
    );
    assert.equal(await count(collections.projectAttendees.name), 4);
    // Before any rating the students see no feedback, only that it will come.
    const before = cardTexts(await exec(priya, 'project.view', { projectId: w.projectId }));
    assert.ok(before.includes('Feedback from the people invited appears here after the presentation.'));
    assert.ok(!before.some((t) => t.startsWith('Presentation feedback')));
    // Too early to rate; a student cannot rate at all.
    const early = await exec(sam, 'project.feedback', { projectId: w.projectId, rating: '5', comment: '' });
    assert.ok(cardTexts(early).some((t) => t.startsWith('The presentation has not started yet')));
    assert.match(
      String(await exec(priya, 'project.feedback', { projectId: w.projectId, rating: '5', comment: '' })),
      /Only the people invited/,
    );
    assert.equal(await count(collections.projectFeedback.name), 0);

    // The presentation ends at 14:45 (GMT): the job sends the four invited raters a card.
    assert.equal((await post('/test/clock', { now: '2025-03-13T14:40:00Z' })).status, 200);
    await post('/test/jobs/run-due', {});
    await e2e.services.sender.drain();
    assert.equal(
      (await e2e.services.outbox.collection().find({ purpose: 'project.feedback.request' }).toArray()).length,
      0,
    );
    assert.equal((await post('/test/clock', { now: '2025-03-13T14:46:00Z' })).status, 200);
    await post('/test/jobs/run-due', {});
    await post('/test/jobs/run-due', {});
    await e2e.services.sender.drain();
    const requests = await e2e.services.outbox
      .collection()
      .find({ purpose: 'project.feedback.request' })
      .toArray();
    assert.deepEqual(requests.map((r) => r.personId).sort(), [sam, olu, amira, wendy].map(id).sort());
    for (const u of [sam, olu, amira, wendy]) {
      const cards = e2e
        .sentTo(`a:personal-${u.id}`)
        .map(firstCard)
        .filter((c) => cardTexts(c).includes('How was “Falls huddle on Ward 7”?'));
      assert.equal(cards.length, 1, u.name);
    }
    for (const u of [priya, ben, cara, dan])
      assert.ok(
        !e2e
          .sentTo(`a:personal-${u.id}`)
          .some((a) => cardTexts(firstCard(a)).includes('How was “Falls huddle on Ward 7”?')),
      );

    // Bad ratings and comments: a message, nothing written.
    const seven = await exec(sam, 'project.feedback', { projectId: w.projectId, rating: '7', comment: '' });
    assert.ok(cardTexts(seven).includes('Choose a value from 1 to 5'));
    const essay = await exec(sam, 'project.feedback', {
      projectId: w.projectId,
      rating: '4',
      comment: 'z'.repeat(20_000),
    });
    assert.ok(cardTexts(essay).includes('Must be 1000 characters or fewer'));
    const tampered = await exec(sam, 'project.feedback', {
      projectId: `${TENANT}|project|nope`,
      rating: '4',
      comment: '',
    });
    assert.match(String(tampered), /Only the people invited/);
    assert.equal(await count(collections.projectFeedback.name), 0);

    const ratings: [TestUser, string, string][] = [
      [sam, '5', 'Clear data and a realistic plan.'],
      [olu, '4', 'Good use of the baseline.'],
      [amira, '4', 'Think about how it is sustained.'],
      [wendy, '3', ''],
    ];
    for (const [u, rating, comment] of ratings) {
      const done = await exec(u, 'project.feedback', { projectId: w.projectId, rating, comment });
      assert.ok(
        cardTexts(done).some((t) => t.startsWith(`Thank you. You rated it ${rating} of 5`)),
        cardTexts(done).join(' | '),
      );
    }
    // A rater changes theirs while feedback is open (issue 29): still one rating each.
    const twice = await exec(sam, 'project.feedback', {
      projectId: w.projectId,
      rating: '1',
      comment: 'changed my mind',
    });
    assert.ok(cardTexts(twice).some((t) => t.startsWith('Your feedback is changed: now 1 of 5')));
    await exec(sam, 'project.feedback', {
      projectId: w.projectId,
      rating: '5',
      comment: 'Clear data and a realistic plan.',
    });
    assert.equal(await count(collections.projectFeedback.name), 4);

    for (const u of [priya, ben, cara]) {
      const seen = cardTexts(await exec(u, 'project.view', { projectId: w.projectId }));
      assert.ok(seen.includes('Presentation feedback: 4 ratings, average 4.0 of 5'), seen.join(' | '));
      for (const [rater, rating] of ratings) assert.ok(seen.includes(`${rater.name}: ${rating} of 5`));
      assert.ok(seen.includes('Think about how it is sustained.'));
    }
    // The other team's student still sees nothing of it.
    assert.equal(await exec(dan, 'project.view', { projectId: w.projectId }), NOT_FOUND);
    // The team was told once that feedback arrived.
    await e2e.services.sender.drain();
    const ready = await e2e.services.outbox
      .collection()
      .find({ purpose: 'project.feedback.ready' })
      .toArray();
    assert.deepEqual(ready.map((r) => r.personId).sort(), [priya, ben, cara, sam].map(id).sort());
  });

  it('the project, its milestones, updates and feedback are in each member’s journey export exactly once', async () => {
    for (const u of [priya, ben, cara]) {
      const card = firstCard(await say(u, 'export my journey'))!;
      const url = (card.actions as { type: string; url: string }[]).find(
        (a) => a.type === 'Action.OpenUrl',
      )!.url;
      const res = await fetch(url.replace('http://localhost:3978', e2e.baseUrl));
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.equal(html.split('data-section="project"').length - 1, 1, u.name);
      assert.equal(html.split('Falls huddle on Ward 7').length - 1, 1, `${u.name}: the title once`);
      assert.ok(html.includes('First huddle trial'));
      assert.ok(html.includes('Presentation feedback (4, average 4.0 of 5)'));
      assert.ok(html.includes('Olu Adeyemi: 4 of 5. Good use of the baseline.'));
      assert.equal(
        html.includes('Baseline audit of 42 falls done.'),
        u === priya,
        `${u.name}: only their own updates`,
      );
      assert.ok(!html.includes('Discharge letters'));
    }
    const dans = firstCard(await say(dan, 'export my journey'))!;
    const url = (dans.actions as { type: string; url: string }[]).find(
      (a) => a.type === 'Action.OpenUrl',
    )!.url;
    const html = await (await fetch(url.replace('http://localhost:3978', e2e.baseUrl))).text();
    assert.ok(html.includes('Discharge letters in plain English') && !html.includes('Falls huddle'));
  });
  it('editing: members change (a student already on another team is refused, nothing changes), milestones are removed', async () => {
    const form = await exec(sam, 'project.edit', { projectId: w.projectId });
    assert.ok(cardTexts(form).includes('Edit project'));
    assert.ok(
      JSON.stringify(form).includes([priya, ben, cara].map(id).join(',')),
      'current members preselected',
    );
    const edit = (extra: Record<string, unknown>) => ({
      projectId: w.projectId,
      title: 'Falls huddle on Ward 7',
      clinicalTeam: 'Stroke rehabilitation, Ward 7',
      studentIds: [priya, ben, cara].map(id).join(','),
      supervisorIds: id(sam),
      ...extra,
    });
    const members = async () => (await e2e.services.projects.membersOf(TENANT, w.projectId))!;
    const taken = await exec(
      sam,
      'project.save',
      edit({ studentIds: [priya, ben, cara, dan].map(id).join(',') }),
    );
    assert.ok(
      cardTexts(taken).some((t) => t.includes('Dan Brown is already on another project')),
      cardTexts(taken).join(' | '),
    );
    const long = await exec(sam, 'project.save', edit({ clinicalTeam: 'w'.repeat(20_000) }));
    assert.ok(cardTexts(long).includes('Must be 120 characters or fewer'));
    assert.equal(await exec(priya, 'project.save', edit({ title: 'Renamed by a student' })), NOT_FOUND);
    assert.deepEqual((await members()).studentIds.sort(), [priya, ben, cara].map(id).sort());
    assert.equal(
      (await e2e.services.projects.repo.project(TENANT, w.projectId))!.title,
      'Falls huddle on Ward 7',
    );

    // Cara leaves the team (and loses access); Olu joins as a supervisor; then Cara comes back.
    const saved = await exec(
      sam,
      'project.save',
      edit({ studentIds: [priya, ben].map(id).join(','), supervisorIds: [sam, olu].map(id).join(',') }),
    );
    assert.ok(cardTexts(saved).includes('Changes saved.'));
    assert.deepEqual((await members()).studentIds.sort(), [priya, ben].map(id).sort());
    assert.deepEqual((await members()).supervisorIds.sort(), [sam, olu].map(id).sort());
    assert.equal(await exec(cara, 'project.view', { projectId: w.projectId }), NOT_FOUND);
    assert.ok(
      cardTexts(await exec(olu, 'project.milestones', { projectId: w.projectId })).some((t) =>
        t.startsWith('Milestones:'),
      ),
    );
    await exec(sam, 'project.save', edit({}));
    assert.deepEqual((await members()).studentIds.sort(), [priya, ben, cara].map(id).sort());
    assert.deepEqual((await members()).supervisorIds, [id(sam)]);
    assert.ok(
      JSON.stringify(await exec(cara, 'project.view', { projectId: w.projectId })).includes(
        'Falls huddle on Ward 7',
      ),
    );

    const card = await exec(sam, 'project.milestones', { projectId: w.projectId });
    const { requestId } = actionData(card, 'project.milestone.add')!;
    const added = await exec(sam, 'project.milestone.add', {
      projectId: w.projectId,
      requestId,
      title: 'Write-up for the ward',
      date: '2025-03-14',
    });
    const milestoneId = String(
      (await e2e.services.projects.repo.milestonesOf(TENANT, w.projectId)).find(
        (m) => m.title === 'Write-up for the ward',
      )!._id,
    );
    assert.ok(JSON.stringify(added).includes(milestoneId));
    const wrong = await exec(sam, 'project.milestone.remove', {
      projectId: w.projectId,
      milestoneId: `${TENANT}|projms|other|x`,
    });
    assert.ok(cardTexts(wrong).some((t) => t.startsWith('That milestone is not on this project')));
    assert.equal(
      await exec(ben, 'project.milestone.remove', { projectId: w.projectId, milestoneId }),
      NOT_FOUND,
    );
    const removed = await exec(sam, 'project.milestone.remove', { projectId: w.projectId, milestoneId });
    assert.ok(cardTexts(removed).includes('Removed: Write-up for the ward.'));
    assert.deepEqual(
      (await e2e.services.projects.repo.milestonesOf(TENANT, w.projectId)).map((m) => m.title),
      ['First huddle trial'],
    );
  });

  it('moving the presentation: the earlier slot’s job sends nothing, the new one is scheduled', async () => {
    const old = (await e2e.services.projects.repo.project(TENANT, w.projectId))!.presentation!;
    await exec(sam, 'project.presentation.save', presentation({ date: '2025-03-14', time: '10:00' }));
    const moved = (await e2e.services.projects.repo.project(TENANT, w.projectId))!.presentation!;
    assert.equal(moved.startsAt.toISOString(), '2025-03-14T10:00:00.000Z');
    assert.equal(
      await e2e.services.projects.runFeedbackJob(TENANT, w.projectId, old.startsAt.toISOString()),
      0,
    );
    const job = await e2e.services.database.db
      .collection(collections.jobs.name)
      .findOne({ _id: `projects.feedback:${w.projectId}:${moved.startsAt.getTime()}:45m` as never });
    assert.equal(job?.state, 'scheduled');
    assert.equal(job?.runAt.toISOString(), '2025-03-14T10:45:00.000Z');
  });
  it('erasing a member removes their membership, updates and ratings; the project stays for the rest of the team', async () => {
    for (const u of [priya, sam]) {
      await e2e.post(e2e.message(u, 'delete my data'));
      const res = await e2e.eraseConfirmed(u, ERASED_MESSAGE);
      assert.ok(cardTexts(res.body.value).includes('Deleting your data'), JSON.stringify(res.body.value));
    }
    const members = (await e2e.services.projects.membersOf(TENANT, w.projectId))!;
    assert.deepEqual(members.studentIds.sort(), [ben, cara].map(id).sort());
    assert.deepEqual(members.supervisorIds, []);
    assert.equal(await count(collections.projectUpdates.name, { projectId: w.projectId }), 0);
    assert.equal(await count(collections.projectFeedback.name, { raterId: id(sam) }), 0);
    assert.equal(await count(collections.projectAttendees.name, { personId: id(sam) }), 0);
    const card = cardTexts(await exec(ben, 'project.view', { projectId: w.projectId }));
    assert.ok(card.includes('Presentation feedback: 3 ratings, average 3.7 of 5'), card.join(' | '));
    assert.ok(!JSON.stringify(card).includes('Priya') && !JSON.stringify(card).includes('Sam Okoro'));
  });
}
