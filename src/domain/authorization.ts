/**
 * Who may do what: one pure policy for the role rules, used by the services that enforce
 * them and by the authorisation-matrix test (test/security/authorization-matrix.test.ts).
 *
 * A principal is a known person (roles, the cohort a student is on, the cohorts a lead leads).
 * A target names what the action is about: a student (and who supervises them), a cohort, an
 * AHP host. Relations decide, not just roles: a supervisor sees *their* students, a lead *their*
 * cohorts (any number: membership, not one field); an admin any cohort of the tenant (a lead
 * attached to no cohort leads none: tenant-wide access is the admin role). A student acts on their own things, an AHP host on their own
 * slots and bookings. Features call `can(...)` for every decision, so behaviour and the
 * matrix cannot drift apart. Unknown people never reach this policy (they
 * get one reply and nothing is stored), and `can(null, ...)` is always false.
 */
import type { Role } from './roles.js';

export interface Principal {
  /** people._id */
  _id: string;
  roles: readonly Role[];
  /** The cohort a student is on (for staff: the first cohort they are attached to). */
  cohortId: string | null;
  /**
   * The cohorts this person leads (people.leadCohortIds, from the roster's `cohort` list of a
   * lead). Absent on people stored before leads could lead several cohorts: then a lead leads
   * their one `cohortId`. Read it through `ledCohortIds`, never directly.
   */
  leadCohortIds?: readonly string[];
}

export interface Target {
  /** The student the action is about (their check-ins, reflections, data). */
  studentId?: string;
  /** Supervisors linked to that student. */
  supervisorIds?: readonly string[];
  /** The cohort the action is about (or the student's cohort). */
  cohortId?: string | null;
  /** The cohorts an action about several cohorts is about (a cohort-vs-cohort comparison). */
  cohortIds?: readonly string[];
  /** The AHP host (people._id) the action is about. */
  hostId?: string;
  /** The person whose own data the action is about. */
  personId?: string;
  /** Whether the student shared the reflection the action is about with their supervisors. */
  shared?: boolean;
  /** The people an announcement was sent to (asked to acknowledge it); a presentation's invited attendees. */
  audienceIds?: readonly string[];
  /** A project's members (src/features/projects): its students and its supervisors. */
  projectStudentIds?: readonly string[];
  projectSupervisorIds?: readonly string[];
  /** The supervisors linked to the project's students (who see every project their students are on). */
  projectStudentSupervisorIds?: readonly string[];
  /** The fellow students a reflection is shared with (their project team or cohort); empty when not shared with peers. */
  peerIds?: readonly string[];
}

type Rule = (p: Principal, t: Target) => boolean;

const has = (p: Principal, role: Role) => p.roles.includes(role);
export const isAdmin = (p: Principal) => has(p, 'admin');
/** The cohorts `p` leads (by membership; empty for someone without the lead role). Admins: see isAdmin. */
export function ledCohortIds(p: Pick<Principal, 'roles' | 'cohortId' | 'leadCohortIds'>): readonly string[] {
  if (!p.roles.includes('lead')) return [];
  if (p.leadCohortIds) return p.leadCohortIds;
  return p.cohortId ? [p.cohortId] : [];
}
/** `p` leads that cohort (is one of its leads), or is an admin. */
export const leadsCohort = (p: Principal, cohortId: string | null | undefined) =>
  isAdmin(p) || (!!cohortId && ledCohortIds(p).includes(cohortId));
export const supervises = (p: Principal, t: Target) =>
  has(p, 'supervisor') && !!t.studentId && (t.supervisorIds ?? []).includes(p._id);
const isSelf = (p: Principal, id: string | undefined) => !!id && p._id === id;
/** A student acting on their own things (check-ins, reflections, bookings). */
const studentSelf = (p: Principal, t: Target) => has(p, 'student') && isSelf(p, t.studentId);
/** The cohort's lead, an admin, or a supervisor of the student the action is about. */
const supervisesOrLeads = (p: Principal, t: Target) => supervises(p, t) || leadsCohort(p, t.cohortId);
const leadsTargetCohort: Rule = (p, t) => leadsCohort(p, t.cohortId);
const anyone: Rule = () => true;
/** A supervisor attached to the target cohort (people.cohortIds; people stored before that: cohortId). */
const attachedSupervisor: Rule = (p, t) => {
  const attached =
    (p as Principal & { cohortIds?: readonly string[] }).cohortIds ?? (p.cohortId ? [p.cohortId] : []);
  return has(p, 'supervisor') && !!t.cohortId && attached.includes(t.cohortId);
};
/** One of a project's students or supervisors. */
const projectMember: Rule = (p, t) =>
  (has(p, 'student') && (t.projectStudentIds ?? []).includes(p._id)) ||
  (has(p, 'supervisor') && (t.projectSupervisorIds ?? []).includes(p._id));
