/** Authorisation-matrix rows: projects, peer reflection, placement events and "my placement". */
import { randomUUID } from 'node:crypto';
import { eventId as eventDocId } from '../../../src/features/events/events-repository.js';
import { collections } from '../../../src/storage/collections.js';
import { tenantDocId } from '../../../src/storage/documents.js';
import { cardTexts, firstCard, TENANT } from '../../e2e/harness.js';
import {
  type Row,
  CHANNEL,
  leads,
  pid,
  studentTarget,
  cohortA,
  projectTarget,
  exec,
  texts,
  eventInput,
  lastPersonalReply,
} from './kit.js';

export const projectsPeerRows: Row[] = [
  // ---------------------------------------------------------------- projects
  {
    action: 'project.create',
    target: cohortA,
    allow: ['supervisorOfStudent', 'leadOfCohort', 'admin'],
    // Each tries to create a project for the spare student; a created one is removed again.
    probe: async (w, role) => {
      const repo = w.e2e.services.projects.repo;
      const requestId = `matrix-create-${role}`;
      await exec(w, role, 'project.create', {
        requestId,
        cohortId: w.cohortA,
        title: `Project by ${role}`,
        clinicalTeam: 'Ward 7',
        studentIds: w.spareStudentId,
        supervisorIds: '',
      });
      const id = tenantDocId(TENANT, 'project', requestId);
      const created = (await repo.project(TENANT, id)) !== null;
      for (const m of await repo.membersOf(TENANT, id)) await repo.removeMember(TENANT, m._id);
      await repo.deleteProject(TENANT, id);
      return created;
    },
  },
  {
    action: 'project.view',
    target: (w) => projectTarget(w),
    allow: ['student', 'supervisorOfStudent', 'leadOfCohort', 'admin'],
    probe: async (w, role) =>
      texts(await exec(w, role, 'project.view', { projectId: w.projectId })).includes('Matrix project'),
  },
  {
    action: 'project.manage',
    target: (w) => projectTarget(w),
    allow: ['supervisorOfStudent', 'leadOfCohort', 'admin'],
    // Each tries to remove a milestone seeded for it (members propose them; managers remove them).
    probe: async (w, role) => {
      const repo = w.e2e.services.projects.repo;
      const id = tenantDocId(TENANT, 'projms', w.projectId, `matrix-rm-${role}`);
      const now = w.e2e.clock.now();
      await repo.insertMilestone(TENANT, {
        _id: id,
        projectId: w.projectId,
        title: `To remove, ${role}`,
        date: '2025-02-20',
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      await exec(w, role, 'project.milestone.remove', { projectId: w.projectId, milestoneId: id });
      const removed = (await repo.milestone(TENANT, id)) === null;
      await repo.deleteMilestone(TENANT, id);
      return removed;
    },
  },
  {
    action: 'project.contribute',
    target: (w) => projectTarget(w),
    allow: ['student', 'supervisorOfStudent', 'leadOfCohort', 'admin'],
    // Each proposes a milestone (an update is the students' own: the e2e test covers it).
    probe: async (w, role) => {
      const requestId = `matrix-ms-${role}`;
      await exec(w, role, 'project.milestone.add', {
        projectId: w.projectId,
        requestId,
        title: `Milestone by ${role}`,
        date: '2025-02-20',
      });
      const id = tenantDocId(TENANT, 'projms', w.projectId, requestId);
      const repo = w.e2e.services.projects.repo;
      const added = (await repo.milestone(TENANT, id)) !== null;
      await repo.deleteMilestone(TENANT, id);
      return added;
    },
  },
  {
    action: 'project.feedback.give',
    target: (w) => ({ ...projectTarget(w), audienceIds: w.presentationAudience }),
    allow: ['supervisorOfStudent', 'ahpHost'],
    probe: async (w, role) => {
      await exec(w, role, 'project.feedback', {
        projectId: w.projectId,
        rating: '4',
        comment: `From ${role}`,
      });
      const feedback = await w.e2e.services.projects.repo.feedbackOf(TENANT, w.projectId);
      return feedback.some((f) => f.raterId === pid(w, role) && f.comment === `From ${role}`);
    },
  },
  {
    action: 'project.feedback.view',
    target: (w) => projectTarget(w),
    allow: ['student', 'supervisorOfStudent', 'leadOfCohort', 'admin'],
    // A rating is on the project (seeded): who sees it on the project card.
    probe: async (w, role) =>
      texts(await exec(w, role, 'project.view', { projectId: w.projectId })).some((t) =>
        t.startsWith('Presentation feedback:'),
      ),
  },
  // ---------------------------------------------------------------- peer reflection
  {
    action: 'reflection.peer.share',
    target: (w) => ({ studentId: w.studentId }),
    allow: ['student'],
    // Everyone tries to share the student's private reflection with their cohort.
    probe: async (w, role) => {
      const repo = w.e2e.services.reflections.repo;
      await repo.updateReflection(
        TENANT,
        w.privateReflectionId,
        { peerShare: null, peerSharedAt: null },
        new Date(),
      );
      await exec(w, role, 'reflection.peer.share', {
        reflectionId: w.privateReflectionId,
        peerShare: 'cohort',
      });
      return (await repo.reflection(TENANT, w.privateReflectionId))!.peerShare === 'cohort';
    },
  },
  {
    action: 'reflection.peer.view',
    target: (w) => ({ studentId: w.teammateId, cohortId: w.cohortA, peerIds: [w.studentId] }),
    allow: ['student'],
    // The teammate's reflection, shared with the project team: who can open it.
    probe: async (w, role) =>
      texts(await exec(w, role, 'reflection.view', { reflectionId: w.peerReflectionId })).includes(
        'Shared with your project team by Matrix teammate',
      ),
  },
  {
    action: 'reflection.peer.reply',
    target: (w) => ({ studentId: w.teammateId, cohortId: w.cohortA, peerIds: [w.studentId] }),
    allow: ['student'],
    probe: async (w, role) => {
      await exec(w, role, 'reflection.peer.reply', {
        reflectionId: w.peerReflectionId,
        nonce: `matrix-reply-${role}`,
        reply: `A reply from ${role}`,
      });
      const replies = await w.e2e.services.reflections.repo.peerRepliesOn(TENANT, w.peerReflectionId);
      return replies.some((r) => r.replierId === pid(w, role));
    },
  },
  {
    action: 'reflection.workshop.post',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      await w.e2e.services.database.db
        .collection(collections.cohorts.name)
        .updateOne({ _id: w.cohortA } as never, { $set: { teamsChannelId: CHANNEL } });
      w.e2e.services.cohorts.forget(TENANT, w.cohortA);
      const requestId = `matrix-workshop-${role}`;
      await exec(w, role, 'reflection.workshop.post', {
        requestId,
        cohortId: w.cohortA,
        prompt: `Prompt by ${role}`,
      });
      return (
        (await w.e2e.services.reflections.repo.workshop(
          TENANT,
          tenantDocId(TENANT, 'rworkshop', requestId),
        )) !== null
      );
    },
  },
  {
    action: 'reflection.workshop.reply',
    target: cohortA,
    allow: ['student'],
    probe: async (w, role) => {
      await exec(w, role, 'reflection.workshop.reply', {
        workshopId: w.workshopId,
        reply: `Reply by ${role}`,
      });
      const mine = await w.e2e.services.reflections.repo.reflectionsOf(TENANT, pid(w, role));
      return mine.some((r) => r.workshopId === w.workshopId);
    },
  },
  {
    action: 'event.manage',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const requestId = randomUUID();
      await exec(w, role, 'event.create', eventInput(w, requestId));
      return (await w.e2e.services.events.repo.eventById(TENANT, eventDocId(TENANT, requestId))) !== null;
    },
  },
  {
    action: 'event.rsvps.view',
    target: cohortA,
    allow: leads,
    // The RSVP card (counts and names of who is going).
    probe: async (w, role) =>
      texts(await exec(w, role, 'event.status', { eventId: w.eventId })).some((t) =>
        /^RSVPs: \d+ invited$/.test(t),
      ),
  },
  {
    action: 'event.attendance.record',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const repo = w.e2e.services.events.repo;
      await repo.invitations(TENANT).updateMany({ eventId: w.startedEventId }, { $set: { attended: null } });
      await exec(w, role, 'event.attendance.save', { eventId: w.startedEventId, attended: w.studentId });
      return (await repo.invitation(TENANT, w.startedEventId, w.studentId))?.attended === true;
    },
  },
  {
    action: 'event.rsvp',
    target: (w) => ({ cohortId: w.cohortA, audienceIds: [w.studentId] }),
    allow: ['student'],
    probe: async (w, role) => {
      const repo = w.e2e.services.events.repo;
      await repo.invitations(TENANT).updateMany({ eventId: w.eventId }, { $set: { rsvp: null } });
      await exec(w, role, 'event.rsvp', { eventId: w.eventId, rsvp: 'yes' });
      return (await repo.invitationsOf(TENANT, w.eventId)).some((i) => i.rsvp === 'yes');
    },
  },
  {
    action: 'event.invitations.view.self',
    target: studentTarget,
    allow: ['student'],
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'events');
      return replies.some((a) => cardTexts(firstCard(a)).includes('Your placement events'));
    },
  },
  {
    action: 'placement.view.self',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'my placement');
      return replies.some((a) => cardTexts(firstCard(a)).includes('Your placement'));
    },
  },
];
