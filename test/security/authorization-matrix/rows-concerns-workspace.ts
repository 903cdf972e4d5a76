/** Authorisation-matrix rows: concerns and the lead workspace. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FILE_DOWNLOAD_INFO } from '../../../src/features/lead-workspace/teams-file.js';
import { concernId as concernDocId } from '../../../src/features/concerns/concerns-repository.js';
import { CONCERN_REFUSED } from '../../../src/features/concerns/respond-to-concern.js';
import { collections } from '../../../src/storage/collections.js';
import { TENANT } from '../../e2e/harness.js';
import { ROLES, type Row, everyoneKnown, leads, cohortA, exec, concernReceivers, isCard } from './kit.js';

export const concernsWorkspaceRows: Row[] = [
  // ---------------------------------------------------------------- concerns
  {
    action: 'concern.raise',
    target: (w, role) => ({ personId: w.principals[role]?._id }),
    allow: everyoneKnown,
    // Each person sends the form anonymously; the concern is stored for every known person
    // (it goes to their cohort's lead and the trust's FTSU guardian, or the administrators).
    probe: async (w, role) => {
      const requestId = `matrix-concern-${role}`;
      await exec(w, role, 'concern.submit', {
        requestId,
        topic: 'safety',
        text: 'Matrix concern: a fire door is propped open.',
        anonymous: 'true',
      });
      const stored = await w.e2e.services.database.db
        .collection(collections.concerns.name)
        .findOne({ _id: concernDocId(TENANT, requestId) } as never);
      return stored !== null;
    },
  },
  {
    action: 'concern.view',
    target: (w) => ({ audienceIds: concernReceivers(w) }),
    // The card's refresh: only its receivers get the card back.
    allow: ['leadOfCohort'],
    probe: async (w, role) => {
      const value = await exec(w, role, 'concern.view', { concernId: w.concernId });
      if (!isCard(value) && role !== 'unknown') assert.equal(value, CONCERN_REFUSED);
      return isCard(value) && JSON.stringify(value).includes('Matrix world concern.');
    },
  },
  {
    action: 'concern.acknowledge',
    target: (w) => ({ audienceIds: concernReceivers(w) }),
    // Only its receivers (cohort A's lead; the guardian is not one of the roles here): never the
    // student's supervisor, whom the student did not choose to tell, nor another cohort's lead.
    allow: ['leadOfCohort'],
    probe: async (w, role) => {
      const value = await exec(w, role, 'concern.acknowledge', { concernId: w.concernId });
      if (!isCard(value) && role !== 'unknown') assert.equal(value, CONCERN_REFUSED);
      return isCard(value);
    },
  },
  {
    action: 'concern.reply',
    target: (w) => ({ audienceIds: concernReceivers(w) }),
    allow: ['leadOfCohort'],
    probe: async (w, role) => {
      const reply = `Matrix reply from ${role}`;
      await exec(w, role, 'concern.reply', { concernId: w.concernId, reply });
      const stored = await w.e2e.services.database.db
        .collection(collections.concerns.name)
        .findOne({ _id: w.concernId } as never);
      return (stored?.replies ?? []).some((r: { text: string }) => r.text === reply);
    },
  },
  // ---------------------------------------------------------------- lead workspace
  {
    action: 'cohort.create',
    target: () => ({}),
    allow: ['leadOfCohort', 'leadOfOtherCohort', 'admin'],
    // Each person submits the new-cohort card; the cohort exists only for leads and admins.
    probe: async (w, role) => {
      const name = `Matrix new cohort ${role}`;
      await exec(w, role, 'workspace.cohort.save', {
        requestId: `matrix-create-${role}`,
        name,
        startDate: '2026-09-07',
        weeks: '6',
        clinicalDays: 'Mon,Tue',
        leadershipDays: 'Wed,Thu',
        supervisionDay: 'Thu',
        supervisionTime: '14:00',
        timeZone: 'Europe/London',
      });
      const created = await w.e2e.services.cohorts.byName(TENANT, name);
      // Undo it (the creator leads the new cohort), so later rows see the same world.
      const { people, cohorts } = w.e2e.services;
      const before = w.principals[role];
      if (before)
        await people.scope(TENANT).updateOne(
          { _id: before._id },
          {
            $set: {
              cohortId: before.cohortId,
              cohortIds: before.cohortIds ?? (before.cohortId ? [before.cohortId] : []),
              leadCohortIds:
                before.leadCohortIds ??
                (before.roles.includes('lead') && before.cohortId ? [before.cohortId] : []),
            },
          },
        );
      if (created) {
        await w.e2e.services.database.db
          .collection(collections.cohorts.name)
          .deleteOne({ _id: created._id } as never);
        cohorts.forget(TENANT, created._id);
      }
      return created !== null;
    },
  },
  {
    action: 'cohort.manage',
    target: cohortA,
    allow: leads,
    // A non-placement day on cohort A (one date per role), taken off again afterwards.
    probe: async (w, role) => {
      const date = `2025-03-${String(3 + ROLES.indexOf(role)).padStart(2, '0')}`;
      await exec(w, role, 'workspace.cohort.day.add', { cohortId: w.cohortA, date });
      const cohort = (await w.e2e.services.cohorts.byId(TENANT, w.cohortA))!;
      await w.e2e.services.cohorts.removeNonPlacementDates(TENANT, w.cohortA, [date], new Date());
      return cohort.nonPlacementDates.includes(date);
    },
  },
  {
    action: 'cohort.roster.manage',
    target: cohortA,
    allow: leads,
    // Add a student to cohort A; removed again so later rows see the same cohort.
    probe: async (w, role) => {
      const email = `matrix.added.${role.toLowerCase()}@example.nhs.uk`;
      await exec(w, role, 'workspace.student.add', {
        cohortId: w.cohortA,
        email,
        displayName: `Added by ${role}`,
        profession: 'physiotherapy',
        supervisorEmails: '',
      });
      const added = await w.e2e.services.people.byEmail(TENANT, email);
      if (added) await w.e2e.services.people.scope(TENANT).deleteOne({ _id: added._id });
      return added?.cohortId === w.cohortA;
    },
  },
  {
    action: 'roster.upload',
    target: () => ({}),
    allow: ['leadOfCohort', 'leadOfOtherCohort', 'admin'],
    // Each person sends an AHP directory CSV in the personal chat (a Teams file attachment,
    // downloaded from a local stand-in for SharePoint); its host exists only after a lead's or an admin's.
    probe: async (w, role) => {
      const email = `matrix.upload.${role.toLowerCase()}@example.nhs.uk`;
      const csv = `email,display_name,profession,role_type,bio,location,weekly_cap\n${email},Uploaded Host,dietetics,EDI lead,,online,2\n`;
      const server = createServer((_req, res) => res.end(csv));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ahp-directory.csv`;
        await w.e2e.post({
          ...w.e2e.message(w.users[role], ''),
          attachments: [
            {
              contentType: FILE_DOWNLOAD_INFO,
              name: 'ahp-directory.csv',
              content: { downloadUrl: url, fileType: 'csv' },
            },
          ],
        });
      } finally {
        await new Promise((r) => server.close(r));
      }
      return (await w.e2e.services.workspace.hosts.byEmail(TENANT, email)) !== null;
    },
  },
  {
    action: 'directory.host.add',
    target: () => ({}),
    allow: ['leadOfCohort', 'leadOfOtherCohort', 'admin'],
    probe: async (w, role) => {
      const email = `matrix.host.${role.toLowerCase()}@example.nhs.uk`;
      await exec(w, role, 'workspace.host.add', {
        email,
        displayName: `Host added by ${role}`,
        profession: 'dietetics',
        roleType: 'EDI lead',
        bio: '',
        location: 'online',
        weeklyCap: '3',
      });
      return (await w.e2e.services.workspace.hosts.byEmail(TENANT, email)) !== null;
    },
  },
];
