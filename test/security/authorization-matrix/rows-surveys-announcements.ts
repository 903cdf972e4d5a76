/** Authorisation-matrix rows: surveys and announcements. */
import assert from 'node:assert/strict';
import { collections } from '../../../src/storage/collections.js';
import { tenantDocId } from '../../../src/storage/documents.js';
import { cardTexts, TENANT } from '../../e2e/harness.js';
import {
  type Row,
  leads,
  pid,
  cohortA,
  exec,
  isCard,
  texts,
  announcementInput,
  announcement,
} from './kit.js';

export const surveysAnnouncementsRows: Row[] = [
  // ---------------------------------------------------------------- surveys
  {
    action: 'survey.respond',
    target: cohortA,
    allow: ['student'],
    probe: async (w, role) => {
      await exec(w, role, 'survey.submit', {
        surveyRunId: w.surveyRunId,
        'week-rating': '4',
        workload: 'about-right',
        supported: '5',
      });
      const { surveys } = w.e2e.services;
      return (
        (await surveys.repo.responseById(TENANT, surveys.responseId(TENANT, w.surveyRunId, pid(w, role)))) !==
        null
      );
    },
  },
  {
    action: 'survey.run.manage',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const requestId = `matrix-run-${role}`;
      await exec(w, role, 'survey.schedule', {
        requestId,
        definitionId: 'weekly-pulse',
        cohortId: w.cohortA,
        opensOn: '2025-02-17',
        opensWeek: 'date',
        closesOn: '2025-02-21',
        anonymous: 'true',
        remind: 'false',
      });
      const scheduled =
        (await w.e2e.services.surveys.repo.runById(TENANT, tenantDocId(TENANT, 'srun', requestId))) !== null;
      // Writing a survey of one's own (`survey.template.save`, kept for the whole tenant): anyone
      // who runs surveys for some cohort (a lead of any cohort, an admin).
      const title = `Matrix own survey ${role}`;
      await exec(w, role, 'survey.template.save', { title, questions: 'scale: How was it?' });
      const saved = (await w.e2e.services.surveys.repo.templatesOf(TENANT)).some(
        (t) => t.definition.title === title,
      );
      assert.equal(
        saved,
        ['leadOfCohort', 'leadOfOtherCohort', 'admin'].includes(role),
        `survey.template.save as ${role}`,
      );
      return scheduled;
    },
  },
  {
    action: 'survey.results.view',
    target: cohortA,
    allow: leads,
    // The results card, and the CSV link's own check: they must agree.
    probe: async (w, role) => {
      const card = await exec(w, role, 'survey.results', { surveyRunId: w.surveyRunId });
      const shown = isCard(card) && cardTexts(card).includes('Weekly pulse');
      const token = w.e2e.services.surveys.exportToken(TENANT, pid(w, role), w.surveyRunId, {});
      const res = await fetch(`${w.e2e.baseUrl}/surveys/export?token=${encodeURIComponent(token)}`);
      await res.text();
      // 409: allowed, but fewer responses than the minimum group size.
      assert.equal(res.status !== 403, shown, `CSV export for ${role}: ${res.status}`);
      return shown;
    },
  },
  {
    action: 'survey.run.close',
    target: cohortA,
    allow: leads,
    // Each role tries to cancel a run of cohort A of its own (scheduled for it here).
    probe: async (w, role) => {
      const { surveys } = w.e2e.services;
      const { run } = await surveys.scheduleRun(TENANT, w.principals.admin!, {
        requestId: `matrix-close-${role}`,
        definitionId: 'weekly-pulse',
        cohortId: w.cohortA,
        opensOn: '2025-03-03',
        closesOn: '2025-03-07',
        anonymous: true,
        remind: false,
      });
      await exec(w, role, 'survey.cancel', { surveyRunId: run._id, confirm: 'yes' });
      return surveys.status((await surveys.repo.runById(TENANT, run._id))!) === 'cancelled';
    },
  },
  {
    action: 'survey.comments.review',
    target: cohortA,
    allow: leads,
    // The private card of comments held back from the shared results.
    probe: async (w, role) =>
      texts(await exec(w, role, 'survey.comments', { surveyRunId: w.surveyRunId })).some((t) =>
        t.startsWith('Held-back comments: '),
      ),
  },
  {
    action: 'survey.insight.view',
    target: cohortA,
    allow: leads,
    probe: async (w, role) =>
      texts(await exec(w, role, 'survey.insight', {})).some((t) => t.includes('Matrix cohort A')),
  },

  {
    action: 'survey.insight.compare',
    // Cohort A vs cohort B: only someone who leads both (here: the admin; a lead of both is
    // checked in 'leads of several cohorts' below).
    target: (w) => ({ cohortIds: [w.cohortA, w.cohortB] }),
    allow: ['admin'],
    probe: async (w, role) =>
      texts(await exec(w, role, 'survey.compare', { cohortIds: `${w.cohortA},${w.cohortB}` })).includes(
        'Confidence: Matrix cohort B vs Matrix cohort A',
      ),
  },

  // ---------------------------------------------------------------- announcements
  {
    action: 'announcement.compose',
    target: cohortA,
    allow: leads,
    // The preview stores a draft by its author for the chosen cohort.
    probe: async (w, role) => {
      await exec(w, role, 'announcement.preview', announcementInput(w, 'now'));
      const drafts = w.e2e.services.database.db.collection(collections.announcements.name);
      return (
        (await drafts.countDocuments({
          tenantId: TENANT,
          authorId: pid(w, role),
          cohortId: w.cohortA,
          state: 'draft',
        })) > 0
      );
    },
  },
  {
    action: 'announcement.send',
    target: cohortA,
    allow: leads,
    // A fresh draft (to send tomorrow) each time: "Schedule" as that person.
    probe: async (w, role) => {
      const id = await announcement(w, 'draft');
      await exec(w, role, 'announcement.send', { announcementId: id });
      return (await w.e2e.services.announcements.repo.byId(TENANT, id))!.state === 'scheduled';
    },
  },
  {
    action: 'announcement.edit',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const title = `Room change (${role})`;
      await exec(w, role, 'announcement.update', {
        announcementId: w.announcementId,
        title,
        body: 'Group supervision moves to room 5.',
        linkUrl: '',
        imageUrl: '',
        importance: 'normal',
      });
      return (
        (await w.e2e.services.announcements.repo.byId(TENANT, w.announcementId))!.content.title === title
      );
    },
  },
  {
    action: 'announcement.recall',
    target: cohortA,
    allow: leads,
    probe: async (w, role) => {
      const id = await announcement(w, 'sent');
      await exec(w, role, 'announcement.recall', { announcementId: id });
      return (await w.e2e.services.announcements.repo.byId(TENANT, id))!.state === 'recalled';
    },
  },
  {
    action: 'announcement.resend',
    target: cohortA,
    allow: leads,
    // A fresh sent announcement each time: "Resend to those not reached" (round 1) as that person.
    probe: async (w, role) => {
      const id = await announcement(w, 'sent');
      await exec(w, role, 'announcement.resend', { announcementId: id, round: 1 });
      return (await w.e2e.services.announcements.repo.byId(TENANT, id))!.resends === 1;
    },
  },
  {
    action: 'announcement.status.view',
    target: cohortA,
    allow: leads,
    // The live status card (names of who has not acknowledged), by any verb that can show it.
    probe: async (w, role) => {
      const views = await Promise.all(
        ['announcement.status', 'announcement.refresh', 'announcement.change'].map((verb) =>
          exec(w, role, verb, { announcementId: w.announcementId }),
        ),
      );
      const status = views.map((v) => texts(v).includes('Announcement sent'));
      // The per-recipient delivery report is the same decision.
      const delivery = await exec(w, role, 'announcement.delivery', { announcementId: w.announcementId });
      status.push(texts(delivery).includes('Delivery report'));
      assert.ok(
        status.every((s) => s === status[0]),
        `status, refresh and change disagree for ${role}: ${status}`,
      );
      return status[0]!;
    },
  },
  {
    action: 'announcement.acknowledge',
    target: (w) => ({ cohortId: w.cohortA, audienceIds: w.audienceIds }),
    allow: ['student', 'supervisorOfStudent'],
    probe: async (w, role) => {
      await exec(w, role, 'announcement.ack', { announcementId: w.announcementId });
      return (await w.e2e.services.announcements.repo.ackOf(TENANT, w.announcementId, pid(w, role))) !== null;
    },
  },
];
