/**
 * The projects story, part 1: creating a project (bad input, who may), `my project`, check-in
 * updates and milestones (run by projects.e2e.test.ts, in order).
 */
import assert from 'node:assert/strict';
import { collections } from '../../src/storage/collections.js';
import { NOT_FOUND } from '../../src/features/projects/project-service.js';
import { UNSAFE_INPUT_MESSAGE } from '../../src/feature-kit/card-input.js';
import { cardTexts, firstCard, TENANT } from './harness.js';
import { actionData, checkinAnswers, type ProjectsWorld } from './projects-world.js';

export function creationAndMilestones(w: ProjectsWorld) {
  const { e2e, wendy, sam, olu, amira, priya, ben, cara, dan, id } = w;
  const { exec, say, count, texts, createData } = w;

  it('a lead creates a project for the cohort: students of any profession and a supervisor; a retry stores it once', async () => {
    const form = firstCard(await say(wendy, 'new project'));
    assert.ok(cardTexts(form).includes('New project'));
    const { requestId } = actionData(form, 'project.create')!;
    assert.match(String(requestId), /^[A-Za-z0-9_-]{6,64}$/);
    const card = await exec(wendy, 'project.create', createData(String(requestId)));
    const shown = cardTexts(card).join(' | ');
    assert.ok(shown.includes('Falls huddle on Ward 7'), shown);
    assert.ok(shown.includes('Project created'), shown);
    w.projectId = String(actionData(card, 'project.edit')!.projectId);
    const again = await exec(wendy, 'project.create', createData(String(requestId)));
    assert.ok(cardTexts(again).some((t) => t.includes('already saved')));
    assert.equal(await count(collections.projects.name), 1);
    assert.equal(await count(collections.projectMembers.name), 4);
    // The three students and the supervisor are told (once each), not the lead who created it.
    await e2e.services.sender.drain();
    const told = await e2e.services.outbox.collection().find({ purpose: 'project.added' }).toArray();
    assert.deepEqual(told.map((t) => t.personId).sort(), [priya, ben, cara, sam].map(id).sort());
  });

  it('membersOf / projectsOf give other features the team', async () => {
    const members = await e2e.services.projects.membersOf(TENANT, w.projectId);
    assert.deepEqual(members!.studentIds.sort(), [priya, ben, cara].map(id).sort());
    assert.deepEqual(members!.supervisorIds, [id(sam)]);
    const ofPriya = await e2e.services.projects.projectsOf({ tenantId: TENANT, _id: id(priya) });
    assert.deepEqual(
      ofPriya.map((p) => [p.projectId, p.role]),
      [[w.projectId, 'student']],
    );
    const ofSam = await e2e.services.projects.projectsOf({ tenantId: TENANT, _id: id(sam) });
    assert.deepEqual(
      ofSam.map((p) => [p.title, p.role]),
      [['Falls huddle on Ward 7', 'supervisor']],
    );
    assert.deepEqual(await e2e.services.projects.projectsOf({ tenantId: TENANT, _id: id(dan) }), []);
    assert.equal(await e2e.services.projects.membersOf(TENANT, 'other-tenant|project|x'), null);
  });

  it('bad input gets a message per field and writes nothing: 20,000 characters, tampered ids, a student already on a project', async () => {
    const before = [await count(collections.projects.name), await count(collections.projectMembers.name)];
    const long = await exec(
      wendy,
      'project.create',
      createData('req-long-title', { title: 'x'.repeat(20_000) }),
    );
    assert.ok(cardTexts(long).includes('Must be 120 characters or fewer'), cardTexts(long).join(' | '));
    const tampered = await exec(
      wendy,
      'project.create',
      createData('req-tampered', { studentIds: `${id(dan)},${TENANT}|someone-else`, clinicalTeam: 'Team' }),
    );
    assert.ok(cardTexts(tampered).includes('Choose students of this cohort from the list'));
    const notSupervisor = await exec(
      wendy,
      'project.create',
      createData('req-notsup', { studentIds: id(dan), supervisorIds: id(amira) }),
    );
    assert.ok(cardTexts(notSupervisor).includes('Choose supervisors from the list'));
    // MongoDB operators never reach the database: the handler gets the data without them
    // (src/feature-kit/card-input.ts withoutUnsafeKeys), and nothing is created.
    const operator = await e2e.post(
      e2e.execute(wendy, 'project.create', createData('req-operator', { studentIds: { $gt: '' } })),
    );
    assert.equal(operator.status, 200);
    // The lead sees the form again with its own message, not a refusal that is untrue for them.
    assert.ok(
      cardTexts(operator.body.value).includes(UNSAFE_INPUT_MESSAGE),
      JSON.stringify(operator.body.value),
    );
    assert.doesNotMatch(JSON.stringify(operator.body.value), /Projects are set up by the placement lead/);
    const arrayOfObjects = await exec(
      wendy,
      'project.create',
      createData('req-objects', { studentIds: [{ id: 'x' }] }),
    );
    assert.ok(
      cardTexts(arrayOfObjects).includes('Choose students from the list'),
      cardTexts(arrayOfObjects).join(' | '),
    );
    const taken = await exec(
      wendy,
      'project.create',
      createData('req-taken', { studentIds: `${id(dan)},${id(ben)}` }),
    );
    assert.ok(
      cardTexts(taken).some((t) => t.includes('Ben Jones is already on another project')),
      cardTexts(taken).join(' | '),
    );
    const otherCohort = await exec(
      wendy,
      'project.create',
      createData('req-cohort', { cohortId: `${TENANT}|nope` }),
    );
    assert.match(String(otherCohort), /placement lead/);
    assert.deepEqual(
      [await count(collections.projects.name), await count(collections.projectMembers.name)],
      before,
    );
    // Dan's membership was not left behind by the refused request.
    assert.equal(await count(collections.projectMembers.name, { personId: id(dan) }), 0);
  });

  it('students cannot create projects; a supervisor attached to the cohort can', async () => {
    assert.match(String((await say(dan, 'new project')).text), /placement lead/);
    const before = await count(collections.projects.name);
    await exec(dan, 'project.create', createData('req-by-student', { studentIds: id(dan) }));
    assert.equal(await count(collections.projects.name), before);
    const form = firstCard(await say(olu, 'new project'));
    const card = await exec(olu, 'project.create', {
      requestId: actionData(form, 'project.create')!.requestId,
      cohortId: w.cohortId,
      title: 'Discharge letters in plain English',
      clinicalTeam: 'Community therapy',
      studentIds: id(dan),
      supervisorIds: id(olu),
    });
    assert.ok(cardTexts(card).includes('Discharge letters in plain English'));
  });

  it('`my project`: a student sees their own team; a student of another team is refused with no content', async () => {
    const mine = JSON.stringify(firstCard(await say(priya, 'my project')));
    assert.ok(mine.includes('Falls huddle on Ward 7'), mine);
    assert.ok(
      mine.includes('Ben Jones (occupational therapy)') &&
        mine.includes('Cara Lewis (speech and language therapy)'),
    );
    const dans = JSON.stringify(firstCard(await say(dan, 'my project')));
    assert.ok(dans.includes('Discharge letters') && !dans.includes('Falls huddle'));
    const probe = await exec(dan, 'project.view', { projectId: w.projectId });
    assert.equal(probe, NOT_FOUND);
    // A lead sees the cohort's projects.
    const listReply = await say(wendy, 'projects');
    const list = cardTexts(firstCard(listReply)).join(' | ') || String(listReply.text);
    assert.ok(list.includes('Falls huddle on Ward 7') && list.includes('Discharge letters'), list);
  });

  it('the check-in’s project answer becomes the week’s project update on the project card', async () => {
    const form = JSON.stringify(firstCard(await say(priya, 'check in')));
    assert.ok(
      form.includes('Progress on your project “Falls huddle on Ward 7” this week'),
      form.slice(0, 400),
    );
    const dansForm = JSON.stringify(firstCard(await say(dan, 'check in')));
    assert.ok(dansForm.includes('Progress on your project “Discharge letters in plain English” this week'));
    const saved = await exec(priya, 'checkin.submit', checkinAnswers(2, 'Baseline audit of 40 falls done.'));
    assert.ok(
      cardTexts(saved).some((t) => t.includes('added to “Falls huddle on Ward 7”')),
      cardTexts(saved).join(' | '),
    );
    const edited = await exec(priya, 'checkin.submit', checkinAnswers(2, 'Baseline audit of 42 falls done.'));
    assert.ok(cardTexts(edited).some((t) => t.includes('Your changes are saved.')));
    assert.equal(await count(collections.projectUpdates.name), 1);
    const card = cardTexts(await exec(ben, 'project.view', { projectId: w.projectId })).join(' | ');
    assert.ok(card.includes('Week 2, Priya Shah') && card.includes('Baseline audit of 42 falls done.'), card);
    // Dan's check-in goes to his own project, not to the falls team.
    await exec(dan, 'checkin.submit', checkinAnswers(2, 'Drafted the template.'));
    const falls = await e2e.services.projects.repo.updatesOf(TENANT, w.projectId);
    assert.deepEqual(
      falls.map((u) => u.studentId),
      [id(priya)],
    );
  });

  it('milestones: dates inside the placement only; a student of another team cannot add one', async () => {
    const card = await exec(sam, 'project.milestones', { projectId: w.projectId });
    const { requestId } = actionData(card, 'project.milestone.add')!;
    const outside = await exec(sam, 'project.milestone.add', {
      projectId: w.projectId,
      requestId,
      title: 'Too late',
      date: '2025-04-01',
    });
    assert.ok(
      cardTexts(outside).some((t) => t.startsWith('Choose a date during the placement: Mon 3 Feb 2025')),
      cardTexts(outside).join(' | '),
    );
    const bad = await exec(sam, 'project.milestone.add', {
      projectId: w.projectId,
      requestId,
      title: 'Bad',
      date: '2025-02-30',
    });
    assert.ok(cardTexts(bad).includes('Enter a date as YYYY-MM-DD'));
    const long = await exec(sam, 'project.milestone.add', {
      projectId: w.projectId,
      requestId,
      title: 'y'.repeat(20_000),
      date: '2025-02-20',
    });
    assert.ok(cardTexts(long).includes('Must be 120 characters or fewer'));
    assert.equal(await count(collections.projectMilestones.name), 0);
    await exec(sam, 'project.milestone.add', {
      projectId: w.projectId,
      requestId,
      title: 'First huddle trial',
      date: '2025-02-20',
    });
    await exec(sam, 'project.milestone.add', {
      projectId: w.projectId,
      requestId,
      title: 'First huddle trial',
      date: '2025-02-20',
    });
    assert.equal(await count(collections.projectMilestones.name), 1);
    // A student of another team cannot add one (the team's own students may: issue 29's test).
    assert.equal(
      await exec(dan, 'project.milestone.add', {
        projectId: w.projectId,
        requestId: 'student-req-1',
        title: 'Mine',
        date: '2025-02-21',
      }),
      NOT_FOUND,
    );
    assert.equal(await count(collections.projectMilestones.name), 1);
    const shown = texts(await exec(priya, 'project.view', { projectId: w.projectId })).join(' | ');
    assert.ok(shown.includes('Thu 20 Feb 2025') && shown.includes('First huddle trial'), shown);
  });
}
