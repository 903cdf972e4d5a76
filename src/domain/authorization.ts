/**
 * Who may do what: one pure policy for the role rules, used by the services that enforce
 * them and by the authorisation-matrix test (test/security/authorization-matrix.test.ts).
 *
 * A principal is a known person (roles + the cohort they belong to / lead). A target names
 * what the action is about: a student (and who supervises them), a cohort, an AHP host.
 * Relations decide, not just roles: a supervisor sees *their* students, a lead *their*
 * cohort; an admin any cohort of the tenant. Unknown people never reach this policy (they
 * get one reply and nothing is stored), and `can(null, ...)` is always false.
 */
import type { Role } from '../storage/people-repository.js';

export interface Principal {
  /** people._id */
  _id: string;
  roles: readonly Role[];
  /** The cohort a student is on, or a lead/supervisor is attached to. */
  cohortId: string | null;
}

export interface Target {
  /** The student the action is about (their check-ins, reflections, data). */
  studentId?: string;
  /** Supervisors linked to that student. */
  supervisorIds?: readonly string[];
  /** The cohort the action is about (or the student's cohort). */
  cohortId?: string | null;
  /** The AHP host (people._id) the action is about. */
  hostId?: string;
  /** The person whose own data the action is about. */
  personId?: string;
}

type Rule = (p: Principal, t: Target) => boolean;

const has = (p: Principal, role: Role) => p.roles.includes(role);
export const isAdmin = (p: Principal) => has(p, 'admin');
/** A lead of the target cohort (attached to it), or an admin. */
export const leadsCohort = (p: Principal, cohortId: string | null | undefined) =>
  isAdmin(p) || (has(p, 'lead') && !!cohortId && p.cohortId === cohortId);
export const supervises = (p: Principal, t: Target) =>
  has(p, 'supervisor') && !!t.studentId && (t.supervisorIds ?? []).includes(p._id);
const isSelf = (p: Principal, id: string | undefined) => !!id && p._id === id;
const anyone: Rule = () => true;

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
} satisfies Record<string, Rule>;

export type Action = keyof typeof POLICY;
export const ACTIONS = Object.keys(POLICY) as Action[];

export function can(principal: Principal | null | undefined, action: Action, target: Target = {}): boolean {
  if (!principal) return false;
  const rule: Rule = POLICY[action];
  return rule(principal, target);
}
