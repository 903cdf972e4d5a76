/**
 * What the authorisation-matrix rows and runner share: the roles, the world the set-up builds,
 * the row shape, and helpers that act over HTTP as one role.
 */
import assert from 'node:assert/strict';
import { type Action, type Target } from '../../../src/domain/authorization.js';
import type { PersonDoc } from '../../../src/storage/people-repository.js';
import { asCard, cardTexts, type E2E, TENANT, type InvokeReply, type TestUser } from '../../e2e/harness.js';
import { bookingDoc } from '../../helpers/world.js';
import { checkinAnswers as answersOfWeek } from '../../helpers/loop-world.js';

export const ROLES = [
  'student',
  'supervisorOfStudent',
  'otherSupervisor',
  'ahpHost',
  'leadOfCohort',
  'leadOfOtherCohort',
  'admin',
  'unknown',
] as const;
export type RoleName = (typeof ROLES)[number];

export interface World {
  e2e: E2E;
  users: Record<RoleName, TestUser>;
  principals: Record<RoleName, PersonDoc | null>;
  cohortA: string;
  cohortB: string;
  studentId: string;
  supervisorIds: string[];
  /** The AHP host's directory entry (ahp_hosts._id) and free slots students can book. */
  hostDocId: string;
  freeSlots: { _id: string; startsAt: Date }[];
  /** The student's reflections: one private, one shared with their supervisor. */
  privateReflectionId: string;
  sharedReflectionId: string;
  /** An open survey run for cohort A. */
  surveyRunId: string;
  /** A sent announcement to cohort A (acknowledgement required) and who it was sent to. */
  announcementId: string;
  audienceIds: string[];
  /** A booking that took place, for the student's note. */
  pastBookingId: string;
  /** A project in cohort A: the student and their supervisor, presentation held an hour ago. */
  projectId: string;
  /** Invited to the presentation: the supervisor, the AHP host and the student. */
  presentationAudience: string[];
  /** A student of cohort A on no project (for project.create probes). */
  spareStudentId: string;
  /** An action the student agreed in a session their supervisor recorded. */
  actionId: string;
  /** An escalation episode about the student (missed check-ins), sent to cohort A's lead. */
  escalationId: string;
  /** The student's teammate on the matrix project, and their reflection shared with the project team. */
  teammateId: string;
  peerReflectionId: string;
  /** A reflective-workshop prompt posted to cohort A. */
  workshopId: string;
  /** A placement event for cohort A (the student invited), and one that has started. */
  eventId: string;
  startedEventId: string;
  /** An anonymous concern the student raised, sent to cohort A's lead and the trust's FTSU guardian. */
  concernId: string;
}

export interface Row {
  action: Action;
  target: (w: World, role: RoleName) => Target;
  allow: RoleName[];
  /** What actually happens over HTTP: true if the action went through. */
  probe?: (w: World, role: RoleName) => Promise<boolean>;
}

export const CHANNEL = '19:matrix-a@thread.tacv2';
export const everyoneKnown: RoleName[] = ROLES.filter((r) => r !== 'unknown');
export const leads: RoleName[] = ['leadOfCohort', 'admin'];
export const supervisorOrLeads: RoleName[] = ['supervisorOfStudent', 'leadOfCohort', 'admin'];
export const MINUTE = 60_000;

/** The person's id, or one nobody has (the unknown caller). */
export const pid = (w: World, role: RoleName) => w.principals[role]?._id ?? 'nobody';
/** What the student's action is about: them, their supervisors, their cohort. */
export const studentTarget = (w: World): Target => ({
  studentId: w.studentId,
  supervisorIds: w.supervisorIds,
  cohortId: w.cohortA,
});
export const cohortA = (w: World): Target => ({ cohortId: w.cohortA });
/** The matrix project: the student, their supervisor as its supervisor, cohort A. */
export const projectTarget = (w: World): Target => ({
  cohortId: w.cohortA,
  projectStudentIds: [w.studentId],
  projectSupervisorIds: w.supervisorIds,
});

/** An Action.Execute invoke as that person; the invoke response's value (a card or a message). */
export async function exec(
  w: World,
  role: RoleName,
  verb: string,
  data: Record<string, unknown>,
): Promise<InvokeReply['value']> {
  const res = await w.e2e.post(w.e2e.execute(w.users[role], verb, data));
  assert.equal(res.status, 200, `${verb} as ${role}: ${JSON.stringify(res.body)}`);
  return res.body?.value;
}

