/**
 * What each kind of personal data is called on the export and erase cards, in words a person
 * uses (the collection names are for the database). Every registered collection that holds
 * personal data needs a label here (test/security/data-protection-labels.test.ts).
 */
export const PERSONAL_DATA_LABELS: Record<string, string> = {
  turn_state: 'Where our chats left off',
  people: 'Your profile (name, email, role, cohort)',
  identity_links: 'Your Teams sign-in link',
  supervision_links: 'Supervisor and student links',
  ahp_hosts: 'Your AHP host profile',
  conversation_slots: 'Conversation times you offer',
  conversation_bookings: '20-minute conversations',
  conversation_host_settings: 'Days you blocked for conversations',
  conversation_references: 'Conversations with the bot',
  outbox: 'Messages waiting',
  outbox_deliveries: 'Messages sent to you',
  jobs: 'Reminders planned for you',
  reflections: 'Reflections',
  reflection_drafts: 'Reflection drafts',
  reflection_feedback: 'Feedback on reflections',
  reflection_peer_replies: 'Replies from fellow students on shared reflections',
  journey_shares: 'Learning journey shared with assessors',
  survey_runs: 'Surveys you set up',
  survey_responses: 'Your survey answers (named surveys)',
  checkins: 'Weekly check-ins',
  checkin_pauses: 'Check-in pauses',
  supervision_sessions: 'Supervision sessions recorded',
  supervision_actions: 'Actions agreed in supervision',
  supervision_open_actions: 'Your open supervision actions',
  supervision_escalations: 'Follow-ups raised with your placement lead',
  project_members: 'Quality-improvement project teams',
  project_milestones: 'Project milestones you own or added',
  project_updates: 'Project updates you posted or gave in check-ins',
  project_attendees: 'Project presentation invitations',
  project_feedback: 'Feedback on project presentations',
  announcements: 'Announcements',
  announcement_acks: 'Announcements you acknowledged',
  events: 'Placement events you set up',
  event_invitations: 'Placement event invitations and replies',
  dashboard_rollups: 'Dashboard summaries naming you',
  data_exports: 'Download links for your data',
  concerns: 'Concerns raised with your name, sent to you or answered by you',
  concern_senders: 'Your link to concerns you raised anonymously',
  audit: 'Record of actions (audit log)',
};

/** The label for a collection; a readable fallback for one added without a label. */
export function personalDataLabel(collection: string): string {
  const label = PERSONAL_DATA_LABELS[collection];
  if (label) return label;
  const words = collection.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The facts for the export / erase cards: one line per kind of data held, with its count. */
export function personalDataFacts(counts: Record<string, number>): { title: string; value: string }[] {
  return Object.entries(counts).map(([collection, n]) => ({
    title: personalDataLabel(collection),
    value: String(n),
  }));
}
