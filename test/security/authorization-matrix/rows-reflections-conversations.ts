/** Authorisation-matrix rows: reflections and 20-minute conversations. */
import { draftId } from '../../../src/features/reflections/reflections-repository.js';
import { journeyShareId } from '../../../src/features/reflections/reflections-repository.js';
import { collections } from '../../../src/storage/collections.js';
import { cardTexts, firstCard, TENANT } from '../../e2e/harness.js';
import {
  ROLES,
  type Row,
  leads,
  MINUTE,
  pid,
  studentTarget,
  cohortA,
  exec,
  texts,
  openUrls,
  open,
  booking,
  lastPersonalReply,
} from './kit.js';

export const reflectionsConversationsRows: Row[] = [
  // ---------------------------------------------------------------- reflections
  {
    action: 'reflection.write.self',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    probe: async (w, role) => {
      const flowId = `matrix-flow-${role}`;
      await exec(w, role, 'reflection.start', { flowId, model: 'gibbs', topic: 'other' });
      return (
        (await w.e2e.services.reflections.repo.draft(TENANT, draftId(TENANT, pid(w, role), flowId))) !== null
      );
    },
  },
  {
    action: 'reflection.manage.self',
    target: (w) => ({ studentId: w.studentId }),
    allow: ['student'],
    // Everyone tries to share the student's private reflection.
    probe: async (w, role) => {
      const repo = w.e2e.services.reflections.repo;
      await repo.updateReflection(
        TENANT,
        w.privateReflectionId,
        { shared: false, sharedAt: null },
        new Date(),
      );
      await exec(w, role, 'reflection.share', { reflectionId: w.privateReflectionId, share: 'true' });
      return (await repo.reflection(TENANT, w.privateReflectionId))!.shared;
    },
  },
  {
    action: 'reflection.shared.view',
    target: (w) => ({ ...studentTarget(w), shared: true }),
    allow: ['supervisorOfStudent'],
    // The supervisor's view of a shared reflection (the author's own view has no byline).
    probe: async (w, role) =>
      texts(await exec(w, role, 'reflection.view', { reflectionId: w.sharedReflectionId })).some((t) =>
        t.includes('Shared by Matrix student'),
      ),
  },
  {
    action: 'reflection.feedback',
    target: (w) => ({ ...studentTarget(w), shared: true }),
    allow: ['supervisorOfStudent'],
    probe: async (w, role) => {
      await exec(w, role, 'reflection.feedback', {
        reflectionId: w.sharedReflectionId,
        nonce: `matrix-${role}`,
        feedback: 'Thoughtful: link it to SOP 9 next time.',
      });
      const feedback = await w.e2e.services.reflections.repo.feedbackOn(TENANT, [w.sharedReflectionId]);
      return feedback.some((f) => f.supervisorId === pid(w, role));
    },
  },
  {
    action: 'journey.export.self',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'export my journey');
      const url = openUrls(firstCard(replies.at(-1)))[0];
      return !!url && (await open(w, url)) === 200;
    },
  },
  {
    action: 'journey.export.supervised',
    target: studentTarget,
    allow: ['supervisorOfStudent'],
    // Only the supervisor's export ("…'s shared reflections"); the student's own is journey.export.self.
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, `export journey ${w.users.student.email}`);
      const card = firstCard(replies.at(-1));
      const url = openUrls(card)[0];
      return (
        cardTexts(card).some((t) => t.includes('shared reflections')) && !!url && (await open(w, url)) === 200
      );
    },
  },
  {
    action: 'journey.share',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    probe: async (w, role) => {
      const nonce = `matrix-share-${role}`;
      await exec(w, role, 'journey.share', { nonce, assessorEmail: 'assessor.matrix@uni.example.ac.uk' });
      const share = await w.e2e.services.reflections.repo.journeyShare(
        TENANT,
        journeyShareId(TENANT, pid(w, role), nonce),
      );
      return share !== null;
    },
  },
  {
    action: 'journey.share.revoke',
    // The share is the student's own: only they may stop it.
    target: (w) => ({ studentId: w.studentId }),
    allow: ['student'],
    probe: async (w, role) => {
      const now = w.e2e.clock.now();
      const { share } = await w.e2e.services.reflections.repo.insertJourneyShare(TENANT, {
        _id: journeyShareId(TENANT, w.studentId, `matrix-revoke-${role}`),
        studentId: w.studentId,
        assessorEmail: 'assessor.matrix@uni.example.ac.uk',
        assessorName: null,
        assessorId: null,
        includeCheckins: false,
        expiresAt: new Date(now.getTime() + 14 * 24 * 60 * MINUTE),
        revokedAt: null,
        schemaVersion: 1,
        createdAt: now,
        updatedAt: now,
      });
      await exec(w, role, 'journey.share.revoke', { shareId: share._id });
      return (await w.e2e.services.reflections.repo.journeyShare(TENANT, share._id))?.revokedAt != null;
    },
  },
  {
    action: 'reflection.prompts.configure',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const time = `18:${String(ROLES.indexOf(role)).padStart(2, '0')}`;
      await exec(w, role, 'reflection.schedule', { cohortId: w.cohortA, after: 'off', time });
      return (await w.e2e.services.reflections.repo.schedule(TENANT, w.cohortA))?.time === time;
    },
  },

  // ---------------------------------------------------------------- 20-minute conversations
  {
    action: 'conversation.book',
    target: (w, role) => ({ studentId: w.principals[role]?._id }),
    allow: ['student'],
    // Each person tries a different free slot, so a refusal is never "just taken".
    probe: async (w, role) => {
      const slot = w.freeSlots[ROLES.indexOf(role)]!;
      await exec(w, role, 'conv.book', {
        slotId: slot._id,
        hostId: w.hostDocId,
        startsAt: slot.startsAt.toISOString(),
      });
      const bookings = await w.e2e.services.conversations.repo.byStudent(TENANT, pid(w, role));
      return bookings.some((b) => b.slotId === slot._id && b.state === 'booked');
    },
  },
  {
    action: 'conversation.booking.change',
    target: (w) => ({ studentId: w.studentId, hostId: w.principals.ahpHost!._id, cohortId: w.cohortA }),
    allow: ['student', 'ahpHost'],
    // Cancelling (moving is the same check) a fresh booking of tomorrow each time.
    probe: async (w, role) => {
      const id = await booking(w, 24 * 60 * MINUTE);
      await exec(w, role, 'conv.cancel', { bookingId: id });
      return (await w.e2e.services.conversations.repo.bookingById(TENANT, id))!.state === 'cancelled';
    },
  },
  {
    action: 'conversation.outcome.record',
    target: (w) => ({ studentId: w.studentId, hostId: w.principals.ahpHost!._id, cohortId: w.cohortA }),
    allow: ['ahpHost'],
    probe: async (w, role) => {
      const id = await booking(w, -60 * MINUTE);
      await exec(w, role, 'conv.held', { bookingId: id, rating: '5' });
      return (await w.e2e.services.conversations.repo.bookingById(TENANT, id))!.state === 'held';
    },
  },
  {
    action: 'conversation.note',
    target: (w) => ({ studentId: w.studentId, hostId: w.principals.ahpHost!._id, cohortId: w.cohortA }),
    allow: ['student'],
    probe: async (w, role) => {
      const note = `Learnt how the dietetics team audits, noted by ${role}.`;
      await exec(w, role, 'conv.note.save', { bookingId: w.pastBookingId, note });
      return (await w.e2e.services.conversations.repo.bookingById(TENANT, w.pastBookingId))!.note === note;
    },
  },
  {
    action: 'conversation.host.offer',
    target: (w, role) => ({ hostId: w.principals[role]?._id }),
    allow: ['ahpHost'],
    probe: async (w, role) => {
      const pubDate = `2025-03-${String(3 + ROLES.indexOf(role)).padStart(2, '0')}`;
      await exec(w, role, 'conv.slots.publish', {
        pubDate,
        pubTime: '11:00',
        pubCount: '1',
        pubBuffer: '0',
        pubWeeks: '1',
      });
      const slots = w.e2e.services.database.db.collection(collections.conversationSlots.name);
      return (
        (await slots.countDocuments({ tenantId: TENANT, hostPersonId: pid(w, role) })) > 0 &&
        (await slots.countDocuments({
          tenantId: TENANT,
          hostPersonId: pid(w, role),
          startsAt: new Date(`${pubDate}T11:00:00Z`),
        })) === 1
      );
    },
  },
  {
    action: 'conversation.cohort.report',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const replies = await lastPersonalReply(w, role, 'conversations report');
      return replies.some((a) => cardTexts(firstCard(a)).includes('Matrix cohort A'));
    },
  },
];
