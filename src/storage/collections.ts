/**
 * Every collection the service uses, its indexes, and where it keeps personal data.
 * Indexes are created at start-up from this list. Data protection (export / erase per
 * person) reads `personFields`: a collection holding personal data must name the fields
 * that carry a person id, so nothing about a person is left behind.
 */
import type { Db, IndexDescription } from 'mongodb';

export interface CollectionSpec {
  name: string;
  indexes: IndexDescription[];
  /**
   * Fields holding a person id (people._id; for turn state the Teams user / personal
   * conversation id), or null when the collection has no personal data. The first field names
   * whose document it is: erasing that person deletes it; a match in another field only
   * replaces that reference with null (e.g. a supervisor's name on a student's check-in).
   */
  personFields: string[] | null;
  /** Erasure deletes the document when the person is in any of personFields (links, state). */
  eraseWhenAny?: boolean;
}

const spec = (s: CollectionSpec): CollectionSpec => s;

export const collections = {
  turnState: spec({
    name: 'turn_state',
    indexes: [],
    // Conversation/user state of the Teams AI library, written by earlier builds (the bot
    // keeps no turn state now); registered so what they stored is still exported and erased.
    personFields: ['userId', 'conversationId'],
    eraseWhenAny: true,
  }),
  people: spec({
    name: 'people',
    indexes: [
      { key: { tenantId: 1, email: 1 }, unique: true, name: 'tenant_email' },
      { key: { tenantId: 1, aadObjectId: 1 }, name: 'tenant_aad' },
      { key: { tenantId: 1, teamsUserId: 1 }, name: 'tenant_teams_user' },
      { key: { tenantId: 1, cohortId: 1 }, name: 'tenant_cohort' },
      { key: { tenantId: 1, cohortIds: 1 }, name: 'tenant_cohorts' },
      // The erasure job's sweep for requests cut short (src/features/data-protection).
      { key: { erasureRequestedAt: 1 }, name: 'erasure_requested' },
    ],
    personFields: ['_id'],
  }),
  cohorts: spec({
    name: 'cohorts',
    indexes: [
      { key: { tenantId: 1, name: 1 }, unique: true, name: 'tenant_name' },
      { key: { tenantId: 1, teamsChannelId: 1 }, name: 'tenant_channel' },
    ],
    personFields: null,
  }),
  identityLinks: spec({
    name: 'identity_links',
    indexes: [{ key: { tenantId: 1, personId: 1 }, name: 'tenant_person' }],
    personFields: ['personId'],
  }),
  supervisions: spec({
    name: 'supervision_links',
    indexes: [
      {
        key: { tenantId: 1, studentId: 1, supervisorId: 1 },
        unique: true,
        name: 'tenant_student_supervisor',
      },
      { key: { tenantId: 1, supervisorId: 1 }, name: 'tenant_supervisor' },
    ],
    personFields: ['studentId', 'supervisorId'],
    eraseWhenAny: true,
  }),
  ahpHosts: spec({
    name: 'ahp_hosts',
    indexes: [
      { key: { tenantId: 1, email: 1 }, unique: true, name: 'tenant_email' },
      { key: { tenantId: 1, personId: 1 }, name: 'tenant_person' },
    ],
    personFields: ['personId'],
  }),
  conversationSlots: spec({
    name: 'conversation_slots',
    // _id = tenant|slot|<host>|<start ISO>: publishing the same slot twice stores it once.
    indexes: [{ key: { tenantId: 1, startsAt: 1 }, name: 'tenant_starts' }],
    personFields: ['hostPersonId'],
  }),
  conversationBookings: spec({
    name: 'conversation_bookings',
    indexes: [
      { key: { tenantId: 1, studentId: 1 }, name: 'tenant_student' },
      { key: { tenantId: 1, hostPersonId: 1, startsAt: 1 }, name: 'tenant_host_starts' },
      { key: { tenantId: 1, cohortId: 1 }, name: 'tenant_cohort' },
    ],
    personFields: ['studentId', 'hostPersonId', 'endedBy'],
  }),
  conversationHolds: spec({
    name: 'conversation_holds',
    // Insert-if-absent holds that settle booking races: one per slot, one per cap unit
    // (host|ISO week|k), one per booking's final transition. Ids and booking ids only.
    indexes: [{ key: { tenantId: 1, kind: 1, weekKey: 1 }, name: 'tenant_kind_week' }],
    personFields: null,
  }),
  conversationHostSettings: spec({
    name: 'conversation_host_settings',
    indexes: [],
    personFields: ['hostPersonId'],
  }),
  conversationReferences: spec({
    name: 'conversation_references',
    indexes: [
      { key: { tenantId: 1, key: 1 }, unique: true, name: 'tenant_key' },
      { key: { tenantId: 1, personId: 1 }, name: 'tenant_person' },
    ],
    personFields: ['personId'],
  }),
  outbox: spec({
    name: 'outbox',
    indexes: [
      { key: { state: 1, notBefore: 1 }, name: 'state_due' },
      { key: { tenantId: 1, batchId: 1, state: 1 }, name: 'tenant_batch_state' },
    ],
    personFields: ['personId'],
  }),
  outboxDeliveries: spec({
    name: 'outbox_deliveries',
    // _id = the outbox item's id: one record per delivered message (see proactive/outbox.ts).
    indexes: [],
    personFields: ['personId'],
  }),
  claims: spec({
    name: 'claims',
    indexes: [{ key: { at: 1 }, name: 'at' }],
    // Hashed ids and a time: no personal data.
    personFields: null,
  }),
  senderLeases: spec({
    name: 'sender_leases',
    // _id = `<tenantId>|<epoch>`: one document per taking of a tenant's send lease
    // (src/proactive/tenant-send-lease.ts). Instance ids and times: no personal data.
    indexes: [{ key: { tenantId: 1, epoch: -1 }, name: 'tenant_epoch' }],
    personFields: null,
  }),
  jobs: spec({
    name: 'jobs',
    indexes: [
      { key: { key: 1 }, unique: true, name: 'job_key' },
      { key: { state: 1, runAt: 1 }, name: 'state_run_at' },
    ],
    personFields: ['personId'],
  }),
  reflections: spec({
    name: 'reflections',
    indexes: [{ key: { tenantId: 1, personId: 1, createdAt: 1 }, name: 'tenant_person_created' }],
    personFields: ['personId'],
  }),
  reflectionDrafts: spec({
    name: 'reflection_drafts',
    indexes: [{ key: { tenantId: 1, personId: 1 }, name: 'tenant_person' }],
    personFields: ['personId'],
  }),
  reflectionFeedback: spec({
    name: 'reflection_feedback',
    indexes: [{ key: { tenantId: 1, reflectionId: 1 }, name: 'tenant_reflection' }],
    personFields: ['studentId', 'supervisorId'],
  }),
  reflectionPeerReplies: spec({
    name: 'reflection_peer_replies',
    // A fellow student's short reply to a reflection shared with their peer group; _id =
    // <reflection>|peer|<replier>|<card nonce>. Gone when either the replier or the author is erased.
    indexes: [{ key: { tenantId: 1, reflectionId: 1 }, name: 'tenant_reflection' }],
    personFields: ['replierId', 'authorId'],
    eraseWhenAny: true,
  }),
  reflectionWorkshops: spec({
    name: 'reflection_workshops',
    // A reflective-workshop prompt posted to a cohort's channel (_id = tenant|rworkshop|<request>):
    // the prompt and the cohort; who posted it is in the audit log. Replies are reflections.
    indexes: [],
    personFields: null,
  }),
  reflectionSchedules: spec({
    name: 'reflection_schedules',
    indexes: [],
    // One per cohort: which placement days end with a reflection prompt.
    personFields: null,
  }),
  journeyShares: spec({
    name: 'journey_shares',
    // A student's read-only, expiring view of their learning journey for a named assessor
    // (_id = tenant|<student>|jshare|<card nonce>); revocable. Gone when the student, or an
    // assessor on the roster, is erased (it holds the assessor's name and email).
    indexes: [{ key: { tenantId: 1, studentId: 1 }, name: 'tenant_student' }],
    personFields: ['studentId', 'assessorId'],
    eraseWhenAny: true,
  }),
  surveyRuns: spec({
    name: 'survey_runs',
    indexes: [{ key: { tenantId: 1, cohortId: 1, opensAt: -1 }, name: 'tenant_cohort_opens' }],
    // endedBy: the lead who closed the run early or cancelled it (pseudonymised on erasure).
    personFields: ['createdBy', 'endedBy'],
  }),
  surveyTemplates: spec({
    name: 'survey_templates',
    // A lead's own survey, kept for the tenant: its questions only (who wrote it is in the audit log).
    indexes: [{ key: { tenantId: 1, createdAt: -1 }, name: 'tenant_created' }],
    personFields: null,
  }),
  surveyResponses: spec({
    name: 'survey_responses',
    // _id is an HMAC of (run, person): one response per person per run. Anonymous responses
    // hold no person id; named ones carry respondentId.
    indexes: [{ key: { tenantId: 1, runId: 1 }, name: 'tenant_run' }],
    personFields: ['respondentId'],
  }),
  checkins: spec({
    name: 'checkins',
    // _id is the natural key tenant + student + week (one check-in per student per week).
    indexes: [{ key: { tenantId: 1, cohortId: 1, week: 1 }, name: 'tenant_cohort_week' }],
    personFields: ['studentId', 'countersignedBy', 'comments.authorId'],
  }),
  checkinPauses: spec({
    name: 'checkin_pauses',
    indexes: [{ key: { tenantId: 1, cohortId: 1 }, name: 'tenant_cohort' }],
    personFields: ['studentId', 'createdBy'],
  }),
  supervisionSessions: spec({
    name: 'supervision_sessions',
    // One record per attendee of a session (src/features/supervision): the student's own copy.
    indexes: [{ key: { tenantId: 1, studentId: 1 }, name: 'tenant_student' }],
    personFields: ['studentId', 'recordedBy'],
  }),
  supervisionActions: spec({
    name: 'supervision_actions',
    // What a session agreed: _id = tenant|supervision-action|<session>|<n>; owner, student, supervisor.
    indexes: [
      { key: { tenantId: 1, cohortId: 1 }, name: 'tenant_cohort' },
      { key: { tenantId: 1, supervisorId: 1 }, name: 'tenant_supervisor' },
    ],
    personFields: ['ownerId', 'studentId', 'supervisorId', 'lastUpdateBy'],
  }),
  supervisionOpenActions: spec({
    name: 'supervision_open_actions',
    // Per owner (_id = tenant|open-actions|<person>): their open actions, read by _id on check-in.
    indexes: [],
    personFields: ['ownerId'],
  }),
  supervisionEscalations: spec({
    name: 'supervision_escalations',
    // One per student and episode (_id = tenant|escalation|<student>|<kind>|w<start>).
    indexes: [{ key: { tenantId: 1, cohortId: 1 }, name: 'tenant_cohort' }],
    personFields: ['studentId'],
  }),
  announcements: spec({
    name: 'announcements',
    indexes: [{ key: { tenantId: 1, cohortId: 1, createdAt: -1 }, name: 'tenant_cohort_created' }],
    // The author, and the people asked to read it (an array of person ids).
    personFields: ['authorId', 'audience'],
  }),
  announcementAcks: spec({
    name: 'announcement_acks',
    indexes: [{ key: { tenantId: 1, announcementId: 1 }, name: 'tenant_announcement' }],
    personFields: ['personId'],
  }),
  events: spec({
    name: 'events',
    // Placement events (src/features/events); _id from the compose card's request id.
    indexes: [{ key: { tenantId: 1, cohortId: 1, startsAt: 1 }, name: 'tenant_cohort_starts' }],
    personFields: ['createdBy'],
  }),
  calendarEntries: spec({
    name: 'calendar_entries',
    // "Add to calendar" entries for events and presentations (src/features/calendar): titles,
    // times, places and meeting links; _id = tenant|calendar|<source key>. No person ids;
    // cohortId, so retention deletes them with the cohort.
    indexes: [{ key: { tenantId: 1, cohortId: 1 }, name: 'tenant_cohort' }],
    personFields: null,
  }),
  eventInvitations: spec({
    name: 'event_invitations',
    // _id = tenant|event-invite|<event>|<person>: the student's RSVP and attendance.
    indexes: [
      { key: { tenantId: 1, eventId: 1 }, name: 'tenant_event' },
      { key: { tenantId: 1, personId: 1 }, name: 'tenant_person' },
    ],
    personFields: ['personId'],
  }),
  dashboardRollups: spec({
    name: 'dashboard_rollups',
    // Per cohort (_id = tenant|rollup|<cohort>), recomputed whole by the dashboard's job and read
    // by _id: aggregates; and per week the ids of students overdue then (deleted on erasure).
    indexes: [],
    personFields: ['overdue.studentId'],
  }),
  projects: spec({
    name: 'projects',
    // _id = tenant|project|<card request id>: a retried "create" stores one project. Title, the
    // clinical team, the presentation slot; no person ids (members are in project_members, the
    // creator in the audit log), so erasing a lead does not delete a team's project.
    indexes: [{ key: { tenantId: 1, cohortId: 1 }, name: 'tenant_cohort' }],
    personFields: null,
  }),
  projectMembers: spec({
    name: 'project_members',
    // A student: _id = tenant|projmember|student|<cohort>|<person> (one project per cohort, by
    // construction); a supervisor: tenant|projmember|supervisor|<project>|<person>.
    indexes: [
      { key: { tenantId: 1, projectId: 1 }, name: 'tenant_project' },
      { key: { tenantId: 1, personId: 1 }, name: 'tenant_person' },
    ],
    personFields: ['personId'],
  }),
  projectMilestones: spec({
    name: 'project_milestones',
    // _id = tenant|projms|<project>|<card request id>: a title, a date, done or not; its owner
    // (whose it is: erasing them removes it, as with an agreed action) and who added it.
    indexes: [{ key: { tenantId: 1, projectId: 1 }, name: 'tenant_project' }],
    personFields: ['ownerId', 'addedBy'],
  }),
  projectUpdates: spec({
    name: 'project_updates',
    // From the weekly check-in's project field: _id = tenant|projupd|<project>|<student>|w<week>.
    indexes: [{ key: { tenantId: 1, projectId: 1 }, name: 'tenant_project' }],
    personFields: ['studentId'],
  }),
  projectAttendees: spec({
    name: 'project_attendees',
    // Invited to the final presentation: _id = tenant|projatt|<project>|<person>.
    indexes: [{ key: { tenantId: 1, projectId: 1 }, name: 'tenant_project' }],
    personFields: ['personId'],
  }),
  projectFeedback: spec({
    name: 'project_feedback',
    // One rating per rater per project: _id = tenant|projfb|<project>|<rater>.
    indexes: [{ key: { tenantId: 1, projectId: 1 }, name: 'tenant_project' }],
    personFields: ['raterId'],
  }),
  dataExports: spec({
    name: 'data_exports',
    // One-time download links for `export my data` (src/features/data-protection).
    indexes: [],
    personFields: ['personId'],
  }),
  supportAnswers: spec({
    name: 'support_answers',
    // How often the kind answer to distress was shown: one count per tenant and month, with
    // no text and no person (src/features/support).
    indexes: [],
    personFields: null,
  }),
  concerns: spec({
    name: 'concerns',
    // A concern raised with the trust's receivers (src/features/concerns); _id = tenant|concern|
    // <form request id>. The sender's id only when named (erasing them deletes it); receivers,
    // who acknowledged and who replied lose their reference on erasure.
    indexes: [{ key: { tenantId: 1, senderId: 1 }, name: 'tenant_sender' }],
    personFields: ['senderId', 'receiverIds', 'acknowledgedBy', 'replies.authorId'],
  }),
  concernSenders: spec({
    name: 'concern_senders',
    // The sealed mapping from an anonymous concern (_id = the concern's id) to its sender: read
    // only by the reply path, never shown to a receiver (docs/decisions/0009-anonymous-concerns.md).
    indexes: [],
    personFields: ['senderId'],
  }),
  audit: spec({
    name: 'audit',
    indexes: [{ key: { tenantId: 1, at: -1 }, name: 'tenant_at' }],
    personFields: ['actorId', 'targetId'],
  }),
};

export type CollectionKey = keyof typeof collections;

/**
 * Creates the indexes that are missing, one at a time: FerretDB 1.x (the local database)
 * fails a createIndexes call that names several indexes when they already exist.
 */
export async function ensureIndexes(
  db: Db,
  specs: CollectionSpec[] = Object.values(collections),
): Promise<void> {
  for (const spec of specs) {
    if (spec.indexes.length === 0) continue;
    const collection = db.collection(spec.name);
    const existing = new Set(
      await collection
        .listIndexes()
        .toArray()
        .then((list) => list.map((i) => i.name as string))
        .catch(() => [] as string[]),
    );
    for (const index of spec.indexes) {
      if (!existing.has(index.name!)) await collection.createIndexes([index]);
    }
  }
}
