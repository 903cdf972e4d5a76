/** The authorisation matrix's set-up: every role, their cohorts and the documents the rows act on. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CURRENT_HCPC_CATALOGUE } from '../../../src/domain/hcpc-standards.js';
import { eventId as eventDocId } from '../../../src/features/events/events-repository.js';
import { reflectionId } from '../../../src/features/reflections/reflections-repository.js';
import { escalationId } from '../../../src/features/supervision/supervision-repository.js';
import { concernId as concernDocId } from '../../../src/features/concerns/concerns-repository.js';
import { collections } from '../../../src/storage/collections.js';
import { tenantDocId } from '../../../src/storage/documents.js';
import type { PersonDoc, Role } from '../../../src/storage/people-repository.js';
import { cardTexts, type E2E, TENANT, type TestUser } from '../../e2e/harness.js';
import {
  ROLES,
  type RoleName,
  type World,
  MINUTE,
  exec,
  matrixConcernReceivers,
  isCard,
  checkinAnswers,
  announcement,
  booking,
  eventInput,
} from './kit.js';

/** Starts the service and writes the set-up straight to the repositories. */
export async function buildWorld(e2e: E2E): Promise<World> {
  e2e.clock.set(new Date('2025-02-10T09:00:00Z'));
  await e2e.start({ DASHBOARD_DEV_LOGIN: 'true' });
  const now = new Date();
  const { cohorts, people, supervisions } = e2e.services;
  const calendar = {
    weeks: 6,
    clinicalDays: ['Mon', 'Tue'],
    leadershipDays: ['Wed', 'Thu', 'Fri'],
    nonPlacementDates: [],
    supervision: { weekday: 'Thu', time: '14:00' },
    timeZone: 'Europe/London',
    teamsChannelId: null,
  };
  const { id: cohortA } = await cohorts.upsertByName(
    TENANT,
    { name: 'Matrix cohort A', startDate: '2025-02-03', ...calendar } as never,
    now,
  );
  const { id: cohortB } = await cohorts.upsertByName(
    TENANT,
    { name: 'Matrix cohort B', startDate: '2025-02-03', ...calendar } as never,
    now,
  );
  const spec: Record<Exclude<RoleName, 'unknown'>, { roles: Role[]; cohortId: string | null }> = {
    student: { roles: ['student'], cohortId: cohortA },
    supervisorOfStudent: { roles: ['supervisor'], cohortId: cohortA },
    otherSupervisor: { roles: ['supervisor'], cohortId: cohortB },
    ahpHost: { roles: ['ahp-host'], cohortId: null },
    leadOfCohort: { roles: ['lead'], cohortId: cohortA },
    leadOfOtherCohort: { roles: ['lead'], cohortId: cohortB },
    admin: { roles: ['admin'], cohortId: null },
  };
  const users = Object.fromEntries(
    ROLES.map((r) => [
      r,
      {
        id: `29:matrix-${r}`,
        aadObjectId: `aad-matrix-${r}`,
        name: `Matrix ${r}`,
        email: `matrix.${r.toLowerCase()}@example.nhs.uk`,
      },
    ]),
  ) as Record<RoleName, TestUser>;
  const principals = { unknown: null } as Record<RoleName, PersonDoc | null>;
  for (const [role, s] of Object.entries(spec) as [
    Exclude<RoleName, 'unknown'>,
    (typeof spec)['student'],
  ][]) {
    await people.upsertByEmail(
      TENANT,
      {
        email: users[role].email!,
        displayName: users[role].name,
        roles: s.roles,
        profession: 'physiotherapy',
        cohortId: s.cohortId,
        timeZone: null,
      },
      now,
    );
    principals[role] = (await people.byEmail(TENANT, users[role].email!))!;
  }
  for (const u of Object.values(users)) e2e.teamsUser(u);
  const otherStudent = 'matrix.other.student@example.nhs.uk';
  await people.upsertByEmail(
    TENANT,
    {
      email: otherStudent,
      displayName: 'Other Student',
      roles: ['student'],
      profession: 'physiotherapy',
      cohortId: cohortB,
      timeZone: null,
    },
    now,
  );
  await supervisions.link(TENANT, principals.student!._id, principals.supervisorOfStudent!._id, now);
  await supervisions.link(
    TENANT,
    (await people.byEmail(TENANT, otherStudent))!._id,
    principals.otherSupervisor!._id,
    now,
  );
  for (const u of Object.values(users)) await e2e.post(e2e.install(u));
  const student = principals.student!;
  const host = principals.ahpHost!;

  // The AHP host's directory entry, and ten free slots on Wednesday for students to book.
  const { conversations, checkins, reflections, surveys } = e2e.services;
  await conversations.hosts.upsertByEmail(
    TENANT,
    {
      email: users.ahpHost.email!,
      displayName: users.ahpHost.name,
      profession: 'dietetics',
      roleType: 'research',
      bio: 'Research dietitian.',
      location: 'online',
      weeklyCap: 20,
      personId: host._id,
    },
    now,
  );
  const hostDocId = (await conversations.hosts.byPersonId(TENANT, host._id))!._id;
  await conversations.publishSlots(TENANT, host, {
    pubDate: '2025-02-12',
    pubTime: '10:00',
    pubCount: '10',
    pubBuffer: '0',
    pubWeeks: '1',
  });
  const today = e2e.clock.now();
  const freeSlots = await conversations.repo.openSlots(
    TENANT,
    today,
    new Date(today.getTime() + 7 * 24 * 60 * MINUTE),
    hostDocId,
  );
  assert.equal(freeSlots.length, 10);

  // The student's week 1 check-in (for supervisors and leads to act on).
  assert.ok(isCard(await checkins.submit(TENANT, student, checkinAnswers(1))));

  // Two reflections by the student: one private, one shared with their supervisor.
  const reflection = (flowId: string, shared: boolean) => ({
    _id: reflectionId(TENANT, student._id, flowId),
    personId: student._id,
    cohortId: cohortA,
    flowId,
    model: 'what-so-what' as const,
    answers: { what: 'Led the safety huddle.', soWhat: 'People spoke up.', nowWhat: 'Run it weekly.' },
    linkId: null,
    standards: ['9'],
    pillars: ['leadership'],
    topic: 'other',
    standardsVersion: CURRENT_HCPC_CATALOGUE.version,
    shared,
    sharedAt: shared ? now : null,
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  await reflections.repo.insertReflection(TENANT, reflection('matrix-private', false));
  await reflections.repo.insertReflection(TENANT, reflection('matrix-shared', true));

  // An open, named survey run for cohort A.
  const { run } = await surveys.scheduleRun(TENANT, principals.admin!, {
    requestId: 'matrix-open-run',
    definitionId: 'weekly-pulse',
    cohortId: cohortA,
    opensOn: '2025-02-07',
    closesOn: '2025-03-14',
    anonymous: false,
    remind: false,
  });
  assert.equal(surveys.status(run), 'open');

  const world: World = {
    e2e,
    users,
    principals,
    cohortA,
    cohortB,
    studentId: student._id,
    supervisorIds: [principals.supervisorOfStudent!._id],
    hostDocId,
    freeSlots,
    privateReflectionId: reflectionId(TENANT, student._id, 'matrix-private'),
    sharedReflectionId: reflectionId(TENANT, student._id, 'matrix-shared'),
    surveyRunId: run._id,
    announcementId: '',
    audienceIds: [],
    pastBookingId: '',
    projectId: '',
    presentationAudience: [],
    spareStudentId: '',
    actionId: '',
    escalationId: '',
    teammateId: '',
    peerReflectionId: '',
    workshopId: '',
    eventId: '',
    startedEventId: '',
    concernId: '',
  };
  // A sent announcement to cohort A (its members: the student and the supervisor attached
  // to the cohort), and a conversation that took place an hour ago.
  world.announcementId = await announcement(world, 'sent');
  world.audienceIds = (await e2e.services.announcements.repo.byId(TENANT, world.announcementId))!.audience;
  assert.deepEqual([...world.audienceIds].sort(), [student._id, principals.supervisorOfStudent!._id].sort());
  world.pastBookingId = await booking(world, -60 * MINUTE);

  // A project of the student's, supervised by their supervisor, whose presentation ended an
  // hour ago; an earlier rating is on it (seeded). A spare student of cohort A for create probes.
  const { projects } = e2e.services;
  const created = await projects.create(TENANT, principals.leadOfCohort!, {
    requestId: 'matrix-project',
    cohortId: cohortA,
    title: 'Matrix project',
    clinicalTeam: 'Ward 7',
    studentIds: student._id,
    supervisorIds: principals.supervisorOfStudent!._id,
  });
  assert.ok(cardTexts(created).includes('Matrix project'), JSON.stringify(created));
  world.projectId = tenantDocId(TENANT, 'project', 'matrix-project');
  const startsAt = new Date(e2e.clock.now().getTime() - 2 * 60 * MINUTE);
  await projects.repo.setPresentation(
    TENANT,
    world.projectId,
    {
      date: '2025-02-10',
      time: '07:00',
      startsAt,
      minutes: 60,
      teamsLink: 'https://teams.microsoft.com/l/x',
      feedbackRequestedAt: null,
    },
    now,
  );
  world.presentationAudience = [principals.supervisorOfStudent!._id, host._id, student._id];
  for (const personId of world.presentationAudience)
    await projects.repo.insertAttendee(TENANT, {
      _id: tenantDocId(TENANT, 'projatt', world.projectId, personId),
      projectId: world.projectId,
      personId,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    });
  await projects.repo.insertFeedback(TENANT, {
    _id: tenantDocId(TENANT, 'projfb', world.projectId, 'seeded-rater'),
    projectId: world.projectId,
    raterId: 'seeded-rater',
    rating: 5,
    comment: 'Seeded',
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  await people.upsertByEmail(
    TENANT,
    {
      email: 'matrix.spare.student@example.nhs.uk',
      displayName: 'Spare Student',
      roles: ['student'],
      profession: 'occupational therapy',
      cohortId: cohortA,
      timeZone: null,
    },
    now,
  );
  world.spareStudentId = (await people.byEmail(TENANT, 'matrix.spare.student@example.nhs.uk'))!._id;
  // A session the supervisor recorded, with one action for the student.
  const recorded = await e2e.services.supervision.recordSession(TENANT, principals.supervisorOfStudent!, {
    requestId: 'matrix-setup',
    attendees: student._id,
    date: '2025-02-06',
    minutes: '30',
    kind: 'individual',
    notes: '',
    action1Text: 'Draft the stakeholder map',
    action1Owner: student._id,
    action1Due: '2025-02-13',
  });
  assert.ok(cardTexts(recorded).includes('Supervision recorded'), JSON.stringify(recorded));
  const actions = await e2e.services.supervision.repo.ofCohort(TENANT, cohortA);
  assert.equal(actions.length, 1);
  world.actionId = actions[0]!._id;
  // An escalation episode about the student (as the escalation job starts one).
  world.escalationId = escalationId(TENANT, student._id, 'missed', 1);
  assert.ok(
    await e2e.services.supervision.repo.startEpisode(TENANT, {
      _id: world.escalationId,
      studentId: student._id,
      cohortId: cohortA,
      kind: 'missed',
      startWeek: 1,
      weeks: [1, 2],
      notified: 1,
      endedAt: null,
      schemaVersion: 1,
      createdAt: now,
      updatedAt: now,
    }),
  );

  // The trust's Freedom to Speak Up guardian (in the directory, not one of the roles above),
  // and an anonymous concern the student raised over HTTP: it goes to cohort A's lead and
  // the guardian, not to the student's supervisor.
  await people.upsertByEmail(
    TENANT,
    {
      email: 'matrix.guardian@example.nhs.uk',
      displayName: 'Matrix guardian',
      roles: ['ahp-host'],
      profession: 'nursing',
      cohortId: null,
      timeZone: null,
    },
    now,
  );
  const guardian = (await people.byEmail(TENANT, 'matrix.guardian@example.nhs.uk'))!;
  await e2e.services.conversations.hosts.upsertByEmail(
    TENANT,
    {
      email: guardian.email,
      displayName: guardian.displayName,
      profession: 'nursing',
      roleType: 'FTSU guardian',
      bio: '',
      location: 'online',
      weeklyCap: 0,
      personId: guardian._id,
    },
    now,
  );
  await exec(world, 'student', 'concern.submit', {
    requestId: 'matrix-world-concern',
    topic: 'conduct',
    text: 'Matrix world concern.',
    anonymous: 'true',
  });
  world.concernId = concernDocId(TENANT, 'matrix-world-concern');
  const worldConcern = await e2e.services.database.db
    .collection(collections.concerns.name)
    .findOne({ _id: world.concernId } as never);
  assert.deepEqual(
    [...(worldConcern?.receiverIds ?? [])].sort(),
    [principals.leadOfCohort!._id, guardian._id].sort(),
  );
  matrixConcernReceivers.set(world.concernId, worldConcern!.receiverIds);

  // The student's teammate on the matrix project shares a reflection with the project team;
  // a workshop prompt is posted to cohort A.
  await people.upsertByEmail(
    TENANT,
    {
      email: 'matrix.teammate@example.nhs.uk',
      displayName: 'Matrix teammate',
      roles: ['student'],
      profession: 'occupational therapy',
      cohortId: cohortA,
      timeZone: null,
    },
    now,
  );
  const teammate = (await people.byEmail(TENANT, 'matrix.teammate@example.nhs.uk'))!;
  world.teammateId = teammate._id;
  await projects.repo.insertMember(TENANT, {
    _id: tenantDocId(TENANT, 'projmember', 'student', cohortA, teammate._id),
    projectId: world.projectId,
    cohortId: cohortA,
    personId: teammate._id,
    role: 'student',
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  world.peerReflectionId = reflectionId(TENANT, teammate._id, 'matrix-peer');
  await reflections.repo.insertReflection(TENANT, {
    ...reflection('matrix-peer', false),
    _id: world.peerReflectionId,
    personId: teammate._id,
    peerShare: 'project',
    peerSharedAt: now,
  });
  world.workshopId = tenantDocId(TENANT, 'rworkshop', 'matrix-workshop');
  await reflections.repo.insertWorkshop(TENANT, {
    _id: world.workshopId,
    cohortId: cohortA,
    prompt: 'What did you learn this week?',
    schemaVersion: 1,
    createdAt: now,
    updatedAt: now,
  });
  // A placement event for cohort A created by its lead (its students are invited), and one that started an hour ago (set up through the
  // repository: a new event must be in the future).
  const lead = principals.leadOfCohort!;
  const requestId = randomUUID();
  await e2e.services.events.create(TENANT, lead, eventInput(world, requestId));
  world.eventId = eventDocId(TENANT, requestId);
  assert.ok(
    (await e2e.services.events.repo.invitationsOf(TENANT, world.eventId)).some(
      (i) => i.personId === student._id,
    ),
  );
  const started = (await e2e.services.events.repo.eventById(TENANT, world.eventId))!;
  world.startedEventId = eventDocId(TENANT, randomUUID());
  const eventStartsAt = new Date(today.getTime() - 60 * MINUTE);
  const { tenantId: _t, ...startedDoc } = {
    ...started,
    _id: world.startedEventId,
    date: '2025-02-10',
    startsAt: eventStartsAt,
    endsAt: new Date(eventStartsAt.getTime() + 3 * 60 * MINUTE),
  };
  await e2e.services.events.repo.insertEvent(TENANT, startedDoc);
  await e2e.services.events.repo.invite(
    TENANT,
    { ...started, ...startedDoc, tenantId: TENANT },
    [student._id],
    now,
  );
  return world;
}