/** A project's member, or a supervisor of one of its students. */
const projectMemberOrStudentsSupervisor: Rule = (p, t) =>
  projectMember(p, t) || (has(p, 'supervisor') && (t.projectStudentSupervisorIds ?? []).includes(p._id));

/**
 * The rules, one per action. Features add a row for every action they enforce; the matrix
 * test must then gain the same row (it fails for an action without expectations).
 */
export const POLICY = {
  /** `help`: the command list for the caller's roles. */
  'help.show': anyone,
  /** Link a team channel to a cohort: its lead, or an admin. */
  'cohort.link': (p, t) => leadsCohort(p, t.cohortId),
  /** Export / erase one's own data (personal chat). */
  'data.export.self': (p, t) => isSelf(p, t.personId),
  'data.erase.self': (p, t) => isSelf(p, t.personId),
  /** Export / erase someone else's data, or import/export the roster: admins (the admin CLI). */
  'data.export.person': (p) => isAdmin(p),
  'data.erase.person': (p) => isAdmin(p),
  'roster.admin': (p) => isAdmin(p),
  /** The dashboard's cohort view (overview, tables, CSV): the cohort's lead, admins. */
  'cohort.dashboard.view': (p, t) => leadsCohort(p, t.cohortId),
  /** The dashboard's view of one student's record for their supervisor: that student's supervisors. */
  'student.dashboard.supervise': (p, t) => supervises(p, t),

  /** `my placement` (week, days, dates, supervisor, lead, next conversation): a student, their own. */
  'placement.view.self': studentSelf,

  // Check-ins (src/features/checkins). Target: the student, their supervisors, their cohort.
  /** `check in`, `my check-ins`, submit / edit / refresh one's own weekly check-in: the student. */
  'checkin.submit.self': studentSelf,
  /** Read a student's check-in (digest "View"): their supervisors, the cohort's lead, admins. */
  'checkin.view': supervisesOrLeads,
  /** Comment on it (the student is notified): their supervisors, the cohort's lead, admins. */
  'checkin.comment': supervisesOrLeads,
  /** Countersign it: the student's supervisors only (a signature is the supervisor's own). */
  'checkin.countersign': (p, t) => supervises(p, t),
  /** Nudge the student about a missed week (once a week): the student's supervisors only. */
  'checkin.nudge': (p, t) => supervises(p, t),
  /** Pause a student's check-ins (sickness, study leave): their supervisors, the cohort's lead, admins. */
  'checkin.pause': supervisesOrLeads,
  /** `cohort status` for a cohort: its lead, admins. */
  'checkin.cohort.status': leadsTargetCohort,

  // Supervision sessions and agreed actions (src/features/supervision). Target: a student and
  // their supervisors; for an action also its owner (personId).
  /**
   * Record a session (one student, a group, a project team), checked per attendee: a supervisor
   * of the student, or a supervisor of the project team the student is on.
   */
  'supervision.session.record': (p, t) =>
    supervises(p, t) ||
    (has(p, 'supervisor') &&
      !!t.studentId &&
      (t.projectStudentIds ?? []).includes(t.studentId) &&
      (t.projectSupervisorIds ?? []).includes(p._id)),
  /** Done / Not yet / Carry over on an agreed action: its owner, or a supervisor of the student it is about. */
  'supervision.action.update': (p, t) => isSelf(p, t.personId) || supervises(p, t),
  /** Comment on an agreed action from the notes card (the supervisor is told): its owner only. */
  'supervision.action.comment': (p, t) => isSelf(p, t.personId),
  /** `my students` (each supervisee's week, actions, shared reflections): supervisors, for their own students. */
  'supervision.students.view': (p, t) => has(p, 'supervisor') && isSelf(p, t.personId),
  /** Receive the escalation card (missed check-ins, low wellbeing): the cohort's lead (admins when it has none). */
  'supervision.escalation.receive': leadsTargetCohort,

  // Reflections (src/features/reflections). Target: the author (studentId), their supervisors.
  /** `reflect`, drafts and steps, `my reflections`, `my journey`: a student, for themselves. */
  'reflection.write.self': studentSelf,
  /** Read, share/unshare, edit, delete one's own reflection: its author only. */
  'reflection.manage.self': (p, t) => isSelf(p, t.studentId),
  /** Read a reflection (and `shared reflections`): the author's supervisors, once it is shared. */
  'reflection.shared.view': (p, t) => t.shared === true && supervises(p, t),
  /** Written feedback on a shared reflection: the author's supervisors. */
  'reflection.feedback': (p, t) => t.shared === true && supervises(p, t),
  /** `export my journey` and opening its link: the student, for themselves. */
  'journey.export.self': studentSelf,
  /** `export journey <email>` (only what was shared) and opening its link: the student's supervisors. */
  'journey.export.supervised': (p, t) => supervises(p, t),
  /** `share my journey with <email>`: a read-only, expiring view for a named assessor; the student, their own. */
  'journey.share': studentSelf,
  /** Stop sharing (revoke an assessor's view): the student who shared it (target studentId: the share's owner). */
  'journey.share.revoke': (p, t) => isSelf(p, t.studentId),
  /** `reflection prompts` for a cohort: its lead, admins. */
  'reflection.prompts.configure': leadsTargetCohort,

  // 20-minute conversations (src/features/conversations). Target: the student, the host (hostId = people._id).
  /** `book a conversation`, browse and book a slot, `my bookings`: a student, for themselves. */
  'conversation.book': studentSelf,
  /** Cancel or move a booking: its two participants (the student and the host). */
  'conversation.booking.change': (p, t) => isSelf(p, t.studentId) || isSelf(p, t.hostId),
  /** Mark a booking held / no-show (with the host's rating): its host. */
  'conversation.outcome.record': (p, t) => isSelf(p, t.hostId),
  /** The student's note after a conversation: the booking's student. */
  'conversation.note': (p, t) => isSelf(p, t.studentId),
  /** `my slots`, publish / withdraw slots, block days, `my host profile`, `my bookings`: an AHP host, their own. */
  'conversation.host.offer': (p, t) => has(p, 'ahp-host') && isSelf(p, t.hostId),
  /** `conversations report` for a cohort: its lead, admins. */
  'conversation.cohort.report': leadsTargetCohort,

  // Surveys (src/features/surveys). Target: the run's cohort.
  /** Answer a run (and see the open ones): the students of its cohort. */
  'survey.respond': (p, t) => has(p, 'student') && !!t.cohortId && p.cohortId === t.cohortId,
  /** `run survey` for a cohort, and the list of its runs: the cohort's lead, admins. */
  'survey.run.manage': leadsTargetCohort,
  /** Close or cancel a scheduled or open run: the lead of the run's cohort, admins. */
  'survey.run.close': leadsTargetCohort,
  /** A run's results card and its CSV export: the lead of the run's cohort, admins. */
  'survey.results.view': leadsTargetCohort,
  /**
   * The comments held back from a run's shared results (they name someone or a safety
   * concern), read privately: the lead of the run's cohort, admins.
   */
  'survey.comments.review': leadsTargetCohort,
  /** A cohort's confidence before/after: its lead, admins. */
  'survey.insight.view': leadsTargetCohort,
  /**
   * Cohort-vs-cohort confidence deltas (`compare cohorts`, the dashboard's comparison): someone
   * who leads every one of the cohorts compared (a lead of several cohorts), admins.
   */
  'survey.insight.compare': (p, t) =>
    (t.cohortIds ?? []).length > 0 && (t.cohortIds ?? []).every((id) => leadsCohort(p, id)),

  // Announcements (src/features/announcements). Target: the announcement's cohort (and audience).
  /** `announce`: compose, preview and change a draft for a cohort: its lead, admins. */
  'announcement.compose': leadsTargetCohort,
  /** Send or schedule it, cancel a scheduled send: the cohort's lead, admins. */
  'announcement.send': leadsTargetCohort,
  /** Edit every posted copy: the cohort's lead, admins. */
  'announcement.edit': leadsTargetCohort,
  /** Recall it from everywhere it was posted: the cohort's lead, admins. */
  'announcement.recall': leadsTargetCohort,
  /** Resend it to the people it did not reach (unreachable or failed): the cohort's lead, admins. */
  'announcement.resend': leadsTargetCohort,
  /** The live status and the per-recipient delivery report (card and CSV), `announcements`: the cohort's lead, admins. */
  'announcement.status.view': leadsTargetCohort,
  /** Acknowledge it: the people it was sent to. */
  'announcement.acknowledge': (p, t) => (t.audienceIds ?? []).includes(p._id),

  // Lead workspace (src/features/lead-workspace). Target: the cohort being changed.
  /** Create a cohort from Teams (the creator then leads it): placement leads, admins. */
  'cohort.create': (p) => isAdmin(p) || has(p, 'lead'),
  /** Edit a cohort's name, calendar, non-placement days, supervision slot, time zone, check-in times: its lead, admins. */
  'cohort.manage': leadsTargetCohort,
  /** Add, move, pause or remove a student, add a supervisor, change a student's supervisors: the cohort's lead, admins (a move needs it for both cohorts). */
  'cohort.roster.manage': leadsTargetCohort,
  /** Add or update an AHP host in the directory for 20-minute conversations: placement leads, admins. */
  'directory.host.add': (p) => isAdmin(p) || has(p, 'lead'),
  /** Upload a roster or directory CSV from Teams: placement leads, admins (each row then checked against the rules above). */
  'roster.upload': (p) => isAdmin(p) || has(p, 'lead'),

  // Projects (src/features/projects). Target: the project's cohort and members.
  /** `new project` for a cohort: its lead, admins, or a supervisor attached to that cohort. */
  'project.create': (p, t) => leadsCohort(p, t.cohortId) || attachedSupervisor(p, t),
  /** See a project (`my project`, `projects`): its students and supervisors, the supervisors of its students, the cohort's lead, admins. */
  'project.view': (p, t) => projectMemberOrStudentsSupervisor(p, t) || leadsCohort(p, t.cohortId),
  /** Change members, milestones and the presentation slot: its supervisors, the cohort's lead, admins. */
  'project.manage': (p, t) =>
    (has(p, 'supervisor') && (t.projectSupervisorIds ?? []).includes(p._id)) || leadsCohort(p, t.cohortId),
  /** Propose a milestone, mark one done, post a project update at any time: its students and supervisors, the cohort's lead, admins. */
  'project.contribute': (p, t) => projectMember(p, t) || leadsCohort(p, t.cohortId),
  /** Rate and comment on the final presentation: invited supervisors, AHP hosts and leads, and invited peers (students not on the project). */
  'project.feedback.give': (p, t) =>
    (t.audienceIds ?? []).includes(p._id) &&
    (has(p, 'supervisor') ||
      has(p, 'ahp-host') ||
      has(p, 'lead') ||
      has(p, 'admin') ||
      (has(p, 'student') && !(t.projectStudentIds ?? []).includes(p._id))),
  /** Read the presentation feedback: the project's members, the supervisors of its students, the cohort's lead, admins. */
  'project.feedback.view': (p, t) => projectMemberOrStudentsSupervisor(p, t) || leadsCohort(p, t.cohortId),

  // Peer reflection (src/features/reflections). Target: the author, peerIds (whom it is shared with).
  /** Share one's own reflection with one's project team or cohort, or stop: its author (a student). */
  'reflection.peer.share': studentSelf,
  /** Read a reflection a fellow student shared with their peer group, and reply to it: those peers. */
  'reflection.peer.view': (p, t) => has(p, 'student') && (t.peerIds ?? []).includes(p._id),
  'reflection.peer.reply': (p, t) => has(p, 'student') && (t.peerIds ?? []).includes(p._id),
  /** Post a reflective-workshop prompt to a cohort's channel: its lead, admins. */
  'reflection.workshop.post': leadsTargetCohort,
  /** Answer a workshop prompt with a reflection: the students of its cohort. */
  'reflection.workshop.reply': (p, t) => has(p, 'student') && !!t.cohortId && p.cohortId === t.cohortId,

  // Placement events (src/features/events). Target: the event's cohort (and its invitees).
  /** `new event`, edit or cancel an event for a cohort: its lead, admins. */
  'event.manage': leadsTargetCohort,
  /** `events` (the lead's list) and an event's RSVPs, counts and names: the cohort's lead, admins. */
  'event.rsvps.view': leadsTargetCohort,
  /** Record who attended (the checklist card): the cohort's lead, admins. */
  'event.attendance.record': leadsTargetCohort,
  /** Answer an invitation (going / maybe / not going): the people invited. */
  'event.rsvp': (p, t) => (t.audienceIds ?? []).includes(p._id),
  /** `events` as a student: their own invitations. */
  'event.invitations.view.self': studentSelf,

  // Raising a concern (src/features/concerns). Target: audienceIds = the concern's receivers.
  /** `raise a concern` (named or anonymous), from the command or the support answer: anyone known. */
  'concern.raise': anyone,
  /** See a concern's card as it is now (its refresh): the people it was sent to. */
  'concern.view': (p, t) => (t.audienceIds ?? []).includes(p._id),
  /** Acknowledge a concern: the people it was sent to (never anyone else, whatever their role). */
  'concern.acknowledge': (p, t) => (t.audienceIds ?? []).includes(p._id),
  /** Reply to its sender through the bot: the people it was sent to. */
  'concern.reply': (p, t) => (t.audienceIds ?? []).includes(p._id),
} satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];

export function can(principal: Principal | null | undefined, action: Action, target: Target = {}): boolean {
  if (!principal) return false;
  const rule: Rule = POLICY[action];
  return rule(principal, target);
}