/** The matrix concern's receivers (people ids), as stored. */
export const concernReceivers = (w: World) => matrixConcernReceivers.get(w.concernId) ?? [];
export const matrixConcernReceivers = new Map<string, string[]>();

export const isCard = (value: unknown) => !!value && typeof value === 'object';
export const texts = (value: unknown) => (isCard(value) ? cardTexts(value) : [String(value)]);

export function openUrls(card: InvokeReply['value'] | undefined): string[] {
  const actions = card && typeof card === 'object' ? (card.actions ?? []) : [];
  return (actions as { type: string; url: string }[])
    .filter((a) => a.type === 'Action.OpenUrl')
    .map((a) => a.url);
}

/** Opens a link from a card on the test server (cards carry PUBLIC_BASE_URL). */
export async function open(w: World, url: string): Promise<number> {
  const res = await fetch(`${w.e2e.baseUrl}${new URL(url).pathname}${new URL(url).search}`);
  await res.text();
  return res.status;
}

export const checkinAnswers = (week: number) =>
  answersOfWeek(week, 4, { progress: 'Audit baseline collected.', wentWell: 'Good huddle.' });

export const announcementInput = (w: World, when: 'now' | 'later') => ({
  cohortId: w.cohortA,
  title: 'Room change for Thursday',
  body: 'Group supervision moves to room 4.',
  linkUrl: '',
  imageUrl: '',
  importance: 'normal',
  ackRequired: 'true',
  target: 'members',
  when,
  sendDate: when === 'later' ? '2025-02-12' : '',
  sendTime: when === 'later' ? '09:00' : '',
});

/** A new announcement by the cohort's lead: a draft to send later, or already sent. */
export async function announcement(w: World, mode: 'draft' | 'sent'): Promise<string> {
  const service = w.e2e.services.announcements;
  const lead = w.principals.leadOfCohort!;
  const preview = await service.preview(
    TENANT,
    lead,
    announcementInput(w, mode === 'draft' ? 'later' : 'now'),
    {
      channelId: null,
    },
  );
  const id = asCard(preview).actions[0].data.announcementId as string;
  if (mode === 'sent') await service.send(TENANT, lead, { announcementId: id });
  return id;
}

/** A booking of the student with the AHP host, starting `fromNow` ms from the test clock's now. */
export async function booking(w: World, fromNow: number): Promise<string> {
  const now = w.e2e.clock.now();
  const doc = bookingDoc(
    TENANT,
    {
      hostId: w.hostDocId,
      hostPersonId: w.principals.ahpHost!._id,
      studentId: w.studentId,
      cohortId: w.cohortA,
      startsAt: new Date(now.getTime() + fromNow),
      profession: 'dietetics',
      roleType: 'research',
      weekKey: '2025-W07',
    },
    now,
  );
  await w.e2e.services.conversations.repo.insertBooking(TENANT, doc);
  return doc._id;
}

/** The event card's fields for cohort A (a fresh request id creates a new event). */
export const eventInput = (w: World, requestId: string) => ({
  requestId,
  cohortId: w.cohortA,
  title: 'Careers expo',
  kind: 'careers-expo',
  date: '2025-02-20',
  startTime: '13:00',
  endTime: '16:00',
  location: 'Education Centre',
  onlineLink: '',
  description: '',
  nonPlacement: 'false',
});

export async function lastPersonalReply(w: World, role: RoleName, text: string) {
  const u = w.users[role];
  const before = w.e2e.connector.delivered(`a:personal-${u.id}`).length;
  const message = w.e2e.message(u, text);
  await w.e2e.post(message);
  // Only the answers to this message: a scheduled job may post into the chat meanwhile (CI
  // once saw a proactive message land after the export card, and the probe read that instead).
  return w.e2e.connector
    .delivered(`a:personal-${u.id}`)
    .slice(before)
    .map((c) => c.activity!)
    .filter((a) => a.replyToId === message.id);
}

export async function dashboard(w: World, role: RoleName, path: string): Promise<number> {
  const email = w.users[role].email!;
  const t = await fetch(`${w.e2e.baseUrl}/api/dashboard/dev-token?as=${encodeURIComponent(email)}`);
  if (t.status !== 200) return t.status;
  const { token } = (await t.json()) as { token: string };
  const res = await fetch(`${w.e2e.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  await res.text();
  return res.status;
}
